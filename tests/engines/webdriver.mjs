// The engines of the cross-engine tests and how to drive them: each engine's WebDriver server
// (started here, stopped with its whole process group), a selenium-webdriver session, the
// static servers, and the page-error capture each engine allows. Used by engines.test.mjs.
//
// Playwright (tests/e2e/) can't drive Debian's Firefox or WebKitGTK: it needs its own patched
// builds. Both speak W3C WebDriver, so selenium-webdriver drives them, and Chromium too.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Builder } from 'selenium-webdriver';
import getLogInspector from 'selenium-webdriver/bidi/logInspector.js';
import {
  ROOT, PORT_OFFSET, ISOLATED_SERVE_CONFIG, PLAIN_SERVE_CONFIG, CHROMIUM, CHROMIUM_ARGS, serveCommand, serveFolderCommand,
} from '../e2e/util.mjs';

export const ARTIFACTS = `${ROOT}/artifacts/engines`;

// Ports of their own (Playwright's servers use 8123-8127), so both layers can run at once.
export const ISOLATED_PORT = 8140 + PORT_OFFSET;
export const PLAIN_PORT = 8141 + PORT_OFFSET;
export const HOST_PORT = 8142 + PORT_OFFSET;
export const ISOLATED = `http://127.0.0.1:${ISOLATED_PORT}`;
export const PLAIN = `http://127.0.0.1:${PLAIN_PORT}`;
/** The host page: `localhost` is another site than `127.0.0.1` (not only another origin). */
export const HOST = `http://localhost:${HOST_PORT}`;
const HOST_FOLDER = 'tests/engines/host';

const SERVER_START_MS = 30_000;
const DRIVER_START_MS = 30_000;

/** WebKitGTK's MiniBrowser: not on PATH, inside the libwebkit2gtk package. */
function miniBrowser() {
  const listing = spawnSync('dpkg', ['-L', 'libwebkit2gtk-4.1-0'], { encoding: 'utf8' });
  const path = listing.stdout?.split('\n').find((line) => line.endsWith('/MiniBrowser'));
  if (!path) throw new Error('MiniBrowser not found in libwebkit2gtk-4.1-0: run ./build.sh test (it installs webkit2gtk-driver)');
  return path;
}

/**
 * Each engine: how to start its WebDriver server, and the session's capabilities.
 * `webSocketUrl: true` asks for WebDriver BiDi, whose log.entryAdded reports every console
 * error and uncaught exception, from the first line the page runs, in its frames and workers.
 */
export const ENGINES = {
  firefox: {
    title: 'Firefox ESR',
    port: 4444 + PORT_OFFSET,
    // --websocket-port: BiDi's own port (4447, not the default 9222, which a Chromium may hold).
    driver: (port) => ['geckodriver', ['--port', `${port}`, '--websocket-port', `${port + 3}`]],
    capabilities: () => ({
      browserName: 'firefox',
      webSocketUrl: true,
      'moz:firefoxOptions': {
        binary: '/usr/bin/firefox-esr',
        args: ['-headless'],
        // Page console output also goes to geckodriver's stdout: the driver log in artifacts/.
        prefs: { 'devtools.console.stdout.content': true },
      },
    }),
  },
  webkit: {
    title: 'WebKitGTK',
    port: 4445 + PORT_OFFSET,
    // MiniBrowser has no headless mode: without a display the new-session request hangs.
    driver: (port) => ['xvfb-run', ['-a', '-s', '-screen 0 1600x1200x24', 'WebKitWebDriver', `--port=${port}`]],
    // No webSocketUrl: Debian's WebKitGTK 2.50 is built without BiDi (it answers it with
    // "Failed to match capabilities"), and MiniBrowser's
    // --enable-write-console-messages-to-stdout prints nothing for an automation session.
    capabilities: () => ({
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': { binary: miniBrowser(), args: ['--automation'] },
    }),
  },
  chromium: {
    title: 'Chromium',
    port: 4446 + PORT_OFFSET,
    driver: (port) => ['/usr/bin/chromedriver', [`--port=${port}`]],
    capabilities: () => ({
      browserName: 'chrome',
      webSocketUrl: true,
      'goog:chromeOptions': { binary: CHROMIUM, args: ['--headless=new', ...CHROMIUM_ARGS] },
    }),
  },
};

/** Starts a command in its own process group, output to `log`; `stop()` ends the group. */
function startProcess(command, args, log) {
  const out = openSync(log, 'w');
  const child = spawn(command, args, { cwd: ROOT, detached: true, stdio: ['ignore', out, out], env: { ...process.env, NO_UPDATE_CHECK: '1' } });
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
    child.on('error', (error) => resolve({ error }));
  });
  return {
    exited,
    async stop() {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        return; // already gone
      }
      const done = await Promise.race([exited, sleep(5_000, 'timeout')]);
      if (done === 'timeout') {
        try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
      }
    },
  };
}

/**
 * Fails unless `port` is free on 127.0.0.1: `serve` would quietly pick another port, and the
 * tests would then talk to whatever holds this one (a server left over from another run).
 */
async function checkPortFree(port, what) {
  await new Promise((resolve, reject) => {
    const probe = createServer()
      .once('error', () => reject(new Error(`port ${port} for ${what} is in use: is another test run going on?`)))
      .listen(port, '127.0.0.1', () => probe.close(resolve));
  });
}

/** Waits until `url` answers (any HTTP status), or fails with what the process said. */
async function waitForHttp(url, child, what, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let stopped = null;
  child.exited.then((result) => { stopped = result; });
  while (Date.now() < deadline) {
    if (stopped) {
      const why = stopped.error ? stopped.error.message : `exit code ${stopped.code ?? stopped.signal}`;
      throw new Error(`${what} stopped before it answered (${why}); see its log in ${ARTIFACTS}/`);
    }
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`${what} did not answer ${url} within ${timeoutMs} ms; see its log in ${ARTIFACTS}/`);
}

/**
 * The three static servers: www/ with the isolation headers (serve.json), www/ without them,
 * and the plain host page. Returns `stop()`.
 */
export async function startServers() {
  if (!existsSync(`${ROOT}/www/pkg/playground.js`)) {
    throw new Error('www/pkg is missing: run ./build.sh test (it builds the wasm module first)');
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const [port, what] of [[ISOLATED_PORT, 'the isolated server'], [PLAIN_PORT, 'the plain server'], [HOST_PORT, 'the host page']]) {
    await checkPortFree(port, what);
  }
  const servers = [
    ['isolated', serveCommand(ISOLATED_SERVE_CONFIG, ISOLATED_PORT), ISOLATED],
    ['plain', serveCommand(PLAIN_SERVE_CONFIG, PLAIN_PORT), PLAIN],
    ['host', serveFolderCommand(PLAIN_SERVE_CONFIG, HOST_PORT, HOST_FOLDER), `http://127.0.0.1:${HOST_PORT}`],
  ].map(([name, command, url]) => ({ name, url, process: startProcess('sh', ['-c', `exec ${command}`], `${ARTIFACTS}/server-${name}.log`) }));
  const stop = () => Promise.all(servers.map((s) => s.process.stop()));
  try {
    await Promise.all(servers.map((s) => waitForHttp(`${s.url}/index.html`, s.process, `the ${s.name} server`, SERVER_START_MS)));
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}

/**
 * Starts `name`'s WebDriver server and a session. Returns `{ engine, driver, errors, stop }`:
 * `errors` collects what BiDi reports (console errors, uncaught exceptions) where the engine
 * has BiDi; `stop()` ends the session and the server.
 */
export async function startEngine(name) {
  const engine = ENGINES[name];
  if (!engine) throw new Error(`unknown engine ${name} (known: ${Object.keys(ENGINES).join(', ')})`);
  mkdirSync(ARTIFACTS, { recursive: true });
  await checkPortFree(engine.port, `${engine.title}'s WebDriver server`);
  const [command, args] = engine.driver(engine.port);
  const server = startProcess(command, args, `${ARTIFACTS}/${name}-driver.log`);
  const url = `http://127.0.0.1:${engine.port}`;
  let driver = null;
  const stop = async () => {
    if (driver) await driver.quit().catch(() => {});
    await server.stop();
  };
  try {
    await waitForHttp(`${url}/status`, server, `${command} (${engine.title}'s WebDriver server)`, DRIVER_START_MS);
    const capabilities = engine.capabilities();
    driver = await new Builder().usingServer(url).withCapabilities(capabilities).build();
    await driver.manage().setTimeouts({ script: 120_000, pageLoad: 60_000 });
    await driver.manage().window().setRect({ width: 1280, height: 1000 });
    const errors = [];
    // Warnings too, where BiDi reports them (not WebKitGTK): the page's load must log none.
    const warnings = capabilities.webSocketUrl ? [] : null;
    if (capabilities.webSocketUrl) {
      const inspector = await getLogInspector(driver);
      await inspector.onLog((entry) => {
        if (entry.level === 'error') errors.push(`${entry.type} error: ${entry.text}`);
        if (entry.level === 'warn') warnings.push(`${entry.type} warning: ${entry.text}`);
      });
    }
    return { engine, driver, errors, warnings, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Saves a screenshot of the current window as artifacts/engines/<file>. */
export async function saveScreenshot(driver, file) {
  const png = await driver.takeScreenshot();
  writeFileSync(`${ARTIFACTS}/${file}`, Buffer.from(png, 'base64'));
  return `${ARTIFACTS}/${file}`;
}
