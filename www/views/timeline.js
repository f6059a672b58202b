// The timeline: what each thread did during a run, one lane per thread, drawn on a canvas.
//
//   const tl = createTimeline(container, { compact: false, title: 'parallel' });
//   tl.setLanes(lanes, { expectedMs });          // a run is starting: empty lanes
//   tl.update(spans, { elapsedMs, groupNames }); // live, once a frame
//   tl.show(result);                             // the finished run
//   tl.setScale(ms);                             // one time axis for stacked timelines; null: fit
//   tl.setCursor(ms);                            // the replay's cursor (null: none)
//   tl.model();                                  // what is drawn, for tests
//
// A finished run whose tasks waited to start gets a queue row above its lanes: how many tasks
// had arrived and not started, over time. The replay's cursor, the hovered task's outline and
// the selected lane are drawn on a second canvas over the first, so moving the cursor repaints
// that one only (a line, a veil over what is still to come, a few outlines), whatever the
// number of spans.
//
// The geometry (packing spans into sub-rows, the scale, ticks, bars, hit-testing) is
// timeline-layout.js, pure and tested in node; this module paints it and handles the pointer,
// the theme and what assistive technology reads. Bars are filled in one path per colour and
// layer, so a frame stays cheap at 20,000 spans.

import {
  AXIS_H, EMPTY_SCALE_MS, LAYERS, LIVE_HEADROOM, RIGHT_PAD, SIZES, TOP_PAD,
  hitTest, laneAt, layoutFrame, liveCeil, packSpans, scaleFor, spanRect, summary, timeAt,
} from './timeline-layout.js';
import { queueSteps, taskTimesOf } from '../shared/replay-model.js';
import { KIND_WORDS } from '../shared/words.js';

const HATCH = 6; // px, period of the hatching
const TIP_GAP = 12; // px between pointer and tooltip
const VEIL_ALPHA = 0.78; // how much of what is after the cursor the veil hides
const CURSOR_GRAB = 6; // px either side of the cursor where the pointer grabs it
const CURSOR_LABEL_GAP = 4; // px kept clear of tick labels either side of the cursor's time label

// Twelve mid-tone colours readable on white and on near-black; no red (red means the lock).
const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948',
  '#ff9da7', '#9c755f', '#86bcf0', '#b6992d', '#8f7fd6', '#d37295'];
const NEUTRAL = '#868e96'; // legend swatches of the kinds
// Zero-specificity defaults (:where) so the page's CSS wins.
const STYLE = `
:where(.tl-plot){position:relative}
:where(.tl-canvas){display:block;width:100%;touch-action:pan-y}
:where(.tl-overlay){position:absolute;top:0;left:0;width:100%;pointer-events:none}
:where(.tl-canvas:focus-visible){outline:2px solid #4dabf7;outline-offset:2px}
:where(.tl-title){font-weight:600;font-size:13px;margin:0 0 4px}
:where(.tl-legend){display:flex;flex-wrap:wrap;gap:4px 14px;margin-top:6px;font-size:12px;line-height:1.4}
:where(.tl-legend-groups){display:inline-flex;flex-wrap:wrap;gap:4px 14px}
:where(.tl-legend-groups:not(:empty)){padding-right:14px;border-right:1px solid rgba(128,128,128,.4)}
:where(.tl-key){display:inline-flex;align-items:center;gap:5px;white-space:nowrap}
:where(.tl-swatch){display:inline-block;width:16px;height:10px;border-radius:2px;box-sizing:border-box}
:where(.tl-tooltip){position:absolute;top:0;left:0;z-index:10;pointer-events:none;padding:6px 8px;
  border-radius:6px;border:1px solid rgba(128,128,128,.35);font-size:12px;line-height:1.45;
  white-space:nowrap;box-shadow:0 4px 14px rgba(0,0,0,.2)}`;

/**
 * `onSeek(ms)`: the reader put the cursor at ms (a click or a drag on the plot, when the cursor
 * is shown); `onLane(id)`: the reader picked a lane (a click on its name); `onHoverTask(task)`:
 * the pointer is over a span of this task (null: over none).
 */
export function createTimeline(container, { compact = false, title = '', onSeek = null, onLane = null, onHoverTask = null } = {}) {
  const sizes = compact ? SIZES.compact : SIZES.full;
  const { labelW } = sizes; // px

  // --- DOM, created once -----------------------------------------------------------------
  if (!document.getElementById('tl-style')) {
    document.head.append(Object.assign(document.createElement('style'), { id: 'tl-style', textContent: STYLE }));
  }
  const made = [];
  const make = (tag, className, parent) => {
    const node = Object.assign(document.createElement(tag), { className });
    if (parent) parent.append(node); else made.push(node);
    return node;
  };
  if (title) make('div', 'tl-title').textContent = title;
  const plot = make('div', 'tl-plot');
  const canvas = make('canvas', 'tl-canvas', plot);
  canvas.tabIndex = 0;
  canvas.setAttribute('role', 'img');
  const overlay = make('canvas', 'tl-overlay', plot);
  overlay.setAttribute('aria-hidden', 'true');
  const tip = make('div', 'tl-tooltip', plot);
  tip.hidden = true;
  tip.setAttribute('aria-hidden', 'true'); // the page's text summary says the same
  const tipHead = make('div', '', tip);
  const tipSwatch = make('span', 'tl-swatch', tipHead);
  tipSwatch.style.marginRight = '6px';
  const tipGroup = make('b', '', tipHead);
  const tipLines = [0, 1, 2].map(() => make('div', '', tip));
  let legendGroups = null;
  let lockSwatch = null;
  if (!compact) {
    const legend = make('div', 'tl-legend');
    legendGroups = make('span', 'tl-legend-groups', legend);
    const key = (text, background) => {
      const item = make('span', 'tl-key', legend);
      const swatch = make('i', 'tl-swatch', item);
      swatch.style.background = background;
      item.append(text);
      return swatch;
    };
    key(KIND_WORDS.cpu, NEUTRAL);
    key(KIND_WORDS.io, `repeating-linear-gradient(135deg, ${NEUTRAL} 0 1.5px, transparent 1.5px 4px)`)
      .style.border = `1px solid ${NEUTRAL}`;
    lockSwatch = key(KIND_WORDS.lockWait, '');
    key(KIND_WORDS.transfer, `repeating-linear-gradient(90deg, ${NEUTRAL} 0 1.5px, transparent 1.5px 3.5px)`)
      .style.border = `1px solid ${NEUTRAL}`;
    key(KIND_WORDS.startup, `repeating-linear-gradient(45deg, ${NEUTRAL} 0 2px, transparent 2px 5px)`);
  }
  container.append(...made);
  const ctx = canvas.getContext('2d');

  // --- state -------------------------------------------------------------------------------
  let lanes = [];
  let spans = [];
  let groupNames = [];
  let state = 'idle'; // idle | live | done
  let elapsedMs = 0; // ms
  let wallMs = 0; // ms
  let fixedScale = null; // ms
  let liveScale = 0; // ms
  let scale = EMPTY_SCALE_MS; // ms, the right end of the axis
  let packed = null; // packSpans() of the current spans, with the list it was made from
  let frame = null; // layoutFrame() of the last draw
  let size = { w: 0, h: 0, dpr: 0 }; // px
  let theme = null;
  let patterns = new Map();
  let pointer = null; // px over the canvas
  let legendKey = null;
  let alive = true; // until destroy()
  let queue = null; // queueSteps() of the finished run: tasks waiting to start
  let cursor = null; // ms, the replay's cursor (null: not shown)
  let highlight = null; // task whose spans are outlined
  let selectedLane = null; // lane id marked as the one the code follows
  let dragging = false; // the cursor follows the pointer
  let cursorLabel = null; // { left, right, hidden: [tick values] } of the cursor's time label, px
  const octx = overlay.getContext('2d');

  function pack() {
    if (packed && packed.source === spans && packed.count === spans.length) return;
    packed = { ...packSpans(lanes, spans, sizes), source: spans, count: spans.length };
  }

  // --- drawing -----------------------------------------------------------------------------
  function draw() {
    pack();
    theme ??= readTheme();
    ({ scale, liveScale } = scaleFor({ fixedScale, state, elapsedMs, wallMs, lastEnd: packed.lastEnd, liveScale }));
    const w = plot.clientWidth;
    const dpr = window.devicePixelRatio || 1;
    frame = layoutFrame({ packed, width: w, scale, sizes, dpr, queue: state === 'done' ? queue : null });
    const { items, bottom, height: h, plotW, toX, snap } = frame;
    publish();
    if (w === 0) return; // hidden: the ResizeObserver draws once it has a size
    if (w !== size.w || h !== size.h || dpr !== size.dpr) {
      if (dpr !== size.dpr) patterns = new Map();
      size = { w, h, dpr };
      for (const c of [canvas, overlay]) {
        c.width = Math.round(w * dpr);
        c.height = Math.round(h * dpr);
        c.style.height = `${h}px`;
      }
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    if (theme.bg) fill(theme.bg, 1, 0, 0, w, h);

    // Lanes: alternate bands, separators, labels.
    items.forEach((item, i) => {
      if (i % 2 === 1) fill(theme.fg, 0.035, 0, item.top, w, item.height);
      fill(theme.grid, theme.gridAlpha, 0, snap(item.top + item.height) - 0.5, w, 1);
      drawLabel(item);
    });
    if (frame.queue) drawQueue(frame.queue);
    fill(theme.grid, theme.gridAlpha, labelW - 0.5, TOP_PAD, 1, bottom - TOP_PAD);

    // Time grid and axis.
    ctx.font = `${sizes.axisFontPx}px ${theme.font}`;
    ctx.textBaseline = 'top';
    ctx.textAlign = 'left';
    for (const tick of tickLabels(ctx)) {
      fill(theme.grid, theme.gridAlpha, tick.x - 0.5, TOP_PAD, 1, bottom - TOP_PAD + 4);
      fillText(tick.text, theme.muted, tick.left, bottom + 6);
    }
    ctx.textAlign = 'right';
    fillText('ms', theme.muted, labelW - 8, bottom + 6);

    // Spans.
    ctx.save();
    ctx.beginPath();
    ctx.rect(labelW, TOP_PAD, plotW + RIGHT_PAD, bottom - TOP_PAD);
    ctx.clip();
    paintBars(frame.bars);
    ctx.restore();

    // Markers: "now" while live; on a shared scale, a dashed line where this run ended.
    if (state === 'live' && elapsedMs > 0 && elapsedMs <= scale) {
      fill(theme.now, 1, snap(toX(elapsedMs)) - 1, TOP_PAD, 2, bottom - TOP_PAD + 4);
    } else if (state === 'done' && fixedScale && wallMs > 0 && wallMs < scale * 0.995) {
      const x = snap(toX(wallMs)) + 0.5;
      ctx.setLineDash([3, 3]);
      ctx.globalAlpha = 0.55;
      ctx.strokeStyle = theme.fg;
      ctx.beginPath(); ctx.moveTo(x, TOP_PAD); ctx.lineTo(x, bottom + 4); ctx.stroke();
      ctx.setLineDash([]);
      ctx.globalAlpha = 1;
    }
    if (spans.length === 0 && state !== 'live') {
      ctx.font = `${sizes.fontPx}px ${theme.font}`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      const text = state === 'idle' ? 'Press Run to see what each thread does' : 'No spans were recorded';
      fillText(text, theme.muted, labelW + plotW / 2, (TOP_PAD + bottom) / 2, plotW - 16);
    }
    if (pointer) hover(pointer.x, pointer.y);
    drawOverlay();
  }

  /** The queue row: its label, and a bar per step as tall as the tasks waiting then. */
  function drawQueue({ top, height, max, rects }) {
    fill(theme.grid, theme.gridAlpha, 0, snapPx(top + height) - 0.5, size.w, 1);
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    const two = !compact && height >= 26; // room for the largest count under the name
    ctx.font = `${sizes.fontPx}px ${theme.font}`;
    fillText('queue', theme.muted, 8, top + height / 2 - (two ? 6 : 0), labelW - 14);
    if (two) {
      ctx.font = `10px ${theme.font}`;
      fillText(`up to ${max}`, theme.muted, 8, top + height / 2 + 7, labelW - 14);
    }
    ctx.beginPath();
    for (const r of rects) ctx.rect(r.x, r.y, r.w, r.h);
    ctx.globalAlpha = 0.55;
    ctx.fillStyle = theme.queue;
    ctx.fill();
    ctx.globalAlpha = 1;
  }

  const snapPx = (v) => Math.round(v * (size.dpr || 1)) / (size.dpr || 1);

  /**
   * The second canvas: the selected lane's mark, the hovered task's spans outlined on every
   * lane, and the replay's cursor with a veil over what came after it. Cheap: called on every
   * cursor move.
   */
  function drawOverlay() {
    if (!frame || size.w === 0) return;
    cursorLabel = null;
    const { dpr } = size;
    octx.setTransform(dpr, 0, 0, dpr, 0, 0);
    octx.clearRect(0, 0, size.w, size.h);
    const { items, bottom, toX, snap, plotW } = frame;
    const top = frame.queue ? frame.queue.top : TOP_PAD;
    if (selectedLane !== null && state === 'done') {
      const item = items.find((it) => it.lane.id === selectedLane);
      if (item) {
        octx.fillStyle = theme.now;
        octx.fillRect(0, item.top + 2, 3, item.height - 4);
      }
    }
    if (cursor !== null && state === 'done') {
      const x = snap(toX(Math.min(cursor, scale)));
      const right = labelW + plotW + RIGHT_PAD;
      if (x < right) { // what is still to come, veiled: spans appear as the cursor passes them
        octx.globalAlpha = VEIL_ALPHA;
        octx.fillStyle = theme.veil;
        octx.fillRect(x, top, right - x, bottom - top);
        octx.globalAlpha = 1;
      }
    }
    if (highlight !== null && packed) {
      octx.strokeStyle = theme.fg;
      octx.lineWidth = 1.5;
      octx.beginPath();
      for (const { lane } of items) {
        for (const row of packed.byLane.get(lane.id).rows) {
          for (const span of [...row.solid, ...row.waits]) {
            if (span.task !== highlight || span.kind === 'startup') continue;
            const r = spanRect(frame, packed, span);
            if (r) octx.rect(r.x - 0.75, r.y - 0.75, r.w + 1.5, r.h + 1.5);
          }
        }
      }
      octx.stroke();
    }
    if (cursor !== null && state === 'done') {
      const x = snap(toX(Math.min(cursor, scale)));
      octx.fillStyle = theme.now;
      octx.fillRect(x - 1, top - 2, 2, bottom - top + 6);
      octx.beginPath(); // a handle to grab
      octx.moveTo(x - 5, top - 4);
      octx.lineTo(x + 5, top - 4);
      octx.lineTo(x, top + 2);
      octx.fill();
      const text = `${cursor.toFixed(cursor < 100 ? 1 : 0)} ms`;
      octx.font = `600 ${sizes.axisFontPx}px ${theme.font}`;
      const w = octx.measureText(text).width + 8;
      const left = Math.min(size.w - w, Math.max(labelW, x - w / 2));
      const hidden = hideTicksUnder(left - CURSOR_LABEL_GAP, left + w + CURSOR_LABEL_GAP);
      cursorLabel = { left, right: left + w, hidden: hidden.map((t) => t.value) };
      octx.fillStyle = theme.now;
      octx.fillRect(left, bottom + 3, w, sizes.axisFontPx + 5);
      octx.fillStyle = theme.nowText;
      octx.textAlign = 'left';
      octx.textBaseline = 'top';
      octx.fillText(text, left + 4, bottom + 5);
    }
  }

  /**
   * The axis's tick labels as drawn: `[{ value, text, x, left, right }]` (px), centred under
   * their tick, or ending at the right edge where they would run off it. `c`: a context whose
   * font is the axis's.
   */
  function tickLabels(c) {
    const { toX, snap, ticks } = frame;
    return ticks.values.map((value) => {
      const text = value.toFixed(ticks.decimals);
      const x = snap(toX(value));
      const width = c.measureText(text).width;
      const right = x + width / 2 > size.w ? size.w - 1 : x + width / 2;
      return { value, text, x, left: right - width, right };
    });
  }

  /**
   * Paints the plot's background over every axis tick label that reaches into [from, to] (px),
   * so the cursor's time label never reads into one ("542 ms0"). Returns what it hid.
   */
  function hideTicksUnder(from, to) {
    octx.font = `${sizes.axisFontPx}px ${theme.font}`;
    octx.fillStyle = theme.veil;
    const hidden = tickLabels(octx).filter((t) => t.right + 1 >= from && t.left - 1 <= to);
    for (const t of hidden) octx.fillRect(t.left - 1, frame.bottom + 4, t.right - t.left + 2, sizes.axisFontPx + 4);
    octx.font = `600 ${sizes.axisFontPx}px ${theme.font}`;
    return hidden;
  }

  function drawLabel({ lane, top, height }) {
    const mid = top + height / 2;
    const sub = lane.id === 0 && !compact && height >= 24; // room for "event loop" under "main"
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    ctx.font = `${lane.id === 0 ? 600 : 400} ${sizes.fontPx}px ${theme.font}`;
    fillText(lane.name, theme.fg, 8, sub ? mid - 6 : mid, labelW - 14);
    if (sub) {
      ctx.font = `10px ${theme.font}`;
      fillText('event loop', theme.muted, 8, mid + 7, labelW - 14);
    }
  }

  /** Fills (or outlines) each layer's bars, one path per colour. */
  function paintBars(bars) {
    const byLayer = LAYERS.map(() => new Map()); // per layer: colour -> [x, y, w, h, ...]
    for (const { layer, key, x, y, w, h } of bars) {
      const color = key === 'lock' ? theme.lock : key === 'neutral' ? NEUTRAL : PALETTE[key % PALETTE.length];
      const rects = byLayer[layer].get(color);
      if (rects) rects.push(x, y, w, h); else byLayer[layer].set(color, [x, y, w, h]);
    }
    LAYERS.forEach((layer, i) => {
      for (const [color, r] of byLayer[i]) {
        ctx.beginPath();
        for (let j = 0; j < r.length; j += 4) ctx.rect(r[j], r[j + 1], r[j + 2], r[j + 3]);
        ctx.globalAlpha = layer.alpha === 'wait' ? theme.waitAlpha : layer.alpha ?? 1;
        if (layer.line) {
          ctx.strokeStyle = color;
          ctx.lineWidth = 1;
          ctx.stroke();
        } else {
          ctx.fillStyle = layer.hatch ? pattern(color, layer.hatch) : color;
          ctx.fill();
        }
      }
    });
    ctx.globalAlpha = 1;
  }

  function fill(style, alpha, x, y, w, h) {
    ctx.globalAlpha = alpha;
    ctx.fillStyle = style;
    ctx.fillRect(x, y, w, h);
    ctx.globalAlpha = 1;
  }

  function fillText(text, style, x, y, maxWidth) {
    ctx.fillStyle = style;
    ctx.fillText(text, x, y, maxWidth);
  }

  /** Lines in `color` at `angle` (45, 90 or 135 degrees), HATCH px apart in CSS pixels at any pixel ratio. */
  function pattern(color, angle) {
    const key = `${color} ${angle}`;
    if (!patterns.has(key)) {
      const dpr = size.dpr || 1;
      const tile = Object.assign(document.createElement('canvas'), { width: Math.round(HATCH * dpr), height: Math.round(HATCH * dpr) });
      const t = tile.getContext('2d');
      t.scale(tile.width / HATCH, tile.height / HATCH);
      t.strokeStyle = color;
      t.lineWidth = angle === 45 ? 2 : 1.2; // px: lock stripes are bolder
      t.beginPath();
      if (angle === 90) {
        t.moveTo(HATCH / 2, 0);
        t.lineTo(HATCH / 2, HATCH);
      } else {
        for (const d of [-HATCH, 0, HATCH]) { // three lines so the tile wraps seamlessly
          t.moveTo(d, angle === 45 ? 0 : HATCH);
          t.lineTo(d + HATCH, angle === 45 ? HATCH : 0);
        }
      }
      t.stroke();
      const p = ctx.createPattern(tile, 'repeat');
      p.setTransform(new DOMMatrix().scale(HATCH / tile.width, HATCH / tile.height));
      patterns.set(key, p);
    }
    return patterns.get(key);
  }

  // --- hover -------------------------------------------------------------------------------
  function hover(x, y) {
    const span = frame && hitTest(frame, x, y);
    tip.hidden = !span;
    const task = span && span.kind !== 'startup' ? span.task : null;
    if (task !== highlight) {
      highlight = task;
      drawOverlay();
      onHoverTask?.(task);
    }
    if (!span) return;
    tipSwatch.style.background = { lockWait: theme.lock, namedLockWait: theme.lock, startup: NEUTRAL }[span.kind] ?? PALETTE[span.group % PALETTE.length];
    tipGroup.textContent = span.kind === 'startup' ? 'a new process'
      : `${span.groupName ?? groupNames[span.group] ?? `group ${span.group}`} · task ${span.task + 1}`;
    tipLines[0].textContent = `${KIND_WORDS[span.kind] ?? span.kind} · step ${span.step + 1}`;
    tipLines[1].textContent = `${span.start.toFixed(1)}–${span.end.toFixed(1)} ms (${(span.end - span.start).toFixed(1)} ms)`;
    const lane = packed.lanes.find((l) => l.id === span.lane);
    tipLines[2].textContent = lane?.id === 0 ? `${lane.name} (event loop)` : lane?.name ?? '';
    const left = x + TIP_GAP + tip.offsetWidth > size.w ? x - TIP_GAP - tip.offsetWidth : x + TIP_GAP;
    const top = y + TIP_GAP + tip.offsetHeight > size.h ? y - TIP_GAP - tip.offsetHeight : y + TIP_GAP;
    const maxLeft = Math.max(0, size.w - tip.offsetWidth);
    tip.style.transform = `translate(${Math.min(maxLeft, Math.max(0, left))}px, ${Math.max(0, top)}px)`;
  }

  // --- outputs for tests, assistive technology and the page's CSS ----------------------------
  function model() {
    pack();
    return { lanes: summary(packed), scaleMs: scale, spanCount: spans.length, state, cursorMs: cursor, highlightedTask: highlight,
      selectedLane,
      // Where things are (CSS px in the canvas), for tests that point at them.
      geometry: frame && { labelW, plotW: frame.plotW, bottom: frame.bottom,
        lanes: frame.items.map((it) => ({ id: it.lane.id, name: it.lane.name, top: it.top, height: it.height })),
        ticks: size.w ? (ctx.font = `${sizes.axisFontPx}px ${theme?.font ?? 'sans-serif'}`, tickLabels(ctx)) : [], cursorLabel },
      queue: state === 'done' && queue ? { max: queue.max, steps: queue.points.length } : null };
  }

  function publish() {
    const names = packed.lanes.map((lane) => lane.name);
    Object.assign(container.dataset, { lanes: names.join(','), spanCount: String(spans.length),
      scaleMs: String(Math.round(scale * 10) / 10), state, queueMax: state === 'done' && queue ? String(queue.max) : '' });
    const over = spans.length ? ` over ${Math.round(Math.max(wallMs, elapsedMs, packed.lastEnd))} ms` : '';
    const queued = state === 'done' && queue ? `; up to ${queue.max} tasks waited to start at once` : '';
    canvas.setAttribute('aria-label', `Timeline${title ? ` (${title})` : ''}: ${names.length} ` +
      `${names.length === 1 ? 'lane' : 'lanes'} (${names.join(', ')}), ${spans.length} spans${over}${queued}`);
    const key = groupNames.join('\n');
    if (legendGroups && key !== legendKey) {
      legendKey = key;
      legendGroups.replaceChildren(...groupNames.map((name, i) => {
        const item = Object.assign(document.createElement('span'), { className: 'tl-key' });
        const swatch = Object.assign(document.createElement('i'), { className: 'tl-swatch' });
        swatch.style.background = PALETTE[i % PALETTE.length];
        item.append(swatch, name ?? `group ${i}`);
        return item;
      }));
    }
  }

  /** Colours: --tl-* custom properties on the container, else from its text colour. */
  function readTheme() {
    const css = getComputedStyle(container);
    const prop = (name) => css.getPropertyValue(name).trim();
    const fg = prop('--tl-fg') || css.color || '#1f2328';
    const dark = luminance(fg) > 0.5; // light text: a dark page
    const lock = prop('--tl-lock') || (dark ? '#ff6b6b' : '#e03131');
    tip.style.color = fg;
    tip.style.background = prop('--tl-tooltip-bg') || (dark ? '#202327' : '#ffffff');
    if (lockSwatch) {
      lockSwatch.style.background = `repeating-linear-gradient(45deg, ${lock} 0 2px, transparent 2px 5px)`;
      lockSwatch.style.border = `1px solid ${lock}`;
    }
    return {
      font: css.fontFamily || 'system-ui, sans-serif',
      fg,
      bg: prop('--tl-bg'), // none: transparent, the page shows through
      muted: prop('--tl-muted') || withAlpha(fg, 0.62),
      grid: prop('--tl-grid') || fg,
      gridAlpha: prop('--tl-grid') ? 1 : 0.12,
      waitAlpha: dark ? 0.3 : 0.2, // tint under the hatching
      lock,
      now: prop('--tl-now') || (dark ? '#4dabf7' : '#1971c2'),
      nowText: dark ? '#0b1620' : '#ffffff', // on the cursor's time label
      queue: prop('--tl-queue') || fg,
      veil: prop('--tl-bg') || css.backgroundColor.replace(/^rgba\(0, 0, 0, 0\)$/, '') || (dark ? '#1c1f26' : '#ffffff'),
    };
  }

  // --- listeners -----------------------------------------------------------------------------
  const seeking = () => cursor !== null && state === 'done' && onSeek;
  const onMove = (event) => {
    pointer = { x: event.offsetX, y: event.offsetY };
    hover(pointer.x, pointer.y); // the tooltip follows the pointer, dragging or not
    if (dragging) {
      onSeek(timeAt(frame, pointer.x));
      return;
    }
    const near = seeking() && Math.abs(pointer.x - frame.toX(Math.min(cursor, scale))) <= CURSOR_GRAB;
    canvas.style.cursor = near ? 'ew-resize' : seeking() && pointer.x >= labelW ? 'crosshair' : '';
  };
  const onDown = (event) => {
    onMove(event); // a tap shows the tooltip on touch screens
    if (!frame || event.button > 0) return;
    if (event.offsetX < labelW) {
      const lane = laneAt(frame, event.offsetY);
      if (lane && state === 'done') onLane?.(lane.id);
    } else if (seeking() && event.offsetY < frame.bottom + AXIS_H) {
      dragging = true;
      canvas.setPointerCapture?.(event.pointerId);
      onSeek(timeAt(frame, event.offsetX));
    }
  };
  const onUp = () => { dragging = false; };
  const onLeave = () => {
    pointer = null;
    tip.hidden = true;
    if (highlight !== null) {
      highlight = null;
      drawOverlay();
      onHoverTask?.(null);
    }
  };
  const restyle = () => { theme = null; patterns = new Map(); }; // read the colours again
  const onScheme = () => requestAnimationFrame(() => { if (alive) { restyle(); draw(); } });
  const scheme = window.matchMedia?.('(prefers-color-scheme: dark)');
  const resizer = new ResizeObserver(() => { if (plot.clientWidth !== size.w) draw(); });
  canvas.addEventListener('pointermove', onMove);
  canvas.addEventListener('pointerdown', onDown);
  canvas.addEventListener('pointerup', onUp);
  canvas.addEventListener('pointercancel', onUp);
  canvas.addEventListener('pointerleave', onLeave);
  scheme?.addEventListener('change', onScheme);
  resizer.observe(plot);
  draw();

  const takeLanes = (list) => list.map(({ id, name }) => ({ id, name })).sort((a, b) => a.id - b.id);
  return {
    /** `expectedMs` (e.g. the predicted time) starts the live scale near its final size. */
    setLanes(next, { expectedMs = 0 } = {}) {
      lanes = takeLanes(next);
      spans = [];
      packed = null;
      state = 'live';
      elapsedMs = wallMs = 0;
      liveScale = expectedMs > 0 ? liveCeil(expectedMs * LIVE_HEADROOM) : 0;
      queue = null;
      cursor = highlight = selectedLane = null;
      restyle(); // the page may have switched themes since
      draw();
    },
    update(next, { elapsedMs: elapsed = 0, groupNames: names } = {}) {
      if (state !== 'live') { state = 'live'; wallMs = liveScale = 0; }
      spans = next;
      elapsedMs = elapsed;
      if (names) groupNames = names;
      draw();
    },
    /** `steps` (per group, optional): lets a cancelled run's tasks count as finished only when they were. */
    show(result, { steps = null } = {}) {
      lanes = takeLanes(result.lanes ?? lanes);
      spans = result.spans ?? [];
      packed = null;
      groupNames = result.groupNames ?? groupNames;
      wallMs = result.wallMs ?? 0;
      elapsedMs = 0;
      state = 'done';
      queue = queueSteps(taskTimesOf(result, { steps }), wallMs);
      restyle();
      draw();
    },
    /** The replay's cursor at `ms` (null: none). Repaints the overlay only. */
    setCursor(ms) {
      cursor = ms === null || ms === undefined ? null : Math.max(0, ms);
      drawOverlay();
    },
    /** Marks lane `id` as the one the code follows (null: none). */
    setSelectedLane(id) {
      if (id === selectedLane) return;
      selectedLane = id;
      drawOverlay();
    },
    /** Outlines every span of `task` (null: none), as hovering one of them does. */
    highlightTask(task) {
      if (task === highlight) return;
      highlight = task;
      drawOverlay();
    },
    setScale(ms) {
      fixedScale = ms > 0 ? ms : null;
      draw();
    },
    model,
    destroy() {
      alive = false;
      resizer.disconnect();
      scheme?.removeEventListener('change', onScheme);
      canvas.removeEventListener('pointermove', onMove);
      canvas.removeEventListener('pointerdown', onDown);
      canvas.removeEventListener('pointerup', onUp);
      canvas.removeEventListener('pointercancel', onUp);
      canvas.removeEventListener('pointerleave', onLeave);
      for (const node of made) node.remove();
    },
  };
}

// --- helpers without state -------------------------------------------------------------------

/** [r, g, b] of any CSS colour a canvas understands, or null. */
function rgb(color) {
  const probe = (rgb.ctx ??= document.createElement('canvas').getContext('2d'));
  probe.fillStyle = '#000';
  probe.fillStyle = color;
  const value = probe.fillStyle; // "#rrggbb" or "rgba(r, g, b, a)"
  if (value.startsWith('#')) return [1, 3, 5].map((i) => parseInt(value.slice(i, i + 2), 16));
  const m = /rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/.exec(value);
  return m ? [+m[1], +m[2], +m[3]] : null;
}

function luminance(color) {
  const c = rgb(color);
  return c ? (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]) / 255 : 0;
}

function withAlpha(color, alpha) {
  const c = rgb(color);
  return c ? `rgba(${c.join(', ')}, ${alpha})` : color;
}
