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

export const ISOLATED_PORT = 8123;
export const PLAIN_PORT = 8124;
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

/** Opens the playground and waits until `window.playground` is ready. */
export async function openPlayground(page, base = ISOLATED, query = '') {
  await page.goto(`${base}/index.html${query}`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true' && window.playground, null, { timeout: 60_000 });
}
