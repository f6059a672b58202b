// The playground's engine: loads the wasm module, starts the worker pool when the page can
// have one, and runs workloads. The page, the embed view, the benchmark and the tests all use
// this one module. The engine states its own contract (strategies, limits, span kinds, lanes):
// nothing here restates it.
//
//   const pg = await startPlayground();
//   pg.strategies, pg.limits, pg.spanKinds, pg.syncs  // the engine's contract
//   pg.workloadFields, pg.groupFields, pg.mainLane    // a workload's fields, the page's lane
//   const result = await pg.run(workload, { signal, onProgress });
//   pg.exportTrace(result);                           // Chrome trace JSON, opens in Perfetto

import init, { initThreadPool, Engine, contract, memoryBytes, poolSize, quickKernelIterationsPerMs } from '../pkg/playground.js';
import { ProcessPool } from './processes.js';
import { describe, groupLabel } from '../shared/text.js';

const BACKGROUND_POLL_MS = 100; // progress cadence when animation frames don't fire
const CRASH_WATCH_MS = 500; // how often a run looks whether the module has ended under it
/** Calibrated computing of each piece of the probe that counts the cores workers really get. */
const CORE_PROBE_MS = 60; // ms
/**
 * Processes are warm once every probe (each of every process computing WARM_PROBE_MS at once)
 * of the last WARM_STEADY_MS saw at least WARM_FLOOR of the most cores' worth seen. A new
 * process computes slowly at first: WebKitGTK compiles the module's hot code in the background
 * after a load (on 2 cores the first two runs of 6 x 200 ms on 2 processes took 1.18 and
 * 1.31 s, the third 0.76 s; issue 22). Measured with these probes on a quiet machine (4
 * processes on 2 cores): 1.3-1.7 cores' worth for the first 1-1.5 s, 0.8-1.2 for the next 3 s,
 * then 1.35-1.8 again. Three probes in a row within 10 % (0.5 s) ended in the first fast
 * stretch, and the first run then took 1.34 s (0.93x); after the slow one, 0.76-0.85 s (1.46-1.64x).
 */
const WARM_STEADY_MS = 2_500;
const WARM_FLOOR = 0.7; // of the most cores' worth seen, for every probe of that window
const WARM_PROBE_MS = 30; // ms of calibrated computing per process and probe
const WARM_GAP_MS = 100; // idle between two probes: the cores are the compiler's meanwhile
/** Then they are as warm as they get on this busy machine (runs asked for meanwhile wait). */
const WARM_BUDGET_MS = 8_000;
/**
 * How far computing can seem to go beyond the cores it had: the calibration and a run's kernel
 * agree within about 10 % (docs/toolchain.md), so 1.15 cores' worth of work at once proves a
 * second core, 2.15 a third.
 */
const CORE_EVIDENCE_MARGIN = 0.15;

let started = null;

/**
 * Loads the engine and resolves as soon as it can take runs (once per page: rayon's pool
 * can't be torn down, and `initThreadPool` must run before any other rayon call). The worker
 * pool starts and the calibration is refined after that, in the background:
 * `pg.whenPoolReady` says when, and a run waits for it.
 */
export function startPlayground() {
  started ??= start();
  return started;
}

/** Records a phase of the start as a performance measure (`playground: <name>`), for the benchmark. */
function phase(name, start, end = performance.now()) {
  performance.measure(`playground: ${name}`, { start, end });
}

async function start() {
  const loadStart = performance.now();
  await init();
  phase('load + instantiate the module', loadStart);
  const terms = JSON.parse(contract());
  const hardwareConcurrency = navigator.hardwareConcurrency || 1;
  const wanted = poolSize(hardwareConcurrency);
  let threadsOff = whyNoThreads();
  // The pool starts first: its workers fetch and instantiate the module on other threads
  // while this one calibrates, and the page is ready before they are.
  const poolStart = performance.now();
  const pool = threadsOff ? null : initThreadPool(wanted);
  pool?.catch(() => {}); // handled in settle()
  // Each part of the start in a task of its own, so none blocks input for long: at
  // Lighthouse's 4x slower CPU they were one task of 377 ms (issue 22).
  await nextTask();
  // A quick first calibration (about 20 ms); refined below once the page is up.
  const calibrationStart = performance.now();
  const iterationsPerMs = quickKernelIterationsPerMs();
  const calibratedInMs = performance.now() - calibrationStart;
  phase('calibrate quickly (page)', calibrationStart);
  // Processes need no shared memory: every browser with module workers can start them. Where
  // threads are the parallelism they start when a run needs them; where processes are, once
  // the page is up (settle(), below).
  const processes = typeof Worker === 'function' ? new ProcessPool(wanted) : null;
  const state = { pool: threadsOff ? 'none' : 'starting', threadsOff, coresSeen: null, stopped: null };
  const engine = stopsCleanly(new Engine(threadsOff ? 0 : wanted, hardwareConcurrency, threadsOff?.reason ?? '', iterationsPerMs,
    calibratedInMs, processes ?? undefined), state);

  async function settle() {
    // A crash as the pool starts can leave it starting for ever (its workers are gone).
    const work = settleOrStop();
    work.catch(() => {}); // (raced below; after a crash its own end no longer matters)
    const crash = whenStopped(() => engine.running);
    try {
      await Promise.race([work, crash.stopped]);
    } catch (error) {
      if (!state.stopped) throw error; // (stopped: the capabilities say so, and every run)
    } finally {
      crash.end();
    }
  }
  async function settleOrStop() {
    if (pool) {
      try {
        await pool;
        phase('start the worker pool', poolStart);
        state.pool = 'ready';
      } catch (error) {
        const message = String(error?.message ?? error).replace(/[.\s]+$/, '');
        state.threadsOff = { code: 'pool-failed', reason: `the worker pool did not start: ${message}` };
        state.pool = 'none';
        try {
          engine.poolFailed(state.threadsOff.reason);
        } catch (stopped) {
          // A worker's crash as it started ends the module for every thread (seen under heavy
          // load: "unreachable" in a worker, then "Module terminated" here).
          if (state.stopped) state.stopped.reason = `it crashed as its worker threads started (${message})`;
          throw stopped;
        }
      }
    } else {
      // Nothing to wait for but the page's first frame: the full calibration below runs on
      // this thread without a pool.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    // The quick figure can be low (the pool's workers were starting; the kernel not yet
    // optimized): measure again, on a worker if there is a pool (the page stays free), and
    // keep the faster.
    const refineStart = performance.now();
    await engine.refineCalibration();
    phase(state.pool === 'ready' ? 'refine the calibration (worker)' : 'refine the calibration (page)', refineStart);
    // How many of the workers compute at the same time: a browser may report more cores than
    // the machine has (WebKitGTK said 4 on a 2-core machine). Where processes are the way to
    // parallelism, they start here, when the page is idle, and are warmed up until they
    // compute at a steady speed, so a reader's first run gets its speedup: runs wait for this,
    // as they wait for a pool of threads to start.
    const probeStart = performance.now();
    if (state.pool !== 'ready' && processes) await whenIdle();
    const seen = state.pool === 'ready' ? await measureCores(engine, terms, 'parallel', wanted)
      : processes ? await warmProcesses(engine, terms, wanted) : null;
    if (seen !== null) state.observeCores(seen);
    phase(state.pool === 'ready' ? 'measure the cores' : 'start, warm up and measure the processes', probeStart);
  }
  const whenPoolReady = settle();
  await nextTask(); // (the page's own start, after this, in a task of its own)
  return new Playground(engine, terms, processes, whenPoolReady, {
    state,
    crossOriginIsolated: Boolean(globalThis.crossOriginIsolated),
    hardwareConcurrency,
    wanted,
    framed: window.parent !== window,
    timerResolutionMs: timerResolution(),
  });
}

/**
 * How many cores' worth of computing `workers` threads of the pool got at once: all of them
 * computing CORE_PROBE_MS of calibrated work each at the same time, the work they did over the
 * time it took (the shorter of two tries). On a busy machine it reads low; runs on workers
 * raise it later (Playground's #observeCores). Null if it could not be measured.
 */
async function measureCores(engine, terms, strategy, workers) {
  const probe = () => probeCpuSpan(engine, terms,
    { strategy, threads: workers, groups: [{ name: 'probe', count: workers, cpuMs: CORE_PROBE_MS, ioMs: 0 }] });
  try {
    return (workers * CORE_PROBE_MS) / Math.min(await probe(), await probe());
  } catch (error) {
    console.warn('playground: could not measure the cores:', error);
    return null;
  }
}

/**
 * Starts `workers` processes and warms them up: all of them compute WARM_PROBE_MS at once, then
 * rest WARM_GAP_MS, until every probe of the last WARM_STEADY_MS saw at least WARM_FLOOR of the
 * most cores' worth seen since the first (or WARM_BUDGET_MS is spent).
 * Returns the most cores' worth seen, as measureCores does; null if the processes could not run.
 */
async function warmProcesses(engine, terms, workers) {
  const work = workers * WARM_PROBE_MS;
  const seen = [];
  const startups = []; // ms each process took to start (the first probe starts them)
  const started = performance.now();
  const at = []; // when each probe ended
  try {
    for (;;) {
      seen.push(work / await probeCpuSpan(engine, terms,
        { strategy: 'processes', threads: workers, groups: [{ name: 'warm-up', count: workers, cpuMs: WARM_PROBE_MS, ioMs: 0 }] }, startups));
      const now = performance.now();
      at.push(now);
      // The probes of the last WARM_STEADY_MS, once there have been probes for that long since
      // the first (which paid for the start), against the most any of those saw.
      const window = seen.filter((_, i) => i >= 1 && at[i] >= now - WARM_STEADY_MS);
      const long = at.length > 1 && now - at[1] >= WARM_STEADY_MS;
      if (long && Math.min(...window) >= WARM_FLOOR * Math.max(...seen.slice(1))) break;
      if (now - started > WARM_BUDGET_MS) break;
      await new Promise((resolve) => setTimeout(resolve, WARM_GAP_MS));
    }
    // For the benchmark and the tests: how long it took, and what each probe saw.
    performance.measure('processes warm-up', { start: started, detail: { probes: seen.length, coresWorth: seen, startupsMs: startups } });
    return seen.length > 1 ? Math.max(...seen.slice(1)) : seen[0]; // (the first probe paid for the start)
  } catch (error) {
    console.warn('playground: could not warm up the processes:', error);
    return null;
  }
}

/** Resolves when the page's thread is idle (soon, where the browser can't say: WebKit). */
function whenIdle() {
  return new Promise((resolve) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: 1000 });
    else setTimeout(resolve, 50);
  });
}

/**
 * The cores a number of cores' worth of computing seen at once proves, within `reported` (what
 * the browser says): more than k and the calibration's margin proves k + 1.
 */
export function coresProven(seen, reported) {
  return Math.max(1, Math.min(reported, Math.ceil(seen - CORE_EVIDENCE_MARGIN)));
}

/** How many cores' worth of computing a finished run on workers did at once: its calibrated work over the time its computing spanned. */
function coresWorth(result, spans) {
  if (result.status !== 'completed' || !result.computing) return null;
  if (!['parallel', 'hybrid', 'processes'].includes(result.strategy)) return null;
  let first = Infinity;
  let last = -Infinity;
  for (const s of spans) {
    if (s.kind !== 'cpu') continue;
    first = Math.min(first, s.start);
    last = Math.max(last, s.end);
  }
  return last > first ? result.computing.nominalMs / (last - first) : null;
}

/**
 * Runs `workload` on the engine as it starts (no waiting for the pool) and returns how long its
 * computing spanned, ms. `startups`, if given, gets how long each process it started took.
 */
async function probeCpuSpan(engine, { packedSpan, spanKinds }, workload, startups = []) {
  const handle = engine.start(JSON.stringify(workload), '', true); // (no stand-ins: a workload of the engine's own)
  try {
    const result = JSON.parse(await handle.done());
    if (result.status !== 'completed') throw new Error(`the probe run ended ${result.status}`);
    const packed = handle.spansSince(0);
    const [kind, start, end, width] = [packedSpan.indexOf('kind'), packedSpan.indexOf('start'), packedSpan.indexOf('end'), packedSpan.length];
    const cpu = spanKinds.indexOf('cpu');
    let first = Infinity;
    let last = -Infinity;
    for (let i = 0; i < packed.length; i += width) {
      if (packed[i + kind] === spanKinds.indexOf('startup')) startups.push(packed[i + end] - packed[i + start]);
      if (packed[i + kind] !== cpu) continue;
      first = Math.min(first, packed[i + start]);
      last = Math.max(last, packed[i + end]);
    }
    if (!(last > first)) throw new Error('the probe recorded no computing');
    return last - first;
  } finally {
    handle.free();
  }
}

/**
 * Why this page can't have threads (wasm memory shared with workers), before trying: `null`
 * when it may. Each case has a code, for words that fit it (views/capabilities.js).
 */
function whyNoThreads() {
  const framed = window.parent !== window;
  if (!globalThis.crossOriginIsolated) {
    // No isolation, no SharedArrayBuffer to share the module's memory through.
    return framed
      ? { code: 'frame-not-isolated', reason: 'this frame is not cross-origin isolated' }
      : { code: 'not-isolated', reason: 'this page is not cross-origin isolated' };
  }
  if (typeof SharedArrayBuffer !== 'function') {
    // WebKit: isolated, yet no SharedArrayBuffer, and posting shared memory to a worker throws.
    return { code: 'no-shared-memory', reason: 'this browser shares no memory between threads, even on an isolated page' };
  }
  return null;
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

/**
 * Decodes spans packed as numbers, in the order the contract's `packedSpan` lists their fields,
 * into objects; the kind's code becomes its name and the group's index gets its name too. The
 * fields after the first seven (`lock`, `holder`, `holderLane`, `value`: what a lock or counter
 * span says) are set only where the span has them (the engine packs NaN where it has not).
 */
function spanDecoder({ packedSpan, spanKinds }) {
  const at = Object.fromEntries(packedSpan.map((field, i) => [field, i]));
  const width = packedSpan.length;
  const details = packedSpan.filter((field) => !BASIC_SPAN_FIELDS.includes(field));
  return (packed, groupNames, into) => {
    for (let i = 0; i < packed.length; i += width) {
      const group = packed[i + at.group];
      const span = {
        task: packed[i + at.task],
        group,
        groupName: groupLabel(group, groupNames),
        step: packed[i + at.step],
        lane: packed[i + at.lane],
        kind: spanKinds[packed[i + at.kind]],
        start: packed[i + at.start],
        end: packed[i + at.end],
      };
      for (const field of details) {
        const value = packed[i + at[field]];
        if (!Number.isNaN(value)) span[field] = value;
      }
      into.push(span);
    }
  };
}

/** The fields every span has (the decoder names them; any other packed field is a detail). */
const BASIC_SPAN_FIELDS = ['task', 'group', 'step', 'lane', 'kind', 'start', 'end'];

/**
 * Packs spans as the engine packs them (`spansSince`), for it to compare with a run it kept:
 * a field that is not a number packs as NaN, an unknown kind as -1, and a span whose group's
 * name is not the result's is refused here.
 */
function spanPacker({ packedSpan, spanKinds }) {
  const width = packedSpan.length;
  return (spans, groupNames, runId) => {
    const packed = new Float64Array(spans.length * width);
    const number = (v) => (typeof v === 'number' ? v : NaN);
    spans.forEach((span, i) => {
      packedSpan.forEach((field, j) => {
        const value = span?.[field];
        packed[i * width + j] = field === 'kind' ? spanKinds.indexOf(value) : number(value);
      });
      if (span?.groupName !== groupNames?.[span?.group]) {
        throw new Error(`exportTrace: result.spans[${i}].groupName differs from run ${runId}: ${describe(span?.groupName)} here, ` +
          `not the name of its group (the result was changed); export the result pg.run returned, as it came`);
      }
    });
    return packed;
  };
}

class Playground {
  #engine;
  #decode;
  #pack;
  #validated = null; // { key, errors }: the last workload validated and the engine's answer
  #processes;
  #host;
  #settled = false;
  #lastCalibration = null;

  constructor(engine, terms, processes, whenPoolReady, host) {
    this.#engine = engine;
    this.#processes = processes;
    this.#host = host;
    this.#calibration(); // (read once now: a module that stops before anyone asks still has one)
    host.state.observeCores = (seen) => this.#observeCores(seen);
    this.#decode = spanDecoder(terms);
    this.#pack = spanPacker(terms);
    /**
     * Resolves (to the capabilities then) once the worker pool has started and the kernel's
     * calibration is final; on a page without threads, once the calibration is final. Runs
     * wait for it, so a run asked for in the first few hundred ms starts when it resolves.
     */
    this.whenPoolReady = whenPoolReady.then(() => {
      this.#settled = true;
      return this.capabilities;
    });
    /** Every strategy, in order: `[{ name, pool }]`; `pool` is 'threads' or null (the page's thread). */
    this.strategies = Object.freeze(terms.strategies.map((s) => Object.freeze({ ...s })));
    /** Every limit validation enforces, by name. */
    this.limits = Object.freeze({ ...terms.limits });
    /** Every span kind, by name. */
    this.spanKinds = Object.freeze([...terms.spanKinds]);
    /** Every way tasks can update the shared counter (the workload's `sync`), the default first. */
    this.syncs = Object.freeze([...terms.syncs]);
    /** The fields a workload may have, and a task group, as JSON names them; any other is refused. */
    this.workloadFields = Object.freeze([...terms.workloadFields]);
    this.groupFields = Object.freeze([...terms.groupFields]);
    /** The id of the page's thread's lane (a lane's `role` says the same: 'main'). */
    this.mainLane = terms.mainLane;
  }

  /**
   * What this browser gives the playground, as of now: `pool` is 'starting' until the worker
   * pool is up (`threads` and `poolThreads` then say what is expected), 'ready', or 'none'
   * (`noPoolReason` says why); `calibration` is the kernel speed in use (refined once after
   * start). A fresh frozen object on every read.
   */
  get capabilities() {
    const { state, wanted, ...host } = this.#host;
    const poolThreads = state.threadsOff ? 0 : wanted;
    const processes = this.#processes?.size ?? 0;
    return Object.freeze({
      crossOriginIsolated: host.crossOriginIsolated,
      threads: poolThreads > 0,
      poolThreads,
      pool: state.pool,
      processes,
      maxThreads: Math.max(poolThreads, processes, 1),
      hardwareConcurrency: host.hardwareConcurrency,
      // The cores the page's workers are seen to compute on at once (by a probe once the pool
      // is up, then by every run on workers), within what the browser reports; until there is
      // such evidence, what the browser reports. coresMeasured: the most cores' worth seen.
      cores: state.coresSeen === null ? host.hardwareConcurrency : coresProven(state.coresSeen, host.hardwareConcurrency),
      coresMeasured: state.coresSeen === null ? null : Math.round(state.coresSeen * 100) / 100,
      noPoolReason: state.threadsOff?.reason ?? null,
      noPoolCode: state.threadsOff?.code ?? null,
      framed: host.framed,
      timerResolutionMs: host.timerResolutionMs,
      calibration: this.#calibration(),
      // Why the engine can run nothing more (its module crashed: reload the page), or null.
      engineStopped: state.stopped?.reason ?? null,
    });
  }

  /** The kernel's calibration in use (the last one read, once the engine has stopped). */
  #calibration() {
    if (!this.#host.state.stopped) this.#lastCalibration = Object.freeze(JSON.parse(this.#engine.calibrationJson()));
    return this.#lastCalibration;
  }

  /**
   * Cores' worth of computing seen at once (by the probe at start, or a run on workers): the
   * most seen so far is the evidence of how many cores the page's workers get, and the ideal
   * model predicts with the cores it proves.
   */
  #observeCores(seen) {
    if (!(seen > 0)) return;
    const { state, hardwareConcurrency } = this.#host;
    state.coresSeen = Math.max(state.coresSeen ?? 0, seen);
    this.#engine.setCores(coresProven(state.coresSeen, hardwareConcurrency));
  }

  /** Every problem with a workload: `[{ field, message }]`, empty when it is valid. Never throws. */
  validate(workload) {
    const encoded = encode(workload, this.limits);
    if (encoded.problem) return [encoded.problem];
    // The page asks again for the same workload as it redraws: the last answer is kept (a
    // link of 10,000 groups takes the engine about 150 ms to read).
    const key = `${encoded.standIns}\n${encoded.json}`;
    if (this.#validated?.key !== key) this.#validated = { key, errors: this.#engine.validate(encoded.json, encoded.standIns) };
    return JSON.parse(this.#validated.errors);
  }

  /** Ideal wall time (no overhead) of each strategy for this workload: `{ sequential: ms, ... }`. */
  predict(workload) {
    return JSON.parse(this.#engine.predict(...toJson(workload, this.limits)));
  }

  /**
   * The lanes a run of this workload will report, known before it starts: `[{ id, name }]`,
   * `main` and every worker of the pool when the strategy uses workers here.
   */
  lanes(workload) {
    return JSON.parse(this.#engine.lanes(...toJson(workload, this.limits)));
  }

  /** Whether the pool or the calibration is still starting (`whenPoolReady` has not resolved). */
  get starting() {
    return !this.#settled;
  }

  /**
   * For tests: the next run panics at its first piece of computing, wherever it computes
   * (the page's thread, a worker thread, a process). The run ends with an Error saying so;
   * the run after it works.
   */
  panicNextRun() {
    this.#engine.panicNextRun();
  }

  /**
   * For tests: the next run crashes at its first piece of computing (a trap, on the page's
   * thread or a worker's), which ends the module for good: the run and every use after it
   * throw "The engine stopped: ...", and `capabilities.engineStopped` says why.
   */
  crashNextRun() {
    this.#engine.crashNextRun();
  }

  /** Whether a run is in progress (the engine runs one at a time). */
  get running() {
    return this.#engine.running;
  }

  /**
   * The bytes of the module's memory (the page's and its worker threads'; each process has
   * its own). It grows as runs need more and never shrinks: the soak test watches it.
   */
  get memoryBytes() {
    return memoryBytes();
  }

  /** How many processes are started now (they start when a run first needs them). */
  get processesRunning() {
    return this.#processes?.running ?? 0;
  }

  /**
   * Runs a workload. Rejects with an Error naming every invalid field. `signal` (an
   * AbortSignal) cancels: the result then has `status: "cancelled"`. `onStart(setup)` is called
   * once, as the run starts, with what it will be: `{ strategy, requestedStrategy, threads,
   * predictedMs, tasks, lanes: [{ id, name, role }], groupNames, notice? }` (the engine reads a
   * workload once per run: this is that reading). `onProgress` is called about once a frame
   * with `{ spans, newSpans, elapsedMs, tasksDone, tasks }`.
   */
  async run(workload, options = {}) {
    // Everything is checked before anything starts: a bad option can't orphan a run.
    const { signal, onStart, onProgress, trace = true } = checkOptions(options);
    const [json, standIns] = toJson(workload, this.limits);
    if (!this.#settled) {
      // Invalid input is rejected at once, not after the wait: starting it throws the
      // engine's message naming every bad field.
      if (this.validate(workload).length) this.#engine.start(json, standIns, trace);
      await this.whenPoolReady; // (a cancel meanwhile: the run below is cancelled as it starts)
    }
    const { state } = this.#host;
    const handle = stopsCleanly(this.#engine.start(json, standIns, trace), state); // throws on invalid input
    // What the run will be, from the engine's one reading of the workload: its lanes, its
    // ideal time, its groups' names as the engine keeps them (NFC), its strategy and workers.
    const setup = JSON.parse(handle.setup);
    const { groupNames, tasks } = setup;
    try {
      onStart?.(setup);
    } catch (error) {
      console.error('playground: onStart threw (the run goes on):', error);
    }
    const spans = [];
    let cursor = 0;
    const drain = () => {
      const before = spans.length;
      this.#decode(handle.spansSince(cursor), groupNames, spans);
      cursor += spans.length - before;
      return spans.slice(before);
    };
    const cancel = () => handle.cancel();
    if (signal?.aborted) cancel();
    signal?.addEventListener('abort', cancel, { once: true });

    let finished = false;
    let listening = Boolean(onProgress);
    const report = () => {
      if (finished) return;
      let newSpans;
      try {
        newSpans = drain();
      } catch (error) {
        if (state.stopped) return; // (the crash watch below ends the run, with the words)
        throw error;
      }
      try {
        if (listening) onProgress({ spans, newSpans, elapsedMs: handle.elapsedMs(), tasksDone: handle.tasksDone(), tasks });
      } catch (error) {
        // The caller's callback failed: the run goes on, without it.
        listening = false;
        console.error('playground: onProgress threw, and is not called again during this run:', error);
      }
      schedule(report);
    };
    if (onProgress) schedule(report);

    // A crash on another thread ends the module but not this run's promise, which would wait for
    // ever for workers that are gone.
    const crash = whenStopped(() => handle.tasksDone());
    try {
      const result = JSON.parse(await Promise.race([handle.done(), crash.stopped]));
      finished = true;
      drain();
      result.spans = spans;
      const worth = coresWorth(result, spans);
      if (worth !== null) this.#observeCores(worth);
      return result;
    } finally {
      finished = true;
      crash.end();
      signal?.removeEventListener('abort', cancel);
      if (!state.stopped) handle.free();
    }
  }

  /**
   * A run's result as Chrome trace event JSON (open it in Perfetto or chrome://tracing), made
   * by the engine from the spans it kept of that run (it keeps its last `keptRuns` runs, a
   * figure of the contract).
   */
  exportTrace(result) {
    const runId = result?.runId;
    if (!Number.isInteger(runId) || runId < 1 || runId > 0xffffffff) {
      throw new Error('exportTrace: expected a result of pg.run (it has a runId), got ' +
        (result === null || typeof result !== 'object' ? String(result) : 'an object without a runId'));
    }
    // The engine checks the copy against the run it kept: an edited result, or one carrying
    // another run's runId, is refused (its trace would not be this result's).
    const { spans, ...fields } = result;
    let json;
    try {
      json = JSON.stringify(fields);
    } catch (error) {
      throw new Error(`exportTrace: the result can't be read as JSON (${describe(error.message, 80)}): export the result pg.run returned, as it came`);
    }
    // (Spans that are not a list: the engine says so, once it has found the run.)
    return this.#engine.chromeTrace(runId, json, Array.isArray(spans) ? this.#pack(spans, fields.groupNames, runId) : undefined);
  }
}

/**
 * The wasm module ended for good: a trap on any thread (a worker's included: they share the
 * instance's memory, where wasm-bindgen marks it terminated) makes every later call throw.
 */
function isTerminated(error) {
  return error instanceof WebAssembly.RuntimeError || error?.message === 'Module terminated';
}

/** The error every use of a stopped engine throws: what happened, and what the reader can do. */
function stoppedError(state) {
  return new Error(`The engine stopped: ${state.stopped.reason}. Reload the page to start it again`);
}

/**
 * `target` (the engine, a run's handle) with every method call guarded: once the module has
 * ended (`isTerminated`), `state.stopped` says why and each call throws `stoppedError`, in place
 * of wasm-bindgen's "Module terminated" or a bare "unreachable".
 */
function stopsCleanly(target, state) {
  const stop = (error) => {
    if (!isTerminated(error)) return error;
    state.stopped ??= { reason: `its module crashed (${String(error?.message ?? error).replace(/[.\s]+$/, '')})` };
    return stoppedError(state);
  };
  const guarded = (call) => {
    if (state.stopped) throw stoppedError(state);
    try {
      const value = call();
      // (A promise, such as a run's end, rejects the same way.)
      return value instanceof Promise ? value.catch((error) => { throw stop(error); }) : value;
    } catch (error) {
      throw stop(error);
    }
  };
  return new Proxy(target, {
    get(object, name) {
      const value = guarded(() => Reflect.get(object, name, object)); // (getters call the module too)
      return typeof value === 'function' ? (...args) => guarded(() => value.apply(object, args)) : value;
    },
  });
}

/**
 * `stopped` rejects once the module has ended, found by calling `look` (a guarded call to the
 * module, which throws from then on) every CRASH_WATCH_MS; `end()` stops looking.
 */
function whenStopped(look) {
  let timer;
  const stopped = new Promise((_, reject) => {
    timer = setInterval(() => {
      try {
        look();
      } catch (error) {
        clearInterval(timer);
        reject(error);
      }
    }, CRASH_WATCH_MS);
  });
  stopped.catch(() => {}); // (raced with the work it watches: that race says it)
  return { stopped, end: () => clearInterval(timer) };
}

/** Resolves in a new task of the event loop (a message to itself: no timer clamping). */
function nextTask() {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

/** Next animation frame when the page is visible (they stop when it is hidden). */
function schedule(callback) {
  if (document.visibilityState === 'visible') requestAnimationFrame(() => callback());
  else setTimeout(callback, BACKGROUND_POLL_MS);
}

/** The options of pg.run, checked: `{ signal, onProgress, trace }`; throws naming the bad one. */
function checkOptions(options) {
  if (options === null || typeof options !== 'object') {
    throw new Error(`run: options must be an object like { signal, onStart, onProgress, trace }, got ${describe(options)}`);
  }
  const { signal, onStart, onProgress, trace = true } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new Error(`run: options.signal must be an AbortSignal (from an AbortController), got ${describe(signal)}`);
  }
  for (const [name, value] of [['onStart', onStart], ['onProgress', onProgress]]) {
    if (value !== undefined && typeof value !== 'function') throw new Error(`run: options.${name} must be a function, got ${describe(value)}`);
  }
  if (typeof trace !== 'boolean') throw new Error(`run: options.trace must be true or false, got ${describe(trace)}`);
  return { signal, onStart, onProgress, trace };
}


/** Values a workload may hold (numbers, text, lists, objects): a structure shared many times over can't cost more. */
const MAX_VALUES = 200_000;

/**
 * A workload as JSON for the engine: `{ json, standIns }`, or the first thing JSON can't carry
 * at all, named by its field: `{ problem: { field, message } }`.
 *
 * Where a value goes (`threads`, `groups[1]`, `groups[1].cpuMs`...), what JSON would turn into
 * something else is sent as null and described in `standIns` (`{ threads: "NaN (not a finite
 * number)" }`), for the engine to name with the field's range: NaN and ±Infinity, and a list or
 * object nested deeper than `maxDepth` levels (the engine's limit; measured without recursion,
 * so 100,000 levels cost what they hold). A BigInt, a lone surrogate, a structure that contains
 * itself, or more than MAX_VALUES values are problems. (Fields JSON drops, functions and
 * undefined, are then missing for the engine, which says so.)
 */
function encode(workload, { maxDepth }) {
  if (workload === null || typeof workload !== 'object' || Array.isArray(workload)) {
    return { problem: { field: 'workload', message: `must be an object with strategy and groups, got ${describe(workload)}` } };
  }
  // Each list or object met: its path, its level (the workload's is 1), whether its items are
  // fields (the workload, `groups`, a group), as the engine reads them, and whether it is
  // inside a value already measured (then nothing in it is too deep, nor a cycle).
  const holders = new Map([[workload, { path: 'workload', level: 1, holdsFields: true, measured: false }]]);
  const standIns = {};
  let problem = null;
  let values = 0;
  const replacer = function (key, value) {
    if (problem) return undefined;
    if (key === '') {
      // The workload itself (or what its toJSON gave).
      if (value !== null && typeof value === 'object') holders.set(value, holders.get(workload));
      return value;
    }
    const holder = holders.get(this) ?? { path: 'workload', level: 1, holdsFields: false, measured: false };
    const parent = holder.path;
    const path = Array.isArray(this) ? `${parent}[${key}]` : parent === 'workload' ? fieldName(key) : `${parent}.${fieldName(key)}`;
    if (++values > MAX_VALUES) {
      problem = { field: 'workload', message: `holds more than ${MAX_VALUES} values: a workload is a few groups of a few fields` };
    } else if (typeof value === 'bigint') {
      problem = { field: path, message: `${describe(value)} is a BigInt: use a plain number` };
    } else if (typeof value === 'string' && !isWellFormed(value)) {
      problem = { field: path, message: 'has a lone surrogate: text must be well-formed Unicode' };
    } else if (typeof value === 'number' && !Number.isFinite(value)) {
      if (holder.holdsFields) standIns[path] = `${value} (not a finite number)`;
      return null;
    } else if (value !== null && typeof value === 'object') {
      const holdsFields = holder.holdsFields && (holder.level === 1 ? key === 'groups' && Array.isArray(value)
        : holder.level === 2 && !Array.isArray(value));
      let measured = holder.measured;
      if (holder.holdsFields && !measured) {
        const depth = depthOf(value);
        if (Array.isArray(depth)) {
          // A cycle: named by the innermost field on the way to it.
          const field = innermostField(path, holder.level + 1, holdsFields, depth);
          problem = { field, message: 'refers to itself (it contains itself, or an object that contains it): a workload must be plain data' };
        } else if (depth === TOO_MANY) {
          problem = { field: path, message: `holds more than ${MAX_VALUES} values: a workload is a few groups of a few fields` };
        } else if (holder.level + depth <= maxDepth) {
          measured = true; // nothing inside is too deep, nor a cycle
        } else if (!holdsFields) {
          // Too deep, as the engine reads text: the value of the innermost field around.
          standIns[path] = `${Array.isArray(value) ? 'a list' : 'an object'} nested ${depth} levels deep`;
          return null;
        }
      }
      holders.set(value, { path, level: holder.level + 1, holdsFields, measured });
    }
    return problem ? undefined : value;
  };
  try {
    const json = JSON.stringify(workload, replacer);
    return problem ? { problem } : { json, standIns: Object.keys(standIns).length ? JSON.stringify(standIns) : '' };
  } catch (error) {
    // A getter, a proxy or a toJSON that throws: not plain data.
    return { problem: { field: 'workload', message: `could not be read (${error.name}: ${describe(error.message.split('\n')[0], 80)}): it must be plain data` } };
  }
}

/**
 * The field a path of `keys` from the value at `path` ends in: down through the workload,
 * `groups` and a group (`holdsFields`: the value at `path` is one of them), no further.
 */
function innermostField(path, level, holdsFields, keys) {
  let field = path;
  for (const key of keys) {
    if (!holdsFields) break;
    const list = level === 2;
    field = list ? `${field}[${key}]` : level === 1 ? fieldName(key) : `${field}.${fieldName(key)}`;
    holdsFields = level === 1 ? key === 'groups' : level === 2;
    level++;
  }
  return field;
}

/** A key in a field's path as the engine names it: at most 40 characters, then "...". */
function fieldName(key) {
  const chars = Array.from(key);
  return chars.length > 40 ? `${chars.slice(0, 40).join('')}...` : key;
}

const TOO_MANY = -1;

/**
 * How many levels of lists and objects `value` holds (`{}` is 1, `[[1]]` is 2); TOO_MANY past
 * MAX_VALUES values; if it contains itself, the keys from `value` to where it does. Without
 * recursion, and each object once however often it is shared.
 */
function depthOf(value) {
  const depth = new Map(); // object -> its depth, once known
  const open = new Set(); // objects on the current path
  const stack = [[value, null, 0, null]]; // [object, its [key, child]s not yet seen, deepest child, its key]
  let seen = 0;
  while (stack.length) {
    const top = stack[stack.length - 1];
    const node = top[0];
    if (top[1] === null) {
      open.add(node);
      // A typed array holds numbers only: no need to list them.
      const entries = ArrayBuffer.isView(node) ? [] : Object.entries(node);
      seen += entries.length;
      if (seen > MAX_VALUES) return TOO_MANY;
      top[1] = entries.filter(([, v]) => v !== null && typeof v === 'object').reverse();
    }
    const entry = top[1].pop();
    if (entry !== undefined) {
      const [key, next] = entry;
      if (open.has(next)) return [...stack.slice(1).map((frame) => frame[3]), key];
      if (depth.has(next)) top[2] = Math.max(top[2], depth.get(next));
      else stack.push([next, null, 0, key]);
      continue;
    }
    stack.pop();
    open.delete(node);
    depth.set(node, top[2] + 1);
    if (stack.length) {
      const parent = stack[stack.length - 1];
      parent[2] = Math.max(parent[2], top[2] + 1);
    }
  }
  return depth.get(value);
}

function isWellFormed(text) {
  return typeof text.isWellFormed === 'function'
    ? text.isWellFormed()
    : !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

/** `[json, standIns]` for the engine; throws an Error naming what JSON can't carry (see encode). */
function toJson(workload, limits) {
  const { json, standIns, problem } = encode(workload, limits);
  if (problem) throw new Error(`invalid workload: ${problem.field}: ${problem.message}`);
  return [json, standIns];
}
