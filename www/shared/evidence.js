// What a batch's runs measured, as evidence for a claim: medians and spreads over repeated
// rounds, ratios that clear the noise (or don't), and the measured reasons a claim may not have
// held here (a busy machine, more workers than cores, threads off, processes starting up, tasks
// that no longer have the claim's shape). Pure, no DOM: verdicts.js words its verdicts with it,
// tests/unit/evidence.test.mjs checks it on recorded results.
//
//   const runs = byLabel(done);                     // label -> [{ result, smoothness, ... }] per round
//   const s = speedupOver(runs.sequential, runs.parallel); // { median, low, high, n, rounds }
//   outcome(s)                                      // 'faster' | 'same' | 'slower' | 'unclear'
//   slowdowns(runs.parallel, caps)                  // why it computed slower than calibrated

import { computingSpeed, count as plural, mainLaneIds, median, onWorkers, rangeWords, seconds, times } from './metrics.js';
import { threadsOffReason } from './words.js';

export { median, rangeWords };

/**
 * How far apart two runs must be to call one faster. With several rounds every round must agree
 * (each at least `ROUND` apart) and their median must clear `MEDIAN`; a single round must clear
 * `SINGLE`, since nothing says how noisy it was. Within `SAME` either way, they are the same.
 * (On this 2-core machine the same run varied by 5-15 % on a quiet machine, 40 %+ on a busy one.)
 */
export const MARGIN = { MEDIAN: 1.2, ROUND: 1.1, SINGLE: 1.3, SAME: 1.15 };
/** Computing at under this share of the calibrated speed means something else had the cores. */
export const SLOW_COMPUTING = 0.8;
/** Rounds of one run whose wall times spread more than this (of their median) are noisy. */
export const NOISY_SPREAD = 0.25;
/** Processes that spent more than this share of a run starting up: start-up dominated it. */
export const STARTUP_SHARE = 0.2;

/** `{ median, low, high, n }` of `values`. */
export function spread(values) {
  return { median: median(values), low: Math.min(...values), high: Math.max(...values), n: values.length };
}

/** The rounds of each run, by label, in the order they ran: `{ [label]: [done, ...] }`. */
export function byLabel(done) {
  const runs = {};
  for (const d of done) for (const round of d.rounds ?? [d]) (runs[d.label] ??= []).push({ ...round, label: d.label, workload: d.workload });
  return runs;
}

/** Wall times of a run's rounds. */
export function walls(rounds) {
  return spread(rounds.map((r) => r.result.wallMs));
}

/**
 * How many times faster `runs` were than `base`, round by round (round i against round i, which
 * ran next to it): `{ median, low, high, n, rounds: [ratio...] }`.
 */
export function speedupOver(base, runs) {
  const n = Math.min(base.length, runs.length);
  const ratios = Array.from({ length: n }, (_, i) => base[i].result.wallMs / runs[i].result.wallMs);
  return { ...spread(ratios), rounds: ratios };
}

/** Whether a speedup clears the noise: 'faster', 'slower', 'same', or 'unclear'. */
export function outcome({ median: m, low, high, n }) {
  if (!Number.isFinite(m)) return 'unclear';
  if (n >= 2) {
    if (m >= MARGIN.MEDIAN && low >= MARGIN.ROUND) return 'faster';
    if (m <= 1 / MARGIN.MEDIAN && high <= 1 / MARGIN.ROUND) return 'slower';
    if (m < MARGIN.SAME && m > 1 / MARGIN.SAME) return 'same';
    return 'unclear';
  }
  if (m >= MARGIN.SINGLE) return 'faster';
  if (m <= 1 / MARGIN.SINGLE) return 'slower';
  if (m < MARGIN.SAME && m > 1 / MARGIN.SAME) return 'same';
  return 'unclear';
}

/** "1.93x": a speedup's median. */
export function ratioWords(s) {
  return times(s.median);
}

/**
 * "1.88–1.97x over 3 rounds", or "one round": how far a speedup's rounds spread; `slowdown`:
 * as times slower (1 / speedup), for a run that was slower.
 */
export function spreadWords(s, { slowdown = false } = {}) {
  if (s.n <= 1) return 'one round';
  const [low, high] = slowdown ? [1 / s.high, 1 / s.low] : [s.low, s.high];
  return `${low.toFixed(slowdown ? 1 : 2)}–${slowdown ? `${high.toFixed(1)}x` : times(high)} over ${s.n} rounds`;
}

/** "0.52 s": the median wall time of a run's rounds. */
export function wallWords(rounds) {
  return seconds(walls(rounds).median);
}

/** Computing shorter than this in all (ms) is too little to tell a busy machine by: a worker's first piece pays for its start. */
export const MIN_JUDGED_MS = 100;
/** Pieces of computing shorter than this (ms) measure mostly each piece's own cost (reading the clock, the trace), not the kernel. */
export const MIN_PIECE_MS = 1;

/**
 * How fast a run computed against the calibration, where that says how busy the machine was:
 * null for a run that computed too little, or in pieces too small (a race's increments) to tell.
 */
export function judgedSpeed({ result, workload }) {
  const speed = computingSpeed(result);
  if (speed === null || !(result.computing.nominalMs >= MIN_JUDGED_MS)) return null;
  const piece = smallestPieceMs(workload);
  return piece !== null && piece < MIN_PIECE_MS ? null : speed;
}

/** The lowest computing speed over a run's rounds that tells how busy the machine was (judgedSpeed), or null. */
export function slowestSpeed(rounds) {
  const speeds = rounds.map((r) => judgedSpeed(r)).filter((s) => s !== null);
  return speeds.length ? Math.min(...speeds) : null;
}

export { plural };

/** "2 worker threads", "1 process": the workers a run really had. */
export function workersWords(result) {
  if (result.strategy === 'processes') return plural(result.threads, 'process', 'processes');
  if (result.threads <= 1 || !result.strategy || !['parallel', 'hybrid'].includes(result.strategy)) return 'the page’s one thread';
  return plural(result.threads, 'worker thread');
}

/**
 * Why a run's computing went slower than the calibration says it should, measured: more workers
 * than cores taking turns, or other work on the cores (a busy machine). `[]` when it computed at
 * full speed (or computed nothing). `caps.cores` is the measured number of cores.
 */
export function slowdowns(rounds, caps) {
  const speed = slowestSpeed(rounds);
  if (speed === null || speed >= SLOW_COMPUTING) return [];
  const result = rounds[0].result;
  const at = `${Math.round(speed * 100)} %`;
  const reported = caps?.hardwareConcurrency ?? caps?.cores ?? 1;
  const cores = caps?.cores ?? reported;
  const who = onWorkers(result) ? `its ${workersWords(result)}` : 'the page’s thread';
  if (onWorkers(result) && result.threads > cores) {
    if (cores >= reported) return [`${who} took turns on ${plural(cores, 'core')} (each computed at ${at} of the kernel’s calibrated speed)`];
    return [`${who} got only about ${cores === 1 ? 'one core’s' : `${cores} cores’`} worth of computing between them (each computed at ${at} of the kernel’s calibrated speed): ` +
      `the machine has fewer cores than the browser reports (${reported}), or other work was using them`];
  }
  return [`${who} computed at only ${at} of the kernel’s calibrated speed: other work was using the cores (the machine was busy)`];
}

/** How long processes spent starting, as a share of the run (the longest start over its lanes). */
export function startupShare(result) {
  const ends = result.spans.filter((s) => s.kind === 'startup').map((s) => s.end);
  return ends.length && result.wallMs > 0 ? Math.max(...ends) / result.wallMs : 0;
}

/** Time each kind took on a run's worker lanes (not the page's), ms: `{ cpu, io, transfer, ... }`. */
export function timeByKind(result, { lanes = 'workers' } = {}) {
  const totals = {};
  const main = mainLaneIds(result);
  for (const s of result.spans) {
    if (lanes === 'workers' && main.has(s.lane)) continue;
    totals[s.kind] = (totals[s.kind] ?? 0) + (s.end - s.start);
  }
  return totals;
}

/** Work of a workload: total computing and waiting over its tasks, ms (what sequential takes). */
export function workOf(workload) {
  let cpu = 0;
  let io = 0;
  for (const g of workload?.groups ?? []) {
    const n = (g?.count ?? 0) * (g?.steps ?? 1);
    cpu += n * (g?.cpuMs ?? 0);
    io += n * (g?.ioMs ?? 0);
  }
  return { cpu, io, tasks: (workload?.groups ?? []).reduce((sum, g) => sum + (g?.count ?? 0), 0) };
}

/** How a workload's work splits: 'cpu' (mostly computing), 'io' (mostly waiting), 'mixed', or 'none'. */
export function shapeOf(workload) {
  const { cpu, io } = workOf(workload);
  if (cpu + io === 0) return 'none';
  if (cpu >= 0.8 * (cpu + io)) return 'cpu';
  if (io >= 0.8 * (cpu + io)) return 'io';
  return 'mixed';
}

/**
 * The tasks of a workload in words, from its own numbers: `8 “resize” tasks of 150 ms computing`,
 * `4 “fetch + parse” tasks of 2 steps of 100 ms computing and 100 ms waiting`, several groups
 * joined with “and”.
 */
export function tasksWords(workload) {
  const groups = (workload?.groups ?? []).filter((g) => g && g.count > 0);
  const each = groups.map((g) => {
    const parts = [];
    if (g.cpuMs > 0) parts.push(`${ms(g.cpuMs)} computing`);
    if (g.ioMs > 0) parts.push(`${ms(g.ioMs)} waiting`);
    const work = parts.join(' and ') || 'no work';
    const steps = (g.steps ?? 1) > 1 ? `${g.steps} steps of ${work}` : work;
    return `${plural(g.count, `“${g.name}” task`)} of ${steps}`;
  });
  return each.join(' and ') || 'no tasks';
}

/** "150 ms", "0.02 ms", "1.5 s" for the sizes of one piece of work. */
function ms(value) {
  if (value >= 1000) return `${+(value / 1000).toFixed(2)} s`;
  return `${+value.toFixed(value < 1 ? 3 : 1)} ms`;
}

/**
 * Why a run on workers was not faster than one after another, from what was measured, most
 * likely first: threads off, one worker, one core, processes starting up, fewer tasks than
 * workers, a slow kernel (a busy machine, more workers than cores, or fewer cores than the
 * browser reports), a global lock, tasks too
 * small to hand over, or work that mostly waits. `[]` when nothing measured explains it.
 */
export function whyNotFaster(rounds, caps) {
  const { result, workload } = rounds[0];
  const reasons = [];
  if (result.strategy !== result.requestedStrategy && !['parallel', 'hybrid', 'processes'].includes(result.strategy)) {
    reasons.push(`threads are off here (${caps?.noPoolReason ?? 'no worker pool'}), so it ran as ${result.strategy} on the page’s thread`);
    return reasons;
  }
  if (result.threads <= 1) reasons.push(`it ran on ${workersWords(result)}`);
  else if ((caps?.hardwareConcurrency ?? 2) <= 1) reasons.push('this browser reports one core');
  const startup = Math.max(...rounds.map((r) => startupShare(r.result)));
  if (startup > STARTUP_SHARE) reasons.push(`starting the processes took up to ${Math.round(startup * 100)} % of the run`);
  const tasks = workOf(workload).tasks;
  if (tasks < result.threads && tasks > 0) reasons.push(`there ${tasks === 1 ? 'is' : 'are'} only ${plural(tasks, 'task')} for ${plural(result.threads, 'worker')}`);
  reasons.push(...slowdowns(rounds, caps));
  if (workload?.globalLock && result.strategy !== 'processes') reasons.push('under the global lock only one thread computes at a time');
  const pieces = smallestPieceMs(workload);
  if (pieces !== null && pieces < 1 && ['parallel', 'hybrid'].includes(result.strategy)) {
    reasons.push(`each piece computes only ${ms(pieces)}, less than handing it to a worker costs`);
  }
  if (shapeOf(workload) === 'io') reasons.push('these tasks mostly wait, and waits overlap on one thread too');
  return reasons;
}

/**
 * The smallest piece of computing of a workload's groups (ms), or null if none computes: a
 * step's computing, cut by each increment of the counter and each lock taken between its pieces.
 */
function smallestPieceMs(workload) {
  const sizes = (workload?.groups ?? []).filter((g) => g?.cpuMs > 0 && g.count > 0)
    .map((g) => g.cpuMs / (1 + (Number.isInteger(g.increments) ? g.increments : 0) + (Array.isArray(g.locks) ? g.locks.length : 0)));
  return sizes.length ? Math.min(...sizes) : null;
}

/** "…: a; b; and c." — reasons joined into the end of a sentence. */
export function because(reasons) {
  if (reasons.length === 0) return '';
  if (reasons.length === 1) return reasons[0];
  return `${reasons.slice(0, -1).join('; ')}; and ${reasons.at(-1)}`;
}

/**
 * A note when a run's rounds were noisy (their wall times spread more than NOISY_SPREAD), naming
 * the noisiest: `The rounds varied: sequential took 1.42–2.37 s.` Empty when they agreed.
 */
export function noiseNote(runs) {
  let worst = null;
  for (const [label, rounds] of Object.entries(runs)) {
    const w = walls(rounds);
    if (w.n < 2 || !(w.median > 0)) continue;
    const width = (w.high - w.low) / w.median;
    if (width > NOISY_SPREAD && (!worst || width > worst.width)) worst = { label, w, width };
  }
  return worst ? `The rounds varied: ${worst.label} took ${rangeWords(worst.w.low, worst.w.high)}, so this machine was noisy.` : '';
}

/**
 * A note when runs computed slower than the calibration while they had no more threads than
 * cores (other work had the cores: the machine was busy), with the slowest speed measured.
 * Empty otherwise. Runs with more workers than cores take turns by design: not counted.
 */
export function busyNote(runs, caps) {
  const cores = caps?.cores ?? caps?.hardwareConcurrency ?? 1;
  const speeds = Object.values(runs).flat()
    .filter(({ result }) => !(onWorkers(result) && result.threads > cores))
    .map((run) => judgedSpeed(run)).filter((s) => s !== null);
  const slowest = speeds.length ? Math.min(...speeds) : 1;
  if (slowest >= SLOW_COMPUTING) return '';
  return `This machine was busy: some runs computed at only ${Math.round(slowest * 100)} % of the kernel’s calibrated speed, so their times are longer than on a quiet machine.`;
}

const joinTexts = (parts) => parts.filter(Boolean).join(' ');

/**
 * A verdict's text and claims, with what was measured about the machine after its sentences:
 * how noisy the rounds were, and whether it was busy (unless a sentence already said so).
 */
export function verdictOf(parts, claims, runs, caps) {
  const text = joinTexts(parts);
  const busy = text.includes('the machine was busy') ? '' : busyNote(runs, caps);
  return { text: joinTexts([text, noiseNote(runs), busy]), claims };
}

/** "Threads are off here (why)": how a verdict starts where there are no threads, in words that fit this browser. */
export function threadsOffHere(capabilities) {
  return `Threads are off here (${threadsOffReason(capabilities ?? {})})`;
}
