// The results: one row per run (label, live timeline, measured numbers), stacked on one time
// scale when several runs are compared, with a bar chart of their wall times. Once the runs
// have ended, a replay (views/replay.js) moves one cursor over all of them: its controls above
// the rows, what each run was doing at the cursor in each row, the code that ran below them.

import { createReplay } from './replay.js';
import { createTimeline } from './timeline.js';
import { efficiency, hasArrivals, percent, seconds, speedup, threadsUsed, times } from '../app/metrics.js';

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

/**
 * Over 100 % is no miracle: waits overlapped, which costs no thread; or, with nothing to wait
 * for, the sequential baseline took longer than its computing: it shared the page’s thread.
 */
function efficiencyText(value, baseline) {
  if (value <= 1.05) return percent(value);
  const waited = baseline.spans?.some((s) => s.kind === 'io');
  return `${percent(value)} (${waited ? 'waits overlapped' : 'sequential shared its thread with the page'})`;
}

/**
 * Live redraws per second while a run goes. Every repaint costs CPU on the page's thread and
 * the raster threads, which on a 2-core machine is taken from the workers being measured.
 */
const LIVE_REDRAW_MS = 100;

function metric(label, value, title = '') {
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
  const bars = el('figure', { className: 'bars', hidden: true });
  root.append(replayBar, list, code, bars);
  const replay = createReplay({ bar: replayBar, code, controls, onCursor });
  let rows = [];

  function clear() {
    replay.clear();
    rows.forEach((row) => row.timeline.destroy());
    rows = [];
    list.replaceChildren();
    bars.hidden = true;
    bars.replaceChildren();
  }

  /** Starts a row for a run about to start; `expectedMs` (the ideal model's) sizes the live axis. */
  function addRun(label, lanes, expectedMs) {
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
    const row = {
      label, timeline, result: null, smoothness: null, element: article,
      progress({ spans, elapsedMs, tasksDone, tasks }, groupNames) {
        if (elapsedMs - lastDraw < LIVE_REDRAW_MS) return;
        lastDraw = elapsedMs;
        status.textContent = `running… ${tasksDone}/${tasks} tasks, ${seconds(elapsedMs)}`;
        timeline.update(spans, { elapsedMs, groupNames });
      },
      finish(result, smoothness, baseline, { steps = null } = {}) {
        row.result = result;
        row.smoothness = smoothness;
        status.textContent = result.status === 'cancelled' ? `cancelled after ${seconds(result.wallMs)}`
          : result.status === 'deadlocked' ? `deadlocked: stopped after ${seconds(result.wallMs)}` : `done in ${seconds(result.wallMs)}`;
        article.dataset.status = result.status;
        timeline.show(result, { steps });
        replay.finish(entry, result, { steps });
        const used = threadsUsed(result);
        const isBaseline = result.strategy === 'sequential';
        numbers.replaceChildren(
          metric('Wall time', seconds(result.wallMs), 'Measured from start to end of the run'),
          metric('Ideal', seconds(result.predictedMs), 'What this strategy would take with no overhead at all (a model)'),
          metric('Speedup', isBaseline ? '1.00x (baseline)' : baseline ? times(speedup(baseline, result)) : 'run sequential to compare',
            'Sequential wall time / this wall time'),
          metric('Efficiency', isBaseline || !baseline ? '—' : efficiencyText(efficiency(baseline, result), baseline),
            `Speedup per thread used (${used}): 100 % means every thread was fully used`),
          metric('Busy', result.lanes.filter((l) => l.busyMs > 0 || l.id === 0)
            .map((l) => `${l.name} ${percent(l.busyMs / result.wallMs)}`).join(', ') || '—', 'Share of the wall time each thread spent computing'),
          metric('Page smoothness', smoothness
            ? `${Math.round(smoothness.fps)} fps, longest frame gap ${Math.round(smoothness.longestGapMs)} ms, ${smoothness.longTasks} long tasks`
            : '—', 'Frames the page drew during the run'),
          metric('Event loop', result.eventLoopDelayMs
            ? `answered up to ${Math.round(result.eventLoopDelayMs.max)} ms late (p99 ${Math.round(result.eventLoopDelayMs.p99)} ms)`
            : '—', 'How late the page’s event loop answered a 10 ms timer set again and again during the run'),
          ...(smoothness?.inputs ? [metric('Your input', `waited up to ${Math.round(smoothness.longestInputDelayMs)} ms (${smoothness.inputs} ${smoothness.inputs === 1 ? 'input' : 'inputs'})`,
            'How long your keypresses and clicks during the run waited for the page to answer')] : []),
          ...(hasArrivals(result) ? [
            metric('Latency', result.latencyMs
              ? `p50 ${seconds(result.latencyMs.p50)}, p95 ${seconds(result.latencyMs.p95)}, max ${seconds(result.latencyMs.max)}` : '—',
            'From each request’s arrival to its end'),
            metric('Throughput', `${result.throughputPerS.toFixed(1)} requests/s`, 'Finished requests per second of wall time'),
          ] : []),
        );
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

  /**
   * A bar per finished run, on one scale: wall time; and, when requests arrived over time, p95
   * latency (how long a request's user waited).
   */
  function showBars() {
    const done = rows.filter((r) => r.result);
    if (done.length < 2) return;
    const charts = [{ caption: 'Wall time of each run (shorter is faster)', label: 'Wall times', value: (r) => r.wallMs }];
    if (done.some((row) => hasArrivals(row.result))) {
      charts.push({ caption: 'p95 latency: how long 95 % of requests took from arrival to end (shorter is better)',
        label: 'p95 latencies', value: (r) => r.latencyMs?.p95 ?? 0 });
    }
    bars.replaceChildren(...charts.flatMap((chart) => barChart(done, chart)));
    bars.hidden = false;
  }

  return { clear, addRun, shareScale, showBars, rows: () => rows, replay };
}

/** A caption and an SVG bar per row, of `value(result)` in ms, on one scale. */
function barChart(done, { caption, label, value }) {
  const max = Math.max(...done.map((r) => value(r.result)), 1e-9);
  const BAR = 22; // px
  const LABEL = 190; // px
  const WIDTH = 600; // px, scaled to fit by viewBox
  const svgNs = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(svgNs, 'svg');
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${done.length * (BAR + 8)}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `${label}: ${done.map((r) => `${r.label} ${seconds(value(r.result))}`).join(', ')}`);
  done.forEach((row, i) => {
    const y = i * (BAR + 8);
    const w = ((WIDTH - LABEL - 70) * value(row.result)) / max;
    const add = (tag, attrs, text) => {
      const node = document.createElementNS(svgNs, tag);
      Object.entries(attrs).forEach(([k, v]) => node.setAttribute(k, v));
      if (text) node.textContent = text;
      svg.append(node);
    };
    add('text', { x: LABEL - 8, y: y + BAR * 0.7, 'text-anchor': 'end', class: 'bar-label' }, row.label);
    add('rect', { x: LABEL, y, width: Math.max(w, 1), height: BAR, rx: 3, class: `bar bar-${row.result.strategy}` });
    add('text', { x: LABEL + w + 6, y: y + BAR * 0.7, class: 'bar-value' }, seconds(value(row.result)));
  });
  return [el('figcaption', {}, caption), svg];
}
