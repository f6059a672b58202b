// Presets: one per claim of the explainer. Each has a workload, the runs that show the claim
// (strategies, sometimes with a setting changed), and how many rounds of them to run (a claim
// that is a ratio is measured over several interleaved rounds, so noise shows as a spread).
// What the runs showed, the verdict, is verdicts.js's: the page and the embed load it once they
// are ready, as the first screen needs only the presets (issue 22: bytes before ready).

/**
 * Threads for "use the cores": the machine's cores as measured (a browser may report more than
 * it has: WebKitGTK reports 4 on 2), at least 2 (so a one-core machine still shows two workers
 * taking turns), at most what the pool has.
 */
export function coreThreads(capabilities) {
  const cores = capabilities.cores ?? capabilities.hardwareConcurrency;
  return Math.max(1, Math.min(capabilities.maxThreads, Math.max(2, cores)));
}

/** Rounds of a ratio claim: enough to see the spread, few enough to wait for. */
const ROUNDS = 3;

const group = (name, count, cpuMs, ioMs, steps = 1) => ({ name, count, cpuMs, ioMs, steps });

export const PRESETS = [
  {
    id: 'io',
    title: 'I/O-bound: concurrency wins',
    claim: 'Waiting tasks (downloads, queries) overlap their waits on one thread. Threads help too, by blocking in parallel.',
    workload: (caps) => ({ strategy: 'concurrent', threads: coreThreads(caps), globalLock: false, yieldMs: 0,
      groups: [group('download', 8, 0, 200)] }),
    runs: [{ label: 'sequential' }, { label: 'concurrent' }, { label: 'parallel' }],
    rounds: ROUNDS,
  },
  {
    id: 'cpu',
    title: 'CPU-bound: parallelism wins, async alone does not',
    claim: 'Computing needs a core. Async tasks on one thread just take turns; workers compute at the same instant.',
    workload: (caps) => ({ strategy: 'parallel', threads: coreThreads(caps), globalLock: false, yieldMs: 10,
      groups: [group('resize', 8, 150, 0)] }),
    runs: [{ label: 'sequential' }, { label: 'concurrent' }, { label: 'parallel' }],
    rounds: ROUNDS,
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
    rounds: ROUNDS,
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
      { label: 'threads, 8,192 KiB input each', strategy: 'parallel', groups: [{ ...group('parse', 8, 20, 0), dataKb: 8192 }] },
      { label: 'processes, 8,192 KiB input each', strategy: 'processes', groups: [{ ...group('parse', 8, 20, 0), dataKb: 8192 }] },
    ],
    rounds: ROUNDS,
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
    // Once: freezing the page three times over teaches nothing more.
    rounds: 1,
    chart: 'frames',
  },
  {
    id: 'server',
    title: 'A web server: requests keep arriving',
    claim: 'Requests arrive every few milliseconds. Served one at a time, each waits for all before it: latency grows. Concurrently, their waits overlap. When they need more than one core’s worth of computing, one thread falls behind and workers keep up.',
    workload: () => ({ strategy: 'concurrent', threads: 2, globalLock: false, yieldMs: 10,
      groups: [{ ...group('request', 20, 0, 100), everyMs: 40 }] }),
    runs: [
      { label: 'one at a time, waiting', strategy: 'sequential' },
      { label: 'concurrent, waiting', strategy: 'concurrent' },
      { label: 'one thread, computing', strategy: 'concurrent', groups: [{ ...group('request', 20, 30, 0), everyMs: 20 }] },
      { label: '2 workers, computing', strategy: 'parallel', threads: 2, groups: [{ ...group('request', 20, 30, 0), everyMs: 20 }] },
    ],
    // Latency over a run, not a ratio: once.
    rounds: 1,
    chart: 'latency',
  },
  {
    id: 'mixed',
    title: 'Mixed work: hybrid beats each alone',
    claim: 'Tasks that compute and wait: async overlaps the waits, workers do the computing. Together they beat either one.',
    workload: (caps) => ({ strategy: 'hybrid', threads: coreThreads(caps), globalLock: false, yieldMs: 10,
      groups: [group('fetch + parse', 4, 100, 100, 2)] }),
    runs: [{ label: 'sequential' }, { label: 'concurrent' }, { label: 'parallel' }, { label: 'hybrid' }],
    rounds: ROUNDS,
  },
  {
    id: 'overhead',
    title: 'Overhead: tiny tasks make threads slower',
    claim: 'Handing work to another thread costs time. When each piece is tiny, the cost is bigger than the work.',
    workload: (caps) => ({ strategy: 'hybrid', threads: coreThreads(caps), globalLock: false, yieldMs: 0,
      groups: [group('tiny', 300, 0.02, 0)] }),
    runs: [{ label: 'sequential' }, { label: 'hybrid' }, { label: 'parallel' }],
    rounds: ROUNDS,
  },
  {
    id: 'one-core',
    title: 'Concurrency on one core: interleaving, not simultaneity',
    claim: 'Concurrent tasks overlap in time, but on one thread only one computes at any instant. Parallel tasks compute at the same instant.',
    workload: (caps) => ({ strategy: 'concurrent', threads: coreThreads(caps), globalLock: false, yieldMs: 10,
      groups: [group('task', 3, 60, 0)] }),
    runs: [{ label: 'concurrent' }, { label: 'parallel' }],
    // What it shows is the shape of one run, not a ratio.
    rounds: 1,
  },
  {
    id: 'race',
    title: 'Shared memory: updates get lost without atomics or a lock',
    claim: 'Each task adds 1 to a shared counter many times: it reads the counter, does a bit of work, and writes back what it read plus one. When two do that at the same time, one write overwrites the other and an update is lost: on threads, and on one thread too when a task awaits between its read and its write. An atomic add, a lock, or counting apart and sending the counts lose none.',
    workload: (caps) => ({ strategy: 'parallel', threads: coreThreads(caps), globalLock: false, yieldMs: 10, sync: 'none',
      groups: [{ ...group('tally', 8, 40, 0), increments: 1000 }] }),
    runs: [
      { label: 'sequential' },
      { label: 'threads, no sync', strategy: 'parallel', sync: 'none' },
      { label: 'one thread, await inside', strategy: 'concurrent', sync: 'none', groups: [{ ...group('tally', 8, 0, 20), increments: 10 }] },
      { label: 'threads, atomic', strategy: 'parallel', sync: 'atomic' },
      { label: 'threads, lock', strategy: 'parallel', sync: 'lock' },
      { label: 'threads, messages', strategy: 'parallel', sync: 'message' },
      { label: 'processes, no sync', strategy: 'processes', sync: 'none' },
      { label: 'processes, messages', strategy: 'processes', sync: 'message' },
    ],
    // Twice: a race gives a different count each time, and the verdict says so.
    rounds: 2,
    chart: 'counter',
  },
  {
    id: 'deadlock',
    title: 'Two locks, opposite order: a deadlock',
    claim: 'One task takes lock A, then B; another takes B, then A. If each gets its first lock, each waits for the other’s forever: a deadlock. The engine watches who waits for whom, finds the cycle, names it and stops the run. Taking the locks in the same order never deadlocks.',
    deadlocks: true,
    workload: (caps) => ({ strategy: 'parallel', threads: coreThreads(caps), globalLock: false, yieldMs: 10,
      groups: [{ ...group('A then B', 1, 40, 0), locks: ['A', 'B'] }, { ...group('B then A', 1, 40, 0), locks: ['B', 'A'] }] }),
    runs: [
      { label: 'sequential' },
      { label: 'threads, opposite order', strategy: 'parallel' },
      { label: 'threads, same order', strategy: 'parallel', groups: [{ ...group('A then B', 2, 40, 0), locks: ['A', 'B'] }] },
      { label: 'one thread, await while holding', strategy: 'concurrent',
        groups: [{ ...group('A then B', 1, 0, 40), locks: ['A', 'B'] }, { ...group('B then A', 1, 0, 40), locks: ['B', 'A'] }] },
      { label: 'processes, opposite order', strategy: 'processes' },
    ],
    // What it shows is how each run ended, not a ratio: once.
    rounds: 1,
  },
];

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

/**
 * A workload as an embed is given it (a link's or a host's), made whole for this reader: over
 * `preset`'s workload, where it replaces only the fields it names (the embed snippet names only
 * what its author changed: workloadChanges), and without a preset, with as many workers as the
 * reader's cores (coreThreads) where it names none (the engine alone would give it 1).
 */
export function completeWorkload(given, preset, capabilities) {
  if (preset) return { ...preset.workload(capabilities), ...given };
  const whole = { ...given };
  if (!Object.hasOwn(given, 'threads')) whole.threads = coreThreads(capabilities);
  return whole;
}

/**
 * What `workload` changes of `preset`'s on this machine (`capabilities`), field by field: what
 * an author changed, for a snippet that fits any reader. The workers are named only where the
 * author chose a count other than this machine's cores; without a preset, every other field.
 */
export function workloadChanges(workload, preset, capabilities) {
  const base = preset ? preset.workload(capabilities) : { threads: coreThreads(capabilities) };
  return Object.fromEntries(Object.entries(workload).filter(([field, value]) => JSON.stringify(value) !== JSON.stringify(base[field])));
}
