// The figures of a finished run, in words and numbers: its row's figures (views/results.js),
// the numbers the embed tells its host, and the sentences under a verdict. Loaded with the
// results view, once the page is ready (metrics.js has what the first screen needs).

import {
  computingSpeed, count, efficiency, hasArrivals, mainLaneIds, medianSpeedup, onWorkers, percent, rangeWords, seconds,
  speedup, threadsUsed, timerWords, times,
} from './metrics.js';

/** What each way of updating the shared counter does, for the figure's title. */
const COUNTER_TITLES = {
  none: 'Each update reads the counter, works, and writes back what it read plus one: a write between another’s read and write is lost',
  atomic: 'Each update is one atomic add: none can be lost',
  lock: 'Each update reads and writes under the counter’s lock: one at a time, none lost',
  message: 'Each task counts on its own and sends its count at its end; the counts are added up',
};

/** "4,588 of 8,000 (3,412 lost)"; for processes, each one's own count too. */
function counterValue({ expected, final, lost, perProcess }) {
  const n = (v) => Number(v).toLocaleString('en');
  // A process's increments went to its own copy: not lost, just never seen by the page.
  if (perProcess) return `the page’s: ${n(final)} of ${n(expected)}; each process’s own: ${perProcess.map(n).join(', ')}`;
  return `${n(final)} of ${n(expected)} (${lost > 0 ? `${n(lost)} lost` : 'none lost'})`;
}

/**
 * Over 100 % is no miracle: waits overlapped, which costs no thread; or, with nothing to wait
 * for, the sequential baseline took longer than its computing: it shared the page’s thread.
 */
function efficiencyWords(value, baseline) {
  if (value <= 1.05) return percent(value);
  const waited = baseline.spans?.some((s) => s.kind === 'io');
  return `${percent(value)} (over 100 %: ${waited ? 'waits overlapped, and waiting takes no worker' : 'the sequential run computed slower, sharing the page’s thread'})`;
}

/**
 * The figures of one run, as its row shows them: `[{ label, value, title }]`. `rounds` (optional):
 * every round of this run (`[{ result, baseline }]`), for medians and spreads; `result` is the
 * round shown.
 */
export function runFigures(result, smoothness, baseline, rounds = [{ result, baseline }]) {
  const figures = [];
  const add = (label, value, title) => figures.push({ label, value, title });
  const n = rounds.length;
  const wallsMs = rounds.map((r) => r.result.wallMs);
  const range = (values, format) => (n > 1 ? ` (median of ${n}, ${format(Math.min(...values), Math.max(...values))})` : '');
  add('Wall time', `${seconds(result.wallMs)}${range(wallsMs, rangeWords)}`, n > 1 ? 'Measured from start to end of the run; its timeline is the median round' : 'Measured from start to end of the run');
  add('Ideal', seconds(result.predictedMs), 'What this strategy would take with no overhead at all (a model)');
  const ratios = rounds.map((r) => speedup(r.baseline, r.result)).filter(Number.isFinite);
  if (result.strategy === 'sequential') {
    add('Speedup', '1.00x (baseline)', 'Sequential wall time / this wall time');
  } else if (result.status !== 'completed') {
    add('Speedup', '—', `This run ${result.status === 'deadlocked' ? 'deadlocked and was stopped' : 'was cancelled'}: a run that did not finish has no speedup`);
  } else if (ratios.length) {
    add('Speedup', `${times(medianSpeedup(rounds))}${range(ratios, (a, b) => `${a.toFixed(2)}–${times(b)}`)}`, 'Sequential wall time / this wall time, round by round');
  } else {
    add('Speedup', '—', 'No sequential run of these tasks yet: run them sequentially to compare');
  }
  const used = threadsUsed(result);
  if (result.status !== 'completed') {
    add('Efficiency', '—', 'A run that did not finish has no efficiency');
  } else if (!onWorkers(result) || used <= 1 || !baseline) {
    add('Efficiency', '—', onWorkers(result) && used > 1 ? 'Needs a sequential run of these tasks' : 'One thread: efficiency is speedup per worker, for runs on workers');
  } else {
    add('Efficiency', efficiencyWords(efficiency(baseline, result), baseline), `Speedup per worker (${count(used, 'worker')}): 100 % means every worker was fully used`);
  }
  if (result.counter) add('Shared counter', counterValue(result.counter), COUNTER_TITLES[result.counter.sync] ?? 'How the tasks’ increments of the shared counter came out');
  if (result.deadlock) {
    const { atMs, detectedMs, cycle } = result.deadlock;
    add('Deadlock', `formed at ${seconds(atMs)}, found ${seconds(Math.max(0, detectedMs - atMs))} later: ${cycle.map((m) => `${m.holds.join(', ') || 'nothing'} held, waiting for ${m.waitsFor}`).join('; ')}`,
      'Each task of the cycle holds a lock the next one waits for: none can go on. The engine found the cycle and stopped the run.');
  }
  add('Busy', result.lanes.filter((l) => l.busyMs > 0 || l.role === 'main')
    .map((l) => `${l.name} ${percent(l.busyMs / result.wallMs)}`).join(', ') || '—', 'Share of the wall time each thread spent computing');
  const speed = computingSpeed(result);
  if (speed !== null) {
    add('Computing speed', `${percent(speed)} of calibrated`, 'The calibrated work its pieces of computing did / the time they took: under 100 %, its threads shared their cores (with each other or with other programs), or its pieces were so small (under 1 ms) that each one’s own cost (reading the clock, recording it) counted');
  }
  add('Page smoothness', smoothness
    ? `${Math.round(smoothness.fps)} fps, longest frame gap ${Math.round(smoothness.longestGapMs)} ms, ${smoothness.longTasks === null ? 'long tasks not measured in this browser' : count(smoothness.longTasks, 'long task')}`
    : '—', 'Frames the page drew during the run');
  add('Event loop', result.eventLoopDelayMs
    ? `answered up to ${Math.round(result.eventLoopDelayMs.max)} ms late (p99 ${Math.round(result.eventLoopDelayMs.p99)} ms)`
    : '—', `How late the page’s event loop answered ${timerWords(result.eventLoopDelayMs)} set again and again during the run`);
  if (smoothness?.inputs) {
    add('Your input', `waited up to ${Math.round(smoothness.longestInputDelayMs)} ms (${count(smoothness.inputs, 'input')})`,
      'How long your keypresses and clicks during the run waited for the page to answer');
  }
  if (hasArrivals(result)) {
    add('Latency', result.latencyMs ? `p50 ${seconds(result.latencyMs.p50)}, p95 ${seconds(result.latencyMs.p95)}, max ${seconds(result.latencyMs.max)}` : '—',
      'From each request’s arrival to its end');
    add('Throughput', `${result.throughputPerS.toFixed(1)} requests/s`, 'Finished requests per second of wall time');
  }
  return figures;
}

/**
 * The numbers of one run of a batch, without its spans: what the embed tells its host. Its figures
 * are the median round's (`result`), but for `speedup`: the median of every round's (`rounds`).
 */
export function summarize({ label, result, smoothness, baseline, rounds = [{ result, baseline }] }) {
  const main = mainLaneIds(result);
  const workerLanes = new Set(result.spans.filter((s) => !main.has(s.lane)).map((s) => s.lane));
  const s = medianSpeedup(rounds);
  return {
    label,
    strategy: result.strategy, // what ran: without threads, parallel runs on processes ...
    requestedStrategy: result.requestedStrategy, // ... where parallel was asked for
    notice: result.notice ?? null, // why they differ, or why fewer workers ran than asked
    status: result.status,
    wallMs: result.wallMs,
    predictedMs: result.predictedMs,
    speedup: result.status === 'completed' && Number.isFinite(s) ? s : null,
    threads: threadsUsed(result),
    workerLanesUsed: workerLanes.size,
    tasks: result.tasks,
    tasksDone: result.tasksDone,
    longestFrameGapMs: smoothness ? Math.round(smoothness.longestGapMs) : null,
    latencyMs: result.latencyMs,
    throughputPerS: result.throughputPerS,
    eventLoopDelayMs: result.eventLoopDelayMs,
    longestInputDelayMs: smoothness?.longestInputDelayMs ?? null,
    counter: result.counter ?? null,
    deadlock: result.deadlock ?? null,
  };
}

/** One sentence that says what a single run measured. */
export function describeRun(result, baseline, smoothness) {
  const what = `${count(result.tasks, 'task')} ran ${result.strategy}` +
    (onWorkers(result) ? ` on ${count(result.threads, result.strategy === 'processes' ? 'process' : 'worker', result.strategy === 'processes' ? 'processes' : 'workers')}` : ' on the page’s thread');
  const were = result.tasks === 1 ? 'was' : 'were';
  const status = result.status === 'cancelled' ? ` and ${were} cancelled after ${seconds(result.wallMs)} (${result.tasksDone} done)` :
    result.status === 'deadlocked' ? ` and deadlocked: the engine stopped them after ${seconds(result.wallMs)} (${result.tasksDone} done)` :
    ` in ${seconds(result.wallMs)} (ideal ${seconds(result.predictedMs)})`;
  const faster = baseline && result.status === 'completed' && result.strategy !== 'sequential'
    ? `, ${times(speedup(baseline, result))} the speed of sequential` : '';
  const smooth = smoothness ? `; the page’s longest frame gap was ${Math.round(smoothness.longestGapMs)} ms` : '';
  return `${what}${status}${faster}${smooth}.`;
}

/**
 * One sentence for a batch of several runs, under its verdict: each run's wall time, and what a
 * run that fell back ran as ("parallel 1.10 s (as processes)"), or how it ended if it did not complete.
 */
export function describeBatch(done) {
  const each = done.map(({ label, result }) => {
    const as = result.strategy !== result.requestedStrategy ? ` (as ${result.strategy})` : '';
    const ended = result.status === 'completed' ? '' : `, ${result.status}`;
    return `${label} ${seconds(result.wallMs)}${as}${ended}`;
  });
  return `Wall times: ${each.join(' · ')}.`;
}
