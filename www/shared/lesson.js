// The lesson: the explainer's claims in its order, one step each. A step is data: the claim in
// two or three sentences, a question with choices, the runs that answer it (a preset's workload
// with the preset's run changes, presets.js), and two functions of what those runs measured:
// `measure` (the figure the question is about, in words) and `why` (one sentence, from the
// measurements). The correct choice is the one the measurement lands nearest, so on a machine
// that differs from the textbook (one core, no threads, busy) the answer is this machine's,
// and the step says so and why. Pure: no DOM (tests/unit/lesson.test.mjs).

import {
  because, byLabel, plural, speedupOver, tasksWords, timeByKind, walls, wallWords, whyNotFaster, workersWords, slowdowns,
} from './evidence.js';
import { percent, seconds, times } from './metrics.js';
import { coreThreads, presetById, runWorkload } from './presets.js';
import { compareVerdict, maxSimultaneousComputing } from './verdicts.js';
import { whyNoDeadlock, whyNoneLost } from './race-verdicts.js';
import { cycleWords, detectionWords, firstCollisionWords, longestLockWait, roundsLossWords } from './races.js';
import { urlFor } from './url-state.js';

/** The choice every question offers besides its own: the Run button works after it too. */
export const UNKNOWN = { id: 'unknown', text: 'I don’t know' };

const firstGroup = (workload) => workload.groups[0];
const speedWords = (value) => (value >= 0.95 && value <= 1.05 ? 'about as fast' : `${times(value)} as fast`);

/** A sentence of the event loop's lateness, when it was late enough to matter (a busy page). */
function lateLoop(result) {
  const late = result.eventLoopDelayMs?.max;
  return late > 50 ? `the page’s event loop answered its timers up to ${Math.round(late)} ms late` : '';
}

/** The workers a step's run on workers really had, and what the engine made of it, in words. */
function workersOf(rounds) {
  const { result } = rounds[0];
  const fell = result.strategy !== result.requestedStrategy;
  return fell ? `${workersWords(result)} (it asked for ${result.requestedStrategy}, and ran as ${result.strategy})` : workersWords(result);
}

/** Speedup of `label` over `base` as a measured value, with its words. */
function speedupMeasure(runs, base, label, what) {
  const s = speedupOver(runs[base], runs[label]);
  return { value: s.median, words: `${what} ran ${speedWords(s.median)} as ${base === 'sequential' ? 'one after another' : base} (${wallWords(runs[label])} against ${wallWords(runs[base])}${s.n > 1 ? `, median of ${s.n} rounds` : ''})` };
}

export const STEPS = [
  {
    id: 'overlap',
    topic: 'Concurrency',
    title: 'Waits overlap on one thread',
    text: [
      'Concurrency is when tasks start, run and finish in overlapping periods of time. They need not run at the same instant.',
      'A task that waits (for a download, a database) needs no thread while it waits: the event loop starts the next one meanwhile.',
    ],
    preset: 'io',
    runs: () => [{ label: 'sequential' }, { label: 'concurrent' }],
    question: ({ workload }) => {
      const g = firstGroup(workload);
      return `${tasksWords(workload)} (they only wait). One after another that is ${seconds(g.count * g.ioMs)}. As async tasks on the page’s one thread, about how long will they take?`;
    },
    choices: ({ workload }) => {
      const g = firstGroup(workload);
      return [
        { id: 'sum', text: `About as long: ${seconds(g.count * g.ioMs)}`, value: g.count * g.ioMs },
        { id: 'half', text: `About half: ${seconds(g.count * g.ioMs / 2)}`, value: g.count * g.ioMs / 2 },
        { id: 'one', text: `About one wait: ${seconds(g.ioMs)}`, value: g.ioMs },
      ];
    },
    textbook: 'one',
    measure: (runs) => ({ value: walls(runs.concurrent).median, words: `as async tasks they took ${wallWords(runs.concurrent)}; one after another, ${wallWords(runs.sequential)}` }),
    why: (runs, caps, { correct }) => {
      const late = lateLoop(runs.concurrent[0].result);
      if (correct === 'one') return `Their waits overlapped: while one task waited, the event loop started the next, all on one thread${late ? ` (though ${late})` : ''}.`;
      return `The waits did not all overlap here, because ${late || because(slowdowns(runs.concurrent, caps)) || 'the page’s thread was kept from starting the next task'}.`;
    },
  },
  {
    id: 'turns',
    topic: 'Concurrency',
    title: 'On one thread, one computes at a time',
    text: [
      'Concurrency does not mean two things happen at the same instant: on one core, tasks take turns.',
      'Here async tasks compute in slices on the page’s thread, giving it a turn between slices.',
    ],
    preset: 'one-core',
    runs: () => [{ label: 'concurrent' }],
    question: ({ workload }) => `${tasksWords(workload)}, as async tasks on the page’s one thread. At the busiest instant, how many of them compute at the same time?`,
    choices: ({ workload }) => [
      { id: 'one', text: 'One', value: 1 },
      { id: 'all', text: `All ${firstGroup(workload).count}`, value: firstGroup(workload).count },
    ],
    textbook: 'one',
    measure: (runs) => {
      const result = runs.concurrent[0].result;
      const most = maxSimultaneousComputing(result);
      const slices = result.spans.filter((s) => s.kind === 'cpu').length;
      return { value: most, words: `at most ${most} computed at any instant, in ${plural(slices, 'slice')} on one lane` };
    },
    why: (runs, caps, { correct }) => (correct === 'one'
      ? 'A thread computes one thing at a time: the tasks overlapped in time, but each slice had the thread to itself.'
      : 'More than one computed at once: this run was not on one thread.'),
  },
  {
    id: 'parallel',
    topic: 'Parallelism',
    title: 'Workers compute at the same instant',
    text: [
      'Parallelism is when tasks literally run at the same time, on several cores.',
      'Worker threads here are real threads of this browser, sharing the page’s memory.',
    ],
    preset: 'cpu',
    runs: () => [{ label: 'sequential' }, { label: 'parallel' }],
    question: ({ workload, threads }) => `${tasksWords(workload)}. On ${plural(threads, 'worker')}, about how much faster than one after another will they be?`,
    choices: ({ workload, threads }) => [
      { id: 'none', text: 'No faster', value: 1 },
      { id: 'workers', text: `About ${threads}x: one per worker`, value: threads },
      { id: 'tasks', text: `About ${firstGroup(workload).count}x: one per task`, value: firstGroup(workload).count },
    ],
    textbook: 'workers',
    measure: (runs) => speedupMeasure(runs, 'sequential', 'parallel', `on ${workersOf(runs.parallel)} they`),
    why: (runs, caps, { correct }) => {
      const most = maxSimultaneousComputing(runs.parallel[0].result);
      const cores = caps.cores ?? caps.hardwareConcurrency;
      if (correct === 'workers') return `${most} computed at the same instant, on this machine’s ${plural(cores, 'core')}: no more tasks at once than workers, so no faster than that.`;
      return `Not as fast as the workers could be, because ${because(whyNotFaster(runs.parallel, caps)) || 'of something this run did not measure (try again)'}.`;
    },
  },
  {
    id: 'cpu-bound',
    topic: 'I/O-bound vs CPU-bound',
    title: 'Computing does not overlap on one thread',
    text: [
      'Work that waits is I/O-bound; work that computes is CPU-bound.',
      'In the first step async tasks overlapped their waits. Computing needs a core the whole time.',
    ],
    preset: 'cpu',
    runs: () => [{ label: 'sequential' }, { label: 'concurrent' }],
    question: ({ workload }) => `${tasksWords(workload)}. As async tasks on the page’s one thread, how fast will they be, against one after another?`,
    choices: ({ workload }) => [
      { id: 'same', text: 'About as fast', value: 1 },
      { id: 'faster', text: `About ${firstGroup(workload).count}x faster, like the waits`, value: firstGroup(workload).count },
    ],
    textbook: 'same',
    measure: (runs) => speedupMeasure(runs, 'sequential', 'concurrent', 'as async tasks they'),
    why: (runs, caps, { correct }) => {
      if (correct === 'same') return 'One thread computes one task at a time: async only changes the order, not the amount of computing.';
      return `Async was faster here, because ${because(slowdowns(runs.sequential, caps)) || 'these tasks also wait, and their waits overlapped'}.`;
    },
  },
  {
    id: 'gil',
    topic: 'The GIL',
    title: 'A global lock lets one thread compute',
    text: [
      'In Python, the Global Interpreter Lock lets one thread run Python code at a time, so its threads suit I/O-bound work.',
      'Here the same lock is real: a worker must hold it to compute.',
    ],
    preset: 'gil',
    runs: () => [{ label: 'sequential' }, { label: 'parallel, global lock', strategy: 'parallel', globalLock: true }],
    question: ({ workload, threads }) => `${tasksWords(workload)}, on ${plural(threads, 'worker thread')} that must hold one global lock to compute. How fast against one thread?`,
    choices: ({ threads }) => [
      { id: 'one', text: 'About as fast as one thread', value: 1 },
      { id: 'workers', text: `About ${threads}x faster`, value: threads },
    ],
    textbook: 'one',
    measure: (runs) => speedupMeasure(runs, 'sequential', 'parallel, global lock', `under the lock, ${workersOf(runs['parallel, global lock'])}`),
    why: (runs, caps, { correct }) => {
      const rounds = runs['parallel, global lock'];
      const { result } = rounds[0];
      if (result.strategy === 'processes') return 'Threads are off here, so the workers were processes, each with its own lock: a lock in one process can’t hold back another (the next step).';
      const waited = timeByKind(result).lockWait ?? 0;
      if (correct === 'one') return `Only the lock’s holder computed: the workers spent ${seconds(waited)} in all waiting for it.`;
      return `The lock held them back less than expected, because ${because(whyNotFaster(rounds, caps)) || 'the waits for it were short'}.`;
    },
  },
  {
    id: 'multiprocessing',
    topic: 'Multiprocessing',
    title: 'Processes escape the lock',
    text: [
      'For CPU-bound work Python uses multiprocessing: each process has its own interpreter, its own memory and its own lock.',
      'Here processes are workers with their own memory, talking by messages.',
    ],
    preset: 'gil',
    runs: () => [{ label: 'sequential' }, { label: 'processes, global lock', strategy: 'processes', globalLock: true }],
    question: ({ workload, threads }) => `The same ${tasksWords(workload)}, the same lock, on ${plural(threads, 'process', 'processes')}. How fast against one thread?`,
    choices: ({ threads }) => [
      { id: 'one', text: 'About as fast as one thread', value: 1 },
      { id: 'workers', text: `About ${threads}x faster`, value: threads },
    ],
    textbook: 'workers',
    measure: (runs) => speedupMeasure(runs, 'sequential', 'processes, global lock', `with the lock, ${workersOf(runs['processes, global lock'])}`),
    why: (runs, caps, { correct }) => {
      const rounds = runs['processes, global lock'];
      if (correct === 'workers') return 'Each process held only its own lock, so they computed at the same instant: that is how multiprocessing escapes the GIL.';
      return `Not faster here, because ${because(whyNotFaster(rounds, caps)) || 'of something this run did not measure (try again)'}.`;
    },
  },
  {
    id: 'efficiency',
    topic: 'Efficiency',
    title: 'Efficiency: speedup per worker',
    text: [
      'Efficiency is the speedup divided by the workers: 100 % means no worker ever stood idle.',
      'Tasks that don’t divide evenly among the workers leave some of them idle at the end.',
    ],
    preset: 'cpu',
    // One task more than workers: the last one runs alone.
    runs: (caps) => {
      const threads = coreThreads(caps);
      const g = presetById('cpu').workload(caps).groups[0];
      const groups = [{ ...g, count: threads + 1 }];
      return [{ label: 'sequential', groups }, { label: 'parallel', groups, threads }];
    },
    question: ({ workload, threads }) => `${tasksWords(workload)} on ${plural(threads, 'worker')}. What efficiency will they reach?`,
    choices: ({ workload, threads }) => {
      const n = firstGroup(workload).count;
      const ideal = n / (threads * Math.ceil(n / threads));
      return [
        { id: 'full', text: 'About 100 %', value: 1 },
        { id: 'uneven', text: `About ${percent(ideal)}`, value: ideal },
        { id: 'low', text: `About ${percent(ideal / 2)}`, value: ideal / 2 },
      ];
    },
    // Tasks that divide evenly: the explainer expects every worker busy to the end.
    textbook: ({ workload, threads }) => (firstGroup(workload).count % threads === 0 ? 'full' : 'uneven'),
    measure: (runs) => {
      const s = speedupOver(runs.sequential, runs.parallel);
      const { threads } = runs.parallel[0].result;
      const value = s.median / threads;
      return { value, words: `${times(s.median)} as fast on ${workersOf(runs.parallel)}: ${percent(value)} efficiency` };
    },
    why: (runs, caps, { correct, measured }) => {
      const { result, workload } = runs.parallel[0];
      const n = firstGroup(workload).count;
      // The share of the workers' time they spent computing (each worker for the whole run).
      const share = (timeByKind(result).cpu ?? 0) / (result.threads * result.wallMs);
      // Below what the workers' computing share explains: their computing itself was slow.
      const slow = measured.value < 0.85 * share ? because(slowdowns(runs.parallel, caps)) : '';
      if (correct === 'uneven') return `${plural(n, 'task')} on ${plural(result.threads, 'worker')}: the last ran while the others had nothing left, so the workers computed ${percent(share)} of the run${slow ? `, and ${slow}` : ''}.`;
      if (correct === 'full') return `The tasks divided evenly here: the workers computed ${percent(share)} of the run${slow ? `, though ${slow}` : ''}.`;
      return `Lower than the tasks’ split explains, because ${because(whyNotFaster(runs.parallel, caps)) || 'of something this run did not measure (try again)'}.`;
    },
  },
  {
    id: 'performance',
    topic: 'Performance',
    title: 'Mixed work: both at once',
    text: [
      'For CPU-bound work, parallelism uses the cores; for waiting, concurrency keeps working while a task waits.',
      'Tasks that compute and then wait can use both: async tasks whose computing goes to workers (hybrid).',
    ],
    preset: 'mixed',
    runs: () => [{ label: 'concurrent' }, { label: 'parallel' }, { label: 'hybrid' }],
    question: ({ workload }) => `${tasksWords(workload)}. Which finishes first?`,
    choices: () => [
      { id: 'concurrent', text: 'Async tasks on one thread (concurrent)' },
      { id: 'parallel', text: 'Worker threads (parallel)' },
      { id: 'hybrid', text: 'Async tasks computing on workers (hybrid)' },
      { id: 'tie', text: 'About the same' },
    ],
    pick: (measured) => measured.winner ?? 'tie',
    textbook: 'hybrid',
    measure: (runs, caps, done) => {
      const { text, winner } = compareVerdict(done);
      return { value: null, winner, words: text.replace(/\.$/, '') };
    },
    why: (runs, caps, { correct }) => {
      if (correct === 'hybrid') return 'Hybrid overlapped the waits on the event loop and computed on the workers at the same time.';
      const hybrid = runs.hybrid;
      return `Hybrid did not clearly win here, because ${because(whyNotFaster(hybrid, caps)) || 'the runs were within the noise of each other'}.`;
    },
  },
  {
    id: 'responsive',
    topic: 'Responsiveness',
    title: 'A busy page thread freezes the page',
    text: [
      'An application stays responsive while it can answer new input: the page’s thread draws and reacts.',
      'Computing on that thread without a break keeps it from doing either.',
    ],
    preset: 'responsive',
    // Its first run freezes the page on purpose: the step says so before it runs (the preset's words).
    freezes: true,
    runs: () => [{ label: 'event loop, no yield', strategy: 'concurrent', yieldMs: 0 }, { label: 'workers', strategy: 'parallel' }],
    question: ({ workload }) => `${tasksWords(workload)}, on the page’s own thread without a break. How long will the page go without drawing a frame?`,
    choices: ({ workload }) => [
      { id: 'smooth', text: 'A frame or two: it stays smooth', value: 17 },
      { id: 'freeze', text: `It freezes: no frame for ${seconds(firstGroup(workload).cpuMs)} or more`, value: firstGroup(workload).cpuMs },
    ],
    textbook: 'freeze',
    measure: (runs) => {
      const gap = runs['event loop, no yield'][0].smoothness?.longestGapMs ?? NaN;
      const workers = runs.workers[0].smoothness?.longestGapMs ?? NaN;
      return { value: gap, words: `the longest gap between frames was ${Math.round(gap)} ms; with the same tasks on workers, ${Math.round(workers)} ms` };
    },
    why: (runs, caps, { correct }) => {
      if (correct === 'smooth') return `The page kept drawing here, because ${because(slowdowns(runs['event loop, no yield'], caps)) || 'each task computed too briefly to be felt'}.`;
      const { workload, smoothness } = runs['event loop, no yield'][0];
      const g = firstGroup(workload);
      const whole = smoothness?.longestGapMs > 1.5 * g.cpuMs;
      return `While a task computed, the thread could not draw${whole ? '; nor between tasks: the next started before a frame could' : ''}. On workers the page’s thread stayed free to draw.`;
    },
  },
  {
    id: 'server',
    topic: 'Responsiveness',
    title: 'A server: requests keep arriving',
    text: [
      'A web server stays responsive while it can take new requests as others are being served.',
      'Served one at a time, each request waits for all those before it.',
    ],
    preset: 'server',
    runs: () => [{ label: 'one at a time, waiting', strategy: 'sequential' }, { label: 'concurrent, waiting', strategy: 'concurrent' }],
    question: ({ workload }) => {
      const g = firstGroup(workload);
      return `${plural(g.count, 'request')}, one every ${g.everyMs} ms; each waits ${g.ioMs} ms (for a database). Served one at a time, how long will the late requests take, from arrival to answer?`;
    },
    choices: ({ workload }) => {
      const g = firstGroup(workload);
      const last = g.count * g.ioMs - (g.count - 1) * g.everyMs;
      return [
        { id: 'service', text: `About one request’s ${g.ioMs} ms`, value: g.ioMs },
        { id: 'queue', text: `Longer and longer: up to ${seconds(last)}`, value: last },
      ];
    },
    textbook: 'queue',
    measure: (runs) => {
      const one = runs['one at a time, waiting'][0].result.latencyMs;
      const con = runs['concurrent, waiting'][0].result.latencyMs;
      return { value: one?.p95 ?? NaN, words: `one at a time, 95 % of requests took up to ${seconds(one?.p95 ?? NaN)}; concurrently, ${seconds(con?.p95 ?? NaN)}` };
    },
    why: (runs, caps, { correct }) => (correct === 'queue'
      ? 'They arrived faster than one at a time could serve them, so a queue grew; concurrently, their waits overlapped and each took about its own time.'
      : 'The requests came slowly enough for one at a time to keep up here.'),
  },
  {
    id: 'race',
    topic: 'The cost: harder to reason about',
    title: 'Shared memory: updates get lost',
    text: [
      'Concurrency and parallelism add complexity: the same code can give a different, wrong answer depending on how its tasks interleave.',
      'Here each task adds 1 to a shared counter many times: it reads the counter, works a little, and writes back what it read plus one.',
    ],
    preset: 'race',
    // On threads where there are threads; else on the page's one thread, awaiting between read and write.
    runs: (caps) => [racingRun(caps)],
    question: ({ workload }) => {
      const onThreads = workload.strategy === 'parallel';
      return `${tasksWords(workload)}, each adding 1 to the counter ${plural(firstGroup(workload).increments, 'time')}: ${updatesOf(workload).toLocaleString('en')} updates, ` +
        `${onThreads ? `on ${plural(workload.threads, 'worker thread')} sharing it, with no lock` : 'as async tasks on the page’s one thread that await between their read and their write'}. How many updates will be lost?`;
    },
    choices: () => [
      { id: 'none', text: 'None: every update counts' },
      { id: 'some', text: 'Some, but fewer than 1 in 10' },
      { id: 'many', text: '1 in 10 or more' },
    ],
    textbook: 'many',
    pick: (measured) => (measured.value === 0 ? 'none' : measured.value < 0.1 ? 'some' : 'many'),
    measure: (runs) => {
      const rounds = Object.values(runs)[0];
      const { result } = rounds.reduce((a, b) => ((b.result.counter?.lost ?? 0) > (a.result.counter?.lost ?? 0) ? b : a));
      const c = result.counter;
      return { value: c && c.expected > 0 ? c.lost / c.expected : NaN, words: `on ${workersOf(rounds)} they ${roundsLossWords(rounds)}` };
    },
    why: (runs) => {
      const rounds = Object.values(runs)[0];
      const worst = rounds.reduce((a, b) => ((b.result.counter?.lost ?? 0) > (a.result.counter?.lost ?? 0) ? b : a));
      if (worst.result.counter?.lost > 0) return `Two tasks read the same value and both wrote it back plus one, so one write undid the other: ${firstCollisionWords(worst.result)}. An atomic add or a lock would lose none.`;
      return `None was lost here, because ${whyNoneLost(rounds)}.`;
    },
  },
  {
    id: 'deadlock',
    topic: 'The cost: harder to reason about',
    title: 'Two locks, opposite order',
    text: [
      'A lock fixes lost updates, and brings a new way to fail.',
      'One task takes lock A, then lock B; another takes B, then A. Each holds one and needs the other’s.',
    ],
    preset: 'deadlock',
    runs: (caps) => [lockingRun(caps)],
    question: ({ workload }) => {
      const [a, b] = workload.groups;
      const where = workload.strategy === 'parallel' ? `on ${plural(workload.threads, 'worker thread')}` : 'as async tasks on the page’s one thread, awaiting while they hold a lock';
      return `Two tasks ${where}: “${a.name}” takes lock ${a.locks[0]}, works ${seconds((a.cpuMs + a.ioMs) / 2)}, then takes ${a.locks[1]}; “${b.name}” does the same in the opposite order. What happens?`;
    },
    choices: () => [
      { id: 'both', text: 'Both finish at about the same time' },
      { id: 'turns', text: 'One waits for the other, then both finish' },
      { id: 'forever', text: 'Each waits for the other forever: a deadlock' },
    ],
    textbook: 'forever',
    pick: (measured) => measured.outcome,
    measure: (runs) => {
      const rounds = Object.values(runs)[0];
      const { result } = rounds[0];
      if (result.status === 'deadlocked') return { outcome: 'forever', words: `they deadlocked: ${cycleWords(result)}` };
      const wait = longestLockWait(result);
      return { outcome: wait ? 'turns' : 'both', words: `both finished in ${seconds(result.wallMs)}${wait ? `, one waiting ${seconds(wait.ms)} for ${wait.lock}` : ''}` };
    },
    why: (runs) => {
      const { result, workload } = Object.values(runs)[0][0];
      if (result.status === 'deadlocked') return `Neither could go on, so neither ever would: ${detectionWords(result.deadlock)}. Taking the locks in the same order in every task can’t deadlock.`;
      return `No deadlock here, because ${whyNoDeadlock(result, workload)}.`;
    },
  },
];

/** The race step's run: the race preset's on threads, or where there are none, its run on the page's thread. */
function racingRun(caps) {
  const label = caps.threads ? 'threads, no sync' : 'one thread, await inside';
  return presetById('race').runs.find((r) => r.label === label);
}

/** The deadlock step's run: on threads, or where there are none, awaiting while holding on the page's thread. */
function lockingRun(caps) {
  const label = caps.threads ? 'threads, opposite order' : 'one thread, await while holding';
  return presetById('deadlock').runs.find((r) => r.label === label);
}

const updatesOf = (workload) => workload.groups.reduce((sum, g) => sum + (g.count ?? 0) * (g.increments ?? 0), 0);

export function stepAt(index) {
  return STEPS[index] ?? null;
}

/** The runs of a step on this machine: `[{ label, workload }]`, the preset's workload with each run's changes. */
export function stepRuns(step, caps) {
  const base = presetById(step.preset).workload(caps);
  return step.runs(caps).map((run) => ({ label: run.label, workload: runWorkload(base, run, caps) }));
}

/**
 * What a question and its choices are said with: the workload of the runs (`[{ workload }]`),
 * the one on workers if any, and its workers.
 */
function contextOf(runs, caps) {
  const onWorkers = runs.find((r) => ['parallel', 'hybrid', 'processes'].includes(r.workload.strategy)) ?? runs[0];
  return { workload: onWorkers.workload, threads: onWorkers.workload.threads ?? coreThreads(caps), caps };
}

/** The context of a step's runs on this machine, before they run. */
export function stepContext(step, caps) {
  return contextOf(stepRuns(step, caps), caps);
}

/** A step's choices in a context: each value once (the first keeps it), "I don't know" last. */
function choicesIn(step, context) {
  const choices = step.choices(context);
  const distinct = choices.filter((c, i) => c.value === undefined || choices.findIndex((d) => d.value === c.value) === i);
  return [...distinct, UNKNOWN];
}

/** The choice the explainer predicts, in a context. */
function textbookIn(step, context) {
  return typeof step.textbook === 'function' ? step.textbook(context) : step.textbook;
}

/** The warning a step gives before it runs, if it freezes the page on purpose (its preset's), or null. */
export function stepWarning(step) {
  return step.freezes ? presetById(step.preset).freezes : null;
}

/** The step's question and its choices (with "I don't know" last) on this machine. */
export function stepQuestion(step, caps) {
  const context = stepContext(step, caps);
  return { text: step.question(context), choices: choicesIn(step, context) };
}

/** The choice whose value is nearest `value`, by ratio (1.4x is as far from 1x as from 2x). */
function nearest(value, choices) {
  const scored = choices.filter((c) => Number.isFinite(c.value) && c.value > 0);
  if (!(value > 0) || scored.length === 0) return null;
  return scored.reduce((best, c) => (Math.abs(Math.log(value / c.value)) < Math.abs(Math.log(value / best.value)) ? c : best)).id;
}

/**
 * What a step's runs (`done`: the batch's runs, with their rounds) answered, on this machine:
 * `{ correct, textbook, held, measured, why }`. `correct`: the choice the measurement landed
 * nearest; `held`: whether that is the explainer's answer (`textbook`).
 */
export function answerStep(step, done, caps) {
  const runs = byLabel(done);
  // The choices of the tasks that ran (the question was worded for them).
  const context = contextOf(done, caps);
  const measured = step.measure(runs, caps, done);
  const choices = choicesIn(step, context);
  const correct = step.pick ? step.pick(measured, choices) : nearest(measured.value, choices);
  const why = step.why(runs, caps, { correct, measured });
  const textbook = textbookIn(step, context);
  return { correct, textbook, held: correct === textbook, measured: measured.words, why, choices };
}

/**
 * The answer beside the prediction, in words: "You predicted “About 2x”. Measured: on 2 worker
 * threads they ran 1.93x as fast…: that is “About 2x”." and, where this machine's answer is not
 * the textbook's, what the explainer expects.
 */
export function answerWords(step, answer, predicted) {
  const { choices } = answer;
  const text = (id) => choices.find((c) => c.id === id)?.text ?? id;
  const guess = predicted === UNKNOWN.id || !predicted ? 'You did not guess.' : `You predicted “${text(predicted)}”.`;
  const verdict = answer.correct === null ? 'The measurement fits none of the choices.'
    : predicted === answer.correct ? `Right: “${text(answer.correct)}”.` : `That is “${text(answer.correct)}”.`;
  const textbook = answer.held || answer.correct === null ? '' : ` The explainer expects “${text(answer.textbook)}”: this machine answered otherwise.`;
  const measured = answer.measured.charAt(0).toLowerCase() + answer.measured.slice(1);
  return `${guess} Measured on this machine: ${measured}. ${verdict}${textbook} ${answer.why}`;
}

/**
 * How a step runs, for a batch runner (shared/batch.js): its runs on this machine, its preset's
 * rounds and chart, and a verdict that is the step's answer (`{ text, claims, answer }`)
 * beside `predicted`.
 */
export function stepBatch(step, caps, predicted) {
  const preset = presetById(step.preset);
  return {
    runs: stepRuns(step, caps),
    options: {
      rounds: step.rounds ?? preset.rounds ?? 1,
      chart: preset.chart ?? 'wall',
      verdict: (done) => {
        const answer = answerStep(step, done, caps);
        return { text: answerWords(step, answer, predicted), claims: [{ claim: step.title, held: answer.held }], answer };
      },
    },
  };
}

/** The full editor's address for a step's workload (`base`: the page's address, without a query). */
export function stepUrl(step, caps, base) {
  return urlFor(stepContext(step, caps).workload, { presetId: step.preset, base })?.href ?? null;
}

/**
 * The reader's place and predictions, kept in `storage` (localStorage, or anything with
 * getItem/setItem): `{ [stepId]: { predicted, correct, held } }`. A storage that fails (private
 * mode, full) keeps it in memory: the lesson works, it just forgets on reload.
 */
export class Progress {
  static KEY = 'concurrency-playground: lesson';
  #storage;
  #done = {};

  constructor(storage) {
    this.#storage = storage;
    try {
      const saved = JSON.parse(storage?.getItem(Progress.KEY) ?? '{}');
      if (saved && typeof saved === 'object' && !Array.isArray(saved)) {
        for (const step of STEPS) if (isRecord(saved[step.id])) this.#done[step.id] = saved[step.id];
      }
    } catch {
      // unreadable: start afresh
    }
  }

  /** What the reader predicted and what was measured at a step, or null if not done. */
  of(stepId) {
    return this.#done[stepId] ?? null;
  }

  record(stepId, { predicted, correct, held }) {
    this.#done[stepId] = { predicted, correct, held };
    try {
      this.#storage?.setItem(Progress.KEY, JSON.stringify(this.#done));
    } catch {
      // kept in memory only
    }
  }

  get doneCount() {
    return STEPS.filter((s) => this.#done[s.id]).length;
  }
}

function isRecord(value) {
  return value !== null && typeof value === 'object' && typeof value.predicted === 'string';
}
