// Numbers about runs: speedup, efficiency, smoothness, and how to say them.

/** "0.21 s" (or "12 ms" under a tenth of a second). */
export function seconds(ms, digits = 2) {
  if (ms < 100) return `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
  return `${(ms / 1000).toFixed(digits)} s`;
}

/** "1.37–1.40 s", "80–95 ms": a range of times in one unit. */
export function rangeWords(low, high) {
  const a = seconds(low);
  const b = seconds(high);
  if (a === b) return a;
  const unit = (text) => text.split(' ')[1];
  return unit(a) === unit(b) ? `${a.split(' ')[0]}–${b}` : `${a}–${b}`;
}

export function times(ratio) {
  return Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : '—';
}

export function percent(fraction) {
  return Number.isFinite(fraction) ? `${Math.round(fraction * 100)} %` : '—';
}

/** "1 task", "2 tasks": a count with its noun, in the right number. */
export function count(n, one, many = `${one}s`) {
  return `${Number(n).toLocaleString('en')} ${n === 1 ? one : many}`;
}

/** How many times faster `result` was than the sequential `baseline`. */
export function speedup(baseline, result) {
  return baseline && result ? baseline.wallMs / result.wallMs : NaN;
}

/** The middle of `values` (the mean of the two middle ones when their count is even); NaN for none. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * A run's speedup over its rounds (`[{ result, baseline }]`): the median of each round's own, as
 * its row, its verdict, the embed's status line and the host's `result` all give it; NaN when
 * no round has a baseline.
 */
export function medianSpeedup(rounds) {
  return median(rounds.map((r) => speedup(r.baseline, r.result)).filter(Number.isFinite));
}

/** The threads a run could compute on, as the engine reports it: its workers, or the one event-loop thread. */
export function threadsUsed(result) {
  return result.threads;
}

/** Speedup per thread: 100 % means every thread was fully used. */
export function efficiency(baseline, result) {
  return speedup(baseline, result) / threadsUsed(result);
}

/** "a 10 ms timer": the engine's probe, at the interval it used (recordings made before it said: "a timer"). */
export function timerWords(delay) {
  return Number.isFinite(delay?.intervalMs) ? `a ${delay.intervalMs} ms timer` : 'a timer';
}

/** The ids of a result's lanes that are the page's own thread (the engine gives each lane its role). */
export function mainLaneIds(result) {
  return new Set((result.lanes ?? []).filter((lane) => lane.role === 'main').map((lane) => lane.id));
}

/** Whether a run computed on a pool of workers (threads or processes), not the page's one thread. */
export function onWorkers(result) {
  return result.strategy === 'parallel' || result.strategy === 'hybrid' || result.strategy === 'processes';
}

/** How fast a run computed against the kernel's calibration (1: full speed), or null. */
export function computingSpeed(result) {
  const c = result?.computing;
  return c && c.measuredMs > 0 ? c.nominalMs / c.measuredMs : null;
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
