// The first processes run after a load, in WebKitGTK (Safari's engine: no SharedArrayBuffer, so
// processes are its only parallelism), for the benchmark (run.mjs; issue 22): open the page
// from a server without isolation headers, wait until it is ready and its processes are warm
// (pg.whenPoolReady), then run 6 x 200 ms of computing on 2 processes, once, and the same
// one after another on the page: the first run's speedup, not the best of several.
import { existsSync } from 'node:fs';
import { startEngine } from '../engines/webdriver.mjs';

export const FIRST_PROCESSES_GOAL = 1.6;
const WEBKIT_DRIVER = '/usr/bin/WebKitWebDriver';
const READY_MS = 60_000;

const workload = (strategy) => ({ strategy, threads: 2, groups: [{ name: 'compute', count: 6, cpuMs: 200, ioMs: 0 }] });

/** Runs `workload` in the page; its wall time, how many processes it started, its computing's speed. */
const RUN = `const done = arguments[arguments.length - 1];
  window.playground.run(arguments[0]).then((r) => done({
    wallMs: r.wallMs, status: r.status, strategy: r.strategy,
    startups: r.spans.filter((s) => s.kind === 'startup').length,
    speed: r.computing ? r.computing.nominalMs / r.computing.measuredMs : null,
  }), (e) => done({ error: String(e?.message ?? e) }));`;

/**
 * Opens `plain`/index.html in WebKitGTK and measures its first processes run. Null where
 * WebKitWebDriver is missing (./build.sh test installs it).
 */
export async function firstProcessesRun(plain, say) {
  if (!existsSync(WEBKIT_DRIVER)) {
    say(`${WEBKIT_DRIVER} is missing: the first processes run in WebKitGTK is not measured`);
    return null;
  }
  const session = await startEngine('webkit');
  try {
    const { driver } = session;
    const started = Date.now();
    await driver.get(`${plain}/index.html`);
    await driver.wait(() => driver.executeScript('return Boolean(window.playground)'), READY_MS);
    const readyMs = Date.now() - started;
    const warm = await driver.executeAsyncScript(`const done = arguments[arguments.length - 1];
      window.playground.whenPoolReady.then(() => done(performance.getEntriesByName('processes warm-up')[0]?.detail ?? null));`);
    const warmMs = Date.now() - started;
    const processes = await driver.executeAsyncScript(RUN, workload('processes'));
    const sequential = await driver.executeAsyncScript(RUN, workload('sequential'));
    for (const r of [processes, sequential]) if (r.error) throw new Error(`a run failed in WebKitGTK: ${r.error}`);
    const userAgent = await driver.executeScript('return navigator.userAgent');
    return { readyMs, warmMs, warm, processes, sequential, speedup: sequential.wallMs / processes.wallMs, userAgent };
  } finally {
    await session.stop();
  }
}

/** The measurement (run.mjs's shape). */
export function firstProcessesRow(measured) {
  if (!measured) {
    return { firstProcessesRunWebKit: { value: null, goal: `>= ${FIRST_PROCESSES_GOAL}`, unit: 'x', pass: null, phase: 'webkit' } };
  }
  const { speedup, processes, sequential, readyMs, warmMs, warm, userAgent } = measured;
  return {
    firstProcessesRunWebKit: {
      value: Number(speedup.toFixed(2)), goal: `>= ${FIRST_PROCESSES_GOAL}`, unit: 'x', pass: speedup >= FIRST_PROCESSES_GOAL, phase: 'webkit',
      detail: {
        figure: 'WebKitGTK, a page without isolation headers: the first run after the load (6 x 200 ms on 2 processes) against the same one after another, once each',
        processesMs: Math.round(processes.wallMs), sequentialMs: Math.round(sequential.wallMs), startups: processes.startups,
        processesSpeed: processes.speed, readyMs, processesWarmMs: warmMs, warmUp: warm, userAgent,
      },
    },
  };
}
