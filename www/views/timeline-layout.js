// The timeline's geometry, without a DOM: which spans go in which sub-row of a lane, where each
// lane sits, the time scale and its ticks, the rectangles to paint and what the pointer is on.
// timeline.js paints this and handles the interactions; tests/unit/ checks it against golden
// files. Every length is in CSS px, every time in ms.
//
//   const packed = packSpans(lanes, spans, sizes);               // once per new span list
//   const frame = layoutFrame({ packed, width, scale, sizes, dpr });
//   frame.items, frame.ticks, frame.bars, frame.height           // what to paint
//   hitTest(frame, x, y)                                         // the span under (x, y)
//   spanRect(frame, span), timeAt(frame, x), laneAt(frame, y)    // for the replay's cursor
import { KINDS, kindOf } from '../shared/kinds.js';


/** Sizes of a full timeline and of a compact one. */
export const SIZES = {
  full: { labelW: 84, rowH: 14, lanePad: 6, fontPx: 12, axisFontPx: 11, queueH: 18 },
  compact: { labelW: 60, rowH: 8, lanePad: 3, fontPx: 11, axisFontPx: 10, queueH: 10 },
};
export const RIGHT_PAD = 8; // px right of the plot
export const TOP_PAD = 4; // px above the first lane
export const AXIS_H = 22; // px, time axis under the lanes
export const MAX_FULL_ROWS = 8; // sub-rows at full height; beyond that rows get thinner
const MIN_ROW_H = 2; // px: a lane packs no more rows than fit at this height
const TICK_SPACING = 80; // px, wanted distance between time ticks
const HIT_SLOP = 3; // px, how near the pointer must be to a span
const EPS = 1e-6; // ms: spans that only touch do not overlap
export const LIVE_HEADROOM = 1.1; // a live scale keeps 10% room right of "now"
export const EMPTY_SCALE_MS = 100; // ms, axis before there is any data
export const MIN_LIVE_SCALE_MS = 10; // ms
const LIVE_STEPS = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]; // x 10^k ms, live scale sizes

/**
 * Paint layers, bottom to top. Each bar is one or more rectangles, each on a layer; the
 * painter fills (or outlines, `line`) each layer's rectangles as one path per colour, with the
 * layer's alpha (`'wait'`: the theme's tint for waits) or hatching (`hatch`: its angle).
 */
export const LAYERS = [
  { name: 'wait', alpha: 'wait' }, // I/O tint
  { name: 'waitThin', alpha: 0.55 }, // I/O in rows too thin to hatch
  { name: 'waitHatch', hatch: 135 }, // I/O hatching
  { name: 'waitLine', line: true, alpha: 0.85 }, // I/O outline
  { name: 'lock', alpha: 'wait' }, // lock wait tint
  { name: 'lockHatch', hatch: 45 }, // lock wait stripes
  { name: 'lockLine', line: true }, // lock wait outline
  { name: 'startup', alpha: 'wait' }, // a process starting: neutral tint
  { name: 'startupHatch', hatch: 45 }, // ...and stripes
  { name: 'transfer', alpha: 0.45 }, // a copy of the input: the task's colour, lighter
  { name: 'transferHatch', hatch: 90 }, // ...with vertical stripes
  { name: 'cpu' }, // computing
  { name: 'held', alpha: 0.9 }, // a lock held: a thin band along the top of the lane, in the lock colour
  { name: 'update', alpha: 0.9 }, // an update of the shared counter (read to write): a thin band along the bottom
];
const LAYER = Object.fromEntries(LAYERS.map((layer, i) => [layer.name, i]));

/** The most sub-rows a lane packs into. */
export function maxRows(sizes) {
  return Math.floor((sizes.rowH * MAX_FULL_ROWS) / MIN_ROW_H);
}

const byStart = (a, b) => a.start - b.start || a.end - b.end;

/**
 * Sorts `spans` into their lanes and packs each lane into sub-rows. `lanes` (`[{id, name, role}]`,
 * from the engine) come first, in id order; a lane a span names that isn't listed is added.
 * Returns `{ lanes, byLane: Map(id -> { rows, counts, count }), lastEnd }`.
 */
export function packSpans(lanes, spans, sizes) {
  const listed = lanes.map(({ id, name, role }) => ({ id, name, role })).sort((a, b) => a.id - b.id);
  const byLane = new Map(listed.map((lane) => [lane.id, []]));
  let lastEnd = 0;
  for (const span of spans) {
    if (!byLane.has(span.lane)) {
      listed.push({ id: span.lane, name: `lane ${span.lane}`, role: 'worker' }); // not one the engine listed
      byLane.set(span.lane, []);
    }
    byLane.get(span.lane).push(span);
    lastEnd = Math.max(lastEnd, span.end);
  }
  listed.sort((a, b) => a.id - b.id);
  const rows = maxRows(sizes);
  return { lanes: listed, byLane: new Map([...byLane].map(([id, list]) => [id, packLane(list, rows)])), lastEnd };
}


/**
 * Greedy interval packing of one lane into at most `limit` rows: computing and lock waits
 * first (so they take the top row), then I/O waits (and waits for named locks) into the first
 * row free for them. With every row taken, a span goes to the row that frees up first and
 * overlaps there. Held locks and counter updates are `marks`, drawn over the lane's rows.
 */
export function packLane(list, limit) {
  const counts = Object.fromEntries(Object.keys(KINDS).map((kind) => [kind, 0]));
  const rowOf = new Map(); // span -> index of its row
  const placed = { solid: [], waits: [], marks: [] };
  for (const span of list) {
    counts[span.kind] = (counts[span.kind] ?? 0) + 1;
    placed[kindOf(span.kind).row].push(span); // shared/kinds.js
  }
  const { solid, waits, marks } = placed;
  marks.sort(byStart);
  solid.sort(byStart);
  waits.sort(byStart);
  const rows = [];
  const newRow = () => rows[rows.push({ solid: [], waits: [], solidEnd: -Infinity, waitEnd: -Infinity }) - 1];
  const earliest = (candidates, end) => candidates.reduce((best, r) => (end(r) < end(best) ? r : best));
  for (const span of solid) {
    const row = rows.find((r) => r.solidEnd <= span.start + EPS)
      ?? (rows.length < limit ? newRow() : earliest(rows, (r) => r.solidEnd));
    row.solid.push(span);
    row.solidEnd = Math.max(row.solidEnd, span.end);
    rowOf.set(span, rows.indexOf(row));
  }
  for (const span of waits) {
    let row = rows.find((r) => r.waitEnd <= span.start + EPS && solidFree(r.solid, span));
    if (!row && rows.length < limit) row = newRow();
    if (!row) { // over-full: overlap other waits rather than computing
      const free = rows.filter((r) => solidFree(r.solid, span));
      row = earliest(free.length ? free : rows, (r) => r.waitEnd);
    }
    row.waits.push(span);
    row.waitEnd = Math.max(row.waitEnd, span.end);
    rowOf.set(span, rows.indexOf(row));
  }
  return { rows, counts, count: list.length, rowOf, marks };
}

/** Whether no span of `sorted` (by start, not overlapping) overlaps `span`. */
function solidFree(sorted, span) {
  const i = firstStartAfter(sorted, span.end - EPS) - 1; // the last one starting before span ends
  return i < 0 || sorted[i].end <= span.start + EPS;
}

/** Index of the first span of `sorted` (by start) whose start is after t. */
function firstStartAfter(sorted, t) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid].start > t) hi = mid; else lo = mid + 1;
  }
  return lo;
}

/** The span of `sorted` nearest to time t, if one is within `slop` ms of it. */
function nearest(sorted, t, slop) {
  let best = null;
  let bestDistance = slop;
  const last = firstStartAfter(sorted, t + slop) - 1;
  for (let i = last; i >= 0 && i > last - 64; i--) { // spans of a row overlap only when over-full
    const span = sorted[i];
    const distance = t < span.start ? span.start - t : Math.max(0, t - span.end);
    if (distance <= bestDistance) { best = span; bestDistance = distance; if (distance === 0) break; }
  }
  return best;
}

/** Tick step: the 1, 2 or 5 x 10^k nearest to `raw` (on a log scale). */
export function niceStep(raw) {
  const power = 10 ** Math.floor(Math.log10(raw));
  const off = (step) => Math.abs(Math.log(step / raw));
  return [1, 2, 5, 10].map((m) => m * power).reduce((best, step) => (off(step) < off(best) ? step : best));
}

/** The smallest live scale (LIVE_STEPS x 10^k ms) of at least `ms`. */
export function liveCeil(ms) {
  const power = 10 ** Math.floor(Math.log10(Math.max(ms, 1)));
  return LIVE_STEPS.map((m) => m * power).find((candidate) => candidate >= ms * (1 - EPS));
}

/**
 * The right end of the axis. A fixed scale wins; a finished run fits its data; a live run
 * grows in LIVE_STEPS so the axis doesn't jitter, never shrinking below `liveScale` (the last
 * live scale, or one sized from the prediction). Returns `{ scale, liveScale }`.
 */
export function scaleFor({ fixedScale = null, state, elapsedMs = 0, wallMs = 0, lastEnd = 0, liveScale = 0 }) {
  if (fixedScale) return { scale: fixedScale, liveScale };
  const end = Math.max(elapsedMs, wallMs, lastEnd);
  if (state !== 'live') return { scale: end > 0 ? end : EMPTY_SCALE_MS, liveScale };
  const grown = Math.max(liveScale, liveCeil(Math.max(end * LIVE_HEADROOM, MIN_LIVE_SCALE_MS)));
  return { scale: grown, liveScale: grown };
}

/** The time ticks over [0, scale] on a plot `plotW` px wide: `{ step, decimals, values }`. */
export function ticks(scale, plotW) {
  const step = niceStep((scale * TICK_SPACING) / plotW);
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  const values = [];
  for (let i = 0; i * step <= scale * (1 + EPS); i++) values.push(i * step);
  return { step, decimals, values };
}

/**
 * Everything a frame paints, for a canvas `width` px wide at device pixel ratio `dpr`:
 * `{ items, bottom, height, plotW, labelW, scale, ticks, bars, queue }`. `items` are the lanes,
 * top to bottom (`{ lane, top, height, rowsTop, rowH, rows }`); `bars` the rectangles of the
 * spans, snapped to device pixels (`{ layer, key, x, y, w, h }`, `key` the group's index,
 * 'lock' or 'neutral'). With `queue` (replay.js's queueSteps: tasks waiting to start over
 * time), a row above the lanes: `{ top, height, max, rects: [{ x, y, w, h }] }`, one rectangle
 * per step, as tall as the count (the row's height is `max`), steps inside one device pixel
 * merged to their largest count.
 */
export function layoutFrame({ packed, width, scale, sizes, dpr = 1, queue = null }) {
  const { labelW, rowH, lanePad } = sizes;
  let y = TOP_PAD;
  const queueRow = queue ? { top: y, height: sizes.queueH + 2 * lanePad, max: queue.max, rects: [] } : null;
  if (queueRow) y += queueRow.height;
  const items = packed.lanes.map((lane) => {
    const rows = packed.byLane.get(lane.id).rows;
    const rowsH = Math.min(Math.max(1, rows.length), MAX_FULL_ROWS) * rowH;
    const item = { lane, top: y, height: rowsH + 2 * lanePad, rowsTop: y + lanePad, rowH: rowsH / Math.max(1, rows.length), rows };
    y += item.height;
    return item;
  });
  const bottom = y;
  const plotW = Math.max(1, width - labelW - RIGHT_PAD);
  const snap = (v) => Math.round(v * dpr) / dpr;
  const toX = (ms) => labelW + (ms / scale) * plotW;
  const bars = [];
  for (const item of items) {
    item.rows.forEach((row, r) => {
      const y0 = snap(item.rowsTop + r * item.rowH);
      const y1 = snap(item.rowsTop + (r + 1) * item.rowH);
      rowBars(row.waits, y0, y1 - y0, toX, snap, bars);
      rowBars(row.solid, y0, y1 - y0, toX, snap, bars);
    });
    const marks = packed.byLane.get(item.lane.id).marks ?? [];
    if (marks.length) markBars(marks, item, toX, snap, bars);
  }
  if (queueRow) queueRow.rects = queueRects(queue, queueRow.top + lanePad, sizes.queueH, toX, snap, labelW + plotW);
  return { items, bottom, height: bottom + AXIS_H, plotW, labelW, scale, dpr, ticks: ticks(scale, plotW), bars, toX, snap, queue: queueRow };
}

// The queue's steps as bottom-aligned rectangles, `h` px for the largest count. A step narrower
// than a pixel that falls on the previous rectangle widens it and keeps the larger count.
function queueRects({ points, max }, top, h, toX, snap, right) {
  const rects = [];
  for (let i = 0; i < points.length; i++) {
    const [t, count] = points[i];
    if (count === 0) continue;
    const x0 = snap(toX(t));
    const x1 = Math.min(right, snap(toX(i + 1 < points.length ? points[i + 1][0] : t)));
    const height = snap(Math.max(1, (count / max) * h));
    const last = rects[rects.length - 1];
    if (last && last.x + last.w > x0) {
      last.w = Math.max(last.w, x1 - last.x);
      if (height > last.h) { last.h = height; last.y = top + h - height; }
      continue;
    }
    rects.push({ x: x0, y: top + h - height, w: Math.max(1, x1 - x0), h: height });
  }
  return rects;
}

// One row's spans, sorted by start. A span under a pixel joins the run of its group and kind
// when it touches it, and is skipped when its pixel column is already painted.
function rowBars(list, y, h, toX, snap, out) {
  let run = null;
  let painted = -Infinity; // px, right edge of what is drawn
  for (const span of list) {
    const x0 = toX(span.start);
    const x1 = toX(span.end);
    const key = `${colorKey(span)}:${span.kind}`;
    if (x1 - x0 < 1) {
      if (run && run.key === key && x0 <= run.x1 + 1) { run.x1 = Math.max(run.x1, x1); continue; }
      if (x1 <= Math.ceil(run ? run.x1 : painted)) continue;
    }
    if (run) painted = barRects(run, y, h, snap, out);
    run = { key, span, x0, x1 };
  }
  if (run) barRects(run, y, h, snap, out);
}

/** The colour key of a span: its group's, or its kind's own ('lock', 'neutral': shared/kinds.js). */
const colorKey = (span) => {
  const { colour } = kindOf(span.kind);
  return colour === 'group' ? span.group : colour;
};

const MARK_H = 2; // px, a held lock's band and an update's

// Held locks along the top edge of the lane's rows, updates along the bottom, each at least a
// pixel wide; marks inside one pixel column already painted are skipped.
function markBars(marks, item, toX, snap, out) {
  const top = snap(item.rowsTop);
  const bottom = snap(item.rowsTop + item.rows.length * item.rowH);
  const painted = { held: new Map(), mark: new Map() }; // per band: colour key -> right edge painted, px
  for (const span of marks) {
    const x = snap(toX(span.start));
    const w = Math.max(1, snap(toX(span.end)) - x);
    const key = colorKey(span);
    const held = kindOf(span.kind).draw === 'held';
    const edges = painted[held ? 'held' : 'mark'];
    if ((edges.get(key) ?? -Infinity) >= x + w) continue;
    edges.set(key, x + w);
    out.push({ layer: LAYER[held ? 'held' : 'update'], key, x, y: held ? top : bottom - MARK_H, w, h: MARK_H });
  }
}

/** The rectangles of one bar (a span, or a run of tiny ones), by kind. Returns its right end. */
function barRects({ span, x0, x1 }, y, h, snap, out) {
  const left = snap(x0);
  const width = Math.max(1, snap(x1) - left);
  const key = colorKey(span);
  const add = (layer, x, top, w, height) => out.push({ layer: LAYER[layer], key, x, y: top, w, h: height });
  const inset = h >= 6 ? 1 : 0; // px, gap between rows
  const line = width >= 3 && h >= 6; // room for an outline
  const { draw } = kindOf(span.kind);
  if (draw === 'wait') { // thinner, translucent, hatched: not computing
    const barH = h >= 8 ? Math.round(h * 0.6) : h;
    const top = y + Math.round((h - barH) / 2);
    add(barH >= 4 ? 'wait' : 'waitThin', left, top, width, barH);
    if (width >= 3 && barH >= 4) add('waitHatch', left, top, width, barH);
    if (line && barH >= 6) add('waitLine', left + 0.5, top + 0.5, width - 1, barH - 1);
  } else if (draw === 'lockWait') { // red stripes
    add('lock', left, y + inset, width, h - 2 * inset);
    add('lockHatch', left, y + inset, width, h - 2 * inset);
    if (line) add('lockLine', left + 0.5, y + inset + 0.5, width - 1, h - 2 * inset - 1);
  } else if (draw === 'startup') { // grey stripes: not the task's work
    add('startup', left, y + inset, width, h - 2 * inset);
    add('startupHatch', left, y + inset, width, h - 2 * inset);
  } else if (draw === 'transfer') { // the task's colour, light and striped: copying
    add('transfer', left, y + inset, width, h - 2 * inset);
    if (width >= 3) add('transferHatch', left, y + inset, width, h - 2 * inset);
  } else { // computing: solid, a 1 px gap between back-to-back tasks
    add('cpu', left, y + inset, width >= 4 ? width - 1 : width, h - 2 * inset);
  }
  return x1;
}

/** The span under the point (x, y) of a laid-out frame, or null. */
export function hitTest(frame, x, y) {
  const item = frame.items.find((it) => y >= it.top && y < it.top + it.height);
  if (x < frame.labelW || !item || item.rows.length === 0) return null;
  const row = item.rows[Math.min(item.rows.length - 1, Math.max(0, Math.floor((y - item.rowsTop) / item.rowH)))];
  const t = ((x - frame.labelW) / frame.plotW) * frame.scale; // ms
  const slop = (HIT_SLOP / frame.plotW) * frame.scale; // ms
  return nearest(row.solid, t, slop) ?? nearest(row.waits, t, slop);
}

/** Where a span of `packed` is painted in `frame`: `{ x, y, w, h }` (px), or null. */
export function spanRect(frame, packed, span) {
  const item = frame.items.find((it) => it.lane.id === span.lane);
  const r = packed.byLane.get(span.lane)?.rowOf.get(span);
  if (!item || r === undefined) return null;
  const y0 = frame.snap(item.rowsTop + r * item.rowH);
  const y1 = frame.snap(item.rowsTop + (r + 1) * item.rowH);
  const x0 = frame.snap(frame.toX(span.start));
  return { x: x0, y: y0, w: Math.max(1, frame.snap(frame.toX(span.end)) - x0), h: Math.max(1, y1 - y0) };
}

/** The time (ms, within the axis) at x px. */
export function timeAt(frame, x) {
  return Math.min(frame.scale, Math.max(0, ((x - frame.labelW) / frame.plotW) * frame.scale));
}

/** The lane at y px, or null (above or below the lanes). */
export function laneAt(frame, y) {
  return frame.items.find((it) => y >= it.top && y < it.top + it.height)?.lane ?? null;
}

/** What a packed timeline holds, per lane, for tests and the page's automation. */
export function summary(packed) {
  return packed.lanes.map(({ id, name }) => {
    const { count, counts, rows } = packed.byLane.get(id);
    return {
      id, name, spans: count, cpuSpans: counts.cpu, ioSpans: counts.io, lockWaitSpans: counts.lockWait,
      transferSpans: counts.transfer, startupSpans: counts.startup, updateSpans: counts.update,
      lockHeldSpans: counts.lockHeld, namedLockWaitSpans: counts.namedLockWait, rows: rows.length,
    };
  });
}
