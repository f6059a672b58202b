// <concurrency-playground> and the host helper under it, on plain pages of another origin (no
// special headers), as a tutorial author uses them: the example page (examples/tutorial/
// element.html), the narration example of docs/embedding.md as written, requests that must
// settle whatever they are given, and a run that names only strategies in a frame without a
// preset. docs/embedding.md says what each does.
import { readFileSync } from 'node:fs';
import { test, expect } from '@playwright/test';
import { ROOT, ISOLATED, HOST, TUTORIAL, DIST, RECORD_MESSAGES, watchForErrors } from './util.mjs';

const READY_MS = 60_000; // engine start + calibration, two frames at once on 2 cores
const RUN_MS = 90_000;
const SOURCE = 'concurrency-playground';

let problems;
test.beforeEach(async ({ page }) => {
  problems = watchForErrors(page); // console errors of the host page and of its frames
});
test.afterEach(() => {
  expect(problems).toEqual([]);
});

/** A plain page on HOST (another origin than the playground's) with `head` and `body`. */
async function openHostPage(page, body, head = '') {
  await page.goto(`${HOST}/index.html`);
  await page.setContent(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>host</title>` +
    `<link rel="icon" href="data:,">${RECORD_MESSAGES}${head}</head><body>${body}</body></html>`);
}

/** The embed frame of the element with id `id`. */
const frameOf = (page, id) => page.frameLocator(`#${id} >> iframe`);
const embedFrame = async (page, id) => (await page.locator(`#${id} >> iframe`).elementHandle()).contentFrame();

/**
 * Heights the element with `id` took, from now on (a ResizeObserver on it), and where the
 * element after it stood: `window.heights[id]`, `window.below[id]`.
 */
function watchHeights(page, ids) {
  return page.evaluate((list) => {
    window.heights = {};
    window.below = {};
    for (const id of list) {
      const element = document.getElementById(id);
      window.heights[id] = [];
      window.below[id] = [];
      new ResizeObserver(() => {
        window.heights[id].push(Math.round(element.getBoundingClientRect().height));
        window.below[id].push(Math.round(element.nextElementSibling.getBoundingClientRect().top + scrollY));
      }).observe(element);
    }
  }, ids);
}

test('the example page: two elements fit without jumping, run, narrate, and follow the page’s theme', async ({ page }) => {
  await page.setViewportSize({ width: 760, height: 900 });
  await page.goto(`${TUTORIAL}/element.html?app=${ISOLATED}`);
  // The space is there from the first paint (the snippet's style), before the script defines the element.
  const first = await page.evaluate(() => [...document.querySelectorAll('concurrency-playground')].map((e) => Math.round(e.getBoundingClientRect().height)));
  expect(first).toEqual([610, 1650]);
  await page.waitForFunction(() => customElements.get('concurrency-playground'));
  await watchHeights(page, ['example-io', 'example-cpu']);
  await page.locator('#example-cpu').scrollIntoViewIfNeeded();
  await page.waitForFunction(() => window.tutorial.log.filter((l) => l.type === 'ready').length === 2, null, { timeout: READY_MS });
  const ready = await page.evaluate(() => window.tutorial.log.filter((l) => l.type === 'ready').map((l) => l.detail));
  for (const caps of ready) expect(caps.threads).toBe(true); // Chromium: the frame's Document-Isolation-Policy
  // Two frames, each its own: different names, the preset's title.
  const frames = await page.evaluate(() => [...document.querySelectorAll('concurrency-playground')].map((e) => ({ name: e.iframe.name, title: e.iframe.title, src: e.iframe.src })));
  expect(new Set(frames.map((f) => f.name)).size).toBe(2);
  expect(frames.map((f) => f.title)).toEqual(['I/O-bound: concurrency wins', 'CPU-bound: parallelism wins, async alone does not']);
  expect(frames[0].src).toBe(`${ISOLATED}/embed.html?preset=io&strategies=sequential%2Cconcurrent&theme=light`);

  // The reader runs the first from its own Run button: a `result` event reaches the page.
  await frameOf(page, 'example-io').locator('#run').click();
  await page.waitForFunction(() => window.tutorial.log.some((l) => l.example === 'example-io' && l.type === 'result'), null, { timeout: RUN_MS });
  // The page narrates the second: run(), then seek(200) at once, in words.
  await page.click('#narrate');
  await expect(page.locator('#caption')).toHaveText(/^At 200 ms, 2 of the parallel run’s \d+ lanes were computing, on worker threads\.$/, { timeout: RUN_MS });
  const cursor = await page.evaluate(() => window.tutorial.log.filter((l) => l.type === 'cursor').at(-1).detail);
  expect(cursor.ms).toBe(200);

  // Heights: only ever growing, and the text below moved by no more than the frames outgrew their space.
  const heights = await page.evaluate(() => window.heights);
  const below = await page.evaluate(() => window.below);
  for (const [id, list] of Object.entries(heights)) {
    for (let i = 1; i < list.length; i++) expect(list[i], `${id} heights ${list}`).toBeGreaterThanOrEqual(list[i - 1]);
  }
  const final = await page.evaluate(() => [...document.querySelectorAll('concurrency-playground')].map((e) => Math.round(e.getBoundingClientRect().height)));
  const contents = await Promise.all(['example-io', 'example-cpu'].map(async (id) => (await embedFrame(page, id))
    .evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height))));
  console.log(`element heights: first paint ${first.join(', ')} px; after the runs ${final.join(', ')} px (frames' content ${contents.join(', ')} px); ` +
    `the text below each moved ${Object.values(below).map((b) => (b.length ? b.at(-1) - b[0] : 0)).join(', ')} px`);
  for (const [i, content] of contents.entries()) expect(final[i]).toBeGreaterThanOrEqual(content); // no inner scrollbar

  // The page's theme: dark, and the frames follow (a message: the runs stay on screen), their
  // timelines drawn again in its colours.
  const timelinePixels = () => frameOf(page, 'example-cpu').locator('.tl-canvas').first().evaluate((c) => c.toDataURL());
  const lightPixels = await timelinePixels();
  await page.click('#theme');
  for (const id of ['example-io', 'example-cpu']) {
    await expect.poll(async () => (await embedFrame(page, id)).evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
  }
  expect(await frameOf(page, 'example-cpu').locator('.run[data-status="completed"]').count()).toBe(3);
  await page.setViewportSize({ width: 760, height: await page.evaluate(() => document.documentElement.scrollHeight) });
  // (Drawn once in view: a browser draws no frame of an iframe out of view.)
  await expect.poll(timelinePixels, { message: 'the timeline is drawn in the dark theme' }).not.toBe(lightPixels);
  await page.screenshot({ path: `${ROOT}/artifacts/element-dark.png` });
  await page.click('#theme');
  await expect.poll(async () => (await embedFrame(page, 'example-cpu')).evaluate(() => document.documentElement.dataset.theme)).toBe('light');
  await page.screenshot({ path: `${ROOT}/artifacts/element-light.png` });
});

test('attributes apply live, methods settle, events carry the helper’s payloads, frames start near the viewport', async ({ page }) => {
  await page.setViewportSize({ width: 800, height: 800 });
  await openHostPage(page, '<concurrency-playground id="a" preset="one-core" strategies="concurrent"></concurrency-playground>' +
    '<p id="gap" style="height:3000px">A long chapter.</p>' +
    '<concurrency-playground id="far" preset="cpu"></concurrency-playground><p>The end.</p>' +
    // Listening before the module defines the element (a classic script runs before it): the
    // page's load, which setContent waits for, can come after the frame's ready.
    `<script>
      window.events = [];
      for (const e of document.querySelectorAll('concurrency-playground')) {
        for (const type of ['ready', 'progress', 'result', 'cursor', 'error']) e.addEventListener(type, (ev) => window.events.push({ id: e.id, type, detail: ev.detail }));
      }
    </script>`,
  `<script type="module" src="${ISOLATED}/embed-host.js"></script>`);
  await page.waitForFunction(() => customElements.get('concurrency-playground'));
  await page.evaluate(() => document.getElementById('a').ready);
  // Far below the viewport, no frame yet; brought near, it starts.
  expect(await page.evaluate(() => document.getElementById('far').iframe)).toBeNull();
  await page.evaluate(() => document.getElementById('gap').scrollIntoView({ block: 'end' }));
  await page.waitForFunction(() => document.getElementById('far').iframe !== null);

  const a = (script, arg) => page.evaluate(([s, x]) => new Function('a', 'x', `return (${s})(a, x)`)(document.getElementById('a'), x), [script, arg]);
  const result = await a('(a) => a.run()');
  expect(result.runs.map((r) => [r.label, r.strategy, r.requestedStrategy, r.status])).toEqual([['concurrent', 'concurrent', 'concurrent', 'completed']]);
  // Events: the helper's payloads (the result message itself).
  const events = await page.evaluate(() => window.events.filter((e) => e.id === 'a'));
  expect(events.find((e) => e.type === 'result').detail).toEqual(result);
  expect(events.some((e) => e.type === 'progress' && e.detail.tasks > 0)).toBe(true);
  expect(events.find((e) => e.type === 'ready').detail.threads).toBe(true);
  const at = await a('(a) => a.seek(50)');
  expect([at.ms, at.playing, at.runs.length]).toEqual([50, false, 1]);
  expect((await a('(a) => a.play(0.25)')).playing).toBe(true);
  expect((await a('(a) => a.pause()')).playing).toBe(false);

  // Bad input: rejected at once, naming the field, the value and what is allowed.
  const refusals = await a(`async (a) => {
    const why = (p) => p.then(() => 'resolved', (e) => e.message);
    const started = performance.now();
    const out = { seek: await why(a.seek(-5)), play: await why(a.play(2)), run: await why(a.run({ strategies: ['warp'] })),
      workload: await why(a.setWorkload('cpu')) };
    out.ms = performance.now() - started;
    return out;
  }`);
  expect(refusals.seek).toBe('embedPlayground: seek: ms must be a number of ms from the start of the runs (0 or more), got -5');
  expect(refusals.play).toBe('embedPlayground: play: speed must be one of 1, 0.25, 0.1, got 2');
  expect(refusals.run).toBe('embedPlayground: run: strategies must be a list of 1 to 8 of sequential, concurrent, parallel, hybrid, processes, got a list');
  expect(refusals.workload).toBe('embedPlayground: setWorkload: expected an object of fields, got "cpu"');
  expect(refusals.ms).toBeLessThan(100);

  // Attributes, live: theme by message (the runs stay), preset by message (the runs go, the verdict too), compact reloads.
  const frame = await embedFrame(page, 'a');
  await a('(a) => a.setAttribute("theme", "dark")');
  await expect.poll(() => frame.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
  expect(await frame.evaluate(() => window.embedFrame.batch?.runs.length)).toBe(1);
  await a('(a) => { a.removeAttribute("strategies"); a.setAttribute("preset", "io"); }');
  await expect.poll(() => frame.evaluate(() => document.getElementById('claim').textContent)).toContain('I/O-bound');
  expect(await frame.evaluate(() => [window.embedFrame.batch, document.getElementById('verdict').textContent])).toEqual([null, '']);
  expect(await a('(a) => a.seek(0).then(() => "resolved", (e) => e.details.code)')).toBe('no-run');
  const before = await a('(a) => a.iframe.name');
  await a('(a) => a.setAttribute("compact", "")');
  await page.waitForFunction((name) => document.getElementById('a').iframe.name !== name, before);
  expect(await a('(a) => a.iframe.src')).toBe(`${ISOLATED}/embed.html?preset=io&theme=dark&compact=1`);
  await a('(a) => a.ready');
  // A workload attribute that is not JSON: an `error` event that says so; nothing else changes.
  // (The seek above was answered with the frame's `no-run` error: an `error` event too.)
  expect(await page.evaluate(() => window.events.filter((e) => e.id === 'a' && e.type === 'error').map((e) => e.detail.code))).toEqual(['no-run']);
  await a('(a) => a.setAttribute("workload", "{oops")');
  await page.waitForFunction(() => window.events.filter((e) => e.id === 'a' && e.type === 'error').length === 2);
  const error = await page.evaluate(() => window.events.filter((e) => e.id === 'a' && e.type === 'error')[1].detail);
  expect(error.code).toBe('invalid-workload');
  expect(error.message).toMatch(/^<concurrency-playground>: the workload attribute is not JSON \(.+\): nothing changed$/);
  // Heights only grew throughout.
  const reserved = await a('(a) => Math.round(a.getBoundingClientRect().height)');
  expect(reserved).toBeGreaterThanOrEqual(790); // the io preset's 3 runs, reserved
});

test('every host request settles: a frame that never answers, a destroyed helper, a lazy frame asked early, cancel', async ({ page }) => {
  await openHostPage(page, '<iframe id="silent" src="about:blank"></iframe>' +
    `<p style="height:3000px">Far down:</p><iframe id="lazy" loading="lazy" src="${ISOLATED}/embed.html?preset=one-core&amp;strategies=concurrent"></iframe>`);
  const outcome = await page.evaluate(async (app) => {
    const { embedPlayground } = await import(`${app}/embed-host.js`);
    const why = (p) => p.then((v) => ({ resolved: v?.type ?? v }), (e) => ({ rejected: e.details?.code, message: e.message }));
    // A frame that is not the playground never says it is ready: the request says so after the bound.
    const silent = document.getElementById('silent');
    silent.src = `${location.origin}/index.html`;
    const mute = embedPlayground(silent, { bounds: { readyMs: 1_500 } });
    let started = performance.now();
    const neverReady = await why(mute.run());
    neverReady.ms = performance.now() - started;
    const pending = why(mute.seek(10));
    mute.destroy();
    const destroyed = await pending;
    // A lazy frame far from view: the request starts it.
    const lazy = embedPlayground('#lazy');
    started = performance.now();
    const run = lazy.run({ workload: { strategy: 'concurrent', threads: 1, groups: [{ name: 'wait', count: 4, cpuMs: 0, ioMs: 2_000, steps: 1 }] } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await lazy.ready;
    await new Promise((resolve) => setTimeout(resolve, 500));
    const cancelled = await lazy.cancel();
    const ran = await run;
    const nothing = await why(lazy.cancel());
    return { neverReady, destroyed, cancelled: [cancelled.cancelled, ran.cancelled, ran.runs[0].status], nothing, ms: performance.now() - started };
  }, ISOLATED);
  expect(outcome.neverReady.rejected).toBe('timeout');
  expect(outcome.neverReady.message).toMatch(/^embedPlayground: run: the frame did not say it was ready within 1\.5 s \(.+index\.html": is it the playground's embed\.html, and does its server answer\?\)$/);
  expect(outcome.neverReady.ms).toBeGreaterThan(1_400);
  expect(outcome.neverReady.ms).toBeLessThan(3_000);
  expect(outcome.destroyed).toEqual({ rejected: 'destroyed', message: 'embedPlayground: seek: the helper was destroyed' });
  expect(outcome.cancelled).toEqual([true, true, 'cancelled']);
  expect(outcome.nothing).toEqual({ resolved: null });
  console.log(`settle: a frame that never got ready rejected after ${Math.round(outcome.neverReady.ms)} ms (bound 1,500); ` +
    `a lazy frame asked to run, then cancelled: ${Math.round(outcome.ms)} ms in all`);
});

test('a run naming only strategies, in a frame without a preset (opened with ?workload=, or after setWorkload), runs', async ({ page }) => {
  // No threads in the workload: the frame gives it the reader's cores, not the engine's 1.
  const workload = encodeURIComponent(JSON.stringify({ strategy: 'sequential', groups: [{ name: 'resize', count: 4, cpuMs: 40, ioMs: 0, steps: 1 }] }));
  await openHostPage(page, `<iframe id="own" src="${ISOLATED}/embed.html?workload=${workload}" style="width:100%;height:500px;border:0"></iframe>` +
    `<iframe id="preset" src="${ISOLATED}/embed.html?preset=cpu" style="width:100%;height:500px;border:0"></iframe>`);
  await page.waitForFunction(() => window.received.filter((m) => m.data?.type === 'ready').length >= 2, null, { timeout: READY_MS });
  const answers = await page.evaluate(async (app) => {
    const { embedPlayground } = await import(`${app}/embed-host.js`);
    const own = embedPlayground('#own');
    const preset = embedPlayground('#preset');
    const ready = await own.ready;
    const first = await own.run({ strategies: ['sequential', 'parallel'] });
    const set = await preset.setWorkload({ strategy: 'sequential', threads: 2, groups: [{ name: 'x', count: 2, cpuMs: 20, ioMs: 0, steps: 1 }] });
    const second = await preset.run({ strategies: ['concurrent'] });
    return { threads: ready.threads, first: first.runs.map((r) => [r.label, r.status, r.threads]), set: [set.type, set.preset], second: second.runs.map((r) => [r.label, r.status]) };
  }, ISOLATED);
  expect(answers.first.map(([label, status]) => [label, status])).toEqual([['sequential', 'completed'], ['parallel', 'completed']]);
  expect(answers.first[1][2]).toBeGreaterThanOrEqual(2); // the reader's cores (at least 2), not 1
  expect(answers.set).toEqual(['ready', null]);
  expect(answers.second).toEqual([['concurrent', 'completed']]);
  const errors = await page.evaluate((source) => window.received.filter((m) => m.data?.source === source && m.data.type === 'error'), SOURCE);
  expect(errors).toEqual([]);
});

test('on a host page that is itself cross-origin isolated (COOP + COEP), of another origin: the element’s frame has threads', async ({ page }) => {
  // dist/ served with its _headers is isolated, and another origin than the playground's.
  await page.goto(`${DIST}/index.html`);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await page.setContent(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>isolated host</title><link rel="icon" href="data:,">` +
    `<script type="module" src="${ISOLATED}/embed-host.js"></script></head><body>` +
    '<concurrency-playground id="a" preset="one-core" strategies="parallel"></concurrency-playground></body></html>');
  const outcome = await page.evaluate(async () => {
    await customElements.whenDefined('concurrency-playground');
    const element = document.getElementById('a');
    const caps = await element.ready;
    const result = await element.run();
    return { isolated: caps.crossOriginIsolated, threads: caps.threads, run: [result.runs[0].strategy, result.runs[0].status, result.runs[0].workerLanesUsed] };
  });
  expect(outcome.isolated).toBe(true);
  expect(outcome.threads).toBe(true);
  expect(outcome.run[0]).toBe('parallel');
  expect(outcome.run[1]).toBe('completed');
  expect(outcome.run[2]).toBeGreaterThanOrEqual(2);
});

test('the narration example of docs/embedding.md, as written', async ({ page }) => {
  // The doc's block, between its markers: what an author copies.
  const doc = readFileSync(`${ROOT}/docs/embedding.md`, 'utf8');
  const block = /<!-- narration example[^\n]*-->\n```html\n([\s\S]*?)\n```/.exec(doc);
  expect(block, 'docs/embedding.md has the narration example between its marker and a ```html block').not.toBeNull();
  const html = block[1].replaceAll('https://playground.example', ISOLATED);
  // What the page said, for a failure's message: the example's handler has no catch of its own.
  const said = [];
  page.on('pageerror', (error) => said.push(`error: ${error.message}`));
  page.on('console', (message) => said.push(`${message.type()}: ${message.text()}`));
  await openHostPage(page, html);
  await page.evaluate(() => {
    window.trail = [];
    const note = (what) => window.trail.push(`${what} ${Math.round(performance.now())}`);
    document.getElementById('narrate').addEventListener('click', () => note('click'));
    const pg = document.getElementById('cpu-demo');
    for (const name of ['run', 'seek']) {
      const own = pg[name].bind(pg);
      pg[name] = (...args) => { note(name); return own(...args).then((v) => { note(`${name} resolved`); return v; }, (e) => { note(`${name} rejected: ${e.message}`); throw e; }); };
    }
  });
  // A reader scrolls to the button, then clicks. (Clicked at once after the scroll, Chromium can
  // route the click by where the frame was before it: to the frame, not the button.)
  await page.locator('#narrate').scrollIntoViewIfNeeded();
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await page.locator('#narrate').click();
  await expect.poll(() => page.evaluate(() => window.trail.length), { message: 'the button got the click' }).toBeGreaterThan(0);
  await expect(page.locator('#caption')).toHaveText(/^At 200 ms, 2 of the parallel run’s \d+ lanes were computing, on worker threads\.$/, { timeout: RUN_MS })
    .catch(async (error) => {
      const state = await page.evaluate(() => {
        const pg = document.getElementById('cpu-demo');
        return { defined: Boolean(customElements.get('concurrency-playground')), src: pg.iframe?.src ?? null, capabilities: Boolean(pg.capabilities),
          received: window.received.map((m) => m.data?.type ?? typeof m.data), trail: window.trail, height: pg.getBoundingClientRect().height };
      }).catch((e) => e.message);
      throw new Error(`${error.message}\nthe page said: ${said.join(' | ') || 'nothing'}\nstate: ${JSON.stringify(state)}`);
    });
  await expect.poll(() => page.evaluate(() => document.getElementById('cpu-demo').iframe.contentWindow !== null)).toBe(true);
});

test('one ready per document: a frame that answers hello again is not a reload; a frame whose src changes is, and its helper says so', async ({ page }) => {
  await openHostPage(page, `<iframe id="f" src="${ISOLATED}/embed.html?preset=one-core&amp;strategies=concurrent" style="width:100%;height:400px;border:0"></iframe>`);
  const seen = await page.evaluate(async (app) => {
    const { embedPlayground } = await import(`${app}/embed-host.js`);
    const readies = [];
    const frame = document.getElementById('f');
    const pg = embedPlayground(frame, { onReady: (caps) => readies.push(caps.framed) });
    await pg.ready;
    // The frame's load event, again (in Firefox the first one can come after its ready): still one ready.
    frame.dispatchEvent(new Event('load'));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const once = readies.length;
    // A new document in the same iframe: a second ready; a request made of the old one settles.
    const pending = pg.seek(10).then(() => 'resolved', (e) => e.details?.code ?? e.message);
    frame.src = `${app}/embed.html?preset=io&strategies=concurrent`;
    await new Promise((resolve) => { const wait = () => (readies.length > once ? resolve() : setTimeout(wait, 100)); wait(); });
    return { once, after: readies.length, pending: await pending, runs: (await pg.run()).runs.map((r) => r.label) };
  }, ISOLATED);
  expect(seen.once).toBe(1);
  expect(seen.after).toBe(2);
  // (The old document answered the seek, with nothing to replay, or the reload cut it short.)
  expect(['no-run', 'reloaded', 'resolved']).toContain(seen.pending);
  expect(seen.runs).toEqual(['concurrent']);
});
