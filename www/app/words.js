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
  processes: {
    label: 'processes (own memory)',
    hint: 'tasks spread over workers that share no memory: each gets a copy of its input, like multiprocessing',
  },
};

/** Per span kind: what a thread was doing. */
export const KIND_WORDS = {
  cpu: 'computing',
  io: 'waiting (I/O)',
  lockWait: 'waiting for the global lock',
  transfer: 'copying input in',
  startup: 'starting a process',
};

/** The words of a strategy; a strategy the words don't know yet is shown by its name. */
export function strategyWords(name) {
  return STRATEGY_WORDS[name] ?? { label: name, hint: '' };
}

/**
 * Why threads are off, in words that fit the case (`capabilities.noPoolCode`), and advice
 * only where following it can help: `{ why, advice }`. `processes` says what runs instead.
 */
export function threadsOffWords(caps) {
  const instead = caps.processes > 0
    ? `Parallel runs use ${caps.processes} processes instead: workers with their own memory, which get a copy of their input (like Python’s multiprocessing).`
    : 'Everything runs on the page’s thread.';
  const engine = browserEngine();
  switch (caps.noPoolCode) {
    case 'frame-not-isolated': {
      const why = {
        firefox: 'Firefox can’t isolate a frame inside a page that isn’t isolated itself (it has no Document-Isolation-Policy)',
        webkit: 'Safari’s engine (WebKit) can’t isolate a frame inside a page that isn’t isolated itself',
      }[engine] ?? 'it is not cross-origin isolated';
      return {
        why: `Threads are off in this frame: ${why}. ${instead}`,
        // WebKit gives no shared memory even to an isolated page: a new tab wouldn't help.
        advice: engine === 'webkit' ? '' : 'Open the playground in its own tab to get threads.',
      };
    }
    case 'not-isolated':
      return {
        why: `Threads are off: this page is not cross-origin isolated, so there is no shared memory for threads. ${instead}`,
        advice: engine === 'webkit' ? ''
          : 'Serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp (./build.sh serve does) to get threads.',
      };
    case 'no-shared-memory':
      return {
        why: `Threads are off: ${engineName(engine)} offers no SharedArrayBuffer, even to this cross-origin isolated page, so wasm threads can’t share memory. ${instead}`,
        advice: '',
      };
    default:
      return { why: `Threads are off because ${caps.noPoolReason}. ${instead}`, advice: '' };
  }
}

/** Which engine this is, for words only (never to decide what runs: features decide that). */
export function browserEngine(userAgent = globalThis.navigator?.userAgent ?? '') {
  if (/Firefox\//.test(userAgent)) return 'firefox';
  if (/Chrom(e|ium)\//.test(userAgent)) return 'chromium';
  if (/AppleWebKit\//.test(userAgent)) return 'webkit';
  return 'other';
}

function engineName(engine) {
  return { firefox: 'Firefox', chromium: 'Chromium', webkit: 'this browser (Safari’s engine, WebKit)', other: 'this browser' }[engine];
}
