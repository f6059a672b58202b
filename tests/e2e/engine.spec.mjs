// The engine through its public JS API, `window.playground`, as automation and embedders use it.
import { test, expect } from '@playwright/test';
import { ISOLATED, PLAIN, openPlayground, watchForErrors } from './util.mjs';

const cpu = (strategy, extra = {}) => ({ strategy, threads: 2, ...extra,
  groups: [{ name: 'resize', count: 4, cpuMs: 80, ioMs: 0, steps: 1 }] });
const io = (strategy) => ({ strategy, threads: 2, groups: [{ name: 'download', count: 8, cpuMs: 0, ioMs: 200, steps: 1 }] });

let problems;
test.beforeEach(async ({ page }) => {
  problems = watchForErrors(page);
});
test.afterEach(() => {
  expect(problems).toEqual([]);
});

test('the pool starts and capabilities say so', async ({ page }) => {
  await openPlayground(page);
  const caps = await page.evaluate(() => window.playground.capabilities);
  expect(caps.crossOriginIsolated).toBe(true);
  expect(caps.threads).toBe(true);
  expect(caps.poolThreads).toBeGreaterThanOrEqual(Math.max(4, caps.hardwareConcurrency));
  expect(caps.maxThreads).toBe(caps.poolThreads);
  expect(caps.calibration.iterationsPerMs).toBeGreaterThan(1000);
});

test('parallel computing runs on two distinct worker lanes that overlap in time', async ({ page }) => {
  await openPlayground(page);
  const r = await page.evaluate((w) => window.playground.run(w), cpu('parallel'));
  expect(r.status).toBe('completed');
  const lanes = [...new Set(r.spans.filter((s) => s.kind === 'cpu').map((s) => s.lane))];
  expect(lanes.length).toBe(2);
  expect(lanes).not.toContain(0);
  const overlap = r.spans.some((a) => r.spans.some((b) => a.lane !== b.lane && a.start < b.end && b.start < a.end));
  expect(overlap).toBe(true);
  expect(r.lanes.map((l) => l.name).slice(0, 3)).toEqual(['main', 'worker 1', 'worker 2']);
  expect(r.spans[0]).toMatchObject({ groupName: 'resize', kind: 'cpu' });
});

test('concurrent waits all overlap on the main lane; wall is close to the longest wait', async ({ page }) => {
  await openPlayground(page);
  const r = await page.evaluate((w) => window.playground.run(w), io('concurrent'));
  expect(new Set(r.spans.map((s) => s.lane))).toEqual(new Set([0]));
  const latestStart = Math.max(...r.spans.map((s) => s.start));
  const earliestEnd = Math.min(...r.spans.map((s) => s.end));
  expect(latestStart).toBeLessThan(earliestEnd);
  expect(r.wallMs).toBeLessThan(200 * 1.3);
  expect(r.predictedMs).toBe(200);
});

test('all four strategies run and report their figures', async ({ page }) => {
  await openPlayground(page);
  const results = await page.evaluate(async () => {
    const w = { threads: 2, yieldMs: 10, groups: [{ name: 'job', count: 4, cpuMs: 40, ioMs: 60, steps: 2 }] };
    const out = {};
    for (const strategy of ['sequential', 'concurrent', 'parallel', 'hybrid']) {
      out[strategy] = await window.playground.run({ ...w, strategy });
    }
    return out;
  });
  for (const [strategy, r] of Object.entries(results)) {
    expect(r.strategy).toBe(strategy);
    expect(r.status).toBe('completed');
    expect(r.tasksDone).toBe(4);
    expect(r.wallMs).toBeGreaterThan(0);
    expect(r.predictedMs).toBeGreaterThan(0);
    expect(r.notice).toBeUndefined();
  }
  // Waits overlap in every strategy but sequential, so they all beat it.
  for (const s of ['concurrent', 'parallel', 'hybrid']) expect(results[s].wallMs).toBeLessThan(results.sequential.wallMs * 0.8);
  // Hybrid computes on workers only, and waits on the main lane only.
  expect(results.hybrid.spans.filter((s) => s.kind === 'cpu').every((s) => s.lane > 0)).toBe(true);
  expect(results.hybrid.spans.filter((s) => s.kind === 'io').every((s) => s.lane === 0)).toBe(true);
});

test('progress arrives while the run goes, with the spans so far', async ({ page }) => {
  await openPlayground(page);
  const seen = await page.evaluate(async () => {
    const counts = [];
    const r = await window.playground.run(
      { strategy: 'parallel', threads: 2, groups: [{ name: 'a', count: 12, cpuMs: 40, ioMs: 20, steps: 1 }] },
      { onProgress: (p) => counts.push([p.spans.length, p.tasksDone, p.tasks]) });
    return { counts, final: r.spans.length };
  });
  expect(seen.counts.length).toBeGreaterThan(3);
  const partial = seen.counts.filter(([n]) => n > 0 && n < seen.final);
  expect(partial.length).toBeGreaterThan(0);
  expect(seen.counts.at(-1)[2]).toBe(12);
});

test('cancel stops a long run quickly, says so, and the next run works', async ({ page }) => {
  await openPlayground(page);
  for (const strategy of ['sequential', 'concurrent', 'parallel', 'hybrid']) {
    const r = await page.evaluate(async (strategy) => {
      const controller = new AbortController();
      const run = window.playground.run({ strategy, threads: 2, yieldMs: 10,
        groups: [{ name: 'long', count: 4, cpuMs: 2000, ioMs: 1000, steps: 3 }] }, { signal: controller.signal });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const asked = performance.now();
      controller.abort();
      const result = await run;
      return { status: result.status, stoppedAfterMs: performance.now() - asked };
    }, strategy);
    expect(r.status, strategy).toBe('cancelled');
    expect(r.stoppedAfterMs, strategy).toBeLessThan(150);
  }
  const next = await page.evaluate((w) => window.playground.run(w), cpu('parallel'));
  expect(next.status).toBe('completed');
});

test('bad input rejects with an Error naming the field, the value and the range', async ({ page }) => {
  await openPlayground(page);
  const messages = await page.evaluate(async () => {
    const bad = [
      { strategy: 'fastest', groups: [{ name: 'a', count: 1, cpuMs: 1, ioMs: 1 }] },
      { strategy: 'parallel', threads: 99, groups: [{ name: 'a', count: 1, cpuMs: 1, ioMs: 1 }] },
      { strategy: 'parallel', groups: [{ name: 'a', count: 1, cpuMs: -5, ioMs: NaN }] },
      { strategy: 'parallel', groups: [{ name: 'a', count: 5000, cpuMs: 1, ioMs: 1 }] },
      { strategy: 'parallel' },
      'not a workload',
    ];
    const out = [];
    for (const w of bad) {
      try {
        await window.playground.run(w);
        out.push('accepted!');
      } catch (e) {
        out.push(`${e instanceof Error}: ${e.message}`);
      }
    }
    return out;
  });
  expect(messages[0]).toContain('true: invalid workload: strategy: "fastest" is not a strategy: use sequential, concurrent, parallel or hybrid');
  expect(messages[1]).toMatch(/threads: 99 is out of range: must be a whole number from 1 to \d+ \(threads available in the worker pool\)/);
  expect(messages[2]).toContain('groups[0].cpuMs: -5 is out of range: must be from 0 to 5000');
  expect(messages[2]).toContain('groups[0].ioMs: must be a number from 0 to 10000, got null');
  expect(messages[3]).toContain('groups[0].count: 5000 is out of range');
  expect(messages[4]).toContain('groups: is missing');
  expect(messages[5]).toContain('true: invalid workload: workload: must be an object');
  // ...and the engine still runs.
  const r = await page.evaluate((w) => window.playground.run(w), io('concurrent'));
  expect(r.status).toBe('completed');
});

test('a run exports as Chrome trace JSON', async ({ page }) => {
  await openPlayground(page);
  const trace = await page.evaluate(async (w) => {
    const r = await window.playground.run(w);
    return JSON.parse(window.playground.exportTrace(r));
  }, cpu('parallel'));
  const complete = trace.traceEvents.filter((e) => e.ph === 'X');
  expect(complete.length).toBe(4);
  expect(complete[0].name).toMatch(/^resize #\d compute$/);
  const threads = trace.traceEvents.filter((e) => e.name === 'thread_name').map((e) => e.args.name);
  expect(threads).toContain('main');
  expect(threads).toContain('worker 1');
});

test('without isolation every strategy still runs, single-threaded, and says why', async ({ page }) => {
  await openPlayground(page, PLAIN);
  const caps = await page.evaluate(() => window.playground.capabilities);
  expect(caps.crossOriginIsolated).toBe(false);
  expect(caps.threads).toBe(false);
  expect(caps.noPoolReason).toContain('not cross-origin isolated');
  const results = await page.evaluate(async () => {
    const out = [];
    for (const strategy of ['sequential', 'concurrent', 'parallel', 'hybrid']) {
      out.push(await window.playground.run({ strategy, threads: 1,
        groups: [{ name: 'a', count: 3, cpuMs: 20, ioMs: 50, steps: 1 }] }));
    }
    return out.map(({ strategy, requestedStrategy, status, notice, spans }) =>
      ({ strategy, requestedStrategy, status, notice, lanes: [...new Set(spans.map((s) => s.lane))] }));
  });
  expect(results.map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
  expect(results.map((r) => r.strategy)).toEqual(['sequential', 'concurrent', 'sequential', 'concurrent']);
  expect(results[2].notice).toContain('Threads are off (this page is not cross-origin isolated), so parallel ran as sequential');
  expect(results[3].notice).toContain('hybrid ran as concurrent');
  expect(results.every((r) => r.lanes.length === 1 && r.lanes[0] === 0)).toBe(true);
  await expect(page.locator('#capabilities')).toContainText('Threads are off because this page is not cross-origin isolated');
});
