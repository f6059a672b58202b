// The page in other engines than Chromium: Firefox ESR and WebKitGTK (Safari's engine), driven
// over WebDriver by selenium-webdriver (webdriver.mjs), and Chromium through chromedriver with
// the same tests. Run by `./build.sh test` (test_engines), or alone after a build:
//   node --test tests/engines/engines.test.mjs          ENGINES=webkit node --test ...
//
// A focused set, not the Playwright suite again. Each engine opens the page in three contexts:
//   isolated  www/ with COOP, COEP, CORP and DIP (serve.json)
//   plain     www/ without them
//   embed     embed.html (isolated server) framed by a plain page of another site:
//             http://localhost:8142 frames http://127.0.0.1:8140
// and checks, in each: it loads with no page error and `window.playground` ready, with the
// capabilities this engine gives there (EXPECTED); 8 concurrent waits overlap; every strategy
// runs, or falls back with a notice where there are no threads; parallel is faster where there
// are threads, and processes are faster everywhere (where there are no threads from the first
// run after a load: they start and warm up before pg.whenPoolReady; also under the global lock,
// which holds threads back); input is copied to processes only; cancel stops processes within 100 ms;
// presets give their verdict, run processes and say so, or say they can't show it here (all of
// them in the isolated context; on a plain page the one-core, mixed, race and deadlock demos, where
// the race and the deadlock on the event loop and processes' own counts and locks show in every
// engine). Then <concurrency-playground> on a plain page of another site (host/element.html): two
// elements, a narrated run, the page's theme followed, heights from the first paint that never
// shrink, a bad argument refused at once (about 15 s an
// engine). Each context leaves a screenshot in artifacts/engines/, and
// the figures measured go to artifacts/engines/figures.json and the end of the output.
//
// Page errors, per engine:
//   Firefox, Chromium  WebDriver BiDi log.entryAdded: every console.error and uncaught exception
//                      or rejection, from the page's first line, in frames and workers too.
//   WebKitGTK          no BiDi in Debian's build, and no console output of automation sessions
//                      anywhere: the test installs listeners (error, unhandledrejection,
//                      console.error) once the page is ready. They catch what happens after:
//                      the page's errors, failed resource loads, and a worker's uncaught error
//                      (reported again on the page), but not what was raised while the page
//                      loaded. What covers loading: the page must become ready, and its status
//                      line must not say it could not start.
//   All engines        the same listeners run in Firefox and Chromium too (a second net).
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { By } from 'selenium-webdriver';
import { byLabel, outcome, speedupOver } from '../../www/shared/evidence.js';
import { threadsOffReason } from '../../www/shared/words.js';
import {
  ARTIFACTS, ENGINES, HOST, ISOLATED, PLAIN, saveScreenshot, startEngine, startServers,
} from './webdriver.mjs';

const READY_MS = 60_000; // engine start + calibration, on 2 busy cores
const PRESET_MS = 60_000;
const MESSAGE_MS = 60_000;
const SOURCE = 'concurrency-playground';

const THREADS_OFF = /^Threads are off here/;

// What each engine gives the playground in each context (measured on Debian 12: see
// docs/toolchain.md). Threads need SharedArrayBuffer, which needs cross-origin isolation.
// Processes need neither: every engine has them everywhere.
const NOT_ISOLATED = { crossOriginIsolated: false, threads: false, reason: /not cross-origin isolated/ };
const EXPECTED = {
  firefox: {
    isolated: { crossOriginIsolated: true, threads: true },
    plain: NOT_ISOLATED,
    // Firefox has no Document-Isolation-Policy: a frame on a plain page is never isolated.
    embed: NOT_ISOLATED,
  },
  webkit: {
    // Isolated, yet SharedArrayBuffer is undefined (and posting the shared wasm memory to a
    // worker throws DataCloneError): the engine doesn't try to start a pool.
    isolated: { crossOriginIsolated: true, threads: false, reason: /shares no memory between threads, even on an isolated page/ },
    plain: NOT_ISOLATED,
    // Safari has neither Document-Isolation-Policy nor COEP credentialless.
    embed: NOT_ISOLATED,
  },
  chromium: {
    isolated: { crossOriginIsolated: true, threads: true },
    plain: NOT_ISOLATED,
    // Chromium honours the frame's own Document-Isolation-Policy on a plain embedder.
    embed: { crossOriginIsolated: true, threads: true },
  },
};

/** ENGINES=firefox,webkit,chromium (the default: all three). */
const selected = (process.env.ENGINES ?? 'firefox,webkit,chromium').split(',').map((s) => s.trim()).filter(Boolean);
for (const name of selected) {
  if (!EXPECTED[name]) throw new Error(`ENGINES: unknown engine “${name}” (known: ${Object.keys(EXPECTED).join(', ')})`);
}

/** Records uncaught errors, rejections and console.error calls of the current document. */
const RECORD_ERRORS = `
  if (!window.engineTestErrors) {
    const errors = (window.engineTestErrors = []);
    addEventListener('error', (e) => errors.push('uncaught: ' + (e.message || 'a resource failed to load: ' + (e.target?.src || e.target?.href))), true);
    addEventListener('unhandledrejection', (e) => errors.push('unhandled rejection: ' + (e.reason?.message ?? e.reason)));
    const consoleError = console.error;
    console.error = (...args) => { errors.push('console.error: ' + args.join(' ')); consoleError.apply(console, args); };
  }`;

const figures = []; // one entry per engine and context, written out at the end

/** Runs `workload` with window.playground in the current document; a summary without spans. */
async function run(driver, workload) {
  const outcome = await driver.executeAsyncScript(`
    const done = arguments[arguments.length - 1];
    window.playground.run(arguments[0]).then((r) => {
      const waits = r.spans.filter((s) => s.kind === 'io').map((s) => s.end - s.start);
      const count = (kind) => r.spans.filter((s) => s.kind === kind).length;
      done({
        strategy: r.strategy, requestedStrategy: r.requestedStrategy, status: r.status, wallMs: r.wallMs,
        notice: r.notice ?? null, tasks: r.tasks, tasksDone: r.tasksDone,
        workerLanes: new Set(r.spans.filter((s) => s.lane !== 0).map((s) => s.lane)).size,
        waits: waits.length, longestWaitMs: Math.max(0, ...waits),
        transfers: count('transfer'), lockWaits: count('lockWait'), startups: count('startup'),
      });
    }, (e) => done({ error: String(e?.message ?? e) }));`, workload);
  if (outcome.error) throw new Error(`playground.run(${JSON.stringify(workload)}) rejected: ${outcome.error}`);
  return outcome;
}

const group = (name, count, cpuMs, ioMs) => ({ name, count, cpuMs, ioMs, steps: 1 });
const workloadOf = (strategy, threads, groups, extra = {}) => ({ strategy, threads, globalLock: false, yieldMs: 0, groups, ...extra });

/**
 * `sideB` against `sideA` (wall time of A / wall time of B), measured up to `tries` times until
 * it reaches `bound`: another process on these 2 shared cores may have taken one. (WebKitGTK
 * also compiles in the background for about 5 s after a page loads, measured: two processes
 * computed at 0.9-1.2x meanwhile, then 1.7-1.9x.)
 */
async function speedup(driver, sideA, sideB, bound, tries = 3) {
  let best = null;
  for (let attempt = 0; attempt < tries && !(best?.speedup > bound); attempt++) {
    const a = await run(driver, sideA);
    const b = await run(driver, sideB);
    if (!best || a.wallMs / b.wallMs > best.speedup) best = { a, b, speedup: a.wallMs / b.wallMs };
  }
  return best;
}

/** Waits until `script` (run in the current document) returns something truthy, and returns it. */
async function waitFor(driver, script, timeoutMs, what) {
  try {
    return await driver.wait(() => driver.executeScript(script), timeoutMs);
  } catch (error) {
    if (error.name !== 'TimeoutError') throw error;
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the page then: ${await pageState(driver)}`);
  }
}

/** What the current document (and its playground frame, if any) shows: for timeout messages. */
async function pageState(driver) {
  const STATE = `return [document.visibilityState, document.hasFocus() ? 'focused' : 'not focused',
    ...['status', 'summary'].map((id) => document.getElementById(id)?.textContent).filter(Boolean)].join(' · ')`;
  const states = [await driver.executeScript(STATE)];
  const frames = await driver.findElements(By.id('playground'));
  if (frames.length > 0) {
    await driver.switchTo().frame(frames[0]);
    states.push(`frame: ${await driver.executeScript(STATE)}`);
    await driver.switchTo().parentFrame();
  }
  return states.join('; ');
}

/** The three ways to open the playground (openPlayground leaves the driver inside the frame for `embed`). */
const CONTEXTS = {
  isolated: { title: 'isolated page (COOP + COEP)', url: `${ISOLATED}/index.html` },
  plain: { title: 'plain page (no isolation headers)', url: `${PLAIN}/index.html` },
  embed: {
    title: 'embed view framed by a plain page of another site',
    url: `${HOST}/index.html?src=${encodeURIComponent(`${ISOLATED}/embed.html?preset=cpu`)}`,
    framed: true,
  },
};

async function openPlayground(driver, context) {
  const started = performance.now();
  await driver.get(context.url);
  if (context.framed) {
    await driver.executeScript(RECORD_ERRORS); // the host page's own errors
    // `error` (start-failed) too: then the first test reads why in the frame's status line.
    await waitFor(driver, `return window.received.some((m) => m.data?.source === '${SOURCE}' && ['ready', 'error'].includes(m.data.type))`,
      READY_MS, 'the frame’s ready message');
    await driver.switchTo().frame(await driver.findElement(By.id('playground')));
    await waitFor(driver, `return window.embedFrame?.ready === true && Boolean(window.playground)
      || document.getElementById('status').textContent.startsWith('The playground could not start')`, READY_MS, 'window.playground in the frame');
  } else {
    await waitFor(driver, `return document.body.dataset.ready === 'true' && Boolean(window.playground)
      || document.getElementById('status').textContent.startsWith('The playground could not start')`, READY_MS, 'window.playground');
  }
  const readyMs = performance.now() - started;
  await driver.executeScript(RECORD_ERRORS);
  // Then until the pool has started and the calibration is final, as the Playwright tests wait
  // (openPlayground in tests/e2e/util.mjs): the page draws its capabilities again then, and
  // timing tests measure runs, not the start-up. (A test once read the panel as it was redrawn:
  // StaleElementReferenceError in WebKitGTK.)
  await driver.executeAsyncScript(`const done = arguments[arguments.length - 1];
    window.playground.whenPoolReady.then(() => done(), (e) => done(String(e)))`);
  return readyMs;
}

/** What the engine's panic hook prints (console.error) for a panic a test forced: expected. */
const FORCED_PANIC = 'a panic forced by a test';

/**
 * Errors the page reported: BiDi's (all documents) and the recorders' (this one and, framed,
 * the host), but for the reports of panics a test forced.
 */
async function pageErrors(session, context) {
  const errors = session.errors.splice(0);
  errors.push(...await session.driver.executeScript('return window.engineTestErrors ?? ["no error recorder: the page navigated?"]'));
  if (context.framed) {
    await session.driver.switchTo().defaultContent();
    errors.push(...(await session.driver.executeScript('return window.engineTestErrors ?? []')).map((e) => `host page: ${e}`));
    await session.driver.switchTo().frame(await session.driver.findElement(By.id('playground')));
  }
  return errors.filter((e) => !e.includes(FORCED_PANIC));
}

/** Clicks a preset, runs its demo, and returns the verdict and what its runs did. */
async function runPreset(driver, id) {
  await driver.findElement(By.css(`button[data-preset="${id}"]`)).click();
  await driver.findElement(By.id('preset-run')).click();
  const started = performance.now();
  const verdict = await waitFor(driver, `return !window.playgroundPage.busy && document.getElementById('verdict').textContent`,
    PRESET_MS, `the verdict of the ${id} preset`);
  const runs = await driver.executeScript(`return window.playgroundPage.batch.runs.map((r) => ({
    label: r.label, status: r.result.status, strategy: r.result.strategy, requestedStrategy: r.result.requestedStrategy,
    wallMs: Math.round(r.result.wallMs) }))`);
  // Every round of every run, without spans, and what the verdict says of each claim.
  const { claims, rounds } = await driver.executeScript(`return { claims: window.playgroundPage.claims,
    rounds: window.playgroundPage.rounds.map((run) => ({ label: run.label, workload: run.workload,
      rounds: run.rounds.map((r) => ({ result: { ...r.result, spans: [], taskTimes: [] } })) })) }`);
  return { verdict, runs, claims, rounds, ms: performance.now() - started };
}

/**
 * A preset's verdict where threads are on; where they are off, one that says so and why, and
 * either what processes showed instead (with numbers) or that it can't show its claim here.
 */
function checkVerdict(id, { verdict, runs, claims, rounds }, caps) {
  // The deadlock demo's runs in opposite orders end deadlocked by design (the engine stops them).
  const ended = (r) => r.status === 'completed' || (id === 'deadlock' && r.status === 'deadlocked');
  assert.ok(runs.length > 0 && runs.every(ended), `${id}: every run ends: ${JSON.stringify(runs)}`);
  // On the page's one thread the race and the deadlock come from awaits, in every engine, threads or not.
  const claim = { race: 'an await between read and write loses them on one thread', deadlock: 'awaiting while holding deadlocks on one thread' }[id];
  if (claim) {
    assert.equal(claims.find((c) => c.claim === claim)?.held, true, `${id}: ${claim}: “${verdict}”`);
    assert.equal(claims.find((c) => c.claim === (id === 'race' ? 'processes count in their own memory' : 'processes have locks of their own'))?.held, true, `${id}: processes: “${verdict}”`);
  }
  if (id === 'cpu' && rounds) {
    // The claim's words only where the rounds measured it, in every engine (on workers: threads or processes).
    const byRun = byLabel(rounds);
    const measured = outcome(speedupOver(byRun.sequential, byRun.parallel));
    const held = measured === 'faster' ? true : measured === 'unclear' ? null : false;
    assert.equal(claims[0].held, held, `cpu: the verdict's claim follows the rounds (${measured}): “${verdict}”`);
    if (held !== true) assert.match(verdict, /(no faster|not clearly faster|slower) here, because/, verdict);
  }
  if (caps.threads) {
    assert.doesNotMatch(verdict, THREADS_OFF, `${id}: threads are on, so the verdict is the preset's own`);
    assert.match(verdict, /\d/, `${id}: a verdict from measured runs names numbers: “${verdict}”`);
  } else {
    assert.match(verdict, THREADS_OFF, `${id}: without threads the verdict says so first`);
    // Why, in the words of the notice above it, which fit this browser (WebKitGTK: no shared memory at all).
    const why = threadsOffReason(caps, caps.userAgent);
    assert.ok(verdict.includes(`Threads are off here (${why})`), `${id}: and says why (${why}): “${verdict}”`);
    const onProcesses = runs.some((r) => r.requestedStrategy !== r.strategy && r.strategy === 'processes');
    if (onProcesses && !runs.some((r) => r.requestedStrategy === 'hybrid')) {
      assert.match(verdict, /processes/, `${id}: parallel ran as processes, and the verdict says so: “${verdict}”`);
      assert.match(verdict, /\d/, `${id}: with what they measured: “${verdict}”`);
    }
  }
}

let servers;
before(async () => { servers = await startServers(); });
after(async () => {
  await servers?.stop();
  writeFileSync(`${ARTIFACTS}/figures.json`, `${JSON.stringify(figures, null, 2)}\n`);
  const x = (v) => (v ? `${v.toFixed(2)}x` : '-').padEnd(11);
  console.log('engine     context   ready  threads  parallel(2)  processes(2)  first processes(2)  under lock: threads processes  waits  cancel  presets');
  for (const f of figures.filter((g) => g.context !== 'element')) {
    console.log(`${f.engine.padEnd(10)} ${f.context.padEnd(9)} ${(f.readyMs / 1000).toFixed(1).padStart(4)} s  ` +
      `${f.threads ? `on (${f.poolThreads})` : 'off   '}  ${x(f.speedup)}  ${x(f.processesSpeedup)}  ${x(f.firstProcessesSpeedup).padEnd(18)}  ${x(f.threadsUnderLock)}${x(f.processesUnderLock)}  ` +
      `${f.waitOverlap?.toFixed(2) ?? '-'}   ${f.processCancelMs?.toFixed(0) ?? '-'} ms  ${f.presetsMs ? `${(f.presetsMs / 1000).toFixed(1)} s` : '-'}` +
      `${f.threads ? '' : `   (${f.noPoolReason})`}`);
  }
  for (const f of figures.filter((g) => g.context === 'element')) {
    console.log(`${f.engine.padEnd(10)} element: heights io ${f.heights.io.join('→')} px, cpu ${f.heights.cpu.join('→')} px ` +
      `(frame content ${f.frameContent} px); at 200 ms ${f.narrated.computing} lanes computing on ${f.narrated.strategy} (${f.narrated.workers} workers; the frame's ready said ${f.narrated.cores} cores)`);
  }
});

for (const name of selected) {
  describe(`${ENGINES[name]?.title ?? name}`, () => {
    let session;
    before(async () => { session = await startEngine(name); });
    after(async () => { await session?.stop(); });

    for (const [contextName, context] of Object.entries(CONTEXTS)) {
      describe(context.title, () => {
        const expected = EXPECTED[name][contextName];
        const figure = { engine: name, context: contextName };
        let caps;

        before(async () => {
          figure.readyMs = await openPlayground(session.driver, context);
          figures.push(figure);
          caps = await session.driver.executeScript('return { ...window.playground.capabilities, userAgent: navigator.userAgent }');
        });
        afterEach(async () => {
          assert.deepEqual(await pageErrors(session, context), [], 'no page errors');
        });
        after(async () => {
          if (!session) return;
          const { driver } = session;
          // Of the whole window: for the embed, the host page with the frame in it.
          if (context.framed) await driver.switchTo().defaultContent();
          await saveScreenshot(driver, `${name}-${contextName}.png`);
          if (!context.framed) {
            // And what the page says about this browser, further down.
            await driver.executeScript("document.getElementById('capabilities').scrollIntoView({ block: 'center' })");
            await saveScreenshot(driver, `${name}-${contextName}-capabilities.png`);
          }
        });

        it('loads with no page error, window.playground ready, capabilities true to the engine', async () => {
          const { driver } = session;
          const status = await driver.findElement(By.id('status')).getText();
          assert.doesNotMatch(status, /could not start/, 'the page started');
          // Nothing in the console while it loaded and started its workers (where the engine
          // reports warnings: BiDi; WebKitGTK has none).
          if (session.warnings) assert.deepEqual(session.warnings.splice(0), [], 'no console warnings on load');
          Object.assign(figure, {
            crossOriginIsolated: caps.crossOriginIsolated, threads: caps.threads, poolThreads: caps.poolThreads,
            noPoolReason: caps.noPoolReason, hardwareConcurrency: caps.hardwareConcurrency, timerResolutionMs: caps.timerResolutionMs,
            userAgent: await driver.executeScript('return navigator.userAgent'),
          });
          assert.equal(caps.crossOriginIsolated, expected.crossOriginIsolated, 'crossOriginIsolated');
          assert.equal(caps.threads, expected.threads, `threads (no pool because: ${caps.noPoolReason})`);
          // Processes everywhere: as many as a thread pool would have.
          assert.ok(caps.processes >= 4, `a pool of at least 4 processes, got ${caps.processes}`);
          assert.equal(caps.maxThreads, Math.max(caps.poolThreads, caps.processes));
          if (caps.threads) {
            assert.ok(caps.poolThreads >= 2, `a pool of at least 2 workers, got ${caps.poolThreads}`);
          } else {
            assert.equal(caps.poolThreads, 0);
            assert.match(caps.noPoolReason, expected.reason);
            // The page says so where a reader sees it, with what runs instead, and gives advice
            // only where it can help: a new tab can't give WebKit threads.
            const where = context.framed ? '#threads-off' : '#capabilities .threads-off';
            const said = await driver.findElement(By.css(where));
            assert.ok(await said.isDisplayed(), `${where} is shown`);
            const text = await said.getText();
            figure.threadsOffText = text;
            assert.match(text, /^Threads are off/);
            assert.match(text, /Parallel runs use up to \d+ processes instead/);
            assert.doesNotMatch(text, /\.\./, 'no doubled full stop');
            if (name === 'webkit') assert.doesNotMatch(text, /new tab|Cross-Origin-Opener-Policy/, 'no advice that can’t help in WebKit');
            // WebKitGTK has no SharedArrayBuffer even isolated: the page around the frame is not why.
            if (name === 'webkit') assert.match(text, /WebKitGTK.*offers no SharedArrayBuffer, even to (a|this) cross-origin isolated page/);
            if (name === 'webkit') assert.doesNotMatch(text, /page that isn’t isolated|not cross-origin isolated/);
            if (name === 'firefox' && context.framed) assert.match(text, /Firefox can’t isolate a frame/);
          }
          assert.ok(caps.calibration.iterationsPerMs > 0, 'the CPU kernel is calibrated');
        });

        it('where processes are the parallelism, the first run after the load gets their speedup (warmed in the background)', async (t) => {
          if (caps.threads) return t.skip('threads here: the pool is the parallelism');
          const { driver } = session;
          // The first run of this load (the page's processes were started and warmed up before
          // pg.whenPoolReady, which openPlayground awaited), once: not the best of several. The
          // goal, 1.6x, is the bench's (issue 22); the bound here is generous: 2 shared cores.
          const computing = [group('compute', 6, 200, 0)];
          const processes = await run(driver, workloadOf('processes', 2, computing));
          const sequential = await run(driver, workloadOf('sequential', 2, computing));
          figure.firstProcessesSpeedup = sequential.wallMs / processes.wallMs;
          assert.equal(processes.startups, 0, 'the processes were started before the run');
          assert.ok(figure.firstProcessesSpeedup > 1.4, `the first processes run ${processes.wallMs.toFixed(0)} ms vs sequential ` +
            `${sequential.wallMs.toFixed(0)} ms: ${figure.firstProcessesSpeedup.toFixed(2)}x`);
        });

        if (!context.framed) {
          it('the strategy is one radio group, and every field of a task group is in view at 1280 px', async () => {
            const { driver } = session;
            const layout = await driver.executeScript(`
              const names = new Set([...document.querySelectorAll('.strategies input[type="radio"]')].map((r) => r.name));
              const editor = document.getElementById('editor').getBoundingClientRect();
              const fields = [...document.querySelectorAll('.group input')].map((i) => {
                const r = i.getBoundingClientRect();
                return { label: i.getAttribute('aria-label'), left: r.left, right: r.right, width: r.width };
              });
              return { names: names.size, editor: { left: editor.left, right: editor.right }, fields,
                overflow: document.documentElement.scrollWidth - innerWidth };`);
            assert.equal(layout.names, 1, 'one name for the five radios');
            assert.ok(layout.fields.length >= 7, JSON.stringify(layout.fields));
            for (const f of layout.fields) {
              assert.ok(f.left >= layout.editor.left - 0.5 && f.right <= layout.editor.right + 0.5 && f.width > 40,
                `${f.label} in view: ${JSON.stringify(f)} in ${JSON.stringify(layout.editor)}`);
            }
            assert.ok(layout.overflow <= 1, `no page wider than the window: ${layout.overflow} px`);
            // Arrow keys move the choice within the group.
            const before = await driver.executeScript(`const r = document.querySelector('.strategies input:checked'); r.focus(); return r.value;`);
            await driver.actions().sendKeys('\uE015').perform(); // ArrowDown
            const after = await driver.executeScript('return document.querySelector(".strategies input:checked").value');
            assert.notEqual(after, before, 'ArrowDown moved the choice');
            await driver.actions().sendKeys('\uE013').perform(); // ArrowUp: back as it was
          });
        }

        it('concurrent waits overlap; every strategy runs, or falls back with a notice; threads speed up computing', async () => {
          const { driver } = session;
          // 8 waits of 150 ms on the event loop: about 150 ms together, 1200 ms one after another.
          const waits = await run(driver, workloadOf('concurrent', 1, [group('download', 8, 0, 150)]));
          assert.equal(waits.status, 'completed');
          assert.equal(waits.waits, 8);
          figure.waitOverlap = waits.wallMs / waits.longestWaitMs;
          assert.ok(figure.waitOverlap < 3, `8 concurrent waits overlap: ${waits.wallMs.toFixed(0)} ms for waits of up to ${waits.longestWaitMs.toFixed(0)} ms`);

          // Every strategy asks for 2 workers: where a pool can't give them, the run falls back
          // to what this browser has, and says so.
          const fallback = caps.threads ? {} : { parallel: 'processes', hybrid: 'concurrent' };
          const names = await driver.executeScript('return window.playground.strategies.map((s) => s.name)');
          assert.deepEqual(names, ['sequential', 'concurrent', 'parallel', 'hybrid', 'processes']);
          figure.strategies = {};
          for (const strategy of names) {
            const result = await run(driver, workloadOf(strategy, 2, [group('mixed', 4, 20, 20)]));
            figure.strategies[strategy] = { ranAs: result.strategy, notice: result.notice };
            assert.equal(result.status, 'completed', strategy);
            assert.equal(result.tasksDone, 4, strategy);
            assert.equal(result.requestedStrategy, strategy);
            if (!fallback[strategy]) {
              assert.equal(result.strategy, strategy, `${strategy} runs as itself`);
              assert.equal(result.notice, null, `${strategy}: no notice`);
            } else {
              assert.equal(result.strategy, fallback[strategy], `without threads ${strategy} falls back`);
              assert.match(result.notice ?? '', /^Threads are off/, `${strategy} falling back says so in a notice`);
            }
          }

          // 6 x 200 ms of computing: on 2 workers about twice as fast (bounds generous: 2 noisy cores).
          const computing = [group('compute', 6, 200, 0)];
          if (caps.threads) {
            const { a: sequential, b: parallel, speedup: s } = await speedup(driver,
              workloadOf('sequential', 2, computing), workloadOf('parallel', 2, computing), 1.3);
            figure.speedup = s;
            assert.ok(parallel.workerLanes >= 2, `parallel computed on ${parallel.workerLanes} workers`);
            assert.ok(s > 1.3, `parallel(2) ${parallel.wallMs.toFixed(0)} ms vs sequential ${sequential.wallMs.toFixed(0)} ms: ${s.toFixed(2)}x`);
          }
          // Processes, in every engine and context: first their start, then the same work faster.
          await run(driver, workloadOf('processes', 2, [group('start', 2, 10, 0)]));
          const { a: sequential, b: processes, speedup: s } = await speedup(driver,
            workloadOf('sequential', 2, computing), workloadOf('processes', 2, computing), 1.5);
          figure.processesSpeedup = s;
          figure.sequentialMs = sequential.wallMs;
          // 1,200 ms of computing takes about that: the kernel's calibration holds on this
          // engine's clock (whole milliseconds without isolation in Firefox and WebKit, where
          // a calibration once came out 130 times too fast). Generous: 2 shared cores.
          assert.ok(sequential.wallMs > 600 && sequential.wallMs < 3600,
            `6 x 200 ms of computing one after another took ${sequential.wallMs.toFixed(0)} ms`);
          assert.equal(processes.workerLanes, 2, 'two process lanes computed');
          assert.ok(s > 1.5, `processes(2) ${processes.wallMs.toFixed(0)} ms vs sequential ${sequential.wallMs.toFixed(0)} ms: ${s.toFixed(2)}x`);
        });

        it('processes escape the global lock, get a copy of their input, and stop within 100 ms of a cancel', async () => {
          const { driver } = session;
          const computing = [group('compute', 6, 150, 0)];
          const locked = { globalLock: true };
          const { a: sequential, b: processes, speedup: s } = await speedup(driver,
            workloadOf('sequential', 2, computing), workloadOf('processes', 2, computing, locked), 1.5);
          figure.processesUnderLock = s;
          assert.equal(processes.lockWaits, 0, 'each process has its own lock: nobody waits for it');
          assert.ok(s > 1.5, `processes under the lock ${processes.wallMs.toFixed(0)} ms vs sequential ${sequential.wallMs.toFixed(0)} ms: ${s.toFixed(2)}x`);
          if (caps.threads) {
            const threads = await run(driver, workloadOf('parallel', 2, computing, locked));
            figure.threadsUnderLock = sequential.wallMs / threads.wallMs;
            assert.ok(threads.lockWaits > 0, 'threads wait for the one lock');
            assert.ok(figure.threadsUnderLock < 1.3, `threads under the lock: ${figure.threadsUnderLock.toFixed(2)}x`);
          }
          const input = [{ ...group('parse', 4, 10, 0), dataKb: 1024 }];
          const copied = await run(driver, workloadOf('processes', 2, input));
          assert.equal(copied.transfers, 4, 'a copy of the input per task');
          const shared = await run(driver, workloadOf(caps.threads ? 'parallel' : 'concurrent', 2, input));
          assert.equal(shared.transfers, 0, 'read in place where memory is shared');

          const cancel = await driver.executeAsyncScript(`
            const done = arguments[arguments.length - 1];
            (async () => {
              const controller = new AbortController();
              const running = window.playground.run({ strategy: 'processes', threads: 2,
                groups: [{ name: 'long', count: 4, cpuMs: 3000, ioMs: 0 }] }, { signal: controller.signal });
              await new Promise((resolve) => setTimeout(resolve, 300));
              const asked = performance.now();
              controller.abort();
              const result = await running;
              const stoppedAfterMs = performance.now() - asked;
              const next = await window.playground.run({ strategy: 'processes', threads: 2,
                groups: [{ name: 'after', count: 2, cpuMs: 50, ioMs: 0 }] });
              return { status: result.status, stoppedAfterMs, next: next.status };
            })().then(done, (e) => done({ error: String(e?.message ?? e) }));`);
          figure.processCancelMs = cancel.stoppedAfterMs;
          assert.equal(cancel.status, 'cancelled', JSON.stringify(cancel));
          assert.ok(cancel.stoppedAfterMs < 100, `stopped ${cancel.stoppedAfterMs.toFixed(0)} ms after the cancel`);
          assert.equal(cancel.next, 'completed', 'the next run works');
        });

        it('races: an await on one thread loses updates and deadlocks; processes count in their own copies; threads lose updates', async () => {
          const seen = await session.driver.executeAsyncScript(`
            const done = arguments[arguments.length - 1];
            const threads = arguments[0];
            (async () => {
              const pg = window.playground;
              const tally = (strategy, sync, cpuMs, ioMs) => ({ strategy, threads: 2, sync,
                groups: [{ name: 'tally', count: strategy === 'concurrent' ? 8 : 2, cpuMs, ioMs, increments: 10 }] });
              const opposite = (strategy) => ({ strategy, threads: 2, groups: [
                { name: 'ab', count: 1, cpuMs: 0, ioMs: 100, locks: ['A', 'B'] },
                { name: 'ba', count: 1, cpuMs: 0, ioMs: 100, locks: ['B', 'A'] }] });
              const counter = async (w) => (await pg.run(w)).counter;
              const out = {
                eventLoop: await counter(tally('concurrent', 'none', 0, 100)),
                eventLoopLock: await counter(tally('concurrent', 'lock', 0, 100)),
                processes: await counter(tally('processes', 'none', 20, 0)),
                processesMessage: await counter(tally('processes', 'message', 20, 0)),
                deadlock: (await pg.run(opposite('concurrent'))).status,
                processLocks: (await pg.run(opposite('processes'))).status,
                threads: [],
              };
              // Threads sharing memory, where there are: retried, a race is a race.
              for (let i = 0; threads && i < 5 && !(out.threads.at(-1) > 0); i++) {
                out.threads.push((await counter(tally('parallel', 'none', 20, 0))).lost);
              }
              return out;
            })().then(done, (e) => done({ error: String(e?.message ?? e) }));`, caps.threads);
          assert.equal(seen.error, undefined, seen.error);
          figure.races = seen;
          const c = (x) => [x.expected, x.final, x.lost];
          assert.equal(seen.eventLoop.expected, 80);
          assert.ok(seen.eventLoop.lost >= 40, `8 tasks awaiting between read and write: ${c(seen.eventLoop)}`);
          assert.deepEqual(c(seen.eventLoopLock), [80, 80, 0], 'the async lock loses none');
          assert.deepEqual(c(seen.processes), [20, 0, 20], 'each process counted in its own copy');
          assert.deepEqual(seen.processes.perProcess, [10, 10]);
          assert.deepEqual(c(seen.processesMessage), [20, 20, 0], 'the counts come back by message');
          assert.equal(seen.deadlock, 'deadlocked', 'awaiting while holding locks taken in opposite orders');
          assert.equal(seen.processLocks, 'completed', 'processes have their own locks');
          if (caps.threads) assert.ok(seen.threads.at(-1) > 0, `two threads lost updates: ${seen.threads}`);
        });

        if (contextName === 'plain') {
          it('the lesson’s first three steps: predict, run, and read this machine’s answer (parallel ran as processes)', async () => {
            const { driver } = session;
            const answers = [];
            for (const k of [1, 2, 3]) {
              await driver.get(`${PLAIN}/index.html?lesson=${k}`);
              await waitFor(driver, "return document.body.dataset.ready === 'true' && Boolean(window.playground)", READY_MS, `lesson step ${k}`);
              await driver.executeScript(RECORD_ERRORS);
              await driver.executeAsyncScript('const done = arguments[arguments.length - 1]; window.playground.whenPoolReady.then(() => done())');
              await driver.findElement(By.css('.lesson-choice input')).click();
              await driver.findElement(By.css('.lesson-actions button')).click();
              const text = await waitFor(driver, "return document.querySelector('.lesson-answer').textContent", PRESET_MS, `step ${k}’s answer`);
              assert.match(text, /^You predicted “.+”\. Measured on this machine: .*\d/, text);
              assert.deepEqual(await driver.executeScript('return window.engineTestErrors'), [], `no page errors at step ${k}`);
              answers.push(text);
            }
            figure.lesson = answers;
            // No threads on a plain page: the workers of step 3 were processes, and the answer says so.
            assert.match(answers[2], /it asked for parallel, and ran as processes/, answers[2]);
            await openPlayground(driver, context); // the page the other tests use
          });
        }

        it('a panic in the engine ends only its run, with an Error, wherever it computes; the next run works', async () => {
          const { driver } = session;
          // Built with panic=unwind: each engine must run wasm exception handling.
          const outcomes = await driver.executeAsyncScript(`
            const done = arguments[arguments.length - 1];
            (async () => {
              const pg = window.playground;
              const out = [];
              for (const strategy of ['sequential', 'parallel', 'processes']) {
                const w = { strategy, threads: 2, groups: [{ name: 'p', count: 4, cpuMs: 20, ioMs: 0, steps: 1 }] };
                pg.panicNextRun();
                // (Not instanceof Error: Firefox runs this script in a sandbox with its own Error.)
                const error = await pg.run(w).then(() => 'no error', (e) => (typeof e?.message === 'string' ? e.message : 'not an Error'));
                const next = await pg.run(w);
                out.push({ strategy, ran: next.strategy, error, running: pg.running, next: next.status, done: next.tasksDone });
              }
              return out;
            })().then(done, (e) => done([{ error: String(e?.message ?? e) }]));`);
          for (const o of outcomes) {
            assert.match(o.error, new RegExp(FORCED_PANIC), JSON.stringify(o));
            assert.equal(o.running, false, JSON.stringify(o));
            assert.deepEqual([o.next, o.done], ['completed', 4], JSON.stringify(o));
          }
        });

        if (contextName === 'isolated') {
          it('every preset gives its verdict, or says it can’t show its claim here', async () => {
            figure.presets = {};
            const started = performance.now();
            const ids = await session.driver.executeScript("return [...document.querySelectorAll('button[data-preset]')].map((b) => b.dataset.preset)");
            assert.ok(ids.length >= 8, `the presets: ${ids}`);
            for (const id of ids) {
              const outcome = await runPreset(session.driver, id);
              figure.presets[id] = { ms: Math.round(outcome.ms), verdict: outcome.verdict, runs: outcome.runs };
              checkVerdict(id, outcome, caps);
            }
            figure.presetsMs = performance.now() - started;
          });
        } else if (contextName === 'plain') {
          it('presets run processes where threads are off and say so, or say they can’t show their claim', async () => {
            figure.presets = {};
            for (const id of ['one-core', 'mixed', 'race', 'deadlock']) {
              const outcome = await runPreset(session.driver, id);
              figure.presets[id] = { ms: Math.round(outcome.ms), verdict: outcome.verdict, runs: outcome.runs };
              checkVerdict(id, outcome, caps);
            }
          });
        } else {
          it('the host page runs the frame’s preset by message and gets its result and verdict', async () => {
            const { driver } = session;
            await driver.switchTo().defaultContent();
            await driver.executeScript(`document.getElementById('playground').contentWindow.postMessage(
              { source: '${SOURCE}', version: 1, type: 'run', id: 'cpu' }, '*')`);
            const result = await waitFor(driver, `return window.received.find((m) => m.data?.source === '${SOURCE}'
              && ['result', 'error'].includes(m.data.type) && m.data.id === 'cpu')?.data`, MESSAGE_MS, 'the frame’s result');
            await driver.switchTo().frame(await driver.findElement(By.id('playground')));
            assert.equal(result.type, 'result', `the frame answered ${JSON.stringify(result)}`);
            assert.deepEqual(result.runs.map((r) => [r.label, r.status]), [['sequential', 'completed'], ['concurrent', 'completed'], ['parallel', 'completed']]);
            const parallel = result.runs.find((r) => r.label === 'parallel');
            figure.presets = { cpu: { verdict: result.verdict, runs: result.runs.map(({ label, strategy, wallMs }) => ({ label, strategy, wallMs: Math.round(wallMs) })) } };
            // Two lanes computing at once in every engine: threads where it has them, processes elsewhere.
            assert.equal(parallel.strategy, caps.threads ? 'parallel' : 'processes');
            assert.ok(parallel.workerLanesUsed >= 2, `parallel used ${parallel.workerLanesUsed} workers`);
            // How fast is the speedup tests' to bound (they retry on a busy machine; CI once saw
            // this single run at 1.30x on WebKitGTK's processes). Here the words must follow the
            // run: a claim that held names a run that was faster; one that did not says why.
            figure.embeddedSpeedup = parallel.speedup;
            const held = result.claims[0]?.held;
            if (held === true) assert.ok(parallel.speedup > 1.1, `the verdict says faster at ${parallel.speedup.toFixed(2)}x: “${result.verdict}”`);
            else assert.match(result.verdict, /(no faster|not clearly faster|slower) here, because/, `at ${parallel.speedup.toFixed(2)}x (${held}): “${result.verdict}”`);
            checkVerdict('cpu (embedded)', { verdict: result.verdict, runs: result.runs }, caps);
            assert.equal(await driver.findElement(By.id('verdict')).getText(), result.verdict, 'the frame shows the verdict it posted');
          });
        }
      });
    }

    describe('<concurrency-playground> on a plain page of another site', () => {
      it('two elements start, hold their height from the first paint, narrate a run, follow the page’s theme, refuse a bad argument', async () => {
        const { driver } = session;
        await driver.get(`${HOST}/element.html?app=${encodeURIComponent(ISOLATED)}`);
        await driver.executeScript(RECORD_ERRORS);
        await waitFor(driver, "return window.log.filter((l) => l.type === 'ready').length === 2", READY_MS, 'both elements’ ready events');
        const caps = await driver.executeScript("return window.log.find((l) => l.type === 'ready').detail");
        // The narration of docs/embedding.md: run, the parallel run by what was asked, the cursor at 200 ms.
        const told = await driver.executeAsyncScript(`const done = arguments[arguments.length - 1];
          const cpu = document.getElementById('cpu');
          (async () => {
            const result = await cpu.run();
            const parallel = result.runs.find((run) => run.requestedStrategy === 'parallel');
            const lanesAt = async (ms) => (await cpu.seek(ms)).runs.find((run) => run.label === parallel.label).lanes;
            const earlier = await lanesAt(100);
            const at = await cpu.seek(200);
            const lanes = at.runs.find((run) => run.label === parallel.label).lanes;
            let started = performance.now();
            const refused = await cpu.seek(-5).then(() => 'resolved', (e) => e.message);
            const says = (list) => list.map((l) => l.state + ' (' + l.words + ')').join(', ');
            return { strategy: parallel.strategy, workers: parallel.workerLanesUsed, cores: cpu.capabilities.cores, ms: at.ms, computing: lanes.filter((l) => l.state === 'cpu').length,
              states: [earlier.map((l) => l.state), lanes.map((l) => l.state)], said: [says(earlier), says(lanes)], refused, refusedMs: performance.now() - started };
          })().then(done, (e) => done({ error: String(e?.message ?? e) }));`);
        assert.equal(told.error, undefined, told.error);
        assert.equal(told.strategy, caps.threads ? 'parallel' : 'processes', 'the run asked to be parallel ran on threads, or on processes where there are none');
        assert.equal(told.ms, 200);
        // Asked for at once, the run waited for the cores to be measured (WebKitGTK reports 4 on
        // 2): no more workers than this machine has cores. (The helper's capabilities are the
        // frame's ready's, from before it measured: the browser's figure.)
        assert.ok(told.workers <= Math.max(2, availableParallelism()), `the run used ${told.workers} workers on a machine of ${availableParallelism()} cores`);
        // Two workers at work at 100 or at 200 ms: computing, or (processes on a loaded machine)
        // still starting or copying input. One instant is not enough: a process between two
        // tasks is idle until the page's message with its next arrives (CI saw Firefox's at 200 ms).
        const working = Math.max(...told.states.map((states) => states.filter((state) => state !== 'idle' && state !== 'io').length));
        assert.ok(working >= 2, `the parallel run's lanes were, at 100 ms: ${told.said[0]}; at 200 ms: ${told.said[1]}`);
        assert.equal(told.refused, 'embedPlayground: seek: ms must be a number of ms from the start of the runs (0 or more), got -5');
        assert.ok(told.refusedMs < 100, `refused in ${told.refusedMs} ms`);
        // The page's theme: dark, and the frame follows.
        await driver.executeScript("document.documentElement.dataset.theme = 'dark'");
        await driver.switchTo().frame(await driver.executeScript("return document.getElementById('cpu').iframe"));
        await waitFor(driver, "return document.documentElement.dataset.theme === 'dark'", MESSAGE_MS, 'the frame’s dark theme');
        const content = await driver.executeScript('return Math.ceil(document.documentElement.getBoundingClientRect().height)');
        await driver.switchTo().defaultContent();
        // Heights: from the first paint (the snippet's style), only ever growing, holding the frame's content.
        const heights = await driver.executeScript('return window.heights');
        for (const [id, list] of Object.entries(heights)) {
          assert.ok(list.every((h, i) => i === 0 || h >= list[i - 1]), `${id} never shrank: ${list}`);
        }
        assert.deepEqual([heights.io[0], heights.cpu[0]], [610, 990], 'the first heights are the snippet’s');
        assert.ok(heights.cpu.at(-1) >= content, `the element (${heights.cpu.at(-1)} px) holds its frame's content (${content} px)`);
        figures.push({ engine: name, context: 'element', threads: caps.threads, heights, frameContent: content, narrated: told });
        await saveScreenshot(driver, `${name}-element.png`);
        assert.deepEqual(await pageErrors(session, { framed: false }), [], 'no page errors');
      });
    });
  });
}
