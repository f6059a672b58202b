// The soak: many runs in a row on one page, mixing every strategy, sizes, inputs, arrivals,
// cancels at any moment, refused workloads and forced panics, as a reader poking at the page
// for an hour would. Every SAMPLE_EVERY runs it samples the module's memory, the JS heap (after
// a forced GC), the browser's own measure of the page's memory where it gives one, the
// page's workers, and the time of a reference run. It fails when a run fails unexpectedly or
// when memory or workers keep growing after the warm-up; it prints a table and writes
// artifacts/soak.json. Run through `./build.sh bench soak` (it builds www/pkg first).
//
// Environment: SOAK_RUNS (default 500), SOAK_SEED (default 1), BENCH_PORT (first port to
// try, default 8130).
import { mkdirSync, writeFileSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { ROOT, CHROMIUM, CHROMIUM_ARGS, ISOLATED_SERVE_CONFIG } from '../e2e/util.mjs';
import { freePort, startServer, stopServer } from './servers.mjs';

const RUNS = Number(process.env.SOAK_RUNS) || 500;
const SEED = Number(process.env.SOAK_SEED) || 1;
const SAMPLE_EVERY = 50;
/** Samples before this many runs are the warm-up: caches fill, the engine keeps its last runs. */
const WARM_UP_RUNS = 100;
/** Growth allowed from the end of the warm-up to the end (a leak of a few KB a run exceeds it). */
const MAX_GROWTH = { wasmBytes: 0.25, jsHeapBytes: 0.5, uaBytes: 0.5 };
/** The reference run may get this much slower (the machine is shared and noisy). */
const MAX_REFERENCE_SLOWDOWN = 2;
const OUT_FILE = `${ROOT}/artifacts/soak.json`;

const say = (line) => console.log(`soak: ${line}`);

/** The same reference run at every sample: computing on two workers. */
const REFERENCE = { strategy: 'parallel', threads: 2, groups: [{ name: 'reference', count: 4, cpuMs: 40, ioMs: 0, steps: 1 }] };

/**
 * In the page: runs `count` runs from run number `from`, each drawn from a seeded generator
 * (the same soak every time), and returns what became of them.
 */
async function runChunk({ from, count, seed }) {
  const pg = window.playground;
  // mulberry32: small, seeded, good enough to draw workloads.
  let state = (seed * 0x9e3779b9 + from) >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (list) => list[Math.floor(random() * list.length)];
  const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
  const strategies = pg.strategies.map((s) => s.name);
  const out = { completed: 0, cancelled: 0, refused: 0, panicked: 0, failures: [] };
  for (let n = from; n < from + count; n++) {
    const groups = Array.from({ length: int(1, 2) }, (_, g) => ({
      name: `g${g}`,
      count: int(1, 12),
      cpuMs: pick([0, 1, 5, 20]),
      ioMs: pick([0, 2, 10, 30]),
      steps: int(1, 3),
      dataKb: pick([0, 0, 0, 64, 1024]),
      everyMs: pick([0, 0, 0, 5]),
    }));
    const workload = {
      strategy: strategies[n % strategies.length],
      threads: int(1, 4),
      yieldMs: pick([0, 5, 10]),
      globalLock: random() < 0.2,
      groups,
    };
    const kind = n % 25 === 7 ? 'refused' : n % 50 === 19 ? 'panic' : random() < 0.2 ? 'cancel' : 'run';
    if (kind === 'refused') workload.threads = 99;
    if (kind === 'panic') {
      groups[0].cpuMs = 5; // it panics at its first piece of computing: make sure there is one
      pg.panicNextRun();
    }
    const controller = new AbortController();
    if (kind === 'cancel') setTimeout(() => controller.abort(), int(0, 30));
    try {
      const result = await pg.run(workload, { signal: controller.signal });
      if (kind === 'refused') out.failures.push({ n, workload, error: 'a workload with threads 99 was accepted' });
      else if (kind === 'panic') out.failures.push({ n, workload, error: 'a forced panic did not fail its run' });
      else out[result.status]++;
    } catch (error) {
      const message = String(error?.message ?? error);
      if (kind === 'refused' && message.includes('threads: 99 is out of range')) out.refused++;
      else if (kind === 'panic' && message.includes('a panic forced by a test')) out.panicked++;
      else out.failures.push({ n, workload, error: message });
    }
    if (pg.running) out.failures.push({ n, workload, error: 'the engine says a run is still going after it ended' });
  }
  return out;
}

/** In the page: the reference run's wall time and what the page holds now. */
async function sampleInPage(reference) {
  const pg = window.playground;
  const ran = await pg.run(reference);
  let uaBytes = null;
  if (typeof performance.measureUserAgentSpecificMemory === 'function') {
    try {
      const timeout = new Promise((resolve) => setTimeout(() => resolve(null), 30_000));
      uaBytes = (await Promise.race([performance.measureUserAgentSpecificMemory(), timeout]))?.bytes ?? null;
    } catch {
      uaBytes = null;
    }
  }
  return { referenceMs: ran.wallMs, wasmBytes: pg.memoryBytes, processes: pg.processesRunning, uaBytes };
}

async function main() {
  mkdirSync(`${ROOT}/artifacts`, { recursive: true });
  const port = await freePort(Number(process.env.BENCH_PORT) || 8130);
  const { server, url } = await startServer(port, ISOLATED_SERVE_CONFIG, true);
  // Eager: measureUserAgentSpecificMemory otherwise waits for the next GC (up to 20 s).
  const browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, '--enable-blink-features=ForceEagerMeasureMemory'],
  });
  const started = Date.now();
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const cdp = await page.context().newCDPSession(page);
    await page.goto(`${url}/index.html`);
    await page.waitForFunction(() => document.body.dataset.ready === 'true' && window.playground, null, { timeout: 60_000 });
    const caps = await page.evaluate(async () => window.playground.whenPoolReady);
    say(`${RUNS} runs (seed ${SEED}) on ${url}/index.html: ${caps.poolThreads} worker threads, up to ${caps.processes} processes`);

    const samples = [];
    const totals = { completed: 0, cancelled: 0, refused: 0, panicked: 0 };
    const failures = [];
    const sample = async (runs) => {
      await cdp.send('HeapProfiler.collectGarbage');
      const { usedSize } = await cdp.send('Runtime.getHeapUsage');
      const inPage = await page.evaluate(sampleInPage, REFERENCE);
      const s = { runs, ...inPage, jsHeapBytes: usedSize, workers: page.workers().length, seconds: (Date.now() - started) / 1e3 };
      samples.push(s);
      say(`after ${String(runs).padStart(4)} runs: wasm ${mb(s.wasmBytes)}, JS heap ${mb(s.jsHeapBytes)}, ` +
        `page ${s.uaBytes === null ? 'n/a' : mb(s.uaBytes)}, ${s.workers} workers (${s.processes} processes), reference ${s.referenceMs.toFixed(0)} ms`);
    };
    await sample(0);
    for (let from = 0; from < RUNS; from += SAMPLE_EVERY) {
      const count = Math.min(SAMPLE_EVERY, RUNS - from);
      const chunk = await page.evaluate(runChunk, { from, count, seed: SEED });
      for (const key of Object.keys(totals)) totals[key] += chunk[key];
      failures.push(...chunk.failures);
      await sample(from + count);
    }

    const verdicts = judge(samples, caps);
    if (failures.length) verdicts.push(`${failures.length} runs failed unexpectedly, the first: ${JSON.stringify(failures[0])}`);
    if (pageErrors.length) verdicts.push(`page errors: ${pageErrors.slice(0, 3).join('; ')}`);
    const report = { runs: RUNS, seed: SEED, totals, failures: failures.slice(0, 20), samples, verdicts, capabilities: caps,
      browserVersion: browser.version(), wallClockS: Number(((Date.now() - started) / 1e3).toFixed(1)) };
    writeFileSync(OUT_FILE, `${JSON.stringify(report, null, 2)}\n`);
    say(`runs: ${totals.completed} completed, ${totals.cancelled} cancelled, ${totals.refused} refused as asked, ` +
      `${totals.panicked} forced panics caught, ${failures.length} failed unexpectedly (${report.wallClockS} s)`);
    say(`wrote ${OUT_FILE.replace(`${ROOT}/`, '')}`);
    if (verdicts.length) {
      verdicts.forEach((v) => say(`FAILED: ${v}`));
      process.exitCode = 1;
    } else {
      say('memory and workers flat after the warm-up; every run ended as expected');
    }
  } finally {
    await browser.close().catch(() => {});
    await stopServer(server);
  }
}

const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

/** What is wrong with the samples: growth after the warm-up, workers beyond the pools. */
function judge(samples, caps) {
  const problems = [];
  const warm = samples.find((s) => s.runs >= WARM_UP_RUNS) ?? samples[0];
  const last = samples[samples.length - 1];
  for (const [key, allowed] of Object.entries(MAX_GROWTH)) {
    if (warm[key] === null || last[key] === null) continue;
    const growth = last[key] / warm[key] - 1;
    if (growth > allowed) {
      problems.push(`${key} grew ${(growth * 100).toFixed(0)} % from run ${warm.runs} to run ${last.runs} ` +
        `(${mb(warm[key])} -> ${mb(last[key])}; allowed ${allowed * 100} %)`);
    }
  }
  // The page's workers: the thread pool, the processes, and the workers wasm-bindgen-rayon
  // starts them from; never more than at the end of the warm-up plus processes not yet started then.
  const most = caps.poolThreads + caps.processes + 2;
  const workers = Math.max(...samples.map((s) => s.workers));
  if (workers > most) problems.push(`${workers} workers at once; the pools account for at most ${most}`);
  if (last.workers > warm.workers + (caps.processes - warm.processes)) {
    problems.push(`workers grew from ${warm.workers} (run ${warm.runs}) to ${last.workers}`);
  }
  const slowdown = last.referenceMs / samples[0].referenceMs;
  if (slowdown > MAX_REFERENCE_SLOWDOWN) {
    problems.push(`the reference run took ${slowdown.toFixed(2)}x as long at the end as at the start`);
  }
  return problems;
}

main().catch((error) => {
  console.error(`soak: ${error.stack ?? error}`);
  process.exitCode = 2;
});
