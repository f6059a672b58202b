// Presets: one per claim of the explainer. Each has a workload, the runs that show the claim
// (strategies, sometimes with a setting changed), and a verdict computed from what those
// runs measured. Nothing here is asserted without a run behind it.

import { keptUp, percent, seconds, speedup, times } from './metrics.js';
import { threadsOffWords } from './words.js';

/** Threads for "use the cores": the pool's workers, at most the machine's cores, at least 2. */
export function coreThreads(capabilities) {
  return Math.max(1, Math.min(capabilities.maxThreads, Math.max(2, capabilities.hardwareConcurrency)));
}

const group = (name, count, cpuMs, ioMs, steps = 1) => ({ name, count, cpuMs, ioMs, steps });

/** What a run's workers were: threads, or processes (where a parallel run ran as processes). */
const workers = (result) => (result.strategy === 'processes' ? 'processes' : 'threads');

function find(results, label) {
  return results.find((r) => r.label === label)?.result;
}

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

export const PRESETS = [
  {
    id: 'io',
    title: 'I/O-bound: concurrency wins',
    claim: 'Waiting tasks (downloads, queries) overlap their waits on one thread. Threads help too, by blocking in parallel.',
    workload: (caps) => ({ strategy: 'concurrent', threads: coreThreads(caps), globalLock: false, yieldMs: 0,
      groups: [group('download', 8, 0, 200)] }),
    runs: [{ label: 'sequential' }, { label: 'concurrent' }, { label: 'parallel' }],
    verdict(results) {
      const seq = find(results, 'sequential');
      const con = find(results, 'concurrent');
      const par = find(results, 'parallel');
      return `8 downloads took ${seconds(con.wallMs)} concurrently instead of ${seconds(seq.wallMs)} one after another: ` +
        `they waited at the same time. ${par.threads} ${workers(par)} took ${seconds(par.wallMs)}, each blocking through its own waits.`;
    },
  },
  {
    id: 'cpu',
    title: 'CPU-bound: parallelism wins, async alone does not',
    claim: 'Computing needs a core. Async tasks on one thread just take turns; workers compute at the same instant.',
    workload: (caps) => ({ strategy: 'parallel', threads: coreThreads(caps), globalLock: false, yieldMs: 10,
      groups: [group('resize', 8, 150, 0)] }),
    runs: [{ label: 'sequential' }, { label: 'concurrent' }, { label: 'parallel' }],
    verdict(results) {
      const seq = find(results, 'sequential');
      const con = find(results, 'concurrent');
      const par = find(results, 'parallel');
      return `On ${par.threads} workers the 8 resizes ran ${times(speedup(seq, par))} faster than one after another ` +
        `(${seconds(par.wallMs)} vs ${seconds(seq.wallMs)}). As async tasks: ${times(speedup(seq, con))}, no faster: they took turns on one thread.`;
    },
  },
  {
    id: 'gil',
    title: "Global lock (like Python's GIL): threads don't speed up computing",
    claim: 'With one lock held while computing, only one thread computes at a time. Waiting releases the lock, so waits still overlap.',
    workload: (caps) => ({ strategy: 'parallel', threads: coreThreads(caps), globalLock: true, yieldMs: 10,
      groups: [group('compute', 6, 100, 0)] }),
    runs: [
      { label: 'sequential' },
      { label: 'parallel, global lock', strategy: 'parallel', globalLock: true },
      { label: 'parallel, no lock', strategy: 'parallel', globalLock: false },
      { label: 'waits under the lock', strategy: 'parallel', globalLock: true, threads: 'all', groups: [group('download', 4, 0, 200)] },
      { label: 'processes, global lock', strategy: 'processes', globalLock: true },
    ],
    verdict(results) {
      const seq = find(results, 'sequential');
      const gil = find(results, 'parallel, global lock');
      const free = find(results, 'parallel, no lock');
      const waits = find(results, 'waits under the lock');
      const processes = find(results, 'processes, global lock');
      return `Under the global lock ${gil.threads} threads computed ${times(speedup(seq, gil))} as fast as one: only the lock's holder computes. ` +
        `Without the lock: ${times(speedup(seq, free))}. Waiting releases the lock: 4 waits of 0.2 s on ${waits.threads} threads finished in ${seconds(waits.wallMs)}. ` +
        `${processes.threads} processes, each with its own lock, computed ${times(speedup(seq, processes))} as fast: that is how multiprocessing escapes the GIL.`;
    },
    // Without threads every "parallel" run is processes: only the processes' part can be shown.
    verdictWithoutThreads(results, caps) {
      const seq = find(results, 'sequential');
      const processes = find(results, 'processes, global lock');
      return `${threadsOffHere(caps)}, so the global lock can’t be shown holding threads back: ` +
        `every “parallel” run ran as processes. ${processes.threads} processes, each with its own lock, computed ` +
        `${times(speedup(seq, processes))} as fast as one: that is how multiprocessing escapes the GIL.`;
    },
  },
  {
    id: 'processes',
    title: 'Processes: parallel without shared memory, at the price of a copy',
    claim: 'Processes (like Python’s multiprocessing) compute at the same time without sharing memory, in any browser. Each gets a copy of its input: threads read it where it is.',
    workload: (caps) => ({ strategy: 'processes', threads: coreThreads(caps), globalLock: false, yieldMs: 10,
      groups: [group('compute', 8, 60, 0)] }),
    runs: [
      { label: 'sequential' },
      { label: 'parallel' },
      { label: 'processes' },
      { label: 'threads, 8 MB input each', strategy: 'parallel', groups: [{ ...group('parse', 8, 20, 0), dataKb: 8192 }] },
      { label: 'processes, 8 MB input each', strategy: 'processes', groups: [{ ...group('parse', 8, 20, 0), dataKb: 8192 }] },
    ],
    verdict(results) {
      const [seq, par, proc] = ['sequential', 'parallel', 'processes'].map((l) => find(results, l));
      const threadsData = find(results, 'threads, 8 MB input each');
      const processData = find(results, 'processes, 8 MB input each');
      const copying = copyingMs(processData);
      return `Computing only, ${par.threads} threads ran ${times(speedup(seq, par))} and ${proc.threads} processes ${times(speedup(seq, proc))} ` +
        `as fast as one after another. With 8 MB of input per task, processes spent ${seconds(copying)} copying it in ` +
        `(${percent(copying / (processData.threads * processData.wallMs))} of their time): they took ${seconds(processData.wallMs)}, ` +
        `threads ${seconds(threadsData.wallMs)}, reading it where it was.`;
    },
    verdictWithoutThreads(results, caps) {
      const [seq, proc] = ['sequential', 'processes'].map((l) => find(results, l));
      const processData = find(results, 'processes, 8 MB input each');
      const copying = copyingMs(processData);
      return `${threadsOffHere(caps)}, so every “threads” run here ran as processes too. ` +
        `${proc.threads} processes ran ${times(speedup(seq, proc))} as fast as one after another; with 8 MB of input per task they ` +
        `spent ${seconds(copying)} copying it in (${percent(copying / (processData.threads * processData.wallMs))} of their time).`;
    },
  },
  {
    id: 'responsive',
    title: 'Responsiveness: computing on the event loop freezes the page',
    claim: 'While the page’s thread computes, it cannot draw or react. Yielding often, or computing on workers, keeps it smooth.',
    freezes: 'The first run freezes this page on purpose for about a second: watch the spinner stop.',
    tryInput: 'Type or click here while it runs: how long does your input wait?',
    workload: (caps) => ({ strategy: 'concurrent', threads: coreThreads(caps), globalLock: false, yieldMs: 0,
      groups: [group('render', 4, 250, 0)] }),
    runs: [
      { label: 'event loop, no yield', strategy: 'concurrent', yieldMs: 0 },
      { label: 'event loop, yield every 10 ms', strategy: 'concurrent', yieldMs: 10 },
      { label: 'workers', strategy: 'parallel' },
    ],
    verdict(results) {
      const run = (label) => results.find((r) => r.label === label);
      const gap = (label) => `${Math.round(run(label).smoothness.longestGapMs)} ms`;
      const late = (label) => `${Math.round(run(label).result.eventLoopDelayMs?.max ?? 0)} ms`;
      const inputs = results.filter((r) => r.smoothness.inputs > 0);
      const waited = inputs.length ? inputs.reduce((a, b) => (b.smoothness.longestInputDelayMs > a.smoothness.longestInputDelayMs ? b : a)) : null;
      return `Computing on the event loop froze the page: the longest gap between frames was ${gap('event loop, no yield')}, ` +
        `and a 10 ms timer fired up to ${late('event loop, no yield')} late. Yielding every 10 ms: ${gap('event loop, yield every 10 ms')} ` +
        `(timer ${late('event loop, yield every 10 ms')} late). On workers: ${gap('workers')} (timer ${late('workers')} late).` +
        (waited ? ` Your input waited up to ${Math.round(waited.smoothness.longestInputDelayMs)} ms (during “${waited.label}”).`
          : ' Type or click while it runs to see how long your input waits.');
    },
  },
  {
    id: 'server',
    title: 'A web server: requests keep arriving',
    claim: 'Requests arrive every few milliseconds. Served one at a time, each waits for all before it: latency grows. Concurrently, their waits overlap. When they need more than one core’s worth of computing, one thread falls behind and workers keep up.',
    workload: (caps) => ({ strategy: 'concurrent', threads: 2, globalLock: false, yieldMs: 10,
      groups: [{ ...group('request', 20, 0, 100), everyMs: 40 }] }),
    runs: [
      { label: 'one at a time, waiting', strategy: 'sequential' },
      { label: 'concurrent, waiting', strategy: 'concurrent' },
      { label: 'one thread, computing', strategy: 'concurrent', groups: [{ ...group('request', 20, 30, 0), everyMs: 20 }] },
      { label: '2 workers, computing', strategy: 'parallel', threads: 2, groups: [{ ...group('request', 20, 30, 0), everyMs: 20 }] },
    ],
    verdict(results) {
      const said = (label) => {
        const { result, workload } = results.find((r) => r.label === label);
        const g = workload.groups[0];
        const service = (g.steps ?? 1) * (g.cpuMs + g.ioMs);
        return `p95 latency ${seconds(result.latencyMs?.p95 ?? NaN)} (${keptUp(result, service) ? 'kept up' : 'fell behind: its queue grew'})`;
      };
      const computing = find(results, '2 workers, computing');
      return `Requests every 40 ms, each waiting 100 ms: one at a time, ${said('one at a time, waiting')}; ` +
        `concurrently, ${said('concurrent, waiting')}. Requests every 20 ms, each computing 30 ms (1.5 cores’ worth): ` +
        `on one thread, ${said('one thread, computing')}; on ${computing.threads} ${workers(computing)}, ${said('2 workers, computing')}.`;
    },
  },
  {
    id: 'mixed',
    title: 'Mixed work: hybrid beats each alone',
    claim: 'Tasks that compute and wait: async overlaps the waits, workers do the computing. Together they beat either one.',
    workload: (caps) => ({ strategy: 'hybrid', threads: coreThreads(caps), globalLock: false, yieldMs: 10,
      groups: [group('fetch + parse', 4, 100, 100, 2)] }),
    runs: [{ label: 'sequential' }, { label: 'concurrent' }, { label: 'parallel' }, { label: 'hybrid' }],
    verdict(results) {
      const [con, par, hyb] = ['concurrent', 'parallel', 'hybrid'].map((l) => find(results, l));
      const best = Math.min(con.wallMs, par.wallMs);
      const word = hyb.wallMs < best ? 'faster than' : 'not faster than';
      return `Hybrid took ${seconds(hyb.wallMs)}: ${word} async alone (${seconds(con.wallMs)}) and threads alone ` +
        `(${seconds(par.wallMs)}). Waits overlapped on the event loop while workers computed.`;
    },
  },
  {
    id: 'overhead',
    title: 'Overhead: tiny tasks make threads slower',
    claim: 'Handing work to another thread costs time. When each piece is tiny, the cost is bigger than the work.',
    workload: (caps) => ({ strategy: 'hybrid', threads: coreThreads(caps), globalLock: false, yieldMs: 0,
      groups: [group('tiny', 300, 0.02, 0)] }),
    runs: [{ label: 'sequential' }, { label: 'hybrid' }, { label: 'parallel' }],
    verdict(results) {
      const seq = find(results, 'sequential');
      const hyb = find(results, 'hybrid');
      const par = find(results, 'parallel');
      const slower = hyb.wallMs / seq.wallMs;
      return `300 tiny pieces of 0.02 ms: handing each to a worker (hybrid) took ${seconds(hyb.wallMs, 3)}, ` +
        `${slower >= 1 ? `${slower.toFixed(1)}x slower than` : 'about as fast as'} doing them in place (${seconds(seq.wallMs, 3)}). ` +
        `Parallel, which hands over whole batches, took ${seconds(par.wallMs, 3)}.`;
    },
  },
  {
    id: 'one-core',
    title: 'Concurrency on one core: interleaving, not simultaneity',
    claim: 'Concurrent tasks overlap in time, but on one thread only one computes at any instant. Parallel tasks compute at the same instant.',
    workload: (caps) => ({ strategy: 'concurrent', threads: coreThreads(caps), globalLock: false, yieldMs: 10,
      groups: [group('task', 3, 60, 0)] }),
    runs: [{ label: 'concurrent' }, { label: 'parallel' }],
    verdict(results) {
      const con = find(results, 'concurrent');
      const par = find(results, 'parallel');
      const slices = con.spans.filter((s) => s.kind === 'cpu').length;
      return `Concurrently, 3 tasks took turns in ${slices} slices on one lane: at most ${maxSimultaneousComputing(con)} computed at any instant. ` +
        `In parallel, ${maxSimultaneousComputing(par)} computed at the same instant.`;
    },
  },
];

/** Time processes spent receiving copies of their input, summed over their lanes. */
export function copyingMs(result) {
  return result.spans.filter((s) => s.kind === 'transfer').reduce((ms, s) => ms + s.end - s.start, 0);
}

/**
 * What a preset's runs showed. Where threads are off, parallel runs ran as processes: a claim
 * about parallelism still shows, and the verdict says the workers were processes (a preset
 * whose claim is about threads themselves has its own `verdictWithoutThreads`). A run that
 * fell back to the page's thread (hybrid) can't show its claim: the verdict says so.
 */
export function presetVerdict(preset, runs, capabilities) {
  const fellBack = runs.map((r) => r.result).filter((r) => r.strategy !== r.requestedStrategy);
  if (fellBack.length === 0) return preset.verdict(runs, capabilities);
  const onPageThread = fellBack.filter((r) => r.strategy !== 'processes');
  if (onPageThread.length === 0) {
    if (preset.verdictWithoutThreads) return preset.verdictWithoutThreads(runs, capabilities);
    return `${threadsOffHere(capabilities)}, so these workers are processes: ${preset.verdict(runs, capabilities)}`;
  }
  const which = [...new Set(onPageThread.map((r) => `${r.requestedStrategy} ran as ${r.strategy}`))].join(' and ');
  const { advice } = threadsOffWords(capabilities);
  return `${threadsOffHere(capabilities)}, so ${which} on the page’s thread and this demo can’t show its claim.${advice ? ` ${advice}` : ''}`;
}

/** "Threads are off here (why)": how a verdict starts where there are no threads. */
function threadsOffHere(capabilities) {
  return `Threads are off here (${capabilities.noPoolReason ?? 'no worker pool'})`;
}

export function presetById(id) {
  return PRESETS.find((p) => p.id === id);
}

/**
 * The workload of one of a preset's runs: the preset's (or the edited) workload with the
 * run's changes. `threads: 'all'` means every worker of the pool.
 */
export function runWorkload(base, run, capabilities) {
  const { label, ...changes } = run;
  const workload = { ...base, strategy: changes.strategy ?? label, ...changes };
  if (workload.threads === 'all') workload.threads = capabilities?.maxThreads ?? base.threads;
  return workload;
}
