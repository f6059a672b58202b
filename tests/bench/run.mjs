// The benchmark: native kernel speed; then, in headless Chromium, the playground page itself
// as readers get it, from dist/ (time to ready and its phases, on a warm cache; the bytes it
// loads, gzip'd, and what the same files weigh unminified in www/); the first load a reader
// feels (first-load.mjs: the bytes before ready, brotli and gzip -9, on a cold cache;
// Lighthouse on the page and the embed, mobile and desktop; the first processes run after a
// load in WebKitGTK, first-processes.mjs); then
// www/bench/bench.html on a local server with the cross-origin isolation headers (threads), and
// again on a server without them (processes, as a page that isn't isolated has them). Prints
// a table, writes artifacts/bench.json and artifacts/bench.html (the figures as small charts).
// Run through `./build.sh bench` (it builds www/pkg and dist/ first).
//
// Exit code 0 when the benchmark ran, even if a goal was missed (it's a benchmark, not a
// test: a miss is printed as MISSED); non-zero when the benchmark itself failed.
//
// Environment: BENCH_PORT (first port to try, default 8130 + TEST_PORT_OFFSET), BENCH_NATIVE_IPMS
// (skip the native build and use this kernel speed), BENCH_TIMEOUT_MS (default 5 min),
// LIGHTHOUSE_RUNS (runs per Lighthouse target, default 3).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { cpus, loadavg } from 'node:os';
import { chromium } from '@playwright/test';
// The same Chromium, flags and repo root as the Playwright tests.
import { ROOT, CHROMIUM, CHROMIUM_ARGS, PLAIN_SERVE_CONFIG, PORT_OFFSET } from '../e2e/util.mjs';
import { bytesBeforeReady, bytesRows, lighthouseAll, lighthouseRows } from './first-load.mjs';
import { firstProcessesRow, firstProcessesRun } from './first-processes.mjs';
import { htmlReport } from './report.mjs';
import { startHttpsServer } from './https-server.mjs';
import { freePort, startServer, stopServer } from './servers.mjs';

// (Past the tests' ports, 8123-8128 + TEST_PORT_OFFSET, so that a checkout's tests and another's
// bench can run side by side.)
const FIRST_PORT = Number(process.env.BENCH_PORT) || 8130 + PORT_OFFSET;
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS) || 5 * 60_000;
const OUT_DIR = `${ROOT}/artifacts`;
const OUT_FILE = `${OUT_DIR}/bench.json`;
const HTML_FILE = `${OUT_DIR}/bench.html`;
/** The isolated server's config: serve.json without `Cache-Control: no-store`, so a reload
 * finds the page in the browser's cache, as a returning reader does with dist/. */
const CACHED_SERVE_CONFIG = `${OUT_DIR}/bench-serve.json`;
/** Page loads timed for "ready", after one that fills the cache. */
const READY_LOADS = 5;
const READY_GOAL_MS = 300;

const say = (line) => console.log(`bench: ${line}`);
/** Other processes using more than this many cores during a measurement make it suspect. */
const BUSY_CORES = 0.25;

// --- how much CPU other processes take ---------------------------------------------------
// The machine is shared (2 cores; other people run builds and browser tests on it). Every
// second this samples /proc: CPU used by the whole machine minus CPU used by this process
// and its descendants (the server, chromium and its workers) is what others took.

function machineJiffies() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields;
  return { busy: user + nice + system + irq + softirq + steal, all: user + nice + system + idle + iowait + irq + softirq + steal };
}

/** utime + stime of `root` and all its descendants, per pid. */
function treeJiffies(root) {
  const processes = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const text = readFileSync(`/proc/${name}/stat`, 'utf8');
      const rest = text.slice(text.lastIndexOf(')') + 2).split(' '); // state ppid ... utime stime
      processes.set(Number(name), { ppid: Number(rest[1]), jiffies: Number(rest[11]) + Number(rest[12]) });
    } catch {
      // the process ended meanwhile
    }
  }
  const children = new Map();
  for (const [pid, { ppid }] of processes) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const own = new Map();
  const queue = [root];
  while (queue.length) {
    const pid = queue.pop();
    if (processes.has(pid)) own.set(pid, processes.get(pid).jiffies);
    queue.push(...(children.get(pid) ?? []));
  }
  return own;
}

function startCpuMonitor(intervalMs = 1_000) {
  const snapshot = () => ({ t: Date.now(), ...machineJiffies(), own: treeJiffies(process.pid) });
  const samples = [];
  let previous = snapshot();
  const timer = setInterval(() => {
    const now = snapshot();
    let own = 0;
    for (const [pid, jiffies] of now.own) own += jiffies - (previous.own.get(pid) ?? 0);
    samples.push({ t0: previous.t, t1: now.t, others: Math.max(0, now.busy - previous.busy - own), all: now.all - previous.all });
    previous = now;
  }, intervalMs);
  return { stop: () => { clearInterval(timer); return samples; } };
}

/** Average cores used by other processes between t0 and t1 (ms since the epoch). */
function othersCores(samples, t0, t1, cores) {
  let others = 0;
  let all = 0;
  for (const s of samples) {
    const overlap = Math.max(0, Math.min(t1, s.t1) - Math.max(t0, s.t0)) / (s.t1 - s.t0);
    others += overlap * s.others;
    all += overlap * s.all;
  }
  return all > 0 ? Number(((others / all) * cores).toFixed(2)) : null;
}

/** Native kernel iterations per ms: `cargo run --release --example kernel_rate`. */
function nativeKernelRate() {
  if (process.env.BENCH_NATIVE_IPMS) return Number(process.env.BENCH_NATIVE_IPMS);
  say('native kernel speed (cargo run --release --example kernel_rate)');
  const run = spawnSync('cargo', ['run', '--quiet', '--release', '--example', 'kernel_rate'], {
    cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (run.error) throw new Error(`cargo did not start: ${run.error.message}`);
  if (run.status !== 0) throw new Error(`kernel_rate failed (exit ${run.status})`);
  const line = run.stdout.trim().split('\n').pop();
  const rate = JSON.parse(line).iterationsPerMs;
  if (!(rate > 0)) throw new Error(`kernel_rate printed no rate: ${line}`);
  return rate;
}

/** Opens the page and waits for its result (onDone); rejects on any page error. */
async function runPage(browser, url, phases) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  try {
    const page = await context.newPage();
    const errors = [];
    let failed;
    const failure = new Promise((_, reject) => { failed = reject; });
    failure.catch(() => {});
    page.on('pageerror', (error) => {
      errors.push(error.message);
      failed(new Error(`page error: ${error.message}`));
    });
    page.on('crash', () => failed(new Error('the page crashed')));
    page.on('console', (message) => {
      const text = message.text();
      if (text.startsWith('[bench:phase] ')) phases.push({ name: text.slice(14), t: Date.now() });
      else if (text.startsWith('[bench]')) say(text.slice(8));
      else if (message.type() === 'error') say(`console error: ${text}`);
    });
    // The page calls globalThis.onDone(result) when it is done: no polling, which would
    // take CPU from the two workers being measured.
    let finish;
    const done = new Promise((resolve) => { finish = resolve; });
    await page.exposeFunction('onDone', (result) => finish(result));
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no result after ${TIMEOUT_MS / 1e3} s`)), TIMEOUT_MS);
    });
    await page.goto(url, { waitUntil: 'load' });
    await page.bringToFront();
    const result = await Promise.race([done, failure, timeout]).finally(() => clearTimeout(timer));
    if (result.error) throw new Error(`the benchmark failed in the page: ${result.error}`);
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    return result;
  } finally {
    await context.close().catch(() => {});
  }
}

// --- the playground page: time to ready, bytes ---------------------------------------------

/**
 * Before any script of the page runs: notes when `window.playground` is set (the page's
 * "ready": runs are accepted from then on), on the page's clock (0 = navigation start).
 */
const NOTE_READY = () => {
  let value;
  Object.defineProperty(window, 'playground', {
    configurable: true,
    get: () => value,
    set: (v) => { value = v; window.benchReadyAt ??= performance.now(); },
  });
};

/**
 * Opens the playground (`base`/index.html) once to fill the browser's cache, noting every file it
 * loads (the bytes: each file once, gzip'd as a server would send it), then READY_LOADS more
 * times, timing navigation -> `window.playground`, the engine's phases (its performance
 * measures named `playground: ...`), and navigation -> the pool ready (`pg.whenPoolReady`).
 */
async function measurePlayground(browser, base) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const files = new Map();
  context.on('response', async (response) => {
    const url = new URL(response.url());
    // Each file once; not blob: URLs (wasm-bindgen-rayon's workers start from one it makes).
    if (url.protocol !== 'http:' || url.origin !== base || files.has(url.pathname) || response.status() !== 200) return;
    files.set(url.pathname, null);
    try {
      const body = await response.body();
      files.set(url.pathname, { raw: body.length, gzip: gzipSync(body).length });
    } catch (error) {
      files.set(url.pathname, { error: error.message });
    }
  });
  await context.addInitScript(NOTE_READY);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const loads = [];
  try {
    for (let load = 0; load <= READY_LOADS; load++) {
      await page.goto(`${base}/index.html`, { waitUntil: 'load' });
      await page.waitForFunction(() => window.benchReadyAt !== undefined, null, { timeout: 60_000 });
      const timing = await page.evaluate(async () => {
        const pg = window.playground;
        await pg.whenPoolReady; // (undefined before the engine had one: then ready is the pool too)
        const poolReadyAt = performance.now();
        await new Promise((resolve) => setTimeout(resolve, 200)); // the page's own start-up after ready
        const phases = performance.getEntriesByType('measure').filter((m) => m.name.startsWith('playground: '))
          .map((m) => ({ name: m.name.slice('playground: '.length), start: m.startTime, ms: m.duration }));
        return { readyMs: window.benchReadyAt, poolReadyMs: pg.whenPoolReady ? poolReadyAt : window.benchReadyAt, phases };
      });
      if (load > 0) loads.push(timing); // the first load fills the cache
    }
    // Files workers fetched may still be arriving: give them a moment.
    await new Promise((resolve) => setTimeout(resolve, 500));
  } finally {
    await context.close().catch(() => {});
  }
  if (errors.length) throw new Error(`the playground page had errors: ${errors.join('; ')}`);
  return { loads, files: Object.fromEntries([...files].sort(([a], [b]) => a.localeCompare(b))) };
}

function readyRows({ loads, files }) {
  const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
  const readyMs = med(loads.map((l) => l.readyMs));
  const names = [...new Set(loads.flatMap((l) => l.phases.map((p) => p.name)))];
  const phases = names.map((name) => {
    const of = loads.map((l) => l.phases.find((p) => p.name === name)).filter(Boolean);
    return { name, startMs: round1(med(of.map((p) => p.start))), ms: round1(med(of.map((p) => p.ms))) };
  });
  const list = Object.entries(files).map(([path, f]) => ({ path, ...f, ...unminified(path) }));
  const gzip = list.reduce((n, f) => n + (f.gzip ?? 0), 0);
  const raw = list.reduce((n, f) => n + (f.raw ?? 0), 0);
  const wwwGzip = list.reduce((n, f) => n + (f.wwwGzip ?? f.gzip ?? 0), 0);
  return {
    readyMs: {
      value: round1(readyMs), goal: `<= ${READY_GOAL_MS}`, unit: 'ms', pass: readyMs <= READY_GOAL_MS, phase: 'playground',
      detail: {
        figure: `median of ${loads.length} loads of index.html on a warm cache: navigation -> window.playground (runs accepted)`,
        readyRunsMs: loads.map((l) => round1(l.readyMs)),
        poolReadyMs: round1(med(loads.map((l) => l.poolReadyMs))),
        poolReadyRunsMs: loads.map((l) => round1(l.poolReadyMs)),
        phases,
      },
    },
    // Everything, also what loads after ready (the goals are on what loads before: first-load.mjs).
    pageKbGzip: {
      value: round1(gzip / 1024), goal: 'reported', unit: 'KB', pass: true, phase: 'playground',
      detail: {
        figure: 'every file index.html loaded from dist/ (with its workers, after ready too), each once, gzip -6',
        rawKb: round1(raw / 1024),
        // The same files as written, in www/ (./build.sh serve): before dist/'s minifying.
        wwwKbGzip: round1(wwwGzip / 1024),
        files: list.map((f) => ({
          path: f.path, rawKb: round1((f.raw ?? 0) / 1024), gzipKb: round1((f.gzip ?? 0) / 1024),
          wwwGzipKb: round1((f.wwwGzip ?? f.gzip ?? 0) / 1024),
        })),
      },
    },
  };
}

/** The gzip'd size of `path` as written in www/ (dist/ minifies it), if www/ has it. */
function unminified(path) {
  const file = `${ROOT}/www${path}`;
  return existsSync(file) ? { wwwGzip: gzipSync(readFileSync(file)).length } : {};
}

const round1 = (x) => (Number.isFinite(x) ? Number(x.toFixed(1)) : null);

function printTable(measurements, othersByPhase) {
  const rows = Object.entries(measurements).map(([name, m]) => [
    name,
    m.value === null ? 'n/a' : `${m.value} ${m.unit === 'fraction' ? '' : m.unit}`.trim(),
    m.goal === 'reported' ? 'reported' : `${m.goal}${m.unit === 'fraction' ? '' : ` ${m.unit}`}`,
    m.pass === null ? 'not measured' : m.pass ? 'pass' : 'MISSED',
    othersByPhase[m.phase ?? name] === undefined ? '?' :
      `${othersByPhase[m.phase ?? name].toFixed(2)} cores${othersByPhase[m.phase ?? name] > BUSY_CORES ? ' BUSY' : ''}`,
  ]);
  const header = ['measurement', 'value', 'goal', 'pass', 'other processes'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  rows.forEach((r) => console.log(line(r)));
}

async function main() {
  if (!existsSync(`${ROOT}/www/pkg/playground.js`) || !existsSync(`${ROOT}/dist/pkg/playground.js`)) {
    throw new Error('www/pkg or dist/ is missing: run ./build.sh bench (it builds them first)');
  }
  const loadBefore = loadavg();
  const native = nativeKernelRate();
  say(`native kernel: ${native} iterations/ms`);

  mkdirSync(OUT_DIR, { recursive: true });
  const cached = JSON.parse(readFileSync(`${ROOT}/serve.json`, 'utf8'));
  cached.headers = cached.headers.map((rule) => ({ ...rule, headers: rule.headers.filter((h) => h.key !== 'Cache-Control') }));
  writeFileSync(CACHED_SERVE_CONFIG, `${JSON.stringify(cached, null, 2)}\n`);

  const servers = [];
  let browser;
  try {
    const port = await freePort(FIRST_PORT);
    servers.push((await startServer(port, CACHED_SERVE_CONFIG, true)).server);
    const plainPort = await freePort(port + 1);
    servers.push((await startServer(plainPort, PLAIN_SERVE_CONFIG, false)).server);
    const deployedPort = await freePort(plainPort + 1);
    servers.push((await startServer(deployedPort, CACHED_SERVE_CONFIG, true, 'dist')).server);
    const isolated = `http://127.0.0.1:${port}`;
    const plain = `http://127.0.0.1:${plainPort}`;
    const deployed = `http://127.0.0.1:${deployedPort}`;
    // launch() gives every run a fresh temporary profile (user data dir), removed on close.
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    const started = Date.now();
    const phases = [];
    const monitor = startCpuMonitor();
    const measurements = {};
    const pages = {};
    let samples;
    try {
      say(`opening ${deployed}/index.html (dist/) ${READY_LOADS + 1} times (ready, bytes)`);
      phases.push({ name: 'playground', t: Date.now() });
      const playground = await measurePlayground(browser, deployed);
      Object.assign(measurements, readyRows(playground));
      phases.push({ name: 'first load', t: Date.now() });
      for (const [name, path] of [['page', 'index.html'], ['embed', 'embed.html?preset=cpu']]) {
        say(`bytes before ready: ${deployed}/${path} on a cold cache`);
        Object.assign(measurements, bytesRows(name, await bytesBeforeReady(browser, deployed, path)));
      }
      const https = await startHttpsServer(await freePort(deployedPort + 1));
      try {
        say(`lighthouse 12.2.3 on ${https.url} (dist/ over HTTPS and HTTP/2, precompressed): the page and the embed, mobile and desktop`);
        Object.assign(measurements, lighthouseRows(await lighthouseAll(https.url, say)));
      } finally {
        await https.close();
      }
      for (const [where, base] of [['isolated', isolated], ['plain', plain]]) {
        const url = `${base}/bench/bench.html?native=${native}&autostart=1&where=${where}`;
        say(`opening ${url} in headless chromium`);
        pages[where] = await runPage(browser, url, phases);
        Object.assign(measurements, pages[where].measurements);
      }
      phases.push({ name: 'webkit', t: Date.now() });
      say(`the first processes run after a load of ${plain}/index.html in WebKitGTK (WebKitWebDriver, Xvfb)`);
      Object.assign(measurements, firstProcessesRow(await firstProcessesRun(plain, say)));
      phases.push({ name: 'end', t: Date.now() });
    } finally {
      samples = monitor.stop();
    }
    const cores = cpus().length;
    const othersByPhase = {};
    phases.forEach((p, i) => {
      if (phases[i + 1]) othersByPhase[p.name] = othersCores(samples, p.t, phases[i + 1].t, cores);
    });
    const report = {
      measurements,
      environment: { isolated: pages.isolated.environment, plain: pages.plain.environment },
      nativeIterationsPerMs: native,
      // Average cores other processes used during each measurement (and the whole run).
      otherProcessesCores: {
        ...othersByPhase,
        wholeRun: othersCores(samples, started, Date.now(), cores),
      },
      host: {
        cores,
        loadAverageBefore: loadBefore.map((x) => Number(x.toFixed(2))),
        loadAverageAfter: loadavg().map((x) => Number(x.toFixed(2))),
        browserVersion: browser.version(),
      },
      finishedAt: new Date().toISOString(),
      wallClockS: Number(((Date.now() - started) / 1e3).toFixed(1)),
    };
    writeFileSync(OUT_FILE, `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(HTML_FILE, htmlReport(report));
    console.log('');
    printTable(measurements, othersByPhase);
    console.log('');
    const missed = Object.entries(measurements).filter(([, m]) => m.pass === false).map(([n]) => n);
    say(`load average before ${report.host.loadAverageBefore.join(' ')}, after ` +
      `${report.host.loadAverageAfter.join(' ')} (${cores} cores); other processes used ` +
      `${report.otherProcessesCores.wholeRun} cores on average during the run`);
    const busy = Object.entries(othersByPhase).filter(([, c]) => c > BUSY_CORES).map(([n]) => n);
    if (busy.length) {
      say(`BUSY MACHINE: other processes used over ${BUSY_CORES} cores during ${busy.join(', ')}: ` +
        'those figures are not this build\'s alone');
    }
    say(missed.length ? `MISSED: ${missed.join(', ')}` : 'every goal met');
    say(`wrote ${OUT_FILE.replace(`${ROOT}/`, '')} and ${HTML_FILE.replace(`${ROOT}/`, '')}`);
  } finally {
    if (browser) await browser.close().catch(() => {});
    for (const server of servers) await stopServer(server);
  }
}

try {
  await main();
} catch (error) {
  console.error(`bench: ERROR: ${error?.stack ?? error}`);
  process.exitCode = 1;
}
