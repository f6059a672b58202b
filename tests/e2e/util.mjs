// Shared constants and helpers for the Playwright tests and their config.
//
// Two static servers serve the same www/ folder (both started by playwright.config.mjs):
//   ISOLATED  every response carries COOP, COEP, CORP and Document-Isolation-Policy
//             (serve.json, the same config `./build.sh serve` uses): threads work.
//   PLAIN     no isolation headers (tests/e2e/plain-serve.json): the page must still work,
//             single-threaded, and say why.
import { fileURLToPath } from 'node:url';

/** Repo root (absolute, ends without a slash). */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

/**
 * Added to every port the tests use (TEST_PORT_OFFSET=100 ...), so two checkouts can run their
 * tests side by side; 0 in CI. The mdBook chapter names port 8123: book.spec.mjs needs 0.
 */
export const PORT_OFFSET = Number(process.env.TEST_PORT_OFFSET ?? 0);
export const ISOLATED_PORT = 8123 + PORT_OFFSET;
export const PLAIN_PORT = 8124 + PORT_OFFSET;
export const ISOLATED = `http://127.0.0.1:${ISOLATED_PORT}`;
export const PLAIN = `http://127.0.0.1:${PLAIN_PORT}`;

/** Config files for `serve`, absolute: serve resolves --config against the served folder. */
export const ISOLATED_SERVE_CONFIG = `${ROOT}/serve.json`;
export const PLAIN_SERVE_CONFIG = `${ROOT}/tests/e2e/plain-serve.json`;

/** The four headers that give cross-origin isolation at top level and in iframes. */
export const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'cross-origin',
  'document-isolation-policy': 'isolate-and-credentialless',
};

// Debian's chromium: Playwright's own browser download fails on these machines.
export const CHROMIUM = '/usr/bin/chromium';
// As root chromium needs --no-sandbox; without the networking flags it floods the closed
// network with background requests.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Command line that serves www/ on 127.0.0.1:port with the given serve config. */
export function serveCommand(config, port) {
  return `node_modules/.bin/serve --no-clipboard --config ${config} ` +
    `--listen tcp://127.0.0.1:${port} www`;
}

/**
 * Collects uncaught page errors so a test can assert there were none:
 *   const errors = collectPageErrors(page); ...; expect(errors).toEqual([]);
 */
export function collectPageErrors(page) {
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/**
 * Collects uncaught page errors AND console errors (a test passes only with none):
 *   const problems = watchForErrors(page); ...; expect(problems).toEqual([]);
 */
export function watchForErrors(page) {
  const problems = collectPageErrors(page);
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console.error: ${message.text()}`);
  });
  return problems;
}

/**
 * Opens the playground and waits until `window.playground` is ready and, unless `settled` is
 * false, until its pool has started and its calibration is final (`whenPoolReady`): timing
 * tests then measure runs, not the start-up they would otherwise wait for or compete with.
 */
export async function openPlayground(page, base = ISOLATED, query = '', { settled = true } = {}) {
  await page.goto(`${base}/index.html${query}`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true' && window.playground, null, { timeout: 60_000 });
  if (settled) await page.evaluate(() => window.playground.whenPoolReady);
}

// --- Embedding (embed.spec.mjs) -----------------------------------------------------------
// Three more servers, each its own origin (the port differs):
//   HOST      plain (no isolation headers): tests/e2e/host/, a blank page the tests fill with
//             page.setContent() (a host page has to come from a real server: see its comment)
//   TUTORIAL  plain: examples/tutorial/, the example tutorial site
//   DIST      dist/ (./build.sh dist) with the headers of dist/_headers and nothing else, turned
//             into a serve config by distServeConfig(): the test proves _headers is right.

export const HOST_PORT = 8125 + PORT_OFFSET;
export const DIST_PORT = 8126 + PORT_OFFSET;
export const TUTORIAL_PORT = 8127 + PORT_OFFSET;
/** The mdBook tutorial (tests/e2e/book), built into BOOK_FOLDER by ./build.sh test. */
export const BOOK_PORT = 8128 + PORT_OFFSET;
export const BOOK = `http://127.0.0.1:${BOOK_PORT}`;
export const BOOK_FOLDER = 'artifacts/book';
export const HOST = `http://127.0.0.1:${HOST_PORT}`;
export const DIST = `http://127.0.0.1:${DIST_PORT}`;
export const TUTORIAL = `http://127.0.0.1:${TUTORIAL_PORT}`;
export const HOST_FOLDER = 'tests/e2e/host';
export const TUTORIAL_FOLDER = 'examples/tutorial';
export const DIST_HEADERS_FILE = `${ROOT}/dist/_headers`;
/** Written by playwright.config.mjs from dist/_headers (artifacts/ is not committed). */
export const DIST_SERVE_CONFIG = `${ROOT}/artifacts/dist-serve.json`;

/** Command line that serves `folder` (relative to ROOT) on 127.0.0.1:port with the given config. */
export function serveFolderCommand(config, port, folder) {
  return `node_modules/.bin/serve --no-clipboard --config ${config} ` +
    `--listen tcp://127.0.0.1:${port} ${folder}`;
}

/**
 * `serve` configuration equivalent to a Netlify / Cloudflare Pages `_headers` file: a path
 * line (`/*`, `/file.js`), then indented `Name: value` lines; `#` starts a comment.
 */
export function distServeConfig(headersText) {
  const rules = [];
  for (const line of headersText.split('\n')) {
    if (!line.trim() || line.trim().startsWith('#')) continue;
    if (!/^\s/.test(line)) {
      // "/*" is every path; serve matches paths with globs relative to the folder.
      const path = line.trim();
      rules.push({ source: path === '/*' ? '**' : path.replace(/^\//, '').replace(/\*/g, '**'), headers: [] });
      continue;
    }
    const match = /^\s+([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
    if (!match || rules.length === 0) throw new Error(`_headers: cannot read the line “${line}”`);
    rules.at(-1).headers.push({ key: match[1], value: match[2].trim() });
  }
  return {
    cleanUrls: false,
    directoryListing: false,
    rewrites: [{ source: '/', destination: '/index.html' }],
    headers: rules,
  };
}

/**
 * Records every message the page's window receives in `window.received`, as
 * `{ frame: <id of the iframe that sent it>, origin, data }`: put it in a host page's <head>.
 */
export const RECORD_MESSAGES = `<script>
  window.received = [];
  addEventListener('message', (event) => {
    const frame = [...document.querySelectorAll('iframe')].find((f) => f.contentWindow === event.source);
    window.received.push({ frame: frame?.id ?? null, origin: event.origin, data: event.data });
  });
</script>`;
