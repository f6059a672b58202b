// Numbers about runs: speedup, efficiency, smoothness, and how to say them.

/** "0.21 s" (or "12 ms" under a tenth of a second). */
export function seconds(ms, digits = 2) {
  if (ms < 100) return `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
  return `${(ms / 1000).toFixed(digits)} s`;
}

export function times(ratio) {
  return Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : '—';
}

export function percent(fraction) {
  return Number.isFinite(fraction) ? `${Math.round(fraction * 100)} %` : '—';
}

/** How many times faster `result` was than the sequential `baseline`. */
export function speedup(baseline, result) {
  return baseline && result ? baseline.wallMs / result.wallMs : NaN;
}

/** The threads a run could compute on, as the engine reports it: its workers, or the one event-loop thread. */
export function threadsUsed(result) {
  return result.threads;
}

/** Speedup per thread: 100 % means every thread was fully used. */
export function efficiency(baseline, result) {
  return speedup(baseline, result) / threadsUsed(result);
}

/**
 * Key of a workload without how it runs, so a sequential run can be the baseline of every
 * other run of the same tasks.
 */
export function tasksKey(workload) {
  const { groups, jitter = 0, seed = 1 } = workload;
  return JSON.stringify({ groups, jitter, seed });
}

/** Whether a run's tasks arrived over time (a group with `everyMs`), rather than all at once. */
export function hasArrivals(result) {
  return result.taskTimes?.some((t) => t.arrival > 0) ?? false;
}

/**
 * Whether a run served its requests as fast as they came: its p95 latency is within 3 times
 * the work one request needs (`serviceMs`), so no queue kept growing.
 */
export function keptUp(result, serviceMs) {
  return Boolean(result.latencyMs) && result.latencyMs.p95 <= 3 * serviceMs;
}

/** The numbers of one run of a batch, without its spans: what the embed tells its host. */
export function summarize({ label, result, smoothness, baseline }) {
  const workerLanes = new Set(result.spans.filter((s) => s.lane !== 0).map((s) => s.lane));
  const s = speedup(baseline, result);
  return {
    label,
    strategy: result.strategy,
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
  const what = `${result.tasks} tasks ran ${result.strategy}` +
    (threadsUsed(result) > 1 ? ` on ${result.threads} workers` : ' on the page’s thread');
  const status = result.status === 'cancelled' ? ` and were cancelled after ${seconds(result.wallMs)} (${result.tasksDone} done)` :
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
