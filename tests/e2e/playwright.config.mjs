// Playwright drives Debian's chromium against two local servers of www/ (see util.mjs).
// Run through ./build.sh test, which builds www/pkg first.
import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';
import {
  ROOT, ISOLATED, ISOLATED_PORT, PLAIN_PORT, ISOLATED_SERVE_CONFIG, PLAIN_SERVE_CONFIG,
  CHROMIUM, CHROMIUM_ARGS, serveCommand,
} from './util.mjs';

if (!existsSync(`${ROOT}/www/pkg/playground.js`)) {
  throw new Error('www/pkg is missing: run ./build.sh test (it builds the wasm module first)');
}

const CI = Boolean(process.env.CI);

function staticServer(name, config, port) {
  return {
    name,
    command: serveCommand(config, port),
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
    trace: 'retain-on-failure',
  },
  webServer: [
    staticServer('isolated', ISOLATED_SERVE_CONFIG, ISOLATED_PORT),
    staticServer('plain', PLAIN_SERVE_CONFIG, PLAIN_PORT),
  ],
});
