// What the page says about each of the engine's strategies and span kinds: their words, in
// one place. The engine lists the strategies and kinds (pg.strategies, pg.spanKinds); adding
// one there means adding its words here (tests/unit/words.test.mjs checks they match).

/** Per strategy: a short label, and a hint of how it runs. */
export const STRATEGY_WORDS = {
  sequential: {
    label: 'sequential',
    hint: 'one task at a time, on the page’s thread',
  },
  concurrent: {
    label: 'concurrent (async, one thread)',
    hint: 'all tasks at once as async futures, on the page’s thread',
  },
  parallel: {
    label: 'parallel (worker threads)',
    hint: 'tasks spread over worker threads, each blocking through its waits',
  },
  hybrid: {
    label: 'hybrid (async + workers)',
    hint: 'async tasks on the page; their computing goes to workers',
  },
};

/** Per span kind: what a thread was doing. */
export const KIND_WORDS = {
  cpu: 'computing',
  io: 'waiting (I/O)',
  lockWait: 'waiting for the global lock',
};

/** The words of a strategy; a strategy the words don't know yet is shown by its name. */
export function strategyWords(name) {
  return STRATEGY_WORDS[name] ?? { label: name, hint: '' };
}
