// What a person does on the page: presets, editing, links, timelines.
import { test, expect } from '@playwright/test';
import { PLAIN, ROOT, openPlayground, watchForErrors } from './util.mjs';

let problems;
test.beforeEach(async ({ page }) => {
  problems = watchForErrors(page);
});
test.afterEach(() => {
  expect(problems).toEqual([]);
});

/** Clicks a preset, runs its demo, waits for its verdict, returns the measured batch. */
async function runPreset(page, id) {
  await page.click(`button[data-preset="${id}"]`);
  await page.click('#preset-run');
  await expect(page.locator('#verdict')).not.toBeEmpty({ timeout: 90_000 });
  return page.evaluate(() => {
    const { batch, verdict, claims } = window.playgroundPage;
    return { verdict, claims, runs: Object.fromEntries(batch.runs.map((r) => [r.label, { ...r.result, spans: undefined, smoothness: r.smoothness,
      maxSimultaneous: null, timeline: r.timeline }])) };
  });
}

const wall = (batch, label) => batch.runs[label].wallMs;

test('I/O preset: concurrency overlaps the waits', async ({ page }) => {
  await openPlayground(page);
  const b = await runPreset(page, 'io');
  expect(wall(b, 'concurrent')).toBeLessThan(0.3 * wall(b, 'sequential'));
  expect(wall(b, 'parallel')).toBeLessThan(0.7 * wall(b, 'sequential'));
  expect(b.verdict).toMatch(/^8 “download” tasks of 200 ms waiting took \d.\d\d s concurrently instead of \d.\d\d s one after another, \d\.\d\dx as fast \(\d\.\d\d–\d\.\d\dx over 3 rounds\)/);
  expect(b.claims.map((c) => c.held)).toEqual([true, true]);
  // The verdict is the headline (and live); under it, each run's wall time.
  await expect(page.locator('#verdict')).toHaveAttribute('aria-live', 'polite');
  // Efficiency is speedup per worker: for the one thread of an async run, there is none.
  await expect(page.locator('.run[data-label="concurrent"] .metric').filter({ hasText: 'Efficiency' }).locator('dd')).toHaveText('—');
  await expect(page.locator('.run[data-label="parallel"] .metric').filter({ hasText: 'Wall time' }).locator('dd'))
    .toHaveText(/^\d\.\d\d s \(median of 3, \d\.\d\d–\d\.\d\d s\)$|^\d\.\d\d s \(median of 3, \d\.\d\d s\)$/);
  await expect(page.locator('#summary')).toHaveText(/^Wall times: sequential \d\.\d\d s · concurrent \d\.\d\d s · parallel \d\.\d\d s\.$/);
});

test('CPU preset: parallel speeds up, concurrent does not', async ({ page }) => {
  await openPlayground(page);
  const b = await runPreset(page, 'cpu');
  expect(wall(b, 'sequential') / wall(b, 'parallel')).toBeGreaterThan(1.5);
  expect(wall(b, 'sequential') / wall(b, 'concurrent')).toBeLessThan(1.2);
  expect(b.verdict).toMatch(/^On 2 worker threads, 8 “resize” tasks of 150 ms computing ran \d\.\d\dx as fast as one after another/);
  expect(b.claims.map((c) => c.held)).toEqual([true, true]);
});

test('global lock preset: threads do not speed up computing, waits still overlap', async ({ page }) => {
  await openPlayground(page);
  const b = await runPreset(page, 'gil');
  expect(wall(b, 'sequential') / wall(b, 'parallel, global lock')).toBeLessThan(1.3);
  expect(wall(b, 'sequential') / wall(b, 'parallel, no lock')).toBeGreaterThan(1.5);
  // Four waits on all the pool's threads (at least 4): together, not one after another.
  expect(wall(b, 'waits under the lock')).toBeLessThan(400);
  const lockWaits = b.runs['parallel, global lock'].timeline.lanes.reduce((n, l) => n + l.lockWaitSpans, 0);
  expect(lockWaits).toBeGreaterThan(0);
  // Processes, each with its own lock, escape it.
  expect(wall(b, 'sequential') / wall(b, 'processes, global lock')).toBeGreaterThan(1.4);
  expect(b.verdict).toMatch(/On \d processes, the same tasks, each process under its own lock, ran \d\.\d\dx as fast as one after another \([^)]*\): that is how multiprocessing escapes the GIL/);
});

test('responsiveness preset: the event loop freezes, yielding and workers keep frames coming', async ({ page }) => {
  await openPlayground(page);
  await page.click('button[data-preset="responsive"]');
  await expect(page.locator('#freeze')).toContainText('freezes this page on purpose');
  const b = await runPreset(page, 'responsive');
  const gap = (label) => b.runs[label].smoothness.longestGapMs;
  expect(gap('event loop, no yield')).toBeGreaterThan(200);
  expect(gap('event loop, yield every 10 ms')).toBeLessThan(gap('event loop, no yield') / 3);
  expect(gap('workers')).toBeLessThan(gap('event loop, no yield') / 3);
});

test('mixed preset: hybrid beats concurrent and parallel alone', async ({ page }) => {
  await openPlayground(page);
  const b = await runPreset(page, 'mixed');
  expect(wall(b, 'hybrid')).toBeLessThan(wall(b, 'concurrent'));
  expect(wall(b, 'hybrid')).toBeLessThan(wall(b, 'parallel'));
});

test('overhead preset: handing tiny pieces to workers is slower than doing them in place', async ({ page }) => {
  await openPlayground(page);
  const b = await runPreset(page, 'overhead');
  expect(wall(b, 'hybrid')).toBeGreaterThan(wall(b, 'sequential'));
});

test('one-core preset: concurrent interleaves on one lane, parallel computes at the same instant', async ({ page }) => {
  await openPlayground(page);
  const b = await runPreset(page, 'one-core');
  expect(b.verdict).toMatch(/at most 1 computed at any instant\. In parallel, 2 computed at the same instant/);
  const concurrentLanes = b.runs.concurrent.timeline.lanes.filter((l) => l.spans > 0).map((l) => l.name);
  expect(concurrentLanes).toEqual(['main']);
});

test('timelines: worker lanes in a parallel run, only main in a concurrent one', async ({ page }, testInfo) => {
  await openPlayground(page);
  await page.click('button[data-preset="cpu"]');
  await page.click('#compare');
  await expect(page.locator('.charts svg')).toBeVisible({ timeout: 90_000 });
  const runs = await page.evaluate(() => window.playgroundPage.batch.runs.map((r) => ({ label: r.label, timeline: r.timeline })));
  const used = (label) => runs.find((r) => r.label === label).timeline.lanes.filter((l) => l.spans > 0).map((l) => l.name);
  expect(used('concurrent')).toEqual(['main']);
  expect(used('sequential')).toEqual(['main']);
  const parallelLanes = used('parallel');
  expect(parallelLanes.length).toBeGreaterThanOrEqual(2);
  expect(parallelLanes.every((n) => n.startsWith('worker'))).toBe(true);
  expect(used('hybrid').some((n) => n.startsWith('worker'))).toBe(true);
  // Nothing waited in these tasks: an efficiency over 100 % is not explained by waits.
  await expect(page.locator('#results')).not.toContainText('waits overlapped');
  // One time scale for all five.
  expect(new Set(runs.map((r) => r.timeline.scaleMs)).size).toBe(1);
  // A viewport as tall as the page, so the sticky replay bar stays at the top of the picture
  // (a full-page picture of a short viewport paints it wherever the viewport ended).
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: page.viewportSize().width, height });
  await page.screenshot({ path: `${ROOT}/artifacts/compare.png`, fullPage: true });
  await testInfo.attach('compare', { path: `${ROOT}/artifacts/compare.png`, contentType: 'image/png' });
});

test('editing updates the link; reloading restores it', async ({ page }) => {
  await openPlayground(page);
  const count = page.getByLabel('Tasks, group 1');
  await count.fill('5');
  await page.getByLabel('Global lock while computing (like Python’s GIL)').check();
  await expect.poll(() => new URL(page.url()).searchParams.get('workload')).toContain('"count":5');
  const workload = JSON.parse(new URL(page.url()).searchParams.get('workload'));
  expect(workload.globalLock).toBe(true);
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  await expect(page.getByLabel('Tasks, group 1')).toHaveValue('5');
  await expect(page.getByLabel('Global lock while computing (like Python’s GIL)')).toBeChecked();
});

test('a bad value shows the engine’s message and disables Run until fixed', async ({ page }) => {
  await openPlayground(page);
  const cpu = page.getByLabel('Compute (ms), group 1');
  await cpu.fill('-5');
  await expect(cpu).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('.field-error').filter({ hasText: '-5 is out of range: must be from 0 to 5000' })).toBeVisible();
  await expect(page.locator('#run')).toBeDisabled();
  await expect(page.locator('#compare')).toBeDisabled();
  await cpu.fill('10');
  await expect(cpu).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#run')).toBeEnabled();
  await page.click('#run');
  await expect(page.locator('.run[data-status="completed"]')).toHaveCount(1, { timeout: 30_000 });
});

test('a garbled link shows a message, falls back to a preset, and the page works', async ({ page }) => {
  await openPlayground(page, undefined, '?workload=%7Bnot-json&preset=nope');
  await expect(page.locator('#problems')).toContainText('Unknown preset “nope”');
  await expect(page.locator('#problems')).toContainText('could not be read');
  await expect(page.locator('button[data-preset="io"]')).toHaveAttribute('aria-pressed', 'true');
  await page.click('#run');
  await expect(page.locator('.run[data-status="completed"]')).toHaveCount(1, { timeout: 30_000 });
});

test('a link with a workload the engine rejects marks the fields instead of running', async ({ page }) => {
  const w = { strategy: 'parallel', threads: 2, groups: [{ name: 'x', count: 2, cpuMs: 99999, ioMs: 0, steps: 1 }] };
  await openPlayground(page, undefined, `?workload=${encodeURIComponent(JSON.stringify(w))}`);
  await expect(page.locator('.field-error').filter({ hasText: '99999 is out of range' })).toBeVisible();
  await expect(page.locator('#run')).toBeDisabled();
});

test('cancel stops a long run from the page', async ({ page }) => {
  await openPlayground(page);
  const cpu = page.getByLabel('Wait (ms), group 1');
  await cpu.fill('5000');
  await page.click('#run');
  await expect(page.locator('#cancel')).toBeEnabled();
  await page.waitForTimeout(300);
  await page.click('#cancel');
  await expect(page.locator('.run[data-status="cancelled"]')).toHaveCount(1, { timeout: 5_000 });
  await expect(page.locator('#run')).toBeEnabled();
});

test('the trace downloads as Chrome trace JSON', async ({ page }) => {
  await openPlayground(page);
  await page.click('#run');
  await expect(page.locator('.run[data-status="completed"]')).toHaveCount(1, { timeout: 30_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-trace')]);
  const text = await (await download.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString());
  expect(JSON.parse(text).traceEvents.some((e) => e.ph === 'X')).toBe(true);
});

test('scaling plots speedup for 1..N threads with an Amdahl fit', async ({ page }) => {
  await openPlayground(page);
  await page.click('button[data-preset="cpu"]');
  await page.getByLabel('Tasks, group 1').fill('4');
  await page.getByLabel('Compute (ms), group 1').fill('60');
  await page.click('#scaling-run');
  await expect(page.locator('#scaling svg')).toBeVisible({ timeout: 60_000 }); // from its first point
  await page.waitForFunction(() => window.playgroundPage.scaling && !window.playgroundPage.busy, null, { timeout: 60_000 });
  const points = await page.evaluate(() => window.playgroundPage.scaling);
  const caps = await page.evaluate(() => window.playground.capabilities);
  expect(points.map((p) => p.threads)).toEqual(Array.from({ length: caps.maxThreads }, (_, i) => i + 1));
  expect(points[1].speedup).toBeGreaterThan(1.4);
  await expect(page.locator('#scaling-text')).toContainText(`Amdahl fit (parallel, 1 to ${caps.cores} workers)`);
  if (caps.cores < caps.maxThreads) {
    await expect(page.locator('#scaling-text')).toContainText(`This machine computes on ${caps.cores} cores (measured), so no run gets past ${caps.cores}x`);
    await expect(page.locator('#scaling svg .core-limit')).toHaveCount(1);
  }
});

test('small screens and dark mode: the page fits 360 px and keeps working', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 360, height: 800 }, colorScheme: 'dark' });
  const page = await context.newPage();
  const errors = watchForErrors(page);
  await openPlayground(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(1);
  await page.click('button[data-preset="one-core"]');
  await page.click('#preset-run');
  await expect(page.locator('#verdict')).not.toBeEmpty({ timeout: 60_000 });
  await page.screenshot({ path: `${ROOT}/artifacts/narrow-dark.png`, fullPage: true });
  expect(errors).toEqual([]);
  await context.close();
});

test('processes preset: threads and processes both speed up; with big inputs processes pay for the copy', async ({ page }) => {
  await openPlayground(page);
  const b = await runPreset(page, 'processes');
  expect(wall(b, 'sequential') / wall(b, 'parallel')).toBeGreaterThan(1.4);
  expect(wall(b, 'sequential') / wall(b, 'processes')).toBeGreaterThan(1.4);
  const transfers = (label) => b.runs[label].timeline.lanes.reduce((n, l) => n + l.transferSpans, 0);
  expect(transfers('processes, 8,192 KiB input each')).toBe(8);
  expect(transfers('threads, 8,192 KiB input each')).toBe(0);
  expect(b.verdict).toMatch(/With 8,192 KiB of input per task, 2 processes spent \d+(\.\d+)? (ms|s) of their \d+(\.\d+)? (ms|s) of work copying it in \(\d+ %\)/);
});

test('without threads, presets that need parallelism run processes and say so; those that need threads say they can’t', async ({ page }) => {
  await openPlayground(page, PLAIN);
  const cpu = await runPreset(page, 'cpu');
  expect(cpu.verdict).toMatch(/^Threads are off here \(this page is not cross-origin isolated\), so these workers are processes\. On 2 processes, 8 “resize” tasks of 150 ms computing ran \d\.\d\dx as fast/);
  expect(wall(cpu, 'sequential') / wall(cpu, 'parallel')).toBeGreaterThan(1.4);
  const gil = await runPreset(page, 'gil');
  expect(gil.verdict).toContain('so the global lock can’t be shown holding threads back: every “parallel” run ran as processes');
  const mixed = await runPreset(page, 'mixed');
  expect(mixed.verdict).toContain('Threads are off here (this page is not cross-origin isolated), so hybrid ran as concurrent on the page’s thread and this demo can’t show its claim');
  await expect(page.locator('#verdict')).not.toContainText('as fast as');
});

test('server preset: one at a time falls behind, concurrency keeps up with waits, workers with computing', async ({ page }) => {
  await openPlayground(page);
  const b = await runPreset(page, 'server');
  const latency = '(\\d+ ms|\\d\\.\\d\\d s)';
  expect(b.verdict).toMatch(new RegExp(`^Requests every 40 ms, each waiting 100 ms: one at a time, p95 latency ${latency} \\(fell behind: its queue grew\\); ` +
    `concurrently, p95 latency ${latency} \\(kept up\\)\\.`));
  expect(b.verdict).toMatch(new RegExp(`on one thread, p95 latency ${latency} \\(fell behind: its queue grew\\); on 2 worker threads, p95 latency ${latency} \\(kept up\\)\\.`));
  // Its figure is latency over time: a queue growing is a line climbing.
  await expect(page.locator('.charts figcaption')).toHaveText(['Latency of each request by when it arrived: a line that climbs is a queue growing (lower is better)']);
  await expect(page.locator('.charts path.line')).toHaveCount(4);
});

test('responsiveness preset: the reader’s own keypress waits while the page is frozen', async ({ page }) => {
  await openPlayground(page);
  // Only this preset asks for the reader's input.
  await page.click('button[data-preset="mixed"]');
  await expect(page.locator('#try-input')).toBeHidden();
  await page.click('button[data-preset="responsive"]');
  await expect(page.locator('#try-input')).toBeVisible();
  // Click without waiting: the click's handler starts the freezing run, and Playwright would
  // wait for the page to answer the click, after the freeze.
  await page.evaluate(() => setTimeout(() => document.getElementById('preset-run').click(), 0));
  await page.waitForTimeout(400); // inside the first run's freeze (about 1 s)
  await page.keyboard.press('a');
  await expect(page.locator('#verdict')).not.toBeEmpty({ timeout: 90_000 });
  const verdict = await page.locator('#verdict').textContent();
  const waited = Number(/Your input waited up to (\d+) ms \(during “event loop, no yield”\)/.exec(verdict)?.[1]);
  expect(waited).toBeGreaterThan(100);
  expect(verdict).toMatch(/a 10 ms timer fired up to \d+ ms late/);
});
