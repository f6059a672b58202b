// The batch runner (shared/batch.js) with a results view that is still loading, as the embed's
// is until after its ready: a batch waits for the view, and a cancel meanwhile ends it with no run.
// The engine and the view are stand-ins; the browser's frame and input hooks are stubbed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createBatchRunner } from '../../www/shared/batch.js';

globalThis.requestAnimationFrame ??= (callback) => setTimeout(callback, 16);
globalThis.cancelAnimationFrame ??= (id) => clearTimeout(id);
globalThis.document ??= { addEventListener() {}, removeEventListener() {} };

/** An engine whose runs complete at once, recording what ran; its pool is ready. */
function engine() {
  const ran = [];
  return {
    ran,
    whenPoolReady: Promise.resolve({ cores: 2 }),
    async run(workload, { onStart }) {
      ran.push(workload.strategy);
      onStart({ lanes: [{ id: 0, role: 'main' }], predictedMs: 10, groupNames: ['g'] });
      return { strategy: workload.strategy, requestedStrategy: workload.strategy, status: 'completed', wallMs: 10, spans: [] };
    },
  };
}

/** A results view that records what was drawn in it; `loaded()` is when it exists. */
function view() {
  const drawn = [];
  const row = { restart() {}, progress() {}, finish() { drawn.push('finish'); } };
  return { drawn, clear: () => drawn.push('clear'), addRun: (label) => { drawn.push(`row ${label}`); return row; }, shareScale() {}, showCharts() {} };
}

/** A promise and its resolve. */
function later() {
  let resolve;
  const promise = new Promise((r) => { resolve = r; });
  return { promise, resolve };
}

const RUNS = [{ label: 'sequential', workload: { strategy: 'sequential', groups: [{ count: 1 }] } }];

test('a batch asked for while the results view loads runs once it has loaded, drawn in it', async () => {
  const pg = engine();
  const results = later();
  const batches = createBatchRunner(pg, results.promise);
  const batch = batches.run(RUNS);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(pg.ran, [], 'nothing ran before the view loaded');
  assert.equal(batches.busy, true, 'the batch is in progress meanwhile (a second one is refused)');
  const v = view();
  results.resolve(v);
  const done = await batch;
  assert.equal(done.complete, true);
  assert.deepEqual(pg.ran, ['sequential']);
  assert.deepEqual(v.drawn.slice(0, 2), ['clear', 'row sequential']);
});

test('a cancel while the results view loads ends the batch with no run; the next batch runs', async () => {
  const pg = engine();
  const results = later();
  const batches = createBatchRunner(pg, results.promise);
  const batch = batches.run(RUNS);
  batches.cancel();
  results.resolve(view());
  assert.deepEqual(await batch, { runs: [], complete: false, verdict: null });
  assert.deepEqual(pg.ran, []);
  const next = await batches.run(RUNS);
  assert.equal(next.complete, true);
  assert.deepEqual(pg.ran, ['sequential']);
});

test('a view that is there already (the page loads its own before a run) is used as it is', async () => {
  const pg = engine();
  const v = view();
  const done = await createBatchRunner(pg, v).run(RUNS);
  assert.equal(done.complete, true);
  assert.ok(v.drawn.includes('row sequential'));
});
