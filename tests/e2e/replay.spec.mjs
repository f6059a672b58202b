// Replaying finished runs (views/replay.js): the time slider steps through events, the words at
// the cursor name what each lane does, the code marks a line, Play moves the cursor, one cursor
// moves over every run of a comparison, the link keeps the cursor, and the embed's seek moves it.
import { test, expect } from '@playwright/test';
import { HOST, ISOLATED, RECORD_MESSAGES, ROOT, openPlayground, watchForErrors } from './util.mjs';

const SOURCE = 'concurrency-playground';
const VERSION = 1;
const RUN_MS = 60_000;

let problems;
test.beforeEach(async ({ page }) => {
  problems = watchForErrors(page);
});
test.afterEach(() => {
  expect(problems).toEqual([]);
});

// Four tasks on two workers: 80 ms computing, then 40 ms waiting. About 250 ms.
const PARALLEL = { strategy: 'parallel', threads: 2, globalLock: false, yieldMs: 0, groups: [{ name: 'resize', count: 4, cpuMs: 80, ioMs: 40, steps: 1 }] };
const link = (workload, extra = '') => `?workload=${encodeURIComponent(JSON.stringify(workload))}${extra}`;

/** Opens the page with `workload`, presses Run and waits for the replay's controls. */
async function runOnPage(page, workload, extra = '') {
  await openPlayground(page, ISOLATED, link(workload, extra));
  await page.click('#run');
  await expect(page.locator('.run[data-status="completed"]')).toHaveCount(1, { timeout: RUN_MS });
  const slider = page.getByRole('slider', { name: /time/i });
  await expect(slider).toBeVisible();
  return slider;
}

const valueNow = async (slider) => Number(await slider.getAttribute('aria-valuenow'));

test('the time slider steps through events, End reaches the end, and the words at the cursor name the lanes', async ({ page }) => {
  const slider = await runOnPage(page, PARALLEL);
  const max = Number(await slider.getAttribute('aria-valuemax'));
  const wall = await page.evaluate(() => window.playgroundPage.batch.runs[0].result.wallMs);
  expect(await slider.getAttribute('aria-valuemin')).toBe('0');
  expect(max).toBeGreaterThanOrEqual(Math.round(wall * 10) / 10 - 0.1);
  expect(await valueNow(slider)).toBe(max); // a finished run shows everything: the cursor is at its end

  const now = page.getByRole('region', { name: /cursor/i });
  await expect(now).toHaveCount(1);
  await slider.focus();
  await page.keyboard.press('Home');
  await expect(slider).toHaveAttribute('aria-valuenow', '0');
  // The events the engine's spans make: every start and end (closer than 50 us: one).
  const spans = await page.evaluate(() => window.playgroundPage.batch.runs[0].result.spans.length);
  const seen = [0];
  const words = new Set([await now.innerText()]);
  for (let i = 0; i < 2 * spans + 2 && seen.at(-1) < max; i++) {
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => valueNow(slider)).toBeGreaterThan(seen.at(-1));
    seen.push(await valueNow(slider));
    words.add(await now.innerText());
  }
  expect(seen.at(-1)).toBe(max);
  expect(seen.length).toBeGreaterThan(4); // 4 tasks: starts and ends of computing and waiting
  expect(words.size).toBeGreaterThan(3); // the words changed with the cursor
  const all = [...words].join('\n');
  for (const lane of ['main: idle', 'worker 1:', 'worker 2:', 'waiting (I/O) for “resize” #']) expect(all).toContain(lane);
  expect(all).toMatch(/worker \d: computing “resize” #\d, step 1/);
  expect(all).toMatch(/Tasks: \d running, \d waiting \(I\/O\), 0 waiting for the lock, \d queued \(not started\), \d done of 4/);

  // Back one event, Page Down by a tenth, End again.
  await page.keyboard.press('ArrowLeft');
  await expect.poll(() => valueNow(slider)).toBe(seen.at(-2));
  await page.keyboard.press('End');
  await page.keyboard.press('PageDown');
  await expect.poll(() => valueNow(slider)).toBeCloseTo(max * 0.9, 0);
  await page.keyboard.press('End');
  await expect(slider).toHaveAttribute('aria-valuenow', String(max));
  await expect(now).toContainText('Tasks: 0 running, 0 waiting (I/O), 0 waiting for the lock, 0 queued (not started), 4 done of 4');
  await expect(now).toContainText('worker 1: idle');
});

test('the code that ran: three languages, a line marked current that follows the selected lane', async ({ page }) => {
  const slider = await runOnPage(page, PARALLEL);
  const code = page.getByRole('region', { name: /code/i });
  await expect(code.getByRole('tab')).toHaveText(['Rust', 'Python', 'JavaScript']);
  await expect(code.getByRole('tab', { name: 'Rust' })).toHaveAttribute('aria-selected', 'true');
  // 30 ms in, both workers compute: the line is the kernel's call.
  await slider.focus();
  await page.keyboard.press('Home');
  await page.evaluate(() => window.playgroundPage.replay.seek(30));
  const current = code.locator('[aria-current="true"]');
  await expect(current).toHaveCount(1);
  await expect(current).toContainText('self.machine.compute(ms, &self.cancel)');
  await expect(code).toContainText(/parallel · worker \d: computing/);
  // The page's thread, picked from the words at the cursor: it awaits the pool.
  await page.getByRole('region', { name: /cursor/i }).getByRole('button', { name: /^main: idle/ }).click();
  await expect(current).toContainText('on_pool(move || parallel::run(&shared, workers))');
  await expect(page.getByRole('button', { name: /^main: idle/ })).toHaveAttribute('aria-pressed', 'true');
  // The same instant in Python and JavaScript.
  await code.getByRole('tab', { name: 'Python' }).click();
  await expect(current).toContainText('ThreadPoolExecutor');
  await code.getByRole('tab', { name: 'Python' }).press('ArrowRight'); // the tabs' keys
  await expect(code.getByRole('tab', { name: 'JavaScript' })).toHaveAttribute('aria-selected', 'true');
  await expect(code.getByRole('tab', { name: 'JavaScript' })).toBeFocused();
  await expect(current).toContainText('Promise.all');
  // A worker again, clicked by its name on the timeline, while it waits.
  const io = await page.evaluate(() => window.playgroundPage.batch.runs[0].result.spans.find((s) => s.kind === 'io' && s.lane !== 0));
  await page.evaluate((t) => window.playgroundPage.replay.seek(t), (io.start + io.end) / 2);
  const lane = (await geometry(page)).lanes.find((l) => l.id === io.lane);
  await page.locator('.run canvas.tl-canvas').click({ position: { x: 20, y: lane.top + lane.height / 2 } });
  await expect(current).toContainText('Atomics.wait(sleeper');
  await expect(page.getByRole('button', { name: new RegExp(`^${lane.name}: waiting \\(I/O\\)`) })).toHaveAttribute('aria-pressed', 'true');
  expect(await page.evaluate(() => window.playgroundPage.timelines()[0].snapshot().selectedLane)).toBe(io.lane);
});

/** Where the first run's timeline draws things (CSS px in its canvas). */
function geometry(page, run = 0) {
  return page.evaluate((i) => window.playgroundPage.timelines()[i].snapshot().geometry, run);
}

test('Play replays the recorded spans: the cursor moves, at a quarter of real time more slowly; Pause stops it', async ({ page }) => {
  const slider = await runOnPage(page, PARALLEL);
  const play = page.getByRole('button', { name: /play the replay/i });
  await expect(page.locator('.replay-bar')).toContainText('A replay of the measured spans, not a new run');
  await play.click(); // from the end: it starts again from 0
  await page.waitForTimeout(150);
  const moved = await valueNow(slider);
  expect(moved).toBeGreaterThan(0);
  await expect.poll(() => valueNow(slider), { timeout: 10_000 }).toBeGreaterThan(moved);
  // It ends by itself at the end of the run.
  await expect(page.getByRole('button', { name: /play the replay/i })).toBeVisible({ timeout: 10_000 });
  expect(await valueNow(slider)).toBe(Number(await slider.getAttribute('aria-valuemax')));
  // A quarter of real time: 400 ms of playing covers about 100 ms of the run (well under 300).
  await page.getByRole('button', { name: '¼x' }).click();
  await slider.focus();
  await page.keyboard.press('Home');
  await page.getByRole('button', { name: /play the replay/i }).click();
  await page.waitForTimeout(400);
  await page.getByRole('button', { name: /pause the replay/i }).click();
  const slow = await valueNow(slider);
  expect(slow).toBeGreaterThan(20);
  expect(slow).toBeLessThan(300 * 0.25 + 100);
  await page.waitForTimeout(200);
  expect(await valueNow(slider)).toBe(slow); // paused
});

test('dragging on the timeline moves the cursor; hovering a span outlines its task on every lane', async ({ page }) => {
  const slider = await runOnPage(page, PARALLEL);
  const canvas = page.locator('.run canvas.tl-canvas');
  await canvas.evaluate((c) => c.scrollIntoView({ block: 'center' }));
  const box = await canvas.boundingBox();
  const { labelW, plotW, lanes } = await geometry(page);
  const plotLeft = box.x + labelW;
  const max = Number(await slider.getAttribute('aria-valuemax'));
  const y = box.y + lanes[0].top + lanes[0].height / 2; // on the main lane
  await page.mouse.move(plotLeft + plotW * 0.25, y);
  await page.mouse.down();
  await page.mouse.move(plotLeft + plotW * 0.5, y, { steps: 5 });
  await page.mouse.up();
  await expect.poll(() => valueNow(slider)).toBeCloseTo(max * 0.5, -1);
  expect(await valueNow(slider)).toBeGreaterThan(max * 0.4);
  expect(await valueNow(slider)).toBeLessThan(max * 0.6);
  await expect(page.locator('.run .timeline')).toBeVisible();
  // Hover the middle of a worker's first computing span.
  const target = await page.evaluate(() => {
    const { spans } = window.playgroundPage.batch.runs[0].result;
    const s = spans.find((x) => x.kind === 'cpu' && x.lane !== 0);
    return { t: (s.start + s.end) / 2, task: s.task, lane: s.lane };
  });
  // Where the canvas and its lanes are now (the text above it may have changed since the drag).
  const now = await canvas.boundingBox();
  const lane = (await geometry(page)).lanes.find((l) => l.id === target.lane);
  await page.mouse.move(now.x + labelW + (target.t / max) * plotW, now.y + lane.top + lane.height / 2);
  await expect.poll(() => page.evaluate(() => window.playgroundPage.timelines()[0].snapshot().highlightedTask)).toBe(target.task);
  await expect(page.locator('.run .tl-tooltip')).toBeVisible();
});

test('Compare: one cursor over every run on their shared scale, each run saying what it did then', async ({ page }) => {
  const small = { ...PARALLEL, groups: [{ name: 'resize', count: 4, cpuMs: 40, ioMs: 20, steps: 1 }] };
  await openPlayground(page, ISOLATED, link(small));
  await page.click('#compare');
  await expect(page.locator('.charts svg')).toBeVisible({ timeout: RUN_MS });
  const slider = page.getByRole('slider', { name: /time/i });
  await expect(slider).toBeVisible();
  await expect(page.locator('#results').getByRole('slider')).toHaveCount(1);
  const regions = page.getByRole('region', { name: /cursor/i });
  await expect(regions).toHaveCount(5);
  await page.evaluate(() => window.playgroundPage.replay.seek(25));
  await expect(slider).toHaveAttribute('aria-valuenow', '25');
  const cursors = await page.evaluate(() => window.playgroundPage.timelines().map((t) => t.snapshot().cursorMs));
  expect(cursors).toEqual([25, 25, 25, 25, 25]);
  await expect(regions.nth(0)).toContainText('main: computing “resize” #1'); // sequential: the first task
  await expect(regions.nth(2)).toContainText(/worker \d: computing/); // parallel
  // The sequential run's tasks queue: its timeline has a queue row; concurrent's waits overlap.
  const queues = await page.locator('.run .timeline').evaluateAll((plots) => plots.map((p) => p.dataset.queueMax));
  expect(Number(queues[0])).toBeGreaterThanOrEqual(3); // 3 wait for the first (4 for the run's first ms or two)
});

test('the link keeps the cursor: t= puts it there after the next run', async ({ page }) => {
  const slider = await runOnPage(page, PARALLEL);
  await page.evaluate(() => window.playgroundPage.replay.seek(42.5));
  await expect.poll(() => new URL(page.url()).searchParams.get('t')).toBe('42.5');
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  await expect(page.locator('#summary')).toContainText('The link puts the replay at 42.5 ms');
  await page.click('#run');
  await expect(page.locator('.run[data-status="completed"]')).toHaveCount(1, { timeout: RUN_MS });
  await expect(slider).toHaveAttribute('aria-valuenow', '42.5');
});

test('embed: replay=1 shows the controls; seek, play and pause by message; the frame posts the cursor back', async ({ page }) => {
  await page.goto(`${HOST}/index.html`);
  const src = `${ISOLATED}/embed.html?preset=cpu&amp;strategies=sequential,parallel&amp;replay=1&amp;workload=${encodeURIComponent(JSON.stringify(PARALLEL))}`;
  await page.setContent(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>replay host</title><link rel="icon" href="data:,">${RECORD_MESSAGES}</head>` +
    `<body><iframe id="f" src="${src}" style="width:100%;height:900px;border:0"></iframe></body></html>`);
  await page.waitForFunction(() => window.received.some((m) => m.data?.type === 'ready'), null, { timeout: RUN_MS });
  const post = (message) => page.evaluate((m) => document.getElementById('f').contentWindow.postMessage(m, '*'), { source: SOURCE, version: VERSION, ...message });
  const answer = async (type, id) => {
    await page.waitForFunction(([t, i]) => window.received.some((m) => m.data?.type === t && m.data.id === i), [type, id], { timeout: RUN_MS });
    return page.evaluate(([t, i]) => window.received.find((m) => m.data?.type === t && m.data.id === i).data, [type, id]);
  };

  // Nothing to replay before a run: an error says so.
  await post({ type: 'seek', id: 'early', ms: 10 });
  expect((await answer('error', 'early')).code).toBe('no-run');

  await post({ type: 'run', id: 'r' });
  await answer('result', 'r');
  const frame = page.frameLocator('#f');
  const slider = frame.getByRole('slider', { name: /time/i });
  await expect(slider).toBeVisible();

  await post({ type: 'seek', id: 's', ms: 30 });
  const at = await answer('cursor', 's');
  expect(at.ms).toBe(30);
  expect(at.playing).toBe(false);
  expect(at.runs.map((r) => r.label)).toEqual(['sequential', 'parallel']);
  const parallel = at.runs[1];
  const computing = parallel.lanes.filter((l) => l.state === 'cpu');
  expect(computing.length).toBe(2); // two of the pool's workers, whichever rayon woke
  expect(computing.every((l) => l.name.startsWith('worker '))).toBe(true);
  expect(computing[0].words).toMatch(/^worker \d: computing “resize” #\d, step 1$/);
  expect(parallel.tasks.running).toBe(2);
  expect(at.runs[0].words).toMatch(/^Tasks: 1 running, .* 3 queued \(not started\), 0 done of 4$/);
  await expect(slider).toHaveAttribute('aria-valuenow', '30');
  await expect(frame.getByRole('region', { name: /cursor/i }).nth(1)).toContainText(`${computing[1].name}: computing`);

  await post({ type: 'play', id: 'p', speed: 0.25 });
  expect((await answer('cursor', 'p')).playing).toBe(true);
  await page.waitForFunction(() => window.received.filter((m) => m.data?.type === 'cursor' && m.data.playing && m.data.ms > 31).length > 0, null, { timeout: 10_000 });
  await post({ type: 'pause', id: 'q' });
  const paused = await answer('cursor', 'q');
  expect(paused.playing).toBe(false);
  expect(paused.ms).toBeGreaterThan(30);
  expect(paused.endMs).toBeGreaterThan(paused.ms);

  // A bad seek is ignored with a warning, like every bad message.
  await post({ type: 'seek', id: 'bad', ms: -5 });
  const embed = page.frame({ url: /embed\.html/ });
  await expect.poll(() => embed.evaluate(() => window.embedFrame.ignored)).toBe(1);
  await page.setViewportSize({ width: 900, height: 1000 });
  await page.locator('#f').screenshot({ path: `${ROOT}/artifacts/replay-embed.png` });
});

test('embed without replay=1: no controls, but a host’s seek shows the cursor', async ({ page }) => {
  await page.goto(`${HOST}/index.html`);
  const src = `${ISOLATED}/embed.html?strategies=parallel&amp;workload=${encodeURIComponent(JSON.stringify(PARALLEL))}`;
  await page.setContent(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>plain host</title><link rel="icon" href="data:,">${RECORD_MESSAGES}</head>` +
    `<body><iframe id="f" src="${src}" style="width:100%;height:700px;border:0"></iframe></body></html>`);
  await page.waitForFunction(() => window.received.some((m) => m.data?.type === 'ready'), null, { timeout: RUN_MS });
  const post = (message) => page.evaluate((m) => document.getElementById('f').contentWindow.postMessage(m, '*'), { source: SOURCE, version: VERSION, ...message });
  await post({ type: 'run', id: 'r' });
  await page.waitForFunction(() => window.received.some((m) => m.data?.type === 'result'), null, { timeout: RUN_MS });
  const frame = page.frameLocator('#f');
  await expect(frame.locator('.run')).toHaveCount(1);
  await expect(frame.getByRole('slider')).toHaveCount(0);
  expect(await page.evaluate(() => window.received.filter((m) => m.data?.type === 'cursor').length)).toBe(0);
  await post({ type: 'seek', id: 's', ms: 50 });
  await page.waitForFunction(() => window.received.some((m) => m.data?.type === 'cursor' && m.data.id === 's'), null, { timeout: 10_000 });
  const embed = page.frame({ url: /embed\.html/ });
  expect(await embed.evaluate(() => window.embedFrame.replay.cursor)).toBe(50);
  await expect(frame.locator('.run .timeline')).toBeVisible();
});

test('screenshots of the replay: the page (light and dark) and a dark embed, at the cursor', async ({ page }, testInfo) => {
  const mixed = { strategy: 'hybrid', threads: 2, globalLock: false, yieldMs: 0, groups: [
    { name: 'download', count: 6, cpuMs: 10, ioMs: 120, steps: 2 }, { name: 'resize', count: 3, cpuMs: 90, ioMs: 0, steps: 1 }] };
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width: 1280, height: 1800 }); // the whole output column, the replay's bar not stuck over it
    await runOnPage(page, mixed);
    await page.evaluate(() => window.playgroundPage.replay.seek(150));
    await expect(page.getByRole('slider', { name: /time/i })).toHaveAttribute('aria-valuenow', '150');
    await page.locator('.output').screenshot({ path: `${ROOT}/artifacts/replay-page-${scheme}.png` });
    await testInfo.attach(`replay-${scheme}`, { path: `${ROOT}/artifacts/replay-page-${scheme}.png`, contentType: 'image/png' });
  }
  await page.goto(`${HOST}/index.html`);
  const src = `${ISOLATED}/embed.html?strategies=sequential,hybrid&amp;replay=1&amp;theme=dark&amp;t=150&amp;autorun=1&amp;workload=${encodeURIComponent(JSON.stringify(mixed))}`;
  await page.setContent(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>dark host</title><link rel="icon" href="data:,"></head>` +
    `<body style="margin:0;background:#111"><iframe id="f" src="${src}" style="width:760px;height:1700px;border:0"></iframe></body></html>`);
  const frame = page.frameLocator('#f');
  await expect(frame.getByRole('slider', { name: /time/i })).toHaveAttribute('aria-valuenow', '150', { timeout: RUN_MS });
  await page.locator('#f').screenshot({ path: `${ROOT}/artifacts/replay-embed-dark.png` });
});
