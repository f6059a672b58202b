// Verdicts: what a preset's runs showed, computed from what those runs measured and from the
// workload that ran: its numbers are the runs', its claim is said only where the measurements
// clear the noise, and otherwise it says what happened and the most likely measured reason
// (evidence.js). One per preset of presets.js, by its id; and a comparison's (compareVerdict).
//
// A verdict is `{ text, claims: [{ claim, held }] }`: `held` is true, false, or null (unclear).

import {
  MARGIN, because, byLabel, rangeWords, spreadWords, outcome, plural, ratioWords, shapeOf, slowdowns, speedupOver,
  tasksWords, threadsOffHere, timeByKind, verdictOf, wallWords, walls, whyNotFaster, workersWords, workOf,
} from './evidence.js';
import { deadlockVerdict, raceVerdict } from './race-verdicts.js';
import { cycleWords, detectionWords } from './races.js';
import { keptUp, percent, seconds, timerWords } from './metrics.js';
import { threadsOffWords } from './words.js';

/** A gap between two frames longer than this is felt as a stutter; one this long, as a freeze. */
const SMOOTH_GAP_MS = 100;
const FROZEN_GAP_MS = 200;

/** "8 “resize” tasks…" with a capital. */
const Cap = (text) => text.charAt(0).toUpperCase() + text.slice(1);

/** What a workload's shape means for a demo about `expected` work, when it is no longer that. */
function shapeNote(workload, expected) {
  const shape = shapeOf(workload);
  if (shape === expected) return '';
  const what = { cpu: 'mostly compute', io: 'mostly wait', mixed: 'compute and wait', none: 'do no work' }[shape];
  const demo = { cpu: 'CPU-bound', io: 'I/O-bound', mixed: 'mixed' }[expected];
  return ` (These tasks ${what}: no longer the ${demo} work this demo is about.)`;
}

/**
 * A sentence about a run on workers against one after another: the claim's words where it was
 * clearly faster, else what was measured and why. `{ text, held }`.
 */
function fasterOnWorkers(seq, runs, caps, { tasks, claim }) {
  const s = speedupOver(seq, runs);
  const first = runs[0].result;
  const o = outcome(s);
  const lead = `On ${workersWords(first)}, ${tasks} ran ${ratioWords(s)} as fast as one after another (${wallWords(runs)} against ${wallWords(seq)}; ${spreadWords(s)})`;
  if (o === 'faster') {
    const cores = caps.cores ?? caps.hardwareConcurrency;
    // Only what the cores explain: computing tasks, more workers than cores, and no more speedup than cores.
    const computes = workOf(runs[0].workload).cpu > 0;
    const limit = computes && first.threads > cores && s.median <= cores * 1.1 ? `: ${plural(cores, 'core')} here, so at most ${cores} computed at once` : '';
    return { text: `${lead}${limit}${claim ? `: ${claim}` : ''}.`, held: true };
  }
  const reasons = whyNotFaster(runs, caps);
  const verdict = o === 'unclear' ? 'not clearly faster' : o === 'slower' ? 'slower' : 'no faster';
  const why = reasons.length ? `, because ${because(reasons)}` : `; nothing measured explains it (try again: ${noiseOf(runs)})`;
  return { text: `${lead}: ${verdict} here${why}.`, held: o === 'unclear' ? null : false };
}

/** "its rounds took 0.50–0.55 s" */
function noiseOf(runs) {
  const w = walls(runs);
  return w.n > 1 ? `its rounds took ${rangeWords(w.low, w.high)}` : 'it ran once';
}

/**
 * Each preset's verdict, by its id: `verdict(runs, caps)` (`runs`: each run's rounds by its
 * label), and where its claim is about threads themselves, `verdictWithoutThreads`.
 */
const VERDICTS = {
  io: {
    verdict(runs, caps) {
      const { sequential: seq, concurrent: con, parallel: par } = runs;
      const workload = seq[0].workload;
      const tasks = tasksWords(workload);
      const s = speedupOver(seq, con);
      const o = outcome(s);
      let overlap;
      if (workOf(workload).io === 0) {
        overlap = { text: `${Cap(tasks)} don’t wait at all, so there are no waits to overlap: concurrently ${wallWords(con)}, one after another ${wallWords(seq)}.`, held: false };
      } else if (o === 'faster') {
        overlap = { text: `${Cap(tasks)} took ${wallWords(con)} concurrently instead of ${wallWords(seq)} one after another, ${ratioWords(s)} as fast (${spreadWords(s)}): they waited at the same time, on one thread.`, held: true };
      } else {
        const why = workOf(workload).tasks <= 1 ? 'one task has nothing to overlap with'
          : because(slowdowns(con, caps)) || `nothing measured explains it (try again: ${noiseOf(con)})`;
        overlap = { text: `${Cap(tasks)} took ${wallWords(con)} concurrently and ${wallWords(seq)} one after another, ${ratioWords(s)} as fast (${spreadWords(s)}): not clearly faster here, because ${why}.`, held: o === 'unclear' ? null : false };
      }
      const threads = fasterOnWorkers(seq, par, caps, { tasks: 'they', claim: 'each worker blocked through its own waits' });
      return verdictOf([overlap.text, threads.text, shapeNote(workload, 'io')],
        [{ claim: 'concurrent waits overlap', held: overlap.held }, { claim: 'threads wait in parallel', held: threads.held }], runs, caps);
    },
  },
  cpu: {
    verdict(runs, caps) {
      const { sequential: seq, concurrent: con, parallel: par } = runs;
      const workload = seq[0].workload;
      const parallel = fasterOnWorkers(seq, par, caps, { tasks: tasksWords(workload) });
      const s = speedupOver(seq, con);
      const o = outcome(s);
      let turns;
      if (o === 'same') {
        turns = { text: `As async tasks on one thread they ran ${ratioWords(s)} as fast (${spreadWords(s)}), no faster: they took turns.`, held: true };
      } else {
        const why = o === 'faster'
          ? (workOf(workload).io > 0 ? 'these tasks also wait, and their waits overlapped' : because(slowdowns(seq, caps)) || 'nothing measured explains it')
          : o === 'slower' && workload.yieldMs > 0 ? `giving the page a turn every ${workload.yieldMs} ms cost time`
            : because(slowdowns(con, caps)) || 'the rounds were too noisy to tell';
        const word = { faster: 'faster', slower: 'slower', unclear: 'not clearly the same' }[o];
        turns = { text: `As async tasks on one thread they ran ${ratioWords(s)} as fast (${spreadWords(s)}): ${word}, because ${why}.`, held: o === 'unclear' ? null : false };
      }
      return verdictOf([parallel.text, turns.text, shapeNote(workload, 'cpu')],
        [{ claim: 'workers compute faster', held: parallel.held }, { claim: 'async alone is no faster', held: turns.held }], runs, caps);
    },
  },
  gil: {
    verdict(runs, caps) {
      const seq = runs.sequential;
      const gil = runs['parallel, global lock'];
      const waits = runs['waits under the lock'];
      const tasks = tasksWords(seq[0].workload);
      const s = speedupOver(seq, gil);
      const o = outcome(s);
      const locked = o === 'same' || o === 'slower'
        ? { text: `Under the global lock, ${workersWords(gil[0].result)} computed ${tasks} ${ratioWords(s)} as fast as one (${spreadWords(s)}): only the lock’s holder computes.`, held: true }
        : { text: `Under the global lock, ${workersWords(gil[0].result)} computed ${tasks} ${ratioWords(s)} as fast as one (${spreadWords(s)}): ${o === 'faster' ? 'faster, which a lock held while computing should not allow' : 'too close to call either way'}.`, held: o === 'unclear' ? null : false };
      const free = fasterOnWorkers(seq, runs['parallel, no lock'], caps, { tasks: 'the same tasks without the lock' });
      const waited = waitsOverlap(waits, caps);
      const escape = fasterOnWorkers(seq, runs['processes, global lock'], caps,
        { tasks: 'the same tasks, each process under its own lock,', claim: 'that is how multiprocessing escapes the GIL' });
      return verdictOf([locked.text, free.text, waited.text, escape.text],
        [{ claim: 'the lock holds threads back', held: locked.held }, { claim: 'without it threads compute faster', held: free.held },
          { claim: 'waits release the lock', held: waited.held }, { claim: 'processes escape the lock', held: escape.held }], runs, caps);
    },
    // Without threads every "parallel" run is processes: only the processes' part can be shown.
    verdictWithoutThreads(runs, caps) {
      const seq = runs.sequential;
      const escape = fasterOnWorkers(seq, runs['processes, global lock'], caps,
        { tasks: tasksWords(seq[0].workload), claim: 'each process has its own lock: that is how multiprocessing escapes the GIL' });
      return verdictOf([`${threadsOffHere(caps)}, so the global lock can’t be shown holding threads back: every “parallel” run ran as processes.`,
          escape.text],
        [{ claim: 'the lock holds threads back', held: null }, { claim: 'processes escape the lock', held: escape.held }], runs, caps);
    },
  },
  processes: {
    verdict(runs, caps) {
      const seq = runs.sequential;
      const tasks = tasksWords(seq[0].workload);
      const threads = fasterOnWorkers(seq, runs.parallel, caps, { tasks });
      const processes = fasterOnWorkers(seq, runs.processes, caps, { tasks: 'they' });
      const copy = copyCost(runs['threads, 8,192 KiB input each'], runs['processes, 8,192 KiB input each']);
      return verdictOf([threads.text, processes.text, copy.text],
        [{ claim: 'threads compute in parallel', held: threads.held }, { claim: 'processes compute in parallel', held: processes.held },
          { claim: 'a copy costs processes time', held: copy.held }], runs, caps);
    },
    verdictWithoutThreads(runs, caps) {
      const seq = runs.sequential;
      const processes = fasterOnWorkers(seq, runs.processes, caps, { tasks: tasksWords(seq[0].workload) });
      const copy = copyCost(null, runs['processes, 8,192 KiB input each']);
      return verdictOf([`${threadsOffHere(caps)}, so every “threads” run here ran as processes too.`, processes.text, copy.text],
        [{ claim: 'threads compute in parallel', held: null }, { claim: 'processes compute in parallel', held: processes.held },
          { claim: 'a copy costs processes time', held: copy.held }], runs, caps);
    },
  },
  responsive: {
    verdict(runs, caps) {
      const at = (label) => runs[label][0];
      const gap = (label) => Math.round(at(label).smoothness.longestGapMs);
      const lateWords = (label) => {
        const delay = at(label).result.eventLoopDelayMs;
        return delay ? ` (${timerWords(delay)} fired up to ${Math.round(delay.max)} ms late)` : '';
      };
      const frozen = gap('event loop, no yield');
      const froze = frozen >= FROZEN_GAP_MS
        ? { text: `Computing on the event loop froze the page: the longest gap between frames was ${frozen} ms${lateWords('event loop, no yield')}.`, held: true }
        : { text: `Computing on the event loop without yielding left a longest gap between frames of only ${frozen} ms: no real freeze here${at('event loop, no yield').workload.groups.every((g) => !(g.cpuMs > 100)) ? ', because no task computes long enough at a time' : ''}.`, held: false };
      const yielded = gap('event loop, yield every 10 ms');
      const yielding = yielded <= SMOOTH_GAP_MS
        ? { text: `Yielding every 10 ms: ${yielded} ms${lateWords('event loop, yield every 10 ms')}.`, held: true }
        : { text: `Yielding every 10 ms: ${yielded} ms${lateWords('event loop, yield every 10 ms')}, not smooth, because ${because(slowdowns(runs['event loop, yield every 10 ms'], caps)) || `this browser drew its frames late even between slices (the page’s thread gave it a turn every 10 ms)`}.`, held: false };
      const onWorkers = gap('workers');
      const workerRun = at('workers').result;
      let workers;
      if (onWorkers <= SMOOTH_GAP_MS) {
        workers = { text: `On ${workersWords(workerRun)}: ${onWorkers} ms${lateWords('workers')}: the page’s thread was free.`, held: true };
      } else {
        const cores = caps.cores ?? caps.hardwareConcurrency;
        const why = workerRun.strategy === 'concurrent' || workerRun.strategy === 'sequential'
          ? `they ran on the page’s thread (${workerRun.notice ?? 'no workers here'})`
          : workerRun.threads >= cores ? `the ${workersWords(workerRun)} took all ${plural(cores, 'core')}, so the page’s thread waited for a core to draw`
            : because(slowdowns(runs.workers, caps)) || 'the browser drew late while workers computed';
        workers = { text: `On ${workersWords(workerRun)}: ${onWorkers} ms${lateWords('workers')}, ${onWorkers > yielded ? 'worse than yielding' : 'not smooth'}, because ${why}.`, held: false };
      }
      const inputs = Object.values(runs).flat().filter((r) => r.smoothness.inputs > 0);
      const waited = inputs.length ? inputs.reduce((a, b) => (b.smoothness.longestInputDelayMs > a.smoothness.longestInputDelayMs ? b : a)) : null;
      const input = waited ? `Your input waited up to ${Math.round(waited.smoothness.longestInputDelayMs)} ms (during “${waited.label}”).`
        : 'Type or click while it runs to see how long your input waits.';
      return verdictOf([froze.text, yielding.text, workers.text, input],
        [{ claim: 'computing on the event loop freezes the page', held: froze.held }, { claim: 'yielding keeps it smooth', held: yielding.held },
          { claim: 'workers keep it smooth', held: workers.held }], runs, caps);
    },
  },
  server: {
    verdict(runs, caps) {
      const served = (label, expectKeptUp) => {
        const [{ result, workload }] = runs[label];
        const g = workload.groups[0];
        const service = (g.steps ?? 1) * (g.cpuMs + g.ioMs);
        const kept = keptUp(result, service);
        const words = `p95 latency ${seconds(result.latencyMs?.p95 ?? NaN)} (${kept ? 'kept up' : 'fell behind: its queue grew'})`;
        let why = '';
        if (kept !== expectKeptUp && !kept) {
          const reasons = result.strategy === 'parallel' || result.strategy === 'processes' ? whyNotFaster(runs[label], caps) : slowdowns(runs[label], caps);
          why = `, not what this demo expects, because ${because(reasons) || 'nothing measured explains it'}`;
        } else if (kept !== expectKeptUp) {
          why = ', which this demo does not expect: the requests asked for less than it could serve';
        }
        return { text: `${words}${why}`, held: kept === expectKeptUp, result, workload };
      };
      const a = served('one at a time, waiting', false);
      const b = served('concurrent, waiting', true);
      const c = served('one thread, computing', false);
      const d = served('2 workers, computing', true);
      const every = (x) => x.workload.groups[0].everyMs;
      const each = (x) => { const g = x.workload.groups[0]; return g.cpuMs > 0 ? `computing ${g.cpuMs} ms` : `waiting ${g.ioMs} ms`; };
      const coresWorth = (x) => { const g = x.workload.groups[0]; return g.cpuMs / g.everyMs; };
      return verdictOf([`Requests every ${every(a)} ms, each ${each(a)}: one at a time, ${a.text}; concurrently, ${b.text}.`,
        `Requests every ${every(c)} ms, each ${each(c)} (${coresWorth(c).toFixed(1)} cores’ worth): on one thread, ${c.text}; ` +
          `on ${workersWords(d.result)}, ${d.text}.`],
      [{ claim: 'one at a time falls behind', held: a.held }, { claim: 'concurrently keeps up', held: b.held },
        { claim: 'one thread computing falls behind', held: c.held }, { claim: 'workers keep up', held: d.held }], runs, caps);
    },
  },
  mixed: {
    verdict(runs, caps) {
      const { concurrent: con, parallel: par, hybrid: hyb } = runs;
      const workload = hyb[0].workload;
      const vsAsync = outcome(speedupOver(con, hyb));
      const vsThreads = outcome(speedupOver(par, hyb));
      const held = vsAsync === 'faster' && vsThreads === 'faster' ? true : vsAsync === 'unclear' || vsThreads === 'unclear' ? null : false;
      const lead = `${Cap(tasksWords(workload))}: hybrid took ${wallWords(hyb)}, async alone ${wallWords(con)}, threads alone ${wallWords(par)}`;
      let text;
      if (held) {
        text = `${lead}: hybrid was faster than both, its waits overlapping on the event loop while workers computed.`;
      } else {
        const behind = [vsAsync !== 'faster' ? 'async alone' : null, vsThreads !== 'faster' ? 'threads alone' : null].filter(Boolean).join(' or ');
        const shape = shapeOf(workload);
        const why = shape === 'cpu' ? 'these tasks hardly wait, so there is little to overlap'
          : shape === 'io' ? 'these tasks hardly compute, so workers have little to do'
            : because(whyNotFaster(hyb, caps)) || `the rounds were too close to tell (${noiseOf(hyb)})`;
        text = `${lead}: not clearly faster than ${behind} here, because ${why}.`;
      }
      return verdictOf([text], [{ claim: 'hybrid beats each alone', held }], runs, caps);
    },
  },
  overhead: {
    verdict(runs, caps) {
      const { sequential: seq, hybrid: hyb, parallel: par } = runs;
      const workload = seq[0].workload;
      const s = speedupOver(seq, hyb);
      const o = outcome(s);
      const lead = `${Cap(tasksWords(workload))}: handing each to a worker (hybrid) took ${wallWords(hyb)}, doing them in place ${wallWords(seq)}`;
      const sizes = workload.groups.map((g) => g.cpuMs);
      const slower = o === 'slower'
        ? { text: `${lead}: ${(1 / s.median).toFixed(1)}x slower (${spreadWords(s, { slowdown: true })}): each hand-over cost more than the work it handed over.`, held: true }
        : { text: `${lead}, ${ratioWords(s)} as fast (${spreadWords(s)}): not slower here, because ${Math.min(...sizes) >= 1 ? 'the pieces are big enough to pay for the hand-over' : 'the hand-over was cheap enough on this machine'}.`, held: o === 'unclear' ? null : false };
      return verdictOf([slower.text, `Parallel, which hands over whole tasks to each worker, took ${wallWords(par)}.`],
        [{ claim: 'tiny pieces are slower on workers', held: slower.held }], runs, caps);
    },
  },
  'one-core': {
    verdict(runs, caps) {
      const con = runs.concurrent[0].result;
      const par = runs.parallel[0].result;
      const tasks = tasksWords(runs.concurrent[0].workload);
      const slices = con.spans.filter((s) => s.kind === 'cpu').length;
      const atOnce = maxSimultaneousComputing(con);
      const interleaved = { text: `Concurrently, ${tasks} took turns in ${plural(slices, 'slice')} on one lane: at most ${atOnce} computed at any instant.`, held: atOnce <= 1 };
      const most = maxSimultaneousComputing(par);
      const why = most >= 2 ? '' : `, because ${because(whyNotFaster(runs.parallel, caps)) || 'its tasks never overlapped'}`;
      const simultaneous = { text: `In parallel, ${most} computed at the same instant${why}.`, held: most >= 2 };
      return verdictOf([interleaved.text, simultaneous.text],
        [{ claim: 'one thread computes one at a time', held: interleaved.held }, { claim: 'workers compute at the same instant', held: simultaneous.held }], runs, caps);
    },
  },
  race: {
    verdict(runs, caps) {
      return raceVerdict(runs, caps, { threadsOn: true });
    },
    verdictWithoutThreads(runs, caps) {
      return raceVerdict(runs, caps, { threadsOn: false });
    },
  },
  deadlock: {
    verdict(runs, caps) {
      return deadlockVerdict(runs, caps, { threadsOn: true });
    },
    verdictWithoutThreads(runs, caps) {
      return deadlockVerdict(runs, caps, { threadsOn: false });
    },
  },
};


/** Largest number of computing spans running at the same instant, over all lanes. */
export function maxSimultaneousComputing(result) {
  const edges = [];
  for (const s of result.spans) {
    if (s.kind !== 'cpu') continue;
    edges.push([s.start, 1], [s.end, -1]);
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let most = 0;
  for (const [, d] of edges) most = Math.max(most, (now += d));
  return most;
}

/** Whether waits under the global lock overlapped: the run took about one wait, not their sum. */
function waitsOverlap(rounds, caps) {
  const { result, workload } = rounds[0];
  const w = walls(rounds);
  const { io, tasks } = workOf(workload);
  const longest = Math.max(...workload.groups.map((g) => (g.steps ?? 1) * g.ioMs));
  const held = tasks > 1 && w.median < Math.max(longest * 1.5, io * 0.6);
  const words = `${Cap(tasksWords(workload))} on ${workersWords(result)} under the lock took ${wallWords(rounds)}`;
  return held ? { text: `${words}: waiting released the lock, so they waited at the same time.`, held }
    : { text: `${words}: not clearly at the same time here, because ${because(whyNotFaster(rounds, caps)) || 'nothing measured explains it'}.`, held };
}

/**
 * What copying their input cost processes, against threads that read it where it was: the time
 * the copies took out of the processes' work, and both runs' wall times. `threads`: null where
 * threads are off.
 */
function copyCost(threads, processes) {
  const first = processes[0];
  const spent = timeByKind(first.result);
  const copying = spent.transfer ?? 0;
  const work = Object.values(spent).reduce((a, b) => a + b, 0);
  const kb = Math.max(...first.workload.groups.map((g) => g.dataKb ?? 0));
  const lead = `With ${kb.toLocaleString('en')} KiB of input per task, ${workersWords(first.result)} spent ${seconds(copying)} of their ${seconds(work)} of work copying it in (${percent(work > 0 ? copying / work : NaN)})`;
  if (!threads) return { text: `${lead}; they took ${wallWords(processes)}.`, held: copying > 0 };
  const o = outcome(speedupOver(processes, threads));
  const held = o === 'faster';
  const compare = held ? `: they took ${wallWords(processes)}, threads, reading it where it was, ${wallWords(threads)}`
    : `; they took ${wallWords(processes)} and threads ${wallWords(threads)}: the copy did not clearly cost them more than threads here`;
  return { text: `${lead}${compare}.`, held: held || (o === 'unclear' ? null : false) };
}

/**
 * What a preset's runs showed (`done`: the batch's runs, each with its rounds). Where threads
 * are off, parallel runs ran as processes: a claim about parallelism still shows, and the
 * verdict says the workers were processes (a preset whose claim is about threads themselves has
 * its own `verdictWithoutThreads`). A run that fell back to the page's thread (hybrid) can't
 * show its claim: the verdict says so. Returns `{ text, claims }`.
 */
export function presetVerdict(preset, done, capabilities) {
  const verdicts = VERDICTS[preset.id];
  const runs = byLabel(done);
  const results = done.flatMap((d) => (d.rounds ?? [d]).map((r) => r.result));
  const stuck = preset.deadlocks ? null : done.find((d) => (d.rounds ?? [d]).some((r) => r.result.status === 'deadlocked'));
  if (stuck) return deadlockedVerdict(stuck);
  const fellBack = results.filter((r) => r.strategy !== r.requestedStrategy);
  if (fellBack.length === 0) return verdicts.verdict(runs, capabilities);
  const onPageThread = fellBack.filter((r) => r.strategy !== 'processes');
  if (onPageThread.length === 0) {
    if (verdicts.verdictWithoutThreads) return verdicts.verdictWithoutThreads(runs, capabilities);
    const verdict = verdicts.verdict(runs, capabilities);
    return { ...verdict, text: `${threadsOffHere(capabilities)}, so these workers are processes. ${verdict.text}` };
  }
  const which = [...new Set(onPageThread.map((r) => `${r.requestedStrategy} ran as ${r.strategy}`))].join(' and ');
  const { advice } = threadsOffWords(capabilities);
  return {
    text: `${threadsOffHere(capabilities)}, so ${which} on the page’s thread and this demo can’t show its claim.${advice ? ` ${advice}` : ''}`,
    claims: [],
  };
}


/**
 * The verdict of a demo whose run deadlocked (its tasks take locks in opposite orders): a run
 * stopped early has no wall time to compare, so the claim can't be shown; the cycle is named.
 */
function deadlockedVerdict(stuck) {
  const { result } = (stuck.rounds ?? [stuck]).find((r) => r.result.status === 'deadlocked');
  return {
    text: `“${stuck.label}” deadlocked: ${cycleWords(result)}; ${detectionWords(result.deadlock)}. A run stopped early has no time to compare, so this demo can’t show its claim: take the locks in the same order in every group.`,
    claims: [],
  };
}

/**
 * Which of a comparison's runs was fastest, named only beyond the noise: by median wall time,
 * the winner's rounds all faster than the runner-up's by the margin (evidence.js). `done`: the
 * batch's runs, each with its rounds. `{ text, winner }` (winner: a label, or null for a tie).
 */
export function compareVerdict(done) {
  const stuck = done.filter((d) => (d.rounds ?? [d]).some((r) => r.result.status === 'deadlocked'));
  const finished = done.filter((d) => !stuck.includes(d));
  const unranked = stuck.length ? ` ${stuck.map((d) => `“${d.label}”`).join(', ')} deadlocked: a run stopped early is not ranked.` : '';
  if (finished.length === 0) return { text: unranked.trim(), winner: null };
  const verdict = rankRuns(finished);
  return { ...verdict, text: `${verdict.text}${unranked}` };
}

/** compareVerdict of runs that all finished. */
function rankRuns(done) {
  const runs = byLabel(done);
  const ranked = Object.entries(runs).map(([label, rounds]) => ({ label, rounds, w: walls(rounds) }))
    .sort((a, b) => a.w.median - b.w.median);
  const [first, second] = ranked;
  const seq = runs.sequential;
  const vsSequential = seq && first.label !== 'sequential' ? `, ${ratioWords(speedupOver(seq, first.rounds))} the speed of sequential` : '';
  if (!second) return { text: `${first.label} took ${wallWords(first.rounds)}.`, winner: first.label };
  const o = outcome(speedupOver(second.rounds, first.rounds));
  if (o === 'faster') {
    return { text: `Fastest: ${first.label}, ${wallWords(first.rounds)}${vsSequential}; next, ${second.label} at ${wallWords(second.rounds)}.`, winner: first.label };
  }
  const tied = ranked.filter((r) => outcome(speedupOver(r.rounds, first.rounds)) !== 'faster').map((r) => `${r.label} ${wallWords(r.rounds)}`);
  const rule = first.w.n > 1
    ? `a winner must be faster in each of the ${first.w.n} rounds by ${Math.round((MARGIN.ROUND - 1) * 100)} % or more`
    : `in one round a winner must be ${Math.round((MARGIN.SINGLE - 1) * 100)} % faster or more`;
  return { text: `No clear winner: ${tied.join(', ')} are within the noise (${rule}).`, winner: null };
}
