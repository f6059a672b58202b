// The playground's engine: loads the wasm module, starts the worker pool when the page can
// have one, and runs workloads. The page, the embed view, the benchmark and the tests all use
// this one module.
//
//   const pg = await startPlayground();
//   const result = await pg.run(workload, { signal, onProgress });
//   pg.exportTrace(result); // Chrome trace JSON, opens in Perfetto

import init, { initThreadPool, Engine, chromeTrace, kernelIterationsPerMs } from './pkg/playground.js';

/** The pool never has fewer workers than this, so a 2-core machine can still show 4 threads. */
export const MIN_POOL_THREADS = 4;
/** ...nor more than this: each worker holds its own instance of the module. */
export const MAX_POOL_THREADS = 16;

export const STRATEGIES = ['sequential', 'concurrent', 'parallel', 'hybrid'];
const KINDS = ['cpu', 'io', 'lockWait']; // SpanKind codes, in the order Rust numbers them
const PACKED = 7; // numbers per span: task, group, step, lane, kind, start, end
const BACKGROUND_POLL_MS = 100; // progress cadence when animation frames don't fire

let started = null;

/**
 * Loads and calibrates the engine and starts the pool (once per page: rayon's pool can't be
 * torn down, and `initThreadPool` must run before any other rayon call).
 */
export function startPlayground() {
  started ??= start();
  return started;
}

async function start() {
  await init();
  // Calibrate before the workers start: while they start up they compete for the cores.
  const calibrationStart = performance.now();
  const iterationsPerMs = kernelIterationsPerMs();
  const calibratedInMs = performance.now() - calibrationStart;
  const hardwareConcurrency = navigator.hardwareConcurrency || 1;
  const wanted = Math.min(MAX_POOL_THREADS, Math.max(hardwareConcurrency, MIN_POOL_THREADS));
  let poolThreads = 0;
  let noPoolReason = '';
  if (!globalThis.crossOriginIsolated) {
    // Without isolation there is no SharedArrayBuffer to share wasm memory with workers.
    noPoolReason = 'this page is not cross-origin isolated';
  } else {
    try {
      await initThreadPool(wanted);
      poolThreads = wanted;
    } catch (error) {
      noPoolReason = `the worker pool did not start: ${error?.message ?? error}`;
    }
  }
  const engine = new Engine(poolThreads, hardwareConcurrency, noPoolReason, iterationsPerMs, calibratedInMs);
  // Start-up work (compiling, the browser's own processes) can slow that first measurement
  // (seen here: 256 k instead of 340 k iterations/ms): measure again on a worker, now that
  // things are calm, and keep the faster.
  const calibration = JSON.parse(await engine.refineCalibration());
  return new Playground(engine, {
    crossOriginIsolated: Boolean(globalThis.crossOriginIsolated),
    threads: poolThreads > 0,
    poolThreads,
    maxThreads: Math.max(poolThreads, 1),
    hardwareConcurrency,
    noPoolReason: noPoolReason || null,
    timerResolutionMs: timerResolution(),
    calibration,
  });
}

/** The smallest step `performance.now()` takes here (5 us isolated, 100 us not, in Chromium). */
function timerResolution() {
  let smallest = Infinity;
  for (let sample = 0; sample < 20; sample++) {
    const t0 = performance.now();
    let t1 = t0;
    while (t1 === t0) t1 = performance.now();
    smallest = Math.min(smallest, t1 - t0);
  }
  return Math.round(smallest * 1e4) / 1e4;
}

function decodeSpans(packed, groupNames, into) {
  for (let i = 0; i < packed.length; i += PACKED) {
    const group = packed[i + 1];
    into.push({
      task: packed[i],
      group,
      groupName: groupNames[group] ?? `group ${group}`,
      step: packed[i + 2],
      lane: packed[i + 3],
      kind: KINDS[packed[i + 4]],
      start: packed[i + 5],
      end: packed[i + 6],
    });
  }
}

class Playground {
  #engine;
  #running = false;

  constructor(engine, capabilities) {
    this.#engine = engine;
    this.capabilities = Object.freeze(capabilities);
  }

  /** Every problem with a workload: `[{ field, message }]`, empty when it is valid. */
  validate(workload) {
    return JSON.parse(this.#engine.validate(toJson(workload)));
  }

  /** Ideal wall time (no overhead) of each strategy for this workload: `{ sequential: ms, ... }`. */
  predict(workload) {
    return JSON.parse(this.#engine.predict(toJson(workload)));
  }

  /**
   * The lanes a run of this workload will report, known before it starts: `main`, and every
   * worker of the pool when the strategy uses workers and there is a pool.
   */
  lanes(workload) {
    const { threads, poolThreads } = this.capabilities;
    const usesWorkers = workload.strategy === 'parallel' || workload.strategy === 'hybrid';
    const workers = usesWorkers && threads ? poolThreads : 0;
    return [{ id: 0, name: 'main' }, ...Array.from({ length: workers }, (_, i) => ({ id: i + 1, name: `worker ${i + 1}` }))];
  }

  /** Whether a run is in progress (the engine runs one at a time). */
  get running() {
    return this.#running;
  }

  /**
   * Runs a workload. Rejects with an Error naming every invalid field. `signal` (an
   * AbortSignal) cancels: the result then has `status: "cancelled"`. `onProgress` is called
   * about once a frame with `{ spans, newSpans, elapsedMs, tasksDone, tasks }`.
   */
  async run(workload, { signal, onProgress, trace = true } = {}) {
    const groupNames = Array.isArray(workload?.groups) ? workload.groups.map((g) => g?.name) : [];
    const handle = this.#engine.start(toJson(workload), trace); // throws on invalid input
    this.#running = true;
    const spans = [];
    let cursor = 0;
    const drain = () => {
      const before = spans.length;
      decodeSpans(handle.spansSince(cursor), groupNames, spans);
      cursor += spans.length - before;
      return spans.slice(before);
    };
    const cancel = () => handle.cancel();
    if (signal?.aborted) cancel();
    signal?.addEventListener('abort', cancel, { once: true });

    let finished = false;
    const tasks = workload.groups.reduce((n, g) => n + g.count, 0);
    const report = () => {
      if (finished) return;
      const newSpans = drain();
      onProgress?.({ spans, newSpans, elapsedMs: handle.elapsedMs(), tasksDone: handle.tasksDone(), tasks });
      schedule(report);
    };
    if (onProgress) schedule(report);

    try {
      const result = JSON.parse(await handle.done());
      finished = true;
      drain();
      result.spans = spans;
      return result;
    } finally {
      finished = true;
      this.#running = false;
      signal?.removeEventListener('abort', cancel);
      handle.free();
    }
  }

  /** A run's result as Chrome trace event JSON (open it in Perfetto or chrome://tracing). */
  exportTrace(result) {
    const { strategy, lanes, spans, groupNames } = result;
    return chromeTrace(JSON.stringify({ strategy, lanes, spans, groupNames }));
  }
}

/** Next animation frame when the page is visible (they stop when it is hidden). */
function schedule(callback) {
  if (document.visibilityState === 'visible') requestAnimationFrame(() => callback());
  else setTimeout(callback, BACKGROUND_POLL_MS);
}

function toJson(workload) {
  if (workload === null || typeof workload !== 'object') {
    throw new Error(`invalid workload: workload: must be an object with strategy and groups, got ${workload}`);
  }
  return JSON.stringify(workload);
}
