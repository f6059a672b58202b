// Records the fixtures of tests/unit/verdicts.test.mjs: every preset run by the page in Debian's
// Chromium, as a reader would press it, with all its rounds. A dev tool, not a test:
//
//   ./build.sh dist && node tests/unit/record-verdicts.mjs isolated|busy|one-core|no-threads [preset,...]
//
// With a list of presets, only those are run again, and the others are kept as recorded.
//
//   isolated    www/ with the isolation headers: threads
//   busy        the same, with three workers spinning beside the page (a busy laptop)
//   one-core    the same, Chromium pinned to one CPU (taskset -c 0): a one-core machine
//   no-threads  www/ without the headers: processes instead of threads
//
// Writes tests/unit/fixtures/chromium-<scenario>.json.gz. Needs www/pkg (./build.sh dist builds it).
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS, ISOLATED_SERVE_CONFIG, PLAIN_SERVE_CONFIG, ROOT, serveCommand } from '../e2e/util.mjs';
import { compactRounds } from './verdict-fixtures.mjs';

const SCENARIOS = {
  isolated: { config: ISOLATED_SERVE_CONFIG },
  busy: { config: ISOLATED_SERVE_CONFIG, spinners: 3 },
  'one-core': { config: ISOLATED_SERVE_CONFIG, taskset: '0' },
  'no-threads': { config: PLAIN_SERVE_CONFIG },
};
const PORT = 8190; // its own: the test layers use 8123-8142
const PRESET_MS = 300_000;

const name = process.argv[2];
const only = process.argv[3]?.split(',') ?? null;
const scenario = SCENARIOS[name];
if (!scenario) {
  console.error(`usage: node tests/unit/record-verdicts.mjs ${Object.keys(SCENARIOS).join('|')}`);
  process.exit(2);
}

const server = spawn('sh', ['-c', serveCommand(scenario.config, PORT)], { cwd: ROOT, env: { ...process.env, NO_UPDATE_CHECK: '1' }, stdio: 'ignore', detached: true });
let executablePath = CHROMIUM;
if (scenario.taskset) {
  executablePath = join(mkdtempSync(join(tmpdir(), 'one-core-')), 'chromium');
  writeFileSync(executablePath, `#!/bin/sh\nexec taskset -c ${scenario.taskset} ${CHROMIUM} "$@"\n`);
  chmodSync(executablePath, 0o755);
}
const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  for (let tries = 0; ; tries++) {
    try {
      await page.goto(`http://127.0.0.1:${PORT}/index.html`);
      break;
    } catch (error) {
      if (tries > 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200)); // the server is starting
    }
  }
  await page.waitForFunction(() => document.body.dataset.ready === 'true' && window.playground, null, { timeout: 60_000 });
  await page.evaluate(() => window.playground.whenPoolReady);
  if (scenario.spinners) {
    await page.evaluate((n) => {
      const spin = URL.createObjectURL(new Blob(['for (;;) {}'], { type: 'text/javascript' }));
      window.spinners = Array.from({ length: n }, () => new Worker(spin));
    }, scenario.spinners);
  }
  const ids = (await page.evaluate(() => [...document.querySelectorAll('button[data-preset]')].map((b) => b.dataset.preset)))
    .filter((id) => !only || only.includes(id));
  const file = new URL(`./fixtures/chromium-${name}.json.gz`, import.meta.url);
  const presets = only ? JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')).presets : {};
  for (const id of ids) {
    await page.click(`button[data-preset="${id}"]`);
    await page.click('#preset-run');
    await page.waitForFunction(() => !window.playgroundPage.busy && window.playgroundPage.verdict, null, { timeout: PRESET_MS });
    const { verdict, rounds } = await page.evaluate(() => ({ verdict: window.playgroundPage.verdict, rounds: window.playgroundPage.rounds }));
    console.log(`${id}: ${verdict}\n`);
    presets[id] = compactRounds(rounds);
  }
  const caps = await page.evaluate(() => window.playground.capabilities);
  writeFileSync(file, gzipSync(JSON.stringify({ caps, presets }), { level: 9 }));
  console.log(`wrote ${file.pathname}`);
} finally {
  await browser.close();
  process.kill(-server.pid);
}
