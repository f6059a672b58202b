// Playwright drives Debian's chromium against local static servers (see util.mjs): www/ with and
// without the isolation headers, a plain tutorial site, and dist/. Run through ./build.sh test.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { defineConfig } from '@playwright/test';
import {
  ROOT, ISOLATED, ISOLATED_PORT, PLAIN_PORT, ISOLATED_SERVE_CONFIG, PLAIN_SERVE_CONFIG,
  CHROMIUM, CHROMIUM_ARGS, serveCommand,
  HOST_PORT, HOST_FOLDER, TUTORIAL_PORT, TUTORIAL_FOLDER, DIST_PORT, DIST_HEADERS_FILE, DIST_SERVE_CONFIG, distServeConfig, serveFolderCommand,
  BOOK_PORT, BOOK_FOLDER,
} from './util.mjs';

if (!existsSync(`${ROOT}/www/pkg/playground.js`)) {
  throw new Error('www/pkg is missing: run ./build.sh test (it builds the wasm module first)');
}

const CI = Boolean(process.env.CI);

// dist/ is served with exactly the headers its _headers file asks for (./build.sh test builds
// dist/ first; without it embed.spec.mjs says to run ./build.sh dist).
const HAS_DIST = existsSync(DIST_HEADERS_FILE);
if (HAS_DIST) {
  mkdirSync(dirname(DIST_SERVE_CONFIG), { recursive: true });
  writeFileSync(DIST_SERVE_CONFIG, JSON.stringify(distServeConfig(readFileSync(DIST_HEADERS_FILE, 'utf8')), null, 2));
}

function staticServer(name, config, port, folder = 'www') {
  return {
    name,
    command: folder === 'www' ? serveCommand(config, port) : serveFolderCommand(config, port, folder),
    cwd: ROOT,
    env: { ...process.env, NO_UPDATE_CHECK: '1' },
    // `port`, not `url`: until www/index.html exists `/` is a 404, which `url` never accepts.
    port,
    reuseExistingServer: !CI,
    timeout: 30_000, // ms
    gracefulShutdown: { signal: 'SIGTERM', timeout: 1_000 }, // ms
  };
}

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.mjs',
  outputDir: `${ROOT}/artifacts/test-results`,
  // One at a time: 2 cores here, and the tests measure timing and speedups.
  workers: 1,
  fullyParallel: false,
  timeout: 120_000, // ms per test
  retries: CI ? 1 : 0,
  forbidOnly: CI,
  reporter: 'list',
  use: {
    baseURL: ISOLATED,
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS },
    screenshot: 'only-on-failure',
    // No Playwright trace: recording it (screencast frames) takes a core's worth of CPU, on a
    // 2-core machine where these tests measure speedups. Failures keep a screenshot.
    trace: 'off',
  },
  webServer: [
    staticServer('isolated', ISOLATED_SERVE_CONFIG, ISOLATED_PORT),
    staticServer('plain', PLAIN_SERVE_CONFIG, PLAIN_PORT),
    // Other origins with no special headers: pages that embed the playground.
    staticServer('host', PLAIN_SERVE_CONFIG, HOST_PORT, HOST_FOLDER),
    staticServer('tutorial', PLAIN_SERVE_CONFIG, TUTORIAL_PORT, TUTORIAL_FOLDER),
    ...(HAS_DIST ? [staticServer('dist', DIST_SERVE_CONFIG, DIST_PORT, 'dist')] : []),
    // The mdBook tutorial: ./build.sh test builds it (book.spec.mjs says how when it's missing).
    ...(existsSync(`${ROOT}/${BOOK_FOLDER}/cores.html`) ? [staticServer('book', PLAIN_SERVE_CONFIG, BOOK_PORT, BOOK_FOLDER)] : []),
  ],
});
