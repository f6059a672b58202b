// The first load a reader feels (issue 22), measured for the benchmark (run.mjs) on dist/ as a
// static host serves it, with its headers and compression:
//   - the bytes of every file the page loads before it is ready (window.playground set), on a
//     cold cache, as brotli (quality 11) and gzip -9 would send them: what `./build.sh dist`
//     writes beside each file (.br, .gz) for hosts that serve precompressed files;
//   - Lighthouse 12.2.3 (pinned in package.json: 13 needs Node 22) on the page and the embed,
//     mobile (its default: slow 4G, 4x slower CPU, simulated) and desktop: each category's
//     score and the layout shift, the median run of LIGHTHOUSE_RUNS; dist/ served as hosts
//     serve it, over HTTPS and HTTP/2 with its precompressed files (https-server.mjs).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { ROOT, CHROMIUM, CHROMIUM_ARGS } from '../e2e/util.mjs';

export const BROTLI_GOAL_KB = 150;
export const GZIP_GOAL_KB = 180;
/** Lighthouse runs per page and form factor; the median performance score's run counts. */
const LIGHTHOUSE_RUNS = Number(process.env.LIGHTHOUSE_RUNS) || 3;
const LIGHTHOUSE_DIR = `${ROOT}/artifacts/lighthouse`;
const CLS_GOAL = 0.02;

/** The sizes a host sends `bytes` at: raw, brotli q11 and gzip -9. */
export function compressedSizes(bytes) {
  return {
    raw: bytes.length,
    brotli: brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }).length,
    gzip: gzipSync(bytes, { level: 9 }).length,
  };
}

const kb = (bytes) => Number((bytes / 1024).toFixed(1));

/**
 * Opens `base`/`path` on a cold cache and lists every file requested (by the page and its
 * workers) before `window.playground` was set, with its sizes as dist/ holds it; and those
 * requested after, up to `settleMs` later (what loads on first use, or in the background).
 */
export async function bytesBeforeReady(browser, base, path, { settleMs = 1500 } = {}) {
  const context = await browser.newContext({ viewport: { width: 412, height: 850 } });
  const requested = []; // [{ path, before }] in order
  let ready = false;
  try {
    const page = await context.newPage();
    await page.exposeFunction('benchNoteReady', () => { ready = true; });
    await page.addInitScript(() => {
      let value;
      Object.defineProperty(window, 'playground', {
        configurable: true,
        get: () => value,
        set: (v) => { value = v; window.benchNoteReady(); },
      });
    });
    context.on('request', (request) => {
      const url = new URL(request.url());
      // Not blob: URLs (wasm-bindgen-rayon's workers start from one): nothing to download.
      if (!url.protocol.startsWith('http') || url.origin !== base) return;
      const file = url.pathname === '/' ? '/index.html' : url.pathname;
      if (!requested.some((r) => r.path === file)) requested.push({ path: file, before: !ready });
    });
    await page.goto(`${base}/${path}`, { waitUntil: 'load' });
    await page.waitForFunction(() => window.playground !== undefined, null, { timeout: 60_000 });
    await page.waitForTimeout(settleMs);
  } finally {
    await context.close().catch(() => {});
  }
  const files = requested.map(({ path: file, before }) => {
    const onDisk = `${ROOT}/dist${file}`;
    const sizes = existsSync(onDisk) ? compressedSizes(readFileSync(onDisk)) : { raw: 0, brotli: 0, gzip: 0 };
    return { path: file, before, ...sizes };
  });
  const sum = (list, key) => list.reduce((n, f) => n + f[key], 0);
  const early = files.filter((f) => f.before);
  return {
    files,
    beforeReady: { count: early.length, raw: sum(early, 'raw'), brotli: sum(early, 'brotli'), gzip: sum(early, 'gzip') },
    all: { count: files.length, raw: sum(files, 'raw'), brotli: sum(files, 'brotli'), gzip: sum(files, 'gzip') },
  };
}

/** Measurements (run.mjs's shape) of what `bytesBeforeReady` found for the page (`name`: page or embed). */
export function bytesRows(name, measured) {
  const { beforeReady, all, files } = measured;
  const detail = {
    figure: `every file ${name === 'page' ? 'index.html' : 'embed.html?preset=cpu'} requested before window.playground (its workers' too), cold cache, from dist/`,
    files: beforeReady.count,
    rawKb: kb(beforeReady.raw),
    later: files.filter((f) => !f.before).map((f) => f.path),
    allKb: { raw: kb(all.raw), brotli: kb(all.brotli), gzip: kb(all.gzip) },
    byFile: files.map((f) => ({ path: f.path, beforeReady: f.before, rawKb: kb(f.raw), brotliKb: kb(f.brotli), gzipKb: kb(f.gzip) })),
  };
  const key = name === 'page' ? '' : 'Embed';
  return {
    [`bytesBeforeReady${key}Brotli`]: {
      value: kb(beforeReady.brotli), goal: `<= ${BROTLI_GOAL_KB}`, unit: 'KB', pass: beforeReady.brotli / 1024 <= BROTLI_GOAL_KB, phase: 'first load', detail,
    },
    [`bytesBeforeReady${key}Gzip9`]: {
      value: kb(beforeReady.gzip), goal: `<= ${GZIP_GOAL_KB}`, unit: 'KB', pass: beforeReady.gzip / 1024 <= GZIP_GOAL_KB, phase: 'first load',
    },
  };
}

/** One Lighthouse run (the CLI, as a person would run it) of `url`; its result (LHR). */
function lighthouseOnce(url, { desktop, name }) {
  mkdirSync(LIGHTHOUSE_DIR, { recursive: true });
  const output = `${LIGHTHOUSE_DIR}/${name}.json`;
  // Debian's Chromium, headless, with the flags every browser of the tests gets (root needs
  // --no-sandbox; the networking flags keep it off the closed network).
  // The bench's HTTPS server has a certificate of its own (https-server.mjs).
  const chromeFlags = ['--headless=new', ...CHROMIUM_ARGS, '--ignore-certificate-errors'].join(' ');
  const args = [url, '--quiet', '--output=json', `--output-path=${output}`, `--chrome-flags=${chromeFlags}`,
    '--only-categories=performance,accessibility,best-practices,seo', ...(desktop ? ['--preset=desktop'] : [])];
  return new Promise((resolve, reject) => {
    const child = spawn(`${ROOT}/node_modules/.bin/lighthouse`, args, {
      cwd: ROOT, env: { ...process.env, CHROME_PATH: CHROMIUM }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`lighthouse ${url} exited ${code}: ${stderr.trim().slice(-800)}`));
      try {
        resolve(JSON.parse(readFileSync(output, 'utf8')));
      } catch (error) {
        reject(new Error(`lighthouse ${url}: no result in ${output} (${error.message})`));
      }
    });
  });
}

/** What a run scored: each category 0-100, and the metrics behind performance. */
function scoresOf(lhr) {
  const score = (id) => (lhr.categories[id]?.score === null || lhr.categories[id]?.score === undefined ? null : Math.round(lhr.categories[id].score * 100));
  const value = (id) => lhr.audits[id]?.numericValue ?? null;
  const failing = Object.values(lhr.categories).flatMap((c) => c.auditRefs.filter((r) => r.weight > 0)
    .map((r) => lhr.audits[r.id]).filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'notApplicable')
    .map((a) => `${c.id}: ${a.id} (${a.displayValue ?? a.score})`));
  return {
    performance: score('performance'), accessibility: score('accessibility'), bestPractices: score('best-practices'), seo: score('seo'),
    metrics: {
      fcpMs: Math.round(value('first-contentful-paint')), lcpMs: Math.round(value('largest-contentful-paint')),
      tbtMs: Math.round(value('total-blocking-time')), speedIndexMs: Math.round(value('speed-index')),
      cls: Number((value('cumulative-layout-shift') ?? NaN).toFixed(3)),
    },
    failing: [...new Set(failing)],
    warnings: lhr.runWarnings ?? [],
  };
}

/**
 * `run()`, again (up to twice) when Lighthouse fails: on these busy machines it sometimes loses
 * its own trace (NO_NAVSTART, "Something went wrong with recording the trace").
 */
async function retried(run, say) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt === 3) throw error;
      say(`lighthouse failed (${error.message.slice(0, 200)}): again`);
    }
  }
}

/** The three audits: the page and the embed on a phone, the page on a desktop. */
function targets(base) {
  return [
    { key: 'page', label: 'page, mobile', url: `${base}/index.html`, desktop: false },
    { key: 'embed', label: 'embed ?preset=cpu, mobile', url: `${base}/embed.html?preset=cpu`, desktop: false },
    { key: 'desktop', label: 'page, desktop', url: `${base}/index.html`, desktop: true },
  ];
}

/**
 * Lighthouse on dist/ at `base`, each target LIGHTHOUSE_RUNS times (interleaved, so a busy
 * moment of the machine doesn't fall on one target's runs only): per target, the run with the
 * median performance score, and every run's scores. `only`: the targets' keys to run (all).
 */
export async function lighthouseAll(base, say, only = null) {
  const chosen = targets(base).filter((t) => !only || only.includes(t.key));
  const runs = Object.fromEntries(chosen.map((t) => [t.key, []]));
  for (let round = 0; round < LIGHTHOUSE_RUNS; round++) {
    for (const target of chosen) {
      const started = Date.now();
      const scores = scoresOf(await retried(() => lighthouseOnce(target.url, { desktop: target.desktop, name: `${target.key}-${round + 1}` }), say));
      say(`lighthouse ${target.label} (${round + 1}/${LIGHTHOUSE_RUNS}): performance ${scores.performance}, accessibility ` +
        `${scores.accessibility}, best practices ${scores.bestPractices}, SEO ${scores.seo}, CLS ${scores.metrics.cls} ` +
        `(${((Date.now() - started) / 1000).toFixed(0)} s)${scores.failing.length ? `; below 1: ${scores.failing.join(', ')}` : ''}`);
      runs[target.key].push(scores);
    }
  }
  const median = (list) => [...list].sort((a, b) => a.performance - b.performance)[list.length >> 1];
  return Object.fromEntries(Object.entries(runs).map(([key, list]) => [key, { ...median(list), runs: list }]));
}

/** Measurements (run.mjs's shape) of the Lighthouse goals. */
export function lighthouseRows(results) {
  const row = (target, category, goal) => {
    const result = results[target];
    const value = result[category];
    const detail = category === 'performance'
      ? { figure: `Lighthouse 12.2.3, median of ${result.runs.length} runs`, runs: result.runs.map((r) => r.performance), metrics: result.metrics, failing: result.failing, warnings: result.warnings }
      : { failing: result.failing.filter((f) => f.startsWith(category === 'bestPractices' ? 'best-practices' : category)) };
    return { value, goal: goal === 100 ? '= 100' : `>= ${goal}`, unit: '', pass: value === null ? null : value >= goal, phase: 'first load', detail };
  };
  const cls = (target) => {
    const values = results[target].runs.map((r) => r.metrics.cls);
    const worst = Math.max(...values);
    return { value: worst, goal: `<= ${CLS_GOAL}`, unit: '', pass: worst <= CLS_GOAL, phase: 'first load',
      detail: { figure: 'cumulative layout shift, the worst of the Lighthouse runs', runs: values } };
  };
  return {
    lighthousePagePerformance: row('page', 'performance', 95),
    lighthousePageAccessibility: row('page', 'accessibility', 100),
    lighthousePageBestPractices: row('page', 'bestPractices', 100),
    lighthousePageSeo: row('page', 'seo', 100),
    lighthouseEmbedPerformance: row('embed', 'performance', 95),
    lighthouseEmbedAccessibility: row('embed', 'accessibility', 100),
    lighthouseEmbedBestPractices: row('embed', 'bestPractices', 100),
    lighthouseDesktopPerformance: row('desktop', 'performance', 98),
    layoutShiftPageMobile: cls('page'),
    layoutShiftEmbedMobile: cls('embed'),
    layoutShiftPageDesktop: cls('desktop'),
  };
}
