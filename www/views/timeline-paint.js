// Painting a timeline's laid-out frame (timeline-layout.js) on its two canvases: the base one
// (lanes, labels, the queue row, the time axis, the bars, the live "now" line) and the overlay
// (the selected lane's mark, the hovered task's outlines, the replay's cursor with a veil over
// what is still to come), which alone is repainted when the cursor moves. Bars are filled in
// one path per colour and layer, so a frame stays cheap at 20,000 spans.
//
//   const painter = new Painter(canvas, overlay, sizes, { compact });
//   painter.resize(width, height, dpr);
//   painter.paint(view);           // view: { frame, theme, state, elapsedMs, wallMs, scale, fixedScale, spanCount }
//   painter.paintOverlay(view);    // view also: { packed, cursor, highlight, selectedLane }; returns the cursor's label box

import { LAYERS, RIGHT_PAD, TOP_PAD, spanRect } from './timeline-layout.js';
import { colourOf } from './timeline-theme.js';
import { kindOf } from '../shared/kinds.js';

const HATCH = 6; // px, period of the hatching
const VEIL_ALPHA = 0.78; // how much of what is after the cursor the veil hides
const CURSOR_LABEL_GAP = 4; // px kept clear of tick labels either side of the cursor's time label

export class Painter {
  #ctx;
  #octx;
  #sizes;
  #compact;
  #patterns = new Map();
  #size = { w: 0, h: 0, dpr: 0 }; // px

  constructor(canvas, overlay, sizes, { compact = false } = {}) {
    this.canvas = canvas;
    this.overlay = overlay;
    this.#ctx = canvas.getContext('2d');
    this.#octx = overlay.getContext('2d');
    this.#sizes = sizes;
    this.#compact = compact;
  }

  get size() {
    return this.#size;
  }

  /** Sizes both canvases for `w` x `h` CSS px at `dpr`; nothing to do when they already are. */
  resize(w, h, dpr) {
    if (w === this.#size.w && h === this.#size.h && dpr === this.#size.dpr) return;
    if (dpr !== this.#size.dpr) this.#patterns = new Map();
    this.#size = { w, h, dpr };
    for (const c of [this.canvas, this.overlay]) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
      c.style.height = `${h}px`;
    }
  }

  /** The theme changed: its hatching patterns are made again. */
  restyle() {
    this.#patterns = new Map();
  }

  /** The base canvas: everything but the cursor, the hovered task and the selected lane. */
  paint(view) {
    const { frame, theme } = view;
    const { w, h, dpr } = this.#size;
    const ctx = this.#ctx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    if (theme.bg) this.#fill(theme.bg, 1, 0, 0, w, h);
    // Lanes: alternate bands, separators, labels.
    frame.items.forEach((item, i) => {
      if (i % 2 === 1) this.#fill(theme.fg, 0.035, 0, item.top, w, item.height);
      this.#fill(theme.grid, theme.gridAlpha, 0, frame.snap(item.top + item.height) - 0.5, w, 1);
      this.#laneLabel(item, theme);
    });
    if (frame.queue) this.#queueRow(frame.queue, theme);
    this.#fill(theme.grid, theme.gridAlpha, this.#sizes.labelW - 0.5, TOP_PAD, 1, frame.bottom - TOP_PAD);
    this.#axis(frame, theme);
    ctx.save();
    ctx.beginPath();
    ctx.rect(this.#sizes.labelW, TOP_PAD, frame.plotW + RIGHT_PAD, frame.bottom - TOP_PAD);
    ctx.clip();
    this.#bars(frame.bars, theme);
    ctx.restore();
    this.#markers(view);
  }

  /** The time grid and its labels. */
  #axis(frame, theme) {
    const ctx = this.#ctx;
    ctx.font = `${this.#sizes.axisFontPx}px ${theme.font}`;
    ctx.textBaseline = 'top';
    ctx.textAlign = 'left';
    for (const tick of this.tickLabels(frame, ctx)) {
      this.#fill(theme.grid, theme.gridAlpha, tick.x - 0.5, TOP_PAD, 1, frame.bottom - TOP_PAD + 4);
      this.#text(tick.text, theme.muted, tick.left, frame.bottom + 6);
    }
    ctx.textAlign = 'right';
    this.#text('ms', theme.muted, this.#sizes.labelW - 8, frame.bottom + 6);
  }

  /** "Now" while live; on a shared scale, a dashed line where this run ended; words when empty. */
  #markers({ frame, theme, state, elapsedMs, wallMs, scale, fixedScale, spanCount, deadlockMs }) {
    const ctx = this.#ctx;
    const { bottom, toX, snap, plotW } = frame;
    if (state === 'live' && elapsedMs > 0 && elapsedMs <= scale) {
      this.#fill(theme.now, 1, snap(toX(elapsedMs)) - 1, TOP_PAD, 2, bottom - TOP_PAD + 4);
    } else if (state === 'done' && fixedScale && wallMs > 0 && wallMs < scale * 0.995) {
      const x = snap(toX(wallMs)) + 0.5;
      ctx.setLineDash([3, 3]);
      ctx.globalAlpha = 0.55;
      ctx.strokeStyle = theme.fg;
      ctx.beginPath(); ctx.moveTo(x, TOP_PAD); ctx.lineTo(x, bottom + 4); ctx.stroke();
      ctx.setLineDash([]);
      ctx.globalAlpha = 1;
    }
    if (state === 'done' && Number.isFinite(deadlockMs) && deadlockMs <= scale) this.#deadlockMark(frame, theme, deadlockMs);
    if (spanCount === 0 && state !== 'live') {
      ctx.font = `${this.#sizes.fontPx}px ${theme.font}`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      const text = state === 'idle' ? 'Press Run to see what each thread does' : 'No spans were recorded';
      this.#text(text, theme.muted, this.#sizes.labelW + plotW / 2, (TOP_PAD + bottom) / 2, plotW - 16);
    }
  }

  /** The instant a deadlock formed: a line in the lock's red across the lanes, labelled at the top. */
  #deadlockMark(frame, theme, atMs) {
    const ctx = this.#ctx;
    const x = frame.snap(frame.toX(atMs)) + 0.5;
    ctx.strokeStyle = theme.lock;
    ctx.lineWidth = 2;
    ctx.beginPath(); ctx.moveTo(x, TOP_PAD); ctx.lineTo(x, frame.bottom + 4); ctx.stroke();
    ctx.lineWidth = 1;
    ctx.font = `${this.#sizes.axisFontPx}px ${theme.font}`;
    ctx.textBaseline = 'top';
    const label = 'deadlock';
    // Right of the line, or left of it where the plot ends.
    const right = x + 4 + ctx.measureText(label).width <= this.#sizes.labelW + frame.plotW;
    ctx.textAlign = right ? 'left' : 'right';
    this.#text(label, theme.lock, right ? x + 4 : x - 4, TOP_PAD + 1);
  }

  /** The queue row: its label, and a bar per step as tall as the tasks waiting then. */
  #queueRow({ top, height, max, rects }, theme) {
    const ctx = this.#ctx;
    const { labelW, fontPx } = this.#sizes;
    this.#fill(theme.grid, theme.gridAlpha, 0, this.#snapPx(top + height) - 0.5, this.#size.w, 1);
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    const two = !this.#compact && height >= 26; // room for the largest count under the name
    ctx.font = `${fontPx}px ${theme.font}`;
    this.#text('queue', theme.muted, 8, top + height / 2 - (two ? 6 : 0), labelW - 14);
    if (two) {
      ctx.font = `10px ${theme.font}`;
      this.#text(`up to ${max}`, theme.muted, 8, top + height / 2 + 7, labelW - 14);
    }
    ctx.beginPath();
    for (const r of rects) ctx.rect(r.x, r.y, r.w, r.h);
    ctx.globalAlpha = 0.55;
    ctx.fillStyle = theme.queue;
    ctx.fill();
    ctx.globalAlpha = 1;
  }

  /** A lane's name, and "event loop" under the page's own (its role is the engine's to say). */
  #laneLabel({ lane, top, height }, theme) {
    const ctx = this.#ctx;
    const { labelW, fontPx } = this.#sizes;
    const mid = top + height / 2;
    const main = lane.role === 'main';
    const sub = main && !this.#compact && height >= 24; // room for "event loop" under "main"
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    ctx.font = `${main ? 600 : 400} ${fontPx}px ${theme.font}`;
    this.#text(lane.name, theme.fg, 8, sub ? mid - 6 : mid, labelW - 14);
    if (sub) {
      ctx.font = `10px ${theme.font}`;
      this.#text('event loop', theme.muted, 8, mid + 7, labelW - 14);
    }
  }

  /** Fills (or outlines) each layer's bars, one path per colour. */
  #bars(bars, theme) {
    const ctx = this.#ctx;
    const byLayer = LAYERS.map(() => new Map()); // per layer: colour -> [x, y, w, h, ...]
    for (const { layer, key, x, y, w, h } of bars) {
      const color = colourOf(theme, key);
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
          ctx.fillStyle = layer.hatch ? this.#pattern(color, layer.hatch) : color;
          ctx.fill();
        }
      }
    });
    ctx.globalAlpha = 1;
  }

  /**
   * The overlay: the selected lane's mark, the hovered task's spans outlined on every lane, and
   * the replay's cursor with a veil over what came after it. Cheap: called on every cursor move.
   * Returns the cursor's time label `{ left, right, hidden: [tick values] }` (px), or null.
   */
  paintOverlay(view) {
    const { frame, theme, state, cursor, selectedLane, highlight, packed } = view;
    const { w, h, dpr } = this.#size;
    if (!frame || w === 0) return null;
    const octx = this.#octx;
    octx.setTransform(dpr, 0, 0, dpr, 0, 0);
    octx.clearRect(0, 0, w, h);
    const top = frame.queue ? frame.queue.top : TOP_PAD;
    if (selectedLane !== null && state === 'done') {
      const item = frame.items.find((it) => it.lane.id === selectedLane);
      if (item) {
        octx.fillStyle = theme.now;
        octx.fillRect(0, item.top + 2, 3, item.height - 4);
      }
    }
    const x = cursor !== null && state === 'done' ? frame.snap(frame.toX(Math.min(cursor, view.scale))) : null;
    if (x !== null) this.#veil(frame, theme, x, top);
    if (highlight !== null && packed) this.#outline(frame, packed, highlight, theme);
    return x === null ? null : this.#cursor(frame, theme, cursor, x, top);
  }

  /** What is still to come, veiled: spans appear as the cursor passes them. */
  #veil(frame, theme, x, top) {
    const right = this.#sizes.labelW + frame.plotW + RIGHT_PAD;
    if (x >= right) return;
    const octx = this.#octx;
    octx.globalAlpha = VEIL_ALPHA;
    octx.fillStyle = theme.veil;
    octx.fillRect(x, top, right - x, frame.bottom - top);
    octx.globalAlpha = 1;
  }

  /** Every span of `task` outlined, on every lane (not what isn't the task's own work). */
  #outline(frame, packed, task, theme) {
    const octx = this.#octx;
    octx.strokeStyle = theme.fg;
    octx.lineWidth = 1.5;
    octx.beginPath();
    for (const { lane } of frame.items) {
      for (const row of packed.byLane.get(lane.id).rows) {
        for (const span of [...row.solid, ...row.waits]) {
          if (span.task !== task || kindOf(span.kind).forTask === false) continue;
          const r = spanRect(frame, packed, span);
          if (r) octx.rect(r.x - 0.75, r.y - 0.75, r.w + 1.5, r.h + 1.5);
        }
      }
    }
    octx.stroke();
  }

  /** The cursor's line, its handle, and its time under the axis (clear of the ticks it reaches). */
  #cursor(frame, theme, cursor, x, top) {
    const octx = this.#octx;
    const { bottom } = frame;
    const { labelW, axisFontPx } = this.#sizes;
    octx.fillStyle = theme.now;
    octx.fillRect(x - 1, top - 2, 2, bottom - top + 6);
    octx.beginPath(); // a handle to grab
    octx.moveTo(x - 5, top - 4);
    octx.lineTo(x + 5, top - 4);
    octx.lineTo(x, top + 2);
    octx.fill();
    const text = `${cursor.toFixed(cursor < 100 ? 1 : 0)} ms`;
    octx.font = `600 ${axisFontPx}px ${theme.font}`;
    const w = octx.measureText(text).width + 8;
    const left = Math.min(this.#size.w - w, Math.max(labelW, x - w / 2));
    const hidden = this.#hideTicksUnder(frame, theme, left - CURSOR_LABEL_GAP, left + w + CURSOR_LABEL_GAP);
    octx.font = `600 ${axisFontPx}px ${theme.font}`;
    octx.fillStyle = theme.now;
    octx.fillRect(left, bottom + 3, w, axisFontPx + 5);
    octx.fillStyle = theme.nowText;
    octx.textAlign = 'left';
    octx.textBaseline = 'top';
    octx.fillText(text, left + 4, bottom + 5);
    return { left, right: left + w, hidden: hidden.map((t) => t.value) };
  }

  /**
   * The axis's tick labels as drawn: `[{ value, text, x, left, right }]` (px), centred under
   * their tick, or ending at the right edge where they would run off it. `c`: a context whose
   * font is the axis's (the base canvas's when omitted).
   */
  tickLabels(frame, c = this.#ctx) {
    const { toX, snap, ticks } = frame;
    return ticks.values.map((value) => {
      const text = value.toFixed(ticks.decimals);
      const x = snap(toX(value));
      const width = c.measureText(text).width;
      const right = x + width / 2 > this.#size.w ? this.#size.w - 1 : x + width / 2;
      return { value, text, x, left: right - width, right };
    });
  }

  /**
   * Paints the plot's background over every axis tick label that reaches into [from, to] (px),
   * so the cursor's time label never reads into one ("542 ms0"). Returns what it hid.
   */
  #hideTicksUnder(frame, theme, from, to) {
    const octx = this.#octx;
    octx.font = `${this.#sizes.axisFontPx}px ${theme.font}`;
    octx.fillStyle = theme.veil;
    const hidden = this.tickLabels(frame, octx).filter((t) => t.right + 1 >= from && t.left - 1 <= to);
    for (const t of hidden) octx.fillRect(t.left - 1, frame.bottom + 4, t.right - t.left + 2, this.#sizes.axisFontPx + 4);
    return hidden;
  }

  #fill(style, alpha, x, y, w, h) {
    const ctx = this.#ctx;
    ctx.globalAlpha = alpha;
    ctx.fillStyle = style;
    ctx.fillRect(x, y, w, h);
    ctx.globalAlpha = 1;
  }

  #text(text, style, x, y, maxWidth) {
    this.#ctx.fillStyle = style;
    this.#ctx.fillText(text, x, y, maxWidth);
  }

  #snapPx(v) {
    const dpr = this.#size.dpr || 1;
    return Math.round(v * dpr) / dpr;
  }

  /** Lines in `color` at `angle` (45, 90 or 135 degrees), HATCH px apart in CSS pixels at any pixel ratio. */
  #pattern(color, angle) {
    const key = `${color} ${angle}`;
    if (!this.#patterns.has(key)) {
      const dpr = this.#size.dpr || 1;
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
      const p = this.#ctx.createPattern(tile, 'repeat');
      p.setTransform(new DOMMatrix().scale(HATCH / tile.width, HATCH / tile.height));
      this.#patterns.set(key, p);
    }
    return this.#patterns.get(key);
  }
}
