// The results: one row per run (label, live timeline, measured numbers), stacked on one time
// scale when several runs are compared, with a bar chart of their wall times. Once the runs
// have ended, a replay (views/replay.js) moves one cursor over all of them: its controls above
// the rows, what each run was doing at the cursor in each row, the code that ran below them.

import { createReplay } from './replay.js';
import { createTimeline } from './timeline.js';
import { drawChart } from './charts.js';
import { runFigures } from '../shared/figures.js';
import { hasArrivals, percent, seconds } from '../shared/metrics.js';

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

/**
 * Live redraws per second while a run goes. Every repaint costs CPU on the page's thread and
 * the raster threads, which on a 2-core machine is taken from the workers being measured.
 */
const LIVE_REDRAW_MS = 100;

function metric({ label, value, title }) {
  return el('div', { className: 'metric', title }, el('dt', {}, label), el('dd', {}, value));
}

/**
 * `replay`: show the replay's controls, words and code (false: only a cursor that `replay.seek`
 * or `replay.play` shows, for an embed without replay=1); `onCursor(state)`: after every move
 * of the replay's cursor.
 */
export function createResults(root, { compact = false, replay: controls = true, onCursor = null } = {}) {
  const replayBar = el('div', { hidden: true });
  const list = el('div', { className: 'runs' });
  const code = el('section', { hidden: true });
  const bars = el('div', { className: 'charts', hidden: true });
  let charts = []; // drawChart() handles of what bars holds
  root.append(replayBar, list, code, bars);
  const replay = createReplay({ bar: replayBar, code, controls, onCursor });
  let rows = [];

  function clear() {
    replay.clear();
    rows.forEach((row) => row.timeline.destroy());
    rows = [];
    list.replaceChildren();
    bars.hidden = true;
    charts.forEach((chart) => chart.destroy());
    charts = [];
    bars.replaceChildren();
  }

  /**
   * Starts a row for a run about to start; `expectedMs` (the ideal model's) sizes the live axis;
   * `rounds`: how many times it will run (its row is live again in each round).
   */
  function addRun(label, lanes, expectedMs, { rounds = 1 } = {}) {
    const status = el('span', { className: 'run-status' }, 'starting…');
    const plot = el('div', { className: 'timeline' });
    const numbers = el('dl', { className: 'metrics' });
    const notice = el('p', { className: 'notice', hidden: true });
    const now = el('section', { hidden: true });
    const article = el('article', { className: 'run' }, el('header', {}, el('h3', {}, label), status), plot, now, numbers, notice);
    article.dataset.label = label;
    list.append(article);
    let entry = null;
    const timeline = createTimeline(plot, {
      compact,
      onSeek: (ms) => replay.seek(ms),
      onLane: (id) => replay.selectLane(entry, id),
    });
    timeline.setLanes(lanes, { expectedMs });
    entry = replay.add({ label, timeline, now });
    let lastDraw = -Infinity;
    let roundWords = rounds > 1 ? ` (round 1 of ${rounds})` : '';
    const row = {
      label, timeline, result: null, smoothness: null, rounds: [], element: article,
      progress({ spans, elapsedMs, tasksDone, tasks }, groupNames) {
        if (elapsedMs - lastDraw < LIVE_REDRAW_MS) return;
        lastDraw = elapsedMs;
        status.textContent = `running${roundWords}… ${tasksDone}/${tasks} tasks, ${seconds(elapsedMs)}`;
        timeline.update(spans, { elapsedMs, groupNames });
      },
      /** The same run again, in round `round` (from 0) of `count`: live once more. */
      restart(nextLanes, nextExpectedMs, { round, rounds: count }) {
        roundWords = ` (round ${round + 1} of ${count})`;
        lastDraw = -Infinity;
        status.textContent = `starting${roundWords}…`;
        delete article.dataset.status;
        replay.reopen(entry);
        timeline.setLanes(nextLanes, { expectedMs: nextExpectedMs });
      },
      /** This row's run ended; `rounds`: the rounds it shows the figures of (medians and spreads). */
      finish(result, smoothness, baseline, { steps = null, rounds: measured = [{ result, baseline }] } = {}) {
        row.result = result;
        row.smoothness = smoothness;
        row.rounds = measured;
        const median = measured.length > 1 ? `, the median of ${measured.length} rounds` : '';
        status.textContent = result.status === 'cancelled' ? `cancelled after ${seconds(result.wallMs)}`
          : result.status === 'deadlocked' ? `deadlocked: stopped after ${seconds(result.wallMs)}` : `done in ${seconds(result.wallMs)}${median}`;
        article.dataset.status = result.status;
        article.dataset.rounds = String(measured.length);
        timeline.show(result, { steps });
        replay.finish(entry, result, { steps });
        numbers.replaceChildren(...runFigures(result, smoothness, baseline, measured).map(metric));
        const notes = [result.notice, result.droppedSpans ? `${result.droppedSpans} spans were not recorded (trace full).` : ''].filter(Boolean);
        notice.hidden = notes.length === 0;
        notice.textContent = notes.join(' ');
      },
    };
    rows.push(row);
    return row;
  }

  /** Puts every timeline on the same time axis, [0, ms]. */
  function shareScale(ms) {
    rows.forEach((row) => row.timeline.setScale(ms));
  }

  /** The charts of the finished runs, for what the batch is about (chartSpecs' `kind`). */
  function showCharts(kind = 'wall') {
    const done = rows.filter((r) => r.result);
    if (done.length < 2) return;
    const specs = chartSpecs(done, kind);
    charts.forEach((chart) => chart.destroy());
    const figures = specs.map(() => el('figure', { className: 'chart' }));
    bars.replaceChildren(...figures);
    charts = specs.map((spec, i) => drawChart(figures[i], spec));
    bars.hidden = false;
  }

  return { clear, addRun, shareScale, showCharts, rows: () => rows, replay };
}

/**
 * The charts of finished runs (`done`: their rows), for what a batch is about: `wall` (wall time
 * of each run), `frames` (the longest gap between two frames, and how long the reader's input
 * waited), `counter` (the share of the shared counter's updates each run lost), or `latency`
 * (each request's latency against when it arrived: a queue growing shows as a line going up).
 * Runs whose requests arrived over time always get the latency chart too.
 */
function chartSpecs(done, kind) {
  const specs = [];
  const median = done.some((r) => r.rounds.length > 1) ? `, the median of ${done[0].rounds.length} rounds` : '';
  if (kind === 'frames') {
    specs.push(barSpec(done, 'Longest gap between two frames during each run (shorter is smoother; a gap over 100 ms is felt as a stutter)',
      'Longest frame gaps', (row) => row.smoothness?.longestGapMs ?? 0));
    if (done.some((row) => row.smoothness?.inputs)) {
      specs.push(barSpec(done, 'How long your input waited for the page, at most (shorter is better)',
        'Input delays', (row) => row.smoothness?.longestInputDelayMs ?? 0));
    }
  } else if (kind === 'counter') {
    const counted = done.filter((row) => row.result.counter?.expected > 0);
    if (counted.length) {
      specs.push(barSpec(counted, 'Updates of the shared counter each run lost (0 % is right: every update counted; processes without messages counted in their own memory, which the page’s counter never saw)',
        'Updates lost', (row) => row.result.counter.lost / row.result.counter.expected, percent));
    }
  } else if (kind !== 'latency') {
    const stopped = done.some((row) => row.result.status === 'deadlocked') ? '; a deadlocked run’s bar is when the engine stopped it' : '';
    specs.push(barSpec(done, `Wall time of each run${median} (shorter is faster${stopped})`, 'Wall times', (row) => row.result.wallMs));
  }
  if (kind === 'latency' || done.some((row) => hasArrivals(row.result))) specs.push(latencySpec(done));
  return specs;
}

/** A bar chart of `value(row)` for each row (ms, or as `format` says); a run that deadlocked says so by its bar. */
function barSpec(done, caption, label, value, format = seconds) {
  const rows = done.map((row) => ({ label: `${row.label}${row.result.status === 'deadlocked' ? ' (deadlocked)' : ''}`,
    value: value(row), className: `bar-${row.result.strategy}` }));
  return { kind: 'bars', caption, label: `${label}: ${rows.map((r) => `${r.label} ${format(r.value)}`).join(', ')}`, rows, format };
}

/** Each request's latency (end − arrival) against its arrival, a line per run that has requests. */
function latencySpec(done) {
  const series = done.filter((row) => hasArrivals(row.result)).map((row, i) => ({
    label: row.label,
    className: `series-${i}`,
    points: row.result.taskTimes.filter((t) => t.end !== null).sort((a, b) => a.arrival - b.arrival).map((t) => [t.arrival, t.end - t.arrival]),
  }));
  const p95 = done.filter((row) => row.result.latencyMs).map((row) => `${row.label} p95 ${seconds(row.result.latencyMs.p95)}`).join(', ');
  return {
    kind: 'lines', series, xLabel: 'arrived at (ms from the start)', yLabel: 'latency', format: seconds,
    caption: 'Latency of each request by when it arrived: a line that climbs is a queue growing (lower is better)',
    label: `Latency by arrival: ${p95}`,
  };
}
