// The timeline: what each thread did during a run, one lane per thread, drawn on a canvas.
//
//   const tl = createTimeline(container, { compact: false, title: 'parallel' });
//   tl.setLanes(lanes, { expectedMs });          // a run is starting: empty lanes
//   tl.update(spans, { elapsedMs, groupNames }); // live, once a frame
//   tl.show(result);                             // the finished run
//   tl.setScale(ms);                             // one time axis for stacked timelines; null: fit
//   tl.setCursor(ms);                            // the replay's cursor (null: none)
//   tl.snapshot();                               // what is drawn, for tests
//
// A finished run whose tasks waited to start gets a queue row above its lanes: how many tasks
// had arrived and not started, over time. The replay's cursor, the hovered task's outline and
// the selected lane are on a second canvas over the first, so moving the cursor repaints that
// one only, whatever the number of spans.
//
// Its parts: the geometry (timeline-layout.js, pure, tested in node), the painting
// (timeline-paint.js), the DOM of plot, tooltip and legend (timeline-dom.js), the colours
// (timeline-theme.js). This module holds the state, the pointer and what a reader's screen
// reader hears (the canvas's aria-label).

import {
  AXIS_H, EMPTY_SCALE_MS, LIVE_HEADROOM, SIZES, hitTest, laneAt, layoutFrame, liveCeil, packSpans, scaleFor, summary, timeAt,
} from './timeline-layout.js';
import { Painter } from './timeline-paint.js';
import { TimelineDom } from './timeline-dom.js';
import { readTheme } from './timeline-theme.js';
import { queueSteps, taskTimesOf } from '../shared/replay-model.js';
import { kindOf } from '../shared/kinds.js';
import { count } from '../shared/metrics.js';

const CURSOR_GRAB = 6; // px either side of the cursor where the pointer grabs it

/**
 * `onSeek(ms)`: the reader put the cursor at ms (a click or a drag on the plot, when the cursor
 * is shown); `onLane(id)`: the reader picked a lane (a click on its name); `onHoverTask(task)`:
 * the pointer is over a span of this task (null: over none).
 */
export function createTimeline(container, options = {}) {
  return new Timeline(container, options);
}

/** A lane as the timeline keeps it: the engine's id, name and role. */
const takeLanes = (list) => list.map(({ id, name, role }) => ({ id, name, role })).sort((a, b) => a.id - b.id);

class Timeline {
  #container;
  #title;
  #sizes;
  #dom;
  #painter;
  #handlers;
  #lanes = [];
  #spans = [];
  #groupNames = [];
  #deadlockMs = null; // ms: when the shown run's deadlock formed, if it did
  #state = 'idle'; // idle | live | done
  #elapsedMs = 0; // ms
  #wallMs = 0; // ms
  #fixedScale = null; // ms
  #liveScale = 0; // ms
  #scale = EMPTY_SCALE_MS; // ms, the right end of the axis
  #packed = null; // packSpans() of the current spans, with the list it was made from
  #frame = null; // layoutFrame() of the last draw
  #theme = null;
  #queue = null; // queueSteps() of the finished run: tasks waiting to start
  #cursor = null; // ms, the replay's cursor (null: not shown)
  #highlight = null; // task whose spans are outlined
  #selectedLane = null; // lane id marked as the one the code follows
  #cursorLabel = null; // the cursor's time label as last painted (px)
  #pointer = null; // px over the canvas
  #dragging = false; // the cursor follows the pointer
  #alive = true; // until destroy()
  #listeners = [];
  #resizer;
  #themes;

  constructor(container, { compact = false, title = '', onSeek = null, onLane = null, onHoverTask = null } = {}) {
    this.#container = container;
    this.#title = title;
    this.#sizes = compact ? SIZES.compact : SIZES.full;
    this.#handlers = { onSeek, onLane, onHoverTask };
    this.#dom = new TimelineDom(container, { compact, title });
    this.#painter = new Painter(this.#dom.canvas, this.#dom.overlay, this.#sizes, { compact });
    this.#listen();
    this.#draw();
  }

  // --- the API ------------------------------------------------------------------------------

  /** A run is starting: empty lanes. `expectedMs` (the predicted time) starts the live scale near its final size. */
  setLanes(next, { expectedMs = 0 } = {}) {
    this.#lanes = takeLanes(next);
    this.#spans = [];
    this.#packed = null;
    this.#state = 'live';
    this.#elapsedMs = this.#wallMs = 0;
    this.#liveScale = expectedMs > 0 ? liveCeil(expectedMs * LIVE_HEADROOM) : 0;
    this.#queue = null;
    this.#cursor = this.#highlight = this.#selectedLane = null;
    this.#restyle(); // the page may have switched themes since
    this.#draw();
  }

  update(next, { elapsedMs = 0, groupNames } = {}) {
    if (this.#state !== 'live') { this.#state = 'live'; this.#wallMs = this.#liveScale = 0; this.#deadlockMs = null; }
    this.#spans = next;
    this.#elapsedMs = elapsedMs;
    if (groupNames) this.#groupNames = groupNames;
    this.#draw();
  }

  /** The finished run. `steps` (per group, optional): a cancelled run's tasks count as finished only when they were. */
  show(result, { steps = null } = {}) {
    this.#lanes = takeLanes(result.lanes ?? this.#lanes);
    this.#spans = result.spans ?? [];
    this.#packed = null;
    this.#groupNames = result.groupNames ?? this.#groupNames;
    this.#wallMs = result.wallMs ?? 0;
    this.#deadlockMs = result.deadlock?.atMs ?? null;
    this.#elapsedMs = 0;
    this.#state = 'done';
    this.#queue = queueSteps(taskTimesOf(result, { steps }), this.#wallMs);
    this.#restyle();
    this.#draw();
  }

  /** The replay's cursor at `ms` (null: none). Repaints the overlay only. */
  setCursor(ms) {
    this.#cursor = ms === null || ms === undefined ? null : Math.max(0, ms);
    this.#drawOverlay();
  }

  /** Marks lane `id` as the one the code follows (null: none). */
  setSelectedLane(id) {
    if (id === this.#selectedLane) return;
    this.#selectedLane = id;
    this.#drawOverlay();
  }

  /** Outlines every span of `task` (null: none), as hovering one of them does. */
  highlightTask(task) {
    if (task === this.#highlight) return;
    this.#highlight = task;
    this.#drawOverlay();
  }

  /** One time axis, [0, ms], for stacked timelines (null: fit this run). */
  setScale(ms) {
    this.#fixedScale = ms > 0 ? ms : null;
    this.#draw();
  }

  /** What is drawn, for tests: lanes and their spans, the scale, the cursor, and where things are (CSS px). */
  snapshot() {
    this.#pack();
    const frame = this.#frame;
    return {
      lanes: summary(this.#packed), scaleMs: this.#scale, spanCount: this.#spans.length, state: this.#state,
      cursorMs: this.#cursor, highlightedTask: this.#highlight, selectedLane: this.#selectedLane,
      geometry: frame && {
        labelW: this.#sizes.labelW, plotW: frame.plotW, bottom: frame.bottom,
        lanes: frame.items.map((it) => ({ id: it.lane.id, name: it.lane.name, role: it.lane.role, top: it.top, height: it.height })),
        ticks: this.#painter.size.w ? this.#painter.tickLabels(frame, this.#axisContext()) : [],
        cursorLabel: this.#cursorLabel,
      },
      queue: this.#state === 'done' && this.#queue ? { max: this.#queue.max, steps: this.#queue.points.length } : null,
    };
  }

  destroy() {
    this.#alive = false;
    this.#resizer.disconnect();
    this.#themes.disconnect();
    for (const [target, type, listener] of this.#listeners) target.removeEventListener(type, listener);
    this.#dom.destroy();
  }

  // --- drawing --------------------------------------------------------------------------------

  #pack() {
    const packed = this.#packed;
    if (packed && packed.source === this.#spans && packed.count === this.#spans.length) return;
    this.#packed = { ...packSpans(this.#lanes, this.#spans, this.#sizes), source: this.#spans, count: this.#spans.length };
  }

  #restyle() {
    this.#theme = null; // read the colours again
    this.#painter.restyle();
  }

  #draw() {
    this.#pack();
    if (!this.#theme) {
      this.#theme = readTheme(this.#container);
      this.#dom.applyTheme(this.#theme);
    }
    ({ scale: this.#scale, liveScale: this.#liveScale } = scaleFor({ fixedScale: this.#fixedScale, state: this.#state,
      elapsedMs: this.#elapsedMs, wallMs: this.#wallMs, lastEnd: this.#packed.lastEnd, liveScale: this.#liveScale }));
    const width = this.#dom.plot.clientWidth;
    const dpr = window.devicePixelRatio || 1;
    this.#frame = layoutFrame({ packed: this.#packed, width, scale: this.#scale, sizes: this.#sizes, dpr,
      queue: this.#state === 'done' ? this.#queue : null });
    this.#publish();
    if (width === 0) return; // hidden: the ResizeObserver draws once it has a size
    this.#painter.resize(width, this.#frame.height, dpr);
    this.#painter.paint(this.#view());
    if (this.#pointer) this.#hover(this.#pointer.x, this.#pointer.y);
    this.#drawOverlay();
  }

  #drawOverlay() {
    this.#cursorLabel = this.#painter.paintOverlay(this.#view());
  }

  /** What the painter paints. */
  #view() {
    return {
      frame: this.#frame, theme: this.#theme, state: this.#state, elapsedMs: this.#elapsedMs, wallMs: this.#wallMs,
      scale: this.#scale, fixedScale: this.#fixedScale, spanCount: this.#spans.length, packed: this.#packed, deadlockMs: this.#deadlockMs,
      cursor: this.#cursor, highlight: this.#highlight, selectedLane: this.#selectedLane,
    };
  }

  /** A context with the axis's font, for measuring its labels. */
  #axisContext() {
    const ctx = this.#dom.canvas.getContext('2d');
    ctx.font = `${this.#sizes.axisFontPx}px ${this.#theme?.font ?? 'sans-serif'}`;
    return ctx;
  }

  /** What the container's data attributes, the canvas's aria-label and the legend say of it. */
  #publish() {
    const names = this.#packed.lanes.map((lane) => lane.name);
    const queue = this.#state === 'done' ? this.#queue : null;
    Object.assign(this.#container.dataset, { lanes: names.join(','), spanCount: String(this.#spans.length),
      scaleMs: String(Math.round(this.#scale * 10) / 10), state: this.#state, queueMax: queue ? String(queue.max) : '',
      deadlockMs: this.#deadlockMs === null ? '' : String(Math.round(this.#deadlockMs * 10) / 10) });
    const over = this.#spans.length ? ` over ${Math.round(Math.max(this.#wallMs, this.#elapsedMs, this.#packed.lastEnd))} ms` : '';
    const queued = queue ? `; up to ${queue.max} tasks waited to start at once` : '';
    const stuck = this.#deadlockMs === null ? '' : `; a deadlock formed at ${Math.round(this.#deadlockMs)} ms`;
    this.#dom.canvas.setAttribute('aria-label', `Timeline${this.#title ? ` (${this.#title})` : ''}: ` +
      `${count(names.length, 'lane')} (${names.join(', ')}), ${count(this.#spans.length, 'span')}${over}${queued}${stuck}`);
    this.#dom.setGroups(this.#groupNames);
  }

  // --- the pointer ----------------------------------------------------------------------------

  #listen() {
    const canvas = this.#dom.canvas;
    const on = (target, type, listener) => {
      target.addEventListener(type, listener);
      this.#listeners.push([target, type, listener]);
    };
    on(canvas, 'pointermove', (event) => this.#move(event));
    on(canvas, 'pointerdown', (event) => this.#down(event));
    on(canvas, 'pointerup', () => { this.#dragging = false; });
    on(canvas, 'pointercancel', () => { this.#dragging = false; });
    on(canvas, 'pointerleave', () => this.#leave());
    const scheme = window.matchMedia?.('(prefers-color-scheme: dark)');
    const restyle = () => requestAnimationFrame(() => { if (this.#alive) { this.#restyle(); this.#draw(); } });
    if (scheme) on(scheme, 'change', restyle);
    // A page that sets its root's data-theme (the embed, told its theme by its host) has
    // changed its colours: read them again.
    this.#themes = new MutationObserver(restyle);
    this.#themes.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    this.#resizer = new ResizeObserver(() => { if (this.#dom.plot.clientWidth !== this.#painter.size.w) this.#draw(); });
    this.#resizer.observe(this.#dom.plot);
  }

  /** Whether the pointer moves the replay's cursor here. */
  #seeking() {
    return this.#cursor !== null && this.#state === 'done' && this.#handlers.onSeek;
  }

  #move(event) {
    const x = event.offsetX;
    this.#pointer = { x, y: event.offsetY };
    this.#hover(x, event.offsetY); // the tooltip follows the pointer, dragging or not
    if (this.#dragging) {
      this.#handlers.onSeek(timeAt(this.#frame, x));
      return;
    }
    const seeking = this.#seeking();
    const near = seeking && Math.abs(x - this.#frame.toX(Math.min(this.#cursor, this.#scale))) <= CURSOR_GRAB;
    this.#dom.canvas.style.cursor = near ? 'ew-resize' : seeking && x >= this.#sizes.labelW ? 'crosshair' : '';
  }

  #down(event) {
    this.#move(event); // a tap shows the tooltip on touch screens
    if (!this.#frame || event.button > 0) return;
    if (event.offsetX < this.#sizes.labelW) {
      const lane = laneAt(this.#frame, event.offsetY);
      if (lane && this.#state === 'done') this.#handlers.onLane?.(lane.id);
    } else if (this.#seeking() && event.offsetY < this.#frame.bottom + AXIS_H) {
      this.#dragging = true;
      this.#dom.canvas.setPointerCapture?.(event.pointerId);
      this.#handlers.onSeek(timeAt(this.#frame, event.offsetX));
    }
  }

  #leave() {
    this.#pointer = null;
    this.#dom.hideTip();
    if (this.#highlight !== null) {
      this.#highlight = null;
      this.#drawOverlay();
      this.#handlers.onHoverTask?.(null);
    }
  }

  /** The tooltip of the span under (x, y), and its task's spans outlined. */
  #hover(x, y) {
    const span = this.#frame && hitTest(this.#frame, x, y);
    const task = span && kindOf(span.kind).forTask !== false ? span.task : null;
    if (task !== this.#highlight) {
      this.#highlight = task;
      this.#drawOverlay();
      this.#handlers.onHoverTask?.(task);
    }
    if (!span) {
      this.#dom.hideTip();
      return;
    }
    const lane = this.#packed.lanes.find((l) => l.id === span.lane);
    this.#dom.showTip(span, lane, { theme: this.#theme, groupNames: this.#groupNames, x, y, size: this.#painter.size });
  }
}
