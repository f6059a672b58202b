// What the page says about each of the engine's strategies and why threads are off. The
// engine lists the strategies (pg.strategies); adding one there means adding its words here
// (tests/unit/words.test.mjs checks they match). What a lane and the tasks are doing at an
// instant of a replay is replay-words.js's (loaded with the results view).

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


/** Per way of updating the shared counter (the engine's `pg.syncs`): how the editor offers it. */
export const SYNC_WORDS = {
  none: 'read, then write back +1 (no sync)',
  atomic: 'one atomic add',
  lock: 'read and write under a lock',
  message: 'count apart, then send the counts',
};

/** The words of a way to update the counter; one the words don't know yet is shown by its name. */
export function syncWords(name) {
  return SYNC_WORDS[name] ?? name;
}

/** The words of a strategy; a strategy the words don't know yet is shown by its name. */
export function strategyWords(name) {
  return STRATEGY_WORDS[name] ?? { label: name, hint: '' };
}

/**
 * WebKitGTK gives no page a SharedArrayBuffer, isolated or not (measured: 2.50): the page around
 * a frame, or a new tab, is not why it has no threads, and can't give it any.
 */
function noSharedMemoryAtAll(caps, engine) {
  return engine === 'webkitgtk' && (caps.noPoolCode === 'frame-not-isolated' || caps.noPoolCode === 'not-isolated');
}

/**
 * Why threads are off, in a few words that fit this browser: what a verdict says in brackets
 * ("Threads are off here (...)"), as the notice above it says it in full (threadsOffWords).
 */
export function threadsOffReason(caps, userAgent = globalThis.navigator?.userAgent ?? '') {
  const engine = browserEngine(userAgent);
  if (noSharedMemoryAtAll(caps, engine)) return `${engineName(engine)} offers no SharedArrayBuffer, even to a cross-origin isolated page`;
  return caps.noPoolReason ?? 'no worker pool';
}

/**
 * Why threads are off, in words that fit the case (`capabilities.noPoolCode`), and advice
 * only where following it can help: `{ why, advice }`. `processes` says what runs instead.
 * `userAgent`: the browser's (for the words only).
 */
export function threadsOffWords(caps, userAgent = globalThis.navigator?.userAgent ?? '') {
  const instead = caps.processes > 0
    ? `Parallel runs use up to ${caps.processes} processes instead: workers with their own memory, which get a copy of their input (like Python’s multiprocessing).`
    : 'Everything runs on the page’s thread.';
  const engine = browserEngine(userAgent);
  if (noSharedMemoryAtAll(caps, engine)) {
    const where = caps.noPoolCode === 'frame-not-isolated' ? ' in this frame' : '';
    return { why: `Threads are off${where}: ${threadsOffReason(caps, userAgent)}, so wasm threads can’t share memory here. ${instead}`, advice: '' };
  }
  switch (caps.noPoolCode) {
    case 'frame-not-isolated': {
      const why = {
        firefox: 'Firefox can’t isolate a frame inside a page that isn’t isolated itself (it has no Document-Isolation-Policy)',
        webkit: 'Safari’s engine (WebKit) can’t isolate a frame inside a page that isn’t isolated itself',
      }[engine] ?? 'it is not cross-origin isolated';
      return {
        why: `Threads are off in this frame: ${why}. ${instead}`,
        // Safari's own engine was not measured here (WebKitGTK, above, was): no advice rather than advice that may not help.
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
  // WebKitGTK reads like Safari but for its platform (Safari's own: Macintosh, iPhone, iPad).
  if (/AppleWebKit\//.test(userAgent) && /\b(X11|Linux)\b/.test(userAgent)) return 'webkitgtk';
  if (/AppleWebKit\//.test(userAgent)) return 'webkit';
  return 'other';
}

function engineName(engine) {
  return { firefox: 'Firefox', chromium: 'Chromium', webkit: 'this browser (Safari’s engine, WebKit)',
    webkitgtk: 'this browser (WebKitGTK, Safari’s engine on Linux)', other: 'this browser' }[engine];
}
