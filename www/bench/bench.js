// The benchmark page: measures this build in this browser and reports
//   globalThis.benchResult = { measurements: { name: { value, goal, unit, pass, detail } }, ... }
// then calls globalThis.onDone?.(result) (wasm-bindgen-rayon's test style). On failure it sets
// globalThis.benchResult = { error } and rethrows, so a driver sees a page error as well.
//
// Run by tests/bench/run.mjs as bench.html?native=<native kernel iterations/ms>&autostart=1.
// The machine is noisy (2 shared cores): every figure is a median of repeated runs, and the
// two sides of a ratio are measured alternately (A B, B A, A B, ...) so a slow patch of the
// machine hits both.

import { startPlayground } from '../engine/engine.js';
// init() has already been called by startPlayground().
import { kernelIterationsPerMs } from '../pkg/playground.js';
import { measureReplay } from './replay.js';

const params = new URLSearchParams(location.search);
const NATIVE_IPMS = Number(params.get('native')) || null;

// Goals (see the project brief). `higher`: the value must be at least the goal.
const GOALS = {
  cpuSpeedup: { goal: 1.9, higher: true, unit: 'x' },
  ioConcurrentOverLongestWait: { goal: 1.15, higher: false, unit: 'x' },
  maxFrameGapMs: { goal: 50, higher: false, unit: 'ms' },
  tracingOverhead: { goal: 0.03, higher: false, unit: 'fraction' },
  wasmOverNativeKernel: { goal: 1.2, higher: false, unit: 'x' },
};

const REPEATS = 3;
const TRACE_REPEATS = 5;

// --- page output ---------------------------------------------------------------------------

const statusEl = document.getElementById('status');
const logEl = document.getElementById('log');
const startButton = document.getElementById('start');

function log(line) {
  logEl.textContent += `${line}\n`;
  console.log(`[bench] ${line}`);
}

function status(text) {
  statusEl.textContent = text;
}

function showTable(measurements) {
  const table = document.getElementById('results');
  const body = table.querySelector('tbody');
  body.replaceChildren();
  for (const [name, m] of Object.entries(measurements)) {
    const row = body.insertRow();
    row.insertCell().textContent = name;
    const value = row.insertCell();
    value.className = 'num';
    value.textContent = m.value === null ? 'n/a' : `${m.value} ${m.unit}`;
    row.insertCell().textContent = `${m.goal} ${m.unit}`;
    const verdict = row.insertCell();
    verdict.textContent = m.pass === null ? 'not measured' : m.pass ? 'pass' : 'MISSED';
    verdict.className = m.pass === false ? 'missed' : 'pass';
  }
  table.hidden = false;
}

// --- helpers -------------------------------------------------------------------------------

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round = (x, digits = 3) => (x === null || !Number.isFinite(x) ? null : Number(x.toFixed(digits)));
const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now())));
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function entry(name, value, detail) {
  const { goal, higher, unit } = GOALS[name];
  const v = round(value);
  const pass = v === null ? null : higher ? v >= goal : v <= goal;
  return { value: v, goal: `${higher ? '>=' : '<='} ${goal}`, unit, pass, detail };
}

function workload(strategy, group, extra = {}) {
  return { strategy, threads: 1, globalLock: false, yieldMs: 0, jitter: 0, seed: 1,
    groups: [{ name: 'bench', steps: 1, ...group }], ...extra };
}

/** One run; returns the engine's wall time and the end-to-end time seen from here. */
async function timedRun(pg, work, options = {}) {
  const t0 = performance.now();
  const result = await pg.run(work, { trace: false, ...options });
  const endToEndMs = performance.now() - t0;
  if (result.status !== 'completed') throw new Error(`${work.strategy} run ended ${result.status}`);
  if (result.strategy !== work.strategy) {
    throw new Error(`asked for ${work.strategy} but it ran as ${result.strategy}: ${result.notice ?? ''}`);
  }
  return { wallMs: result.wallMs, endToEndMs, spans: result.spans.length, predictedMs: result.predictedMs,
    droppedSpans: result.droppedSpans };
}

/**
 * Runs two sides `repeats` times each, alternating which goes first (A B, B A, A B, ...),
 * and returns every run of each side.
 */
async function alternate(repeats, label, sideA, sideB) {
  const a = [];
  const b = [];
  for (let turn = 0; turn < repeats; turn++) {
    const order = turn % 2 === 0 ? [[sideA, a], [sideB, b]] : [[sideB, b], [sideA, a]];
    for (const [side, into] of order) {
      status(`${label}: round ${turn + 1} of ${repeats} (${side.name})`);
      await nextFrame(); // let the status paint before a run that may block this thread
      into.push(await side.run());
    }
  }
  return { a, b };
}

const walls = (runs) => runs.map((r) => round(r.wallMs, 2));

// --- measurements --------------------------------------------------------------------------

async function measureKernel() {
  status('kernel speed (wasm, this thread)');
  const rates = [];
  for (let i = 0; i < 5; i++) {
    await nextFrame();
    rates.push(kernelIterationsPerMs());
  }
  const wasm = median(rates);
  log(`kernel: wasm ${Math.round(wasm)} iterations/ms (samples ${rates.map(Math.round).join(', ')}), ` +
    `native ${NATIVE_IPMS ?? 'not given'}`);
  return entry('wasmOverNativeKernel', NATIVE_IPMS ? NATIVE_IPMS / wasm : null, {
    nativeIterationsPerMs: NATIVE_IPMS, wasmIterationsPerMs: Math.round(wasm),
    wasmSamples: rates.map(Math.round),
  });
}

async function measureCpuSpeedup(pg) {
  const group = { count: 8, cpuMs: 150, ioMs: 0 };
  const { a: seq, b: par } = await alternate(REPEATS, 'CPU speedup',
    { name: 'sequential', run: () => timedRun(pg, workload('sequential', group)) },
    { name: 'parallel, 2 threads', run: () => timedRun(pg, workload('parallel', group, { threads: 2 })) });
  const seqMs = median(seq.map((r) => r.wallMs));
  const parMs = median(par.map((r) => r.wallMs));
  log(`cpu: sequential ${walls(seq).join(', ')} ms; parallel ${walls(par).join(', ')} ms; ` +
    `speedup ${(seqMs / parMs).toFixed(3)}x`);
  return entry('cpuSpeedup', seqMs / parMs, {
    workload: '8 tasks x 150 ms cpu', sequentialMs: round(seqMs, 1), parallelMs: round(parMs, 1),
    sequentialRunsMs: walls(seq), parallelRunsMs: walls(par),
  });
}

async function measureIo(pg) {
  const waitMs = 200;
  const group = { count: 8, cpuMs: 0, ioMs: waitMs };
  const { a: conc, b: seq } = await alternate(REPEATS, 'overlapping waits',
    { name: 'concurrent', run: () => timedRun(pg, workload('concurrent', group)) },
    { name: 'sequential', run: () => timedRun(pg, workload('sequential', group)) });
  const concMs = median(conc.map((r) => r.wallMs));
  const seqMs = median(seq.map((r) => r.wallMs));
  log(`io: concurrent ${walls(conc).join(', ')} ms; sequential ${walls(seq).join(', ')} ms`);
  return entry('ioConcurrentOverLongestWait', concMs / waitMs, {
    workload: `8 tasks x ${waitMs} ms io`, concurrentMs: round(concMs, 1), sequentialMs: round(seqMs, 1),
    concurrentRunsMs: walls(conc), sequentialRunsMs: walls(seq),
  });
}

/** The longest time between two animation frames while a parallel CPU run goes. */
async function frameGapDuring(pg, work) {
  if (document.visibilityState !== 'visible') {
    throw new Error('the page is hidden: no animation frames to measure (keep the tab visible)');
  }
  let last = await nextFrame();
  let maxGap = 0;
  let frames = 0;
  let running = true;
  const onFrame = () => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    frames++;
    if (running) requestAnimationFrame(onFrame);
  };
  requestAnimationFrame(onFrame);
  // As the playground page does: traced, with a progress callback every frame.
  let progressCalls = 0;
  const run = await timedRun(pg, work, { trace: true, onProgress: () => progressCalls++ });
  running = false;
  maxGap = Math.max(maxGap, performance.now() - last); // time since the last frame counts too
  return { maxGapMs: maxGap, frames, fps: frames / (run.endToEndMs / 1e3), wallMs: run.wallMs, progressCalls };
}

async function measureFrameGap(pg) {
  // 8 x 375 ms = 3 s of computing: about 1.5 s on 2 workers.
  const work = workload('parallel', { count: 8, cpuMs: 375, ioMs: 0 }, { threads: 2 });
  const runs = [];
  for (let i = 0; i < REPEATS; i++) {
    status(`frame gaps during a parallel run: ${i + 1} of ${REPEATS}`);
    runs.push(await frameGapDuring(pg, work));
  }
  const gaps = runs.map((r) => round(r.maxGapMs, 1));
  log(`frames: max gap per run ${gaps.join(', ')} ms; fps ${runs.map((r) => r.fps.toFixed(0)).join(', ')}; ` +
    `wall ${runs.map((r) => r.wallMs.toFixed(0)).join(', ')} ms`);
  return entry('maxFrameGapMs', median(runs.map((r) => r.maxGapMs)), {
    workload: 'parallel, 2 threads, 8 tasks x 375 ms cpu, traced, onProgress every frame',
    maxGapPerRunMs: gaps, worstMs: Math.max(...gaps), fpsPerRun: runs.map((r) => round(r.fps, 1)),
    wallPerRunMs: runs.map((r) => round(r.wallMs, 1)),
  });
}

/** traced / untraced - 1, for one workload: medians of TRACE_REPEATS alternating runs. */
async function tracingOverheadOf(pg, label, work) {
  const { a: traced, b: plain } = await alternate(TRACE_REPEATS, `tracing cost (${label})`,
    { name: 'traced', run: () => timedRun(pg, work, { trace: true }) },
    { name: 'untraced', run: () => timedRun(pg, work, { trace: false }) });
  const tracedMs = median(traced.map((r) => r.wallMs));
  const plainMs = median(plain.map((r) => r.wallMs));
  const tracedE2e = median(traced.map((r) => r.endToEndMs));
  const plainE2e = median(plain.map((r) => r.endToEndMs));
  const spans = traced[0].spans;
  const overhead = tracedMs / plainMs - 1;
  log(`tracing (${label}): traced ${walls(traced).join(', ')} ms; untraced ${walls(plain).join(', ')} ms; ` +
    `${spans} spans; overhead ${(overhead * 100).toFixed(2)}% ` +
    `(${(((tracedMs - plainMs) * 1e3) / spans).toFixed(2)} us/span); ` +
    `end to end ${((tracedE2e / plainE2e - 1) * 100).toFixed(2)}%`);
  return {
    overhead: round(overhead, 4),
    tracedMs: round(tracedMs, 1), untracedMs: round(plainMs, 1), spans,
    droppedSpans: traced[0].droppedSpans,
    usPerSpan: round(((tracedMs - plainMs) * 1e3) / spans, 2),
    // Including what pg.run does after the engine's clock stops (decoding the spans).
    endToEndOverhead: round(tracedE2e / plainE2e - 1, 4),
    tracedRunsMs: walls(traced), untracedRunsMs: walls(plain),
  };
}

async function measureTracing(pg) {
  // About 1 s each, with as many spans as a second of work can give:
  // workers under the global lock: 5 ms slices, each a lock-wait span and a cpu span;
  // the event loop yielding every 1 ms: a cpu span per millisecond.
  const parallelLock = await tracingOverheadOf(pg, 'parallel, global lock',
    workload('parallel', { count: 8, cpuMs: 125, ioMs: 0 }, { threads: 2, globalLock: true }));
  const concurrentYield = await tracingOverheadOf(pg, 'concurrent, yield 1 ms',
    workload('concurrent', { count: 8, cpuMs: 125, ioMs: 0 }, { yieldMs: 1 }));
  // The worse of the two is the figure: tracing must be cheap wherever it records.
  const worst = Math.max(parallelLock.overhead, concurrentYield.overhead);
  return entry('tracingOverhead', worst, {
    figure: 'the larger of the two workloads (engine wall times, medians of 5)',
    parallelGlobalLock: { workload: 'parallel, 2 threads, globalLock, 8 tasks x 125 ms cpu', ...parallelLock },
    concurrentYield1ms: { workload: 'concurrent, yieldMs 1, 8 tasks x 125 ms cpu', ...concurrentYield },
  });
}

/** Short runs first, so the workers' module instances are compiled and tiered up. */
async function warmUp(pg) {
  status('warming up');
  const group = { count: 4, cpuMs: 40, ioMs: 0 };
  await timedRun(pg, workload('parallel', group, { threads: 2 }));
  await timedRun(pg, workload('sequential', group));
  await timedRun(pg, workload('parallel', group, { threads: 2, globalLock: true }), { trace: true });
  await timedRun(pg, workload('concurrent', group, { yieldMs: 1 }), { trace: true });
}

// --- the run -------------------------------------------------------------------------------

async function runBenchmark() {
  const started = performance.now();
  status('starting the engine');
  const pg = await startPlayground();
  const caps = pg.capabilities;
  log(`engine: isolated ${caps.crossOriginIsolated}, pool ${caps.poolThreads} workers, ` +
    `${caps.hardwareConcurrency} cores, timer ${caps.timerResolutionMs} ms, ` +
    `calibration ${Math.round(caps.calibration.iterationsPerMs)} iterations/ms`);
  if (!caps.threads) throw new Error(`no worker pool, nothing to benchmark: ${caps.noPoolReason}`);

  const measurements = {};
  // The driver (tests/bench/run.mjs) times these markers to tell how much CPU other
  // processes on the machine took during each measurement.
  const phase = (name) => console.log(`[bench:phase] ${name}`);
  phase('wasmOverNativeKernel');
  measurements.wasmOverNativeKernel = await measureKernel();
  phase('warmUp');
  await warmUp(pg);
  phase('cpuSpeedup');
  measurements.cpuSpeedup = await measureCpuSpeedup(pg);
  phase('ioConcurrentOverLongestWait');
  measurements.ioConcurrentOverLongestWait = await measureIo(pg);
  phase('maxFrameGapMs');
  measurements.maxFrameGapMs = await measureFrameGap(pg);
  phase('tracingOverhead');
  measurements.tracingOverhead = await measureTracing(pg);
  phase('replayFps');
  measurements.replayFps = await measureReplay(pg, { log, status });
  phase('end');

  return {
    measurements,
    environment: {
      userAgent: navigator.userAgent,
      hardwareConcurrency: caps.hardwareConcurrency,
      crossOriginIsolated: caps.crossOriginIsolated,
      poolThreads: caps.poolThreads,
      timerResolutionMs: caps.timerResolutionMs,
      calibrationIterationsPerMs: Math.round(caps.calibration.iterationsPerMs),
      visibilityState: document.visibilityState,
    },
    durationMs: Math.round(performance.now() - started),
    finishedAt: new Date().toISOString(),
  };
}

let running = false;

async function start() {
  if (running) return;
  running = true;
  startButton.disabled = true;
  delete globalThis.benchResult;
  try {
    const result = await runBenchmark();
    showTable(result.measurements);
    const missed = Object.entries(result.measurements).filter(([, m]) => m.pass === false).map(([n]) => n);
    status(missed.length ? `Done: MISSED ${missed.join(', ')}.` : 'Done: every goal met.');
    log(`done in ${(result.durationMs / 1e3).toFixed(1)} s`);
    globalThis.benchResult = result;
    globalThis.onDone?.(result);
  } catch (error) {
    status(`Failed: ${error?.message ?? error}`);
    log(`error: ${error?.stack ?? error}`);
    globalThis.benchResult = { error: String(error?.message ?? error) };
    globalThis.onDone?.(globalThis.benchResult);
    throw error;
  } finally {
    startButton.disabled = false;
    running = false;
  }
}

startButton.addEventListener('click', () => start());
if (params.has('autostart')) start();
