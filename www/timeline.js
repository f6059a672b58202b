// The timeline: what each thread did during a run, one lane per thread, drawn on a canvas.
//
//   const tl = createTimeline(container, { compact: false, title: 'parallel' });
//   tl.setLanes(lanes, { expectedMs });          // a run is starting: empty lanes
//   tl.update(spans, { elapsedMs, groupNames }); // live, once a frame
//   tl.show(result);                             // the finished run
//   tl.setScale(ms);                             // one time axis for stacked timelines; null: fit
//   tl.model();                                  // what is drawn, for tests
//
// Spans of a lane that overlap in time (many waits at once on the event loop) are packed into
// sub-rows, computing first so it sits in the top row. Spans under a pixel wide are merged per
// row, and bars are filled in one path per colour, so a frame stays cheap at 20,000 spans.

const LABEL_W = 84; // px, lane label column
const LABEL_W_COMPACT = 60; // px
const RIGHT_PAD = 8; // px right of the plot
const TOP_PAD = 4; // px above the first lane
const AXIS_H = 22; // px, time axis under the lanes
const ROW_H = 14; // px per sub-row while a lane has at most MAX_FULL_ROWS
const ROW_H_COMPACT = 8; // px
const LANE_PAD = 6; // px above and below a lane's rows
const LANE_PAD_COMPACT = 3; // px
const MAX_FULL_ROWS = 8; // sub-rows at full height; beyond that rows get thinner
const MIN_ROW_H = 2; // px: a lane packs no more rows than fit at this height
const TICK_SPACING = 80; // px, wanted distance between time ticks
const HATCH = 6; // px, period of the hatching
const HIT_SLOP = 3; // px, how near the pointer must be to a span
const TIP_GAP = 12; // px between pointer and tooltip
const EPS = 1e-6; // ms: spans that only touch do not overlap
const LIVE_HEADROOM = 1.1; // a live scale keeps 10% room right of "now"
const EMPTY_SCALE_MS = 100; // ms, axis before there is any data
const MIN_LIVE_SCALE_MS = 10; // ms
const LIVE_STEPS = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]; // x 10^k ms, live scale sizes

// Twelve mid-tone colours readable on white and on near-black; no red (red means the lock).
const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948',
  '#ff9da7', '#9c755f', '#86bcf0', '#b6992d', '#8f7fd6', '#d37295'];
const NEUTRAL = '#868e96'; // legend swatches of the kinds
const KIND_WORDS = { cpu: 'computing', io: 'waiting (I/O)', lockWait: 'waiting for the global lock' };
const KIND_CODE = { cpu: 0, io: 1, lockWait: 2 };
// Draw layers, bottom to top; each is filled (or outlined) as one path per colour.
const LAYERS = [
  { alpha: 'wait' }, // I/O tint
  { alpha: 0.55 }, // I/O in rows too thin to hatch
  { hatch: 135 }, // I/O hatching
  { line: true, alpha: 0.85 }, // I/O outline
  { alpha: 'wait' }, // lock wait tint
  { hatch: 45 }, // lock wait stripes
  { line: true }, // lock wait outline
  {}, // computing
];
const [L_WAIT, L_WAIT_THIN, L_WAIT_HATCH, L_WAIT_LINE, L_LOCK, L_LOCK_HATCH, L_LOCK_LINE, L_CPU] = LAYERS.keys();

// Zero-specificity defaults (:where) so the page's CSS wins.
const STYLE = `
:where(.tl-plot){position:relative}
:where(.tl-canvas){display:block;width:100%;touch-action:pan-y}
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

export function createTimeline(container, { compact = false, title = '' } = {}) {
  const labelW = compact ? LABEL_W_COMPACT : LABEL_W; // px
  const rowH = compact ? ROW_H_COMPACT : ROW_H; // px
  const lanePad = compact ? LANE_PAD_COMPACT : LANE_PAD; // px
  const maxRows = Math.floor((rowH * MAX_FULL_ROWS) / MIN_ROW_H);

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
    key('computing', NEUTRAL);
    key('waiting (I/O)', `repeating-linear-gradient(135deg, ${NEUTRAL} 0 1.5px, transparent 1.5px 4px)`)
      .style.border = `1px solid ${NEUTRAL}`;
    lockSwatch = key('waiting for the global lock', '');
  }
  container.append(...made);
  const ctx = canvas.getContext('2d');

  // --- state -------------------------------------------------------------------------------
  let lanes = [{ id: 0, name: 'main' }];
  let spans = [];
  let groupNames = [];
  let state = 'idle'; // idle | live | done
  let elapsedMs = 0; // ms
  let wallMs = 0; // ms
  let fixedScale = null; // ms
  let liveScale = 0; // ms
  let scale = EMPTY_SCALE_MS; // ms, the right end of the axis
  let packed = null; // { source, count, lastEnd, lanes: Map(id -> { rows, counts, count }) }
  let layout = []; // per lane: { lane, top, height, rowsTop, rowH, rows }
  let size = { w: 0, h: 0, dpr: 0 }; // px
  let theme = null;
  let patterns = new Map();
  let pointer = null; // px over the canvas
  let legendKey = null;
  let alive = true; // until destroy()
  const batches = LAYERS.map(() => new Map()); // per layer: colour -> [x, y, w, h, ...] in px

  function pack() {
    if (packed && packed.source === spans && packed.count === spans.length) return;
    const byLane = new Map(lanes.map((lane) => [lane.id, []]));
    let lastEnd = 0;
    for (const span of spans) {
      if (!byLane.has(span.lane)) { // a lane setLanes did not announce
        lanes.push({ id: span.lane, name: span.lane === 0 ? 'main' : `worker ${span.lane}` });
        byLane.set(span.lane, []);
      }
      byLane.get(span.lane).push(span);
      lastEnd = Math.max(lastEnd, span.end);
    }
    lanes.sort((a, b) => a.id - b.id);
    const out = new Map([...byLane].map(([id, list]) => [id, packLane(list, maxRows)]));
    packed = { source: spans, count: spans.length, lastEnd, lanes: out };
  }

  function currentScale() {
    if (fixedScale) return fixedScale;
    const end = Math.max(elapsedMs, wallMs, packed.lastEnd);
    if (state !== 'live') return end > 0 ? end : EMPTY_SCALE_MS;
    liveScale = Math.max(liveScale, liveCeil(Math.max(end * LIVE_HEADROOM, MIN_LIVE_SCALE_MS))); // in steps
    return liveScale;
  }

  // --- drawing -----------------------------------------------------------------------------
  function draw() {
    pack();
    theme ??= readTheme();
    scale = currentScale();
    let y = TOP_PAD;
    layout = lanes.map((lane) => {
      const rows = packed.lanes.get(lane.id).rows;
      const rowsH = Math.min(Math.max(1, rows.length), MAX_FULL_ROWS) * rowH;
      const item = { lane, top: y, height: rowsH + 2 * lanePad, rowsTop: y + lanePad, rowH: rowsH / Math.max(1, rows.length), rows };
      y += item.height;
      return item;
    });
    const bottom = y; // px, end of the lanes
    const w = plot.clientWidth;
    const h = bottom + AXIS_H;
    const dpr = window.devicePixelRatio || 1;
    publish();
    if (w === 0) return; // hidden: the ResizeObserver draws once it has a size
    if (w !== size.w || h !== size.h || dpr !== size.dpr) {
      if (dpr !== size.dpr) patterns = new Map();
      size = { w, h, dpr };
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
      canvas.style.height = `${h}px`;
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    if (theme.bg) fill(theme.bg, 1, 0, 0, w, h);
    const plotW = plotWidth();
    const toX = (ms) => labelW + (ms / scale) * plotW;

    // Lanes: alternate bands, separators, labels.
    layout.forEach((item, i) => {
      if (i % 2 === 1) fill(theme.fg, 0.035, 0, item.top, w, item.height);
      fill(theme.grid, theme.gridAlpha, 0, snap(item.top + item.height) - 0.5, w, 1);
      drawLabel(item);
    });
    fill(theme.grid, theme.gridAlpha, labelW - 0.5, TOP_PAD, 1, bottom - TOP_PAD);

    // Time grid and axis.
    const step = niceStep((scale * TICK_SPACING) / plotW);
    const decimals = Math.max(0, -Math.floor(Math.log10(step)));
    ctx.font = `${compact ? 10 : 11}px ${theme.font}`;
    ctx.textBaseline = 'top';
    for (let i = 0; i * step <= scale * (1 + EPS); i++) {
      const x = snap(toX(i * step));
      fill(theme.grid, theme.gridAlpha, x - 0.5, TOP_PAD, 1, bottom - TOP_PAD + 4);
      const text = (i * step).toFixed(decimals);
      const overflows = x + ctx.measureText(text).width / 2 > w;
      ctx.textAlign = overflows ? 'right' : 'center';
      fillText(text, theme.muted, overflows ? w - 1 : x, bottom + 6);
    }
    ctx.textAlign = 'right';
    fillText('ms', theme.muted, labelW - 8, bottom + 6);

    // Spans.
    ctx.save();
    ctx.beginPath();
    ctx.rect(labelW, TOP_PAD, plotW + RIGHT_PAD, bottom - TOP_PAD);
    ctx.clip();
    for (const item of layout) {
      item.rows.forEach((row, r) => {
        const y0 = snap(item.rowsTop + r * item.rowH);
        const y1 = snap(item.rowsTop + (r + 1) * item.rowH);
        drawRow(row.waits, y0, y1 - y0, toX);
        drawRow(row.solid, y0, y1 - y0, toX);
      });
    }
    flush();
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
      ctx.font = `${compact ? 11 : 12}px ${theme.font}`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      const text = state === 'idle' ? 'Press Run to see what each thread does' : 'No spans were recorded';
      fillText(text, theme.muted, labelW + plotW / 2, (TOP_PAD + bottom) / 2, plotW - 16);
    }
    if (pointer) hover(pointer.x, pointer.y);
  }

  function drawLabel({ lane, top, height }) {
    const mid = top + height / 2;
    const sub = lane.id === 0 && !compact && height >= 24; // room for "event loop" under "main"
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    ctx.font = `${lane.id === 0 ? 600 : 400} ${compact ? 11 : 12}px ${theme.font}`;
    fillText(lane.name, theme.fg, 8, sub ? mid - 6 : mid, labelW - 14);
    if (sub) {
      ctx.font = `10px ${theme.font}`;
      fillText('event loop', theme.muted, 8, mid + 7, labelW - 14);
    }
  }

  // One row's spans, sorted by start. A span under a pixel joins the run of its group and kind
  // when it touches it, and is skipped when its pixel column is already painted.
  function drawRow(list, y, h, toX) {
    let run = null;
    let painted = -Infinity; // px, right edge of what is drawn
    for (const span of list) {
      const x0 = toX(span.start);
      const x1 = toX(span.end);
      const key = span.kind === 'lockWait' ? -1 : span.group * 3 + KIND_CODE[span.kind]; // lock waits: one colour
      if (x1 - x0 < 1) {
        if (run && run.key === key && x0 <= run.x1 + 1) { run.x1 = Math.max(run.x1, x1); continue; }
        if (x1 <= Math.ceil(run ? run.x1 : painted)) continue;
      }
      if (run) painted = addBar(run, y, h);
      run = { key, span, x0, x1 };
    }
    if (run) addBar(run, y, h);
  }

  function addBar({ span, x0, x1 }, y, h) {
    const left = snap(x0);
    const width = Math.max(1, snap(x1) - left);
    const color = PALETTE[span.group % PALETTE.length];
    const inset = h >= 6 ? 1 : 0; // px, gap between rows
    const line = width >= 3 && h >= 6; // room for an outline
    if (span.kind === 'cpu') { // solid; a 1 px gap between back-to-back tasks
      add(L_CPU, color, left, y + inset, width >= 4 ? width - 1 : width, h - 2 * inset);
    } else if (span.kind === 'io') { // thinner, translucent, hatched: not computing
      const barH = h >= 8 ? Math.round(h * 0.6) : h;
      const top = y + Math.round((h - barH) / 2);
      add(barH >= 4 ? L_WAIT : L_WAIT_THIN, color, left, top, width, barH);
      if (width >= 3 && barH >= 4) add(L_WAIT_HATCH, color, left, top, width, barH);
      if (line && barH >= 6) add(L_WAIT_LINE, color, left + 0.5, top + 0.5, width - 1, barH - 1);
    } else { // lockWait: red stripes
      add(L_LOCK, theme.lock, left, y + inset, width, h - 2 * inset);
      add(L_LOCK_HATCH, theme.lock, left, y + inset, width, h - 2 * inset);
      if (line) add(L_LOCK_LINE, theme.lock, left + 0.5, y + inset + 0.5, width - 1, h - 2 * inset - 1);
    }
    return x1;
  }

  function add(layer, color, x, y, w, h) {
    const rects = batches[layer].get(color);
    if (rects) rects.push(x, y, w, h); else batches[layer].set(color, [x, y, w, h]);
  }

  /** Fills (or outlines) each layer's rectangles, one path per colour. */
  function flush() {
    LAYERS.forEach((layer, i) => {
      for (const [color, r] of batches[i]) {
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
      batches[i].clear();
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

  /** Diagonal lines in `color`, HATCH px apart in CSS pixels at any pixel ratio. */
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
      for (const d of [-HATCH, 0, HATCH]) { // three lines so the tile wraps seamlessly
        t.moveTo(d, angle === 45 ? 0 : HATCH);
        t.lineTo(d + HATCH, angle === 45 ? HATCH : 0);
      }
      t.stroke();
      const p = ctx.createPattern(tile, 'repeat');
      p.setTransform(new DOMMatrix().scale(HATCH / tile.width, HATCH / tile.height));
      patterns.set(key, p);
    }
    return patterns.get(key);
  }

  const snap = (v) => Math.round(v * size.dpr) / size.dpr; // px, to a device pixel
  const plotWidth = () => Math.max(1, size.w - labelW - RIGHT_PAD); // px

  // --- hover -------------------------------------------------------------------------------
  function hover(x, y) {
    const span = hitTest(x, y);
    tip.hidden = !span;
    if (!span) return;
    tipSwatch.style.background = span.kind === 'lockWait' ? theme.lock : PALETTE[span.group % PALETTE.length];
    tipGroup.textContent = `${span.groupName ?? groupNames[span.group] ?? `group ${span.group}`} · task ${span.task + 1}`;
    tipLines[0].textContent = `${KIND_WORDS[span.kind] ?? span.kind} · step ${span.step + 1}`;
    tipLines[1].textContent = `${span.start.toFixed(1)}–${span.end.toFixed(1)} ms (${(span.end - span.start).toFixed(1)} ms)`;
    const lane = lanes.find((l) => l.id === span.lane);
    tipLines[2].textContent = lane?.id === 0 ? `${lane.name} (event loop)` : lane?.name ?? '';
    const left = x + TIP_GAP + tip.offsetWidth > size.w ? x - TIP_GAP - tip.offsetWidth : x + TIP_GAP;
    const top = y + TIP_GAP + tip.offsetHeight > size.h ? y - TIP_GAP - tip.offsetHeight : y + TIP_GAP;
    const maxLeft = Math.max(0, size.w - tip.offsetWidth);
    tip.style.transform = `translate(${Math.min(maxLeft, Math.max(0, left))}px, ${Math.max(0, top)}px)`;
  }

  function hitTest(x, y) {
    const item = layout.find((it) => y >= it.top && y < it.top + it.height);
    if (x < labelW || !item || item.rows.length === 0) return null;
    const row = item.rows[Math.min(item.rows.length - 1, Math.max(0, Math.floor((y - item.rowsTop) / item.rowH)))];
    const t = ((x - labelW) / plotWidth()) * scale; // ms
    const slop = (HIT_SLOP / plotWidth()) * scale; // ms
    return nearest(row.solid, t, slop) ?? nearest(row.waits, t, slop);
  }

  // --- outputs for tests, assistive technology and the page's CSS ----------------------------
  function model() {
    pack();
    return {
      lanes: lanes.map(({ id, name }) => {
        const { count, counts, rows } = packed.lanes.get(id);
        return { id, name, spans: count, cpuSpans: counts.cpu, ioSpans: counts.io, lockWaitSpans: counts.lockWait, rows: rows.length };
      }),
      scaleMs: scale,
      spanCount: spans.length,
      state,
    };
  }

  function publish() {
    const names = lanes.map((lane) => lane.name);
    Object.assign(container.dataset, { lanes: names.join(','), spanCount: String(spans.length),
      scaleMs: String(Math.round(scale * 10) / 10), state });
    const over = spans.length ? ` over ${Math.round(Math.max(wallMs, elapsedMs, packed.lastEnd))} ms` : '';
    canvas.setAttribute('aria-label', `Timeline${title ? ` (${title})` : ''}: ${lanes.length} ` +
      `${lanes.length === 1 ? 'lane' : 'lanes'} (${names.join(', ')}), ${spans.length} spans${over}`);
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
    };
  }

  // --- listeners -----------------------------------------------------------------------------
  const onMove = (event) => { pointer = { x: event.offsetX, y: event.offsetY }; hover(pointer.x, pointer.y); };
  const onLeave = () => { pointer = null; tip.hidden = true; };
  const restyle = () => { theme = null; patterns = new Map(); }; // read the colours again
  const onScheme = () => requestAnimationFrame(() => { if (alive) { restyle(); draw(); } });
  const scheme = window.matchMedia?.('(prefers-color-scheme: dark)');
  const resizer = new ResizeObserver(() => { if (plot.clientWidth !== size.w) draw(); });
  canvas.addEventListener('pointermove', onMove);
  canvas.addEventListener('pointerdown', onMove); // a tap shows the tooltip on touch screens
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
    show(result) {
      lanes = takeLanes(result.lanes ?? lanes);
      spans = result.spans ?? [];
      packed = null;
      groupNames = result.groupNames ?? groupNames;
      wallMs = result.wallMs ?? 0;
      elapsedMs = 0;
      state = 'done';
      restyle();
      draw();
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
      canvas.removeEventListener('pointerdown', onMove);
      canvas.removeEventListener('pointerleave', onLeave);
      for (const node of made) node.remove();
    },
  };
}

// --- helpers without state -------------------------------------------------------------------

const byStart = (a, b) => a.start - b.start || a.end - b.end;

/**
 * Greedy interval packing of one lane into at most `maxRows` rows: computing and lock waits
 * first (so they take the top row), then I/O waits into the first row free for them. With every
 * row taken, a span goes to the row that frees up first and overlaps there.
 */
function packLane(list, maxRows) {
  const counts = { cpu: 0, io: 0, lockWait: 0 };
  const solid = [];
  const waits = [];
  for (const span of list) {
    counts[span.kind] = (counts[span.kind] ?? 0) + 1;
    (span.kind === 'io' ? waits : solid).push(span);
  }
  solid.sort(byStart);
  waits.sort(byStart);
  const rows = [];
  const newRow = () => rows[rows.push({ solid: [], waits: [], solidEnd: -Infinity, waitEnd: -Infinity }) - 1];
  const earliest = (candidates, end) => candidates.reduce((best, r) => (end(r) < end(best) ? r : best));
  for (const span of solid) {
    const row = rows.find((r) => r.solidEnd <= span.start + EPS)
      ?? (rows.length < maxRows ? newRow() : earliest(rows, (r) => r.solidEnd));
    row.solid.push(span);
    row.solidEnd = Math.max(row.solidEnd, span.end);
  }
  for (const span of waits) {
    let row = rows.find((r) => r.waitEnd <= span.start + EPS && solidFree(r.solid, span));
    if (!row && rows.length < maxRows) row = newRow();
    if (!row) { // over-full: overlap other waits rather than computing
      const free = rows.filter((r) => solidFree(r.solid, span));
      row = earliest(free.length ? free : rows, (r) => r.waitEnd);
    }
    row.waits.push(span);
    row.waitEnd = Math.max(row.waitEnd, span.end);
  }
  return { rows, counts, count: list.length };
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
function niceStep(raw) {
  const power = 10 ** Math.floor(Math.log10(raw));
  const off = (step) => Math.abs(Math.log(step / raw));
  return [1, 2, 5, 10].map((m) => m * power).reduce((best, step) => (off(step) < off(best) ? step : best));
}

/** The smallest live scale (LIVE_STEPS x 10^k ms) of at least `ms`. */
function liveCeil(ms) {
  const power = 10 ** Math.floor(Math.log10(Math.max(ms, 1)));
  return LIVE_STEPS.map((m) => m * power).find((candidate) => candidate >= ms * (1 - EPS));
}

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
