// The timeline's geometry (www/views/timeline-layout.js), without a browser: packing spans into
// sub-rows, lane positions, the scale and its ticks, the bars painted and what the pointer hits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  LAYERS, SIZES, hitTest, laneAt, layoutFrame, liveCeil, maxRows, niceStep, packSpans, scaleFor, spanRect, summary, ticks, timeAt,
} from '../../www/views/timeline-layout.js';
import { queueSteps } from '../../www/shared/replay-model.js';
import { assertGolden } from './golden.mjs';

const WIDTH = 600; // px
const span = (task, lane, kind, start, end, group = 0) => ({ task, group, step: 0, lane, kind, start, end });
const lanes = (workers) => [{ id: 0, name: 'main', role: 'main' }, ...Array.from({ length: workers }, (_, i) => ({ id: i + 1, name: `worker ${i + 1}`, role: 'worker' }))];

/** What a frame paints, in a form a person can read in a diff. */
function picture(packed, { width = WIDTH, scale, sizes = SIZES.full, dpr = 1 }) {
  const frame = layoutFrame({ packed, width, scale, sizes, dpr });
  return {
    height: frame.height,
    plotW: frame.plotW,
    ticks: frame.ticks.values,
    lanes: frame.items.map((item) => ({
      name: item.lane.name, top: item.top, height: item.height, rowH: item.rowH,
      rows: item.rows.map((row) => ({ solid: row.solid.map((s) => `${s.kind} #${s.task}`), waits: row.waits.map((s) => `io #${s.task}`) })),
    })),
    bars: frame.bars.map(({ layer, key, x, y, w, h }) => `${LAYERS[layer].name} ${key} ${x},${y} ${w}x${h}`),
  };
}

// Eight concurrent waits of 100 ms on the event loop, starting 10 ms apart.
const EIGHT_WAITS = Array.from({ length: 8 }, (_, i) => span(i, 0, 'io', i * 10, i * 10 + 100));
// Four tasks of 80 ms on two workers, and a lane of the pool left idle.
const PARALLEL = [span(0, 1, 'cpu', 0, 80), span(1, 2, 'cpu', 0.5, 80.5), span(2, 1, 'cpu', 80, 160), span(3, 2, 'cpu', 80.5, 160.5)];
// Two workers under a global lock: 5 ms slices, each waiting for the other's.
const LOCKED = [];
for (let i = 0; i < 6; i++) {
  const holder = 1 + (i % 2);
  LOCKED.push(span(holder - 1, holder, 'cpu', i * 5, i * 5 + 5));
  if (i > 0) LOCKED.push(span(holder - 1, holder, 'lockWait', i * 5 - 5, i * 5));
}

test('concurrent waits stack in sub-rows of the main lane, one row each while they overlap', () => {
  const packed = packSpans(lanes(0), EIGHT_WAITS, SIZES.full);
  assert.equal(packed.byLane.get(0).rows.length, 8);
  assertGolden('concurrent-waits', picture(packed, { scale: 170 }));
});

test('parallel computing: one row per worker, idle workers keep their lane', () => {
  const packed = packSpans(lanes(3), PARALLEL, SIZES.full);
  assert.deepEqual(summary(packed).map((l) => [l.name, l.cpuSpans, l.rows]), [['main', 0, 0], ['worker 1', 2, 1], ['worker 2', 2, 1], ['worker 3', 0, 0]]);
  assertGolden('parallel', picture(packed, { scale: 160.5, dpr: 2 }));
});

test('lock waits share the row of the computing they wait for, in the lock colour', () => {
  const packed = packSpans(lanes(2), LOCKED, SIZES.compact);
  const picked = picture(packed, { scale: 30, sizes: SIZES.compact });
  assert.ok(picked.bars.some((b) => b.startsWith('lockHatch lock')));
  assertGolden('global-lock-compact', picked);
});

test('spans under a pixel merge per group and kind instead of painting each', () => {
  const tiny = Array.from({ length: 300 }, (_, i) => span(i, 0, 'cpu', i * 0.02, i * 0.02 + 0.02, i < 150 ? 0 : 1));
  const packed = packSpans(lanes(0), tiny, SIZES.full);
  const frame = layoutFrame({ packed, width: WIDTH, scale: 60, sizes: SIZES.full });
  assert.ok(frame.bars.length < 300 / 2, `${frame.bars.length} bars for 300 tiny spans`);
  assertGolden('tiny-spans', picture(packed, { scale: 60 }));
});

test('a lane never packs more rows than fit, and over-full waits overlap', () => {
  const many = Array.from({ length: 200 }, (_, i) => span(i, 0, 'io', 0, 50 + i));
  const packed = packSpans(lanes(0), many, SIZES.compact);
  const { rows } = packed.byLane.get(0);
  assert.equal(rows.length, maxRows(SIZES.compact));
  assert.equal(rows.reduce((n, r) => n + r.waits.length, 0), 200);
});

test('a lane a span names that the engine did not list is still drawn', () => {
  const packed = packSpans([{ id: 0, name: 'main', role: 'main' }], [span(0, 3, 'cpu', 0, 10)], SIZES.full);
  assert.deepEqual(packed.lanes, [{ id: 0, name: 'main', role: 'main' }, { id: 3, name: 'lane 3', role: 'worker' }]);
});

test('the pointer finds the span under it, within a few pixels, and nothing in the label column', () => {
  const packed = packSpans(lanes(2), PARALLEL, SIZES.full);
  const frame = layoutFrame({ packed, width: WIDTH, scale: 160.5, sizes: SIZES.full });
  const worker2 = frame.items[2];
  const y = worker2.rowsTop + worker2.rowH / 2;
  assert.equal(hitTest(frame, frame.toX(120), y)?.task, 3);
  assert.equal(hitTest(frame, frame.toX(160.5) + 2, y)?.task, 3, 'within the slop');
  assert.equal(hitTest(frame, frame.toX(160.5) + 20, y), null, 'past the end');
  assert.equal(hitTest(frame, 10, y), null, 'over the label');
  assert.equal(hitTest(frame, frame.toX(40), frame.items[0].rowsTop + 2), null, 'main is empty');
});

test('ticks are 1, 2 or 5 x 10^k about 80 px apart; the axis covers the scale', () => {
  assert.equal(niceStep(23), 20);
  assert.equal(niceStep(0.34), 0.5);
  assert.equal(niceStep(7400), 10000);
  assert.equal(niceStep(3000), 2000);
  assert.deepEqual(ticks(1000, 508), { step: 200, decimals: 0, values: [0, 200, 400, 600, 800, 1000] });
  assert.deepEqual(ticks(0.9, 508).decimals, 1);
});

test('a live scale grows in steps and never shrinks; a fixed scale wins; a finished run fits its data', () => {
  assert.equal(liveCeil(110), 120);
  assert.equal(liveCeil(0.5), 1);
  let live = 0;
  const seen = [];
  for (const elapsedMs of [0, 5, 50, 90, 60, 300]) {
    const next = scaleFor({ state: 'live', elapsedMs, liveScale: live });
    live = next.liveScale;
    seen.push(next.scale);
  }
  assert.deepEqual(seen, [10, 10, 60, 100, 100, 400]);
  assert.equal(scaleFor({ fixedScale: 250, state: 'live', elapsedMs: 900 }).scale, 250);
  assert.equal(scaleFor({ state: 'done', wallMs: 812, lastEnd: 800 }).scale, 812);
  assert.equal(scaleFor({ state: 'idle' }).scale, 100);
});

test('a queue row above the lanes: tasks waiting to start, as tall as their count, only when some waited', () => {
  // A sequential server: a request every 10 ms, each served in 25 ms; the queue grows.
  const taskTimes = Array.from({ length: 6 }, (_, k) => ({ task: k, arrival: k * 10, start: k * 25, end: k * 25 + 25 }));
  const spans = taskTimes.map((t) => span(t.task, 0, 'cpu', t.start, t.end));
  const packed = packSpans(lanes(0), spans, SIZES.full);
  const queue = queueSteps(taskTimes);
  const frame = layoutFrame({ packed, width: WIDTH, scale: 150, sizes: SIZES.full, queue });
  const plain = layoutFrame({ packed, width: WIDTH, scale: 150, sizes: SIZES.full });
  assert.equal(frame.items[0].top - plain.items[0].top, frame.queue.height, 'the lanes move down by the row');
  assert.equal(plain.queue, null);
  assert.equal(Math.max(...frame.queue.rects.map((r) => r.h)), SIZES.full.queueH, 'the longest queue fills the row');
  assertGolden('queue-row', { queue, row: frame.queue, mainTop: frame.items[0].top, height: frame.height });
  // Thousands of steps under a pixel each: at most one rectangle per pixel column.
  const many = Array.from({ length: 4000 }, (_, k) => ({ arrival: k * 0.01, start: 20 + k * 0.02 }));
  const dense = layoutFrame({ packed, width: WIDTH, scale: 150, sizes: SIZES.full, queue: queueSteps(many) });
  assert.ok(dense.queue.rects.length <= frame.plotW, `${dense.queue.rects.length} rectangles`);
});

test('the replay finds where a span is drawn, the time under x and the lane under y', () => {
  const packed = packSpans(lanes(2), PARALLEL, SIZES.full);
  const frame = layoutFrame({ packed, width: WIDTH, scale: 160.5, sizes: SIZES.full, dpr: 2 });
  const rect = spanRect(frame, packed, PARALLEL[3]);
  const worker2 = frame.items[2];
  assert.deepEqual(rect, { x: frame.snap(frame.toX(80.5)), y: worker2.rowsTop, w: frame.snap(frame.toX(160.5)) - frame.snap(frame.toX(80.5)), h: worker2.rowH });
  assert.equal(hitTest(frame, rect.x + rect.w / 2, rect.y + rect.h / 2), PARALLEL[3], 'the pointer finds it there');
  assert.ok(Math.abs(timeAt(frame, frame.toX(40)) - 40) < 1e-9);
  assert.equal(timeAt(frame, 0), 0, 'left of the plot: the start');
  assert.equal(timeAt(frame, WIDTH + 50), 160.5, 'right of it: the end');
  assert.equal(laneAt(frame, worker2.top + 1).name, 'worker 2');
  assert.equal(laneAt(frame, frame.bottom + 5), null);
});

test('held locks and counter updates are marks over their lane, not rows; waits for a named lock are striped in the lock colour', () => {
  // Two workers deadlocked: each holds one lock from 0 ms, computes, then waits for the other's.
  const spans = [
    span(0, 1, 'lockHeld', 0, 100), span(0, 1, 'cpu', 0, 50), span(0, 1, 'namedLockWait', 50, 100),
    span(1, 2, 'lockHeld', 0, 100, 1), span(1, 2, 'cpu', 0, 50, 1), span(1, 2, 'namedLockWait', 50, 100, 1),
    span(0, 1, 'update', 10, 40), span(1, 2, 'update', 12, 42, 1),
  ];
  const packed = packSpans(lanes(2), spans, SIZES.full);
  const rows = summary(packed).map((l) => [l.name, l.rows, l.lockHeldSpans, l.updateSpans, l.namedLockWaitSpans]);
  assert.deepEqual(rows, [['main', 0, 0, 0, 0], ['worker 1', 1, 1, 1, 1], ['worker 2', 1, 1, 1, 1]]);
  const { bars } = picture(packed, { scale: 100 });
  const worker1 = layoutFrame({ packed, width: WIDTH, scale: 100, sizes: SIZES.full }).items[1];
  const held = bars.filter((b) => b.startsWith('held lock'));
  assert.equal(held.length, 2);
  assert.ok(held[0].endsWith(`,${worker1.rowsTop} 508x2`), held[0]);
  const updates = bars.filter((b) => b.startsWith('update '));
  assert.deepEqual(updates.map((b) => b.split(' ')[1]), ['0', '1']);
  assert.equal(bars.filter((b) => b.startsWith('lockHatch lock')).length, 2);
  // The pointer finds the computing under a mark, never the mark.
  const frame = layoutFrame({ packed, width: WIDTH, scale: 100, sizes: SIZES.full });
  const hit = hitTest(frame, frame.labelW + 10, worker1.rowsTop + 1);
  assert.equal(hit?.kind, 'cpu');
});
