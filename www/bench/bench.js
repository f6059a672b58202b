// The benchmark page: measures this build in this browser and reports
//   globalThis.benchResult = { measurements: { name: { value, goal, unit, pass, detail } }, ... }
// then calls globalThis.onDone?.(result) (wasm-bindgen-rayon's test style). On failure it sets
// globalThis.benchResult = { error } and rethrows, so a driver sees a page error as well.
//
// Run by tests/bench/run.mjs as bench.html?native=<native kernel iterations/ms>&autostart=1.
// The machine is noisy (2 shared cores): every figure is a median of repeated runs, and the
// two sides of a ratio are measured alternately (A B, B A, A B, ...) so a slow patch of the
// machine hits both.

import { startPlayground } from '../engine/api.js';
// init() has already been called by startPlayground().
import { kernelIterationsPerMs } from '../pkg/playground.js';
import { JsWorkerPool } from './js-workers.js';
import { knownValue as jsKernelValue, runIterations as jsRunIterations } from './js-kernel.js';
import { measureReplay } from './replay-bench.js';
import { mainLaneIds } from '../shared/metrics.js';

const params = new URLSearchParams(location.search);
const NATIVE_IPMS = Number(params.get('native')) || null;

// Goals (issues 9 and 13). `higher`: the value must be at least the goal; `goal: null`: a
// figure reported side by side (it passes when it was measured).
const GOALS = {
  cpuSpeedup: { goal: 1.9, higher: true, unit: 'x' },
  parallelFineSpeedup: { goal: 1.8, higher: true, unit: 'x' },
  hybridFineSpeedup: { goal: 1.5, higher: true, unit: 'x' },
  handoffMs: { goal: 0.05, higher: false, unit: 'ms' },
  ioConcurrentOverLongestWait: { goal: 1.15, higher: false, unit: 'x' },
  maxFrameGapMs: { goal: 50, higher: false, unit: 'ms' },
  tracingOverhead: { goal: 0.03, higher: false, unit: 'fraction' },
  wasmOverNativeKernel: { goal: 1.05, higher: false, unit: 'x' },
  jsOverWasmKernel: { goal: null, unit: 'x' },
  jsWorkersSpeedup: { goal: null, unit: 'x' },
  jsWorkersOverWasmThreads: { goal: null, unit: 'x' },
  processesSpeedupNotIsolated: { goal: 1.5, higher: true, unit: 'x' },
  processStartupMs: { goal: null, unit: 'ms' },
  copyMsPerMb: { goal: null, unit: 'ms/MB' },
  // Issue 19: what each way of updating the shared counter costs, and deadlocks found in time.
  incrementNoneNs: { goal: null, unit: 'ns' },
  incrementAtomicNs: { goal: null, unit: 'ns' },
  incrementLockNs: { goal: null, unit: 'ns' },
  incrementMessageNs: { goal: null, unit: 'ns' },
  deadlockDetectionMs: { goal: 100, higher: false, unit: 'ms' },
  deadlockFreedMs: { goal: 100, higher: false, unit: 'ms' },
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
    row.insertCell().textContent = m.goal === 'reported' ? 'reported' : `${m.goal} ${m.unit}`;
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
  if (goal === null) return { value: v, goal: 'reported', unit, pass: v === null ? null : true, detail };
  const pass = v === null ? null : higher ? v >= goal : v <= goal;
  return { value: v, goal: `${higher ? '>=' : '<='} ${goal}`, unit, pass, detail };
}

function workload(strategy, group, extra = {}) {
  return { strategy, threads: 1, globalLock: false, yieldMs: 0, jitter: 0, seed: 1,
    groups: [{ name: 'bench', steps: 1, ...group }], ...extra };
}

/** One run; returns the engine's wall time and the end-to-end time seen from here. */
async function timedRun(pg, work, options = {}) {
  const { keep, ...runOptions } = options;
  const t0 = performance.now();
  const result = await pg.run(work, { trace: false, ...runOptions });
  const endToEndMs = performance.now() - t0;
  if (result.status !== 'completed') throw new Error(`${work.strategy} run ended ${result.status}`);
  if (result.strategy !== work.strategy) {
    throw new Error(`asked for ${work.strategy} but it ran as ${result.strategy}: ${result.notice ?? ''}`);
  }
  return { wallMs: result.wallMs, endToEndMs, spans: result.spans.length, predictedMs: result.predictedMs,
    droppedSpans: result.droppedSpans, result: keep ? result : undefined };
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

/**
 * Runs each side `repeats` times, rotating which goes first (A B C, B C A, C A B, ...), and
 * returns every run of each side by name.
 */
async function rotate(repeats, label, sides) {
  const runs = Object.fromEntries(sides.map((s) => [s.name, []]));
  for (let turn = 0; turn < repeats; turn++) {
    for (let k = 0; k < sides.length; k++) {
      const side = sides[(turn + k) % sides.length];
      status(`${label}: round ${turn + 1} of ${repeats} (${side.name})`);
      await nextFrame();
      runs[side.name].push(await side.run());
    }
  }
  return runs;
}

/**
 * The time a worker stands idle between two pieces of computing, from a run's spans: on
 * each worker lane, the gap from the end of one `cpu` span to the start of the next. For
 * `hybrid` every gap is a hand-off: the piece's end travels to the event loop, which hands
 * the next piece over.
 */
function workerGaps(result) {
  const byLane = new Map();
  const main = mainLaneIds(result);
  for (const s of result.spans) {
    if (s.kind !== 'cpu' || main.has(s.lane)) continue;
    if (!byLane.has(s.lane)) byLane.set(s.lane, []);
    byLane.get(s.lane).push(s);
  }
  const gaps = [];
  for (const spans of byLane.values()) {
    spans.sort((a, b) => a.start - b.start);
    for (let i = 1; i < spans.length; i++) gaps.push(Math.max(0, spans[i].start - spans[i - 1].end));
  }
  return gaps;
}

const mean = (values) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

async function measureFineTasks(pg) {
  // 1,000 x 0.2 ms: 200 ms of computing in pieces so short that handing each over costs.
  const group = { count: 1000, cpuMs: 0.2, ioMs: 0 };
  const run = (strategy, extra) => () => timedRun(pg, workload(strategy, group, extra), { trace: true, keep: true });
  const runs = await rotate(5, 'fine tasks', [
    { name: 'sequential', run: run('sequential') },
    { name: 'parallel', run: run('parallel', { threads: 2 }) },
    { name: 'hybrid', run: run('hybrid', { threads: 2 }) },
  ]);
  const ms = (name) => median(runs[name].map((r) => r.wallMs));
  const gapsOf = (name) => runs[name].flatMap((r) => workerGaps(r.result));
  const hybridGaps = gapsOf('hybrid');
  const parallelGaps = gapsOf('parallel');
  const handoff = median(hybridGaps);
  log(`fine tasks: sequential ${walls(runs.sequential).join(', ')} ms; parallel ${walls(runs.parallel).join(', ')} ms; ` +
    `hybrid ${walls(runs.hybrid).join(', ')} ms; worker idle between pieces: hybrid median ${(handoff * 1e3).toFixed(1)} us ` +
    `(mean ${(mean(hybridGaps) * 1e3).toFixed(1)} us), parallel median ${(median(parallelGaps) * 1e3).toFixed(1)} us`);
  const detail = {
    workload: '1000 tasks x 0.2 ms cpu, 2 workers, traced, medians of 5 rotated runs',
    sequentialMs: round(ms('sequential'), 1), parallelMs: round(ms('parallel'), 1), hybridMs: round(ms('hybrid'), 1),
    sequentialRunsMs: walls(runs.sequential), parallelRunsMs: walls(runs.parallel), hybridRunsMs: walls(runs.hybrid),
  };
  return {
    parallelFineSpeedup: entry('parallelFineSpeedup', ms('sequential') / ms('parallel'), detail),
    hybridFineSpeedup: entry('hybridFineSpeedup', ms('sequential') / ms('hybrid'), detail),
    handoffMs: entry('handoffMs', handoff, {
      figure: 'median time a worker stands idle between two pieces of a hybrid run (every gap is a hand-off)',
      hybridMeanMs: round(mean(hybridGaps), 4), hybridP90Ms: round([...hybridGaps].sort((a, b) => a - b)[Math.floor(hybridGaps.length * 0.9)], 4),
      hybridGaps: hybridGaps.length,
      parallelMedianMs: round(median(parallelGaps), 4), parallelMeanMs: round(mean(parallelGaps), 4),
    }),
  };
}

async function measureJsSideBySide(pg) {
  // The same kernel, the same work: 8 tasks of 40 ms at the engine's calibration, in
  // iterations, run by wasm (sequential on the page, parallel on 2 threads) and by plain
  // JavaScript (on the page, and in 2 Web Workers).
  const known = jsKernelValue();
  if (known !== '9794165311799766139') throw new Error(`the JS kernel computes ${known}, not the wasm kernel's value`);
  const taskMs = 40;
  const tasks = 8;
  const iterations = Math.round(taskMs * pg.capabilities.calibration.iterationsPerMs);
  const group = { count: tasks, cpuMs: taskMs, ioMs: 0 };
  const jsTasks = Array.from({ length: tasks }, () => iterations);
  status('JavaScript side by side: starting 2 JS workers');
  const pool = await JsWorkerPool.start(2);
  try {
    // Warm up both JITs (as the wasm warm-up does) before timing.
    for (let i = 0; i < 5; i++) jsRunIterations(iterations / 4);
    await pool.run([iterations / 4, iterations / 4, iterations / 4, iterations / 4]);
    const runs = await rotate(REPEATS, 'JavaScript side by side', [
      { name: 'wasmPage', run: () => timedRun(pg, workload('sequential', group)) },
      { name: 'wasmThreads', run: () => timedRun(pg, workload('parallel', group, { threads: 2 })) },
      { name: 'jsPage', run: async () => {
        const t0 = performance.now();
        for (const n of jsTasks) jsRunIterations(n);
        return { wallMs: performance.now() - t0 };
      } },
      { name: 'jsWorkers', run: async () => {
        const t0 = performance.now();
        await pool.run(jsTasks);
        return { wallMs: performance.now() - t0 };
      } },
    ]);
    const ms = (name) => median(runs[name].map((r) => r.wallMs));
    const [wasmPage, wasmThreads, jsPage, jsWorkers] = ['wasmPage', 'wasmThreads', 'jsPage', 'jsWorkers'].map(ms);
    log(`js vs wasm: wasm page ${walls(runs.wasmPage).join(', ')} ms, wasm 2 threads ${walls(runs.wasmThreads).join(', ')} ms, ` +
      `JS page ${walls(runs.jsPage).join(', ')} ms, JS 2 workers ${walls(runs.jsWorkers).join(', ')} ms`);
    const detail = {
      workload: `${tasks} tasks x ${iterations} kernel iterations (${taskMs} ms of wasm at the calibration), 2 workers, medians of ${REPEATS}`,
      wasmPageMs: round(wasmPage, 1), wasmThreadsMs: round(wasmThreads, 1), jsPageMs: round(jsPage, 1), jsWorkersMs: round(jsWorkers, 1),
      wasmThreadsSpeedup: round(wasmPage / wasmThreads), jsWorkersSpeedup: round(jsPage / jsWorkers),
      wasmPageRunsMs: walls(runs.wasmPage), wasmThreadsRunsMs: walls(runs.wasmThreads),
      jsPageRunsMs: walls(runs.jsPage), jsWorkersRunsMs: walls(runs.jsWorkers),
    };
    return {
      jsOverWasmKernel: entry('jsOverWasmKernel', jsPage / wasmPage, { figure: 'JS on the page / wasm on the page, same iterations', ...detail }),
      jsWorkersSpeedup: entry('jsWorkersSpeedup', jsPage / jsWorkers, { figure: 'JS on the page / JS in 2 Web Workers (wasm threads: wasmThreadsSpeedup)', ...detail }),
      jsWorkersOverWasmThreads: entry('jsWorkersOverWasmThreads', jsWorkers / wasmThreads, { figure: 'JS in 2 Web Workers / wasm on 2 threads: what wasm buys a parallel run', ...detail }),
    };
  } finally {
    pool.terminate();
  }
}

/** On a page without cross-origin isolation: processes, their start-up, the copies of input. */
async function measureProcesses(pg) {
  const group = { count: 8, cpuMs: 150, ioMs: 0 };
  // Without threads the processes start (and warm up) before pg.whenPoolReady: the warm-up's
  // first probe times their start. (Elsewhere the first processes run starts them: its
  // `startup` spans time it.)
  status('processes: the first run');
  const first = await timedRun(pg, workload('processes', group, { threads: 2 }), { trace: true, keep: true });
  const warmed = performance.getEntriesByName('processes warm-up')[0]?.detail?.startupsMs ?? [];
  const startups = [...warmed, ...first.result.spans.filter((s) => s.kind === 'startup').map((s) => s.end - s.start)];
  await timedRun(pg, workload('sequential', { count: 4, cpuMs: 40, ioMs: 0 }));
  const { a: seq, b: proc } = await alternate(REPEATS, 'processes vs sequential (not isolated)',
    { name: 'sequential', run: () => timedRun(pg, workload('sequential', group)) },
    { name: 'processes, 2', run: () => timedRun(pg, workload('processes', group, { threads: 2 })) });
  const seqMs = median(seq.map((r) => r.wallMs));
  const procMs = median(proc.map((r) => r.wallMs));
  // Copies: 4 tasks each reading 4 MiB, no computing: each task's input is copied to its process.
  const dataKb = 4096;
  const perMb = [];
  for (let i = 0; i < REPEATS; i++) {
    status(`processes: copying input, ${i + 1} of ${REPEATS}`);
    const r = await timedRun(pg, workload('processes', { count: 4, cpuMs: 0, ioMs: 0, dataKb }, { threads: 2 }), { trace: true, keep: true });
    for (const s of r.result.spans) if (s.kind === 'transfer') perMb.push((s.end - s.start) / (dataKb / 1024));
  }
  log(`processes (not isolated): startups ${startups.map((x) => x.toFixed(1)).join(', ')} ms; sequential ${walls(seq).join(', ')} ms; ` +
    `processes ${walls(proc).join(', ')} ms; copies ${perMb.map((x) => x.toFixed(2)).join(', ')} ms/MB`);
  return {
    processesSpeedupNotIsolated: entry('processesSpeedupNotIsolated', seqMs / procMs, {
      workload: '8 tasks x 150 ms cpu, 2 processes, page served without isolation headers',
      sequentialMs: round(seqMs, 1), processesMs: round(procMs, 1), sequentialRunsMs: walls(seq), processesRunsMs: walls(proc),
      crossOriginIsolated: pg.capabilities.crossOriginIsolated,
    }),
    processStartupMs: entry('processStartupMs', startups.length ? median(startups) : null, {
      figure: 'median `startup` span of the processes as they started (worker created -> module instantiated): in the warm-up before pg.whenPoolReady',
      startupsMs: startups.map((x) => round(x, 1)),
    }),
    copyMsPerMb: entry('copyMsPerMb', perMb.length ? median(perMb) : null, {
      figure: 'median `transfer` span per MiB, 4 tasks x 4 MiB of input on 2 processes',
      samplesMsPerMb: perMb.map((x) => round(x, 2)),
    }),
  };
}

/**
 * The shared counter's price on 2 workers: 2 tasks adding 1 10,000 times each, no work between
 * (untraced), against the same run with no increments; per increment made. And `none`'s lost
 * updates there, reported beside.
 */
async function measureCounter(pg) {
  const increments = 10_000;
  const tasks = 2;
  const run = (sync, n) => () => timedRun(pg, workload('parallel', { count: tasks, cpuMs: 0, ioMs: 0, increments: n },
    { threads: 2, sync }), { keep: true });
  const sides = [{ name: 'empty', run: run('none', 0) },
    ...pg.syncs.map((sync) => ({ name: sync, run: run(sync, increments) }))];
  const runs = await rotate(5, 'shared counter, 2 workers', sides);
  const empty = median(runs.empty.map((r) => r.wallMs));
  const perIncrementNs = (sync) => ((median(runs[sync].map((r) => r.wallMs)) - empty) * 1e6) / (tasks * increments);
  const lost = runs.none.map((r) => r.result.counter.lost);
  log(`counter (2 workers, ${tasks} x ${increments} increments, untraced): empty run ${walls(runs.empty).join(', ')} ms; ` +
    pg.syncs.map((sync) => `${sync} ${walls(runs[sync]).join(', ')} ms (${perIncrementNs(sync).toFixed(1)} ns each)`).join('; ') +
    `; none lost ${lost.join(', ')} of ${tasks * increments}`);
  const rowName = { none: 'incrementNoneNs', atomic: 'incrementAtomicNs', lock: 'incrementLockNs', message: 'incrementMessageNs' };
  return Object.fromEntries(pg.syncs.map((sync) => [rowName[sync], entry(rowName[sync], perIncrementNs(sync), {
    figure: `(median wall - median wall of the same run without increments) / increments made, ${tasks} tasks x ${increments} increments on 2 workers, no work between, untraced, medians of 5 rotated runs`,
    runsMs: walls(runs[sync]), emptyRunsMs: walls(runs.empty),
    ...(sync === 'none' ? { lostPerRun: lost } : {}),
  })]));
}

/** Two workers taking two locks in opposite orders: from the deadlock forming to its detection, and to the run's end. */
async function measureDeadlock(pg) {
  const work = workload('parallel', { count: 1, cpuMs: 20, ioMs: 0, locks: ['A', 'B'] }, { threads: 2 });
  work.groups.push({ ...work.groups[0], name: 'opposite', locks: ['B', 'A'] });
  const detected = [];
  const freed = [];
  let completed = 0;
  for (let i = 0; detected.length < 5 && i < 15; i++) {
    status(`deadlocks on 2 workers: ${detected.length + 1} of 5`);
    await nextFrame();
    const result = await pg.run(work, { trace: false });
    if (result.status !== 'deadlocked') { completed++; continue; } // the two did not overlap: no deadlock this time
    detected.push(result.deadlock.detectedMs - result.deadlock.atMs);
    freed.push(result.wallMs - result.deadlock.atMs);
  }
  log(`deadlocks (2 workers, opposite lock orders): detected ${detected.map((x) => (x * 1e3).toFixed(0)).join(', ')} us ` +
    `after forming; run over ${freed.map((x) => x.toFixed(2)).join(', ')} ms after; ${completed} runs did not deadlock`);
  const detail = { workload: '2 tasks on 2 workers, locks [A, B] and [B, A], 10 ms of computing after each take', runsWithoutDeadlock: completed };
  return {
    deadlockDetectionMs: entry('deadlockDetectionMs', detected.length ? median(detected) : null, {
      figure: 'median of result.deadlock.detectedMs - atMs (the last wait of the cycle began -> the engine saw the cycle)',
      samplesMs: detected.map((x) => round(x, 4)), ...detail }),
    deadlockFreedMs: entry('deadlockFreedMs', freed.length ? median(freed) : null, {
      figure: 'median of wallMs - deadlock.atMs: from the deadlock forming until the run ended with every worker free',
      samplesMs: freed.map((x) => round(x, 3)), ...detail }),
  };
}

// --- the run -------------------------------------------------------------------------------

/**
 * Every measurement, in the order they run. `where`: the page it runs on ('isolated': the
 * page with threads; 'plain': served without isolation headers, ?where=plain). `run(pg)`
 * returns one row ({ value, goal, unit, pass, detail }), several rows by name, or nothing
 * (a warm-up). A measurement module (e.g. ./replay.js) registers itself with one line here.
 */
const MEASUREMENTS = [
  { name: 'wasmOverNativeKernel', where: 'isolated', run: () => measureKernel() },
  { name: 'warmUp', where: 'isolated', run: (pg) => warmUp(pg) },
  { name: 'cpuSpeedup', where: 'isolated', run: (pg) => measureCpuSpeedup(pg) },
  { name: 'fineTasks', where: 'isolated', run: (pg) => measureFineTasks(pg) },
  { name: 'ioConcurrentOverLongestWait', where: 'isolated', run: (pg) => measureIo(pg) },
  { name: 'maxFrameGapMs', where: 'isolated', run: (pg) => measureFrameGap(pg) },
  { name: 'tracingOverhead', where: 'isolated', run: (pg) => measureTracing(pg) },
  { name: 'jsSideBySide', where: 'isolated', run: (pg) => measureJsSideBySide(pg) },
  { name: 'replayFps', where: 'isolated', run: (pg) => measureReplay(pg, { log, status }) },
  { name: 'counter', where: 'isolated', run: (pg) => measureCounter(pg) },
  { name: 'deadlock', where: 'isolated', run: (pg) => measureDeadlock(pg) },
  { name: 'processes', where: 'plain', run: (pg) => measureProcesses(pg) },
];

const WHERE = params.get('where') ?? 'isolated';

async function runBenchmark() {
  const started = performance.now();
  status('starting the engine');
  const pg = await startPlayground();
  // The engine is usable at once; its pool and calibration settle in the background.
  await pg.whenPoolReady;
  const caps = pg.capabilities;
  log(`engine: isolated ${caps.crossOriginIsolated}, pool ${caps.poolThreads} workers, ` +
    `${caps.hardwareConcurrency} cores, timer ${caps.timerResolutionMs} ms, ` +
    `calibration ${Math.round(caps.calibration.iterationsPerMs)} iterations/ms`);
  if (WHERE === 'isolated' && !caps.threads) throw new Error(`no worker pool, nothing to benchmark: ${caps.noPoolReason}`);
  if (WHERE === 'plain' && caps.crossOriginIsolated) throw new Error('?where=plain, but this page is cross-origin isolated');

  const measurements = {};
  // The driver (tests/bench/run.mjs) times these markers to tell how much CPU other
  // processes on the machine took during each measurement.
  const phase = (name) => console.log(`[bench:phase] ${name}`);
  for (const { name, where, run } of MEASUREMENTS) {
    if (where !== WHERE) continue;
    phase(name);
    const rows = await run(pg);
    if (!rows) continue;
    const named = 'pass' in rows ? { [name]: rows } : rows;
    for (const [row, m] of Object.entries(named)) measurements[row] = { ...m, phase: name };
  }
  phase('end');

  return {
    measurements,
    environment: {
      where: WHERE,
      userAgent: navigator.userAgent,
      hardwareConcurrency: caps.hardwareConcurrency,
      crossOriginIsolated: caps.crossOriginIsolated,
      poolThreads: caps.poolThreads,
      processes: caps.processes,
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
