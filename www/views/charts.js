// Small charts of a batch's runs, drawn in SVG for the width they are given (never scaled: a
// label is as many CSS pixels tall on a phone as on a desktop), and drawn again when that width
// changes. Each chart is a <figure> with a caption and an aria-label saying its numbers.
//
//   const chart = drawChart(figure, { kind: 'bars', caption, label, rows: [{ label, value, className }], format });
//   drawChart(figure, { kind: 'lines', caption, label, series: [{ label, points: [[x, y]], className }], xLabel, yLabel, format });
//   chart.destroy();

const SVG = 'http://www.w3.org/2000/svg';
const FONT = 12; // px, every label
const BAR = 22; // px, a bar's height
const GAP = 8; // px between bars
const MIN_WIDTH = 240; // px: narrower boxes are drawn at this width and scroll
const LINE_H = 200; // px, a line chart's plot height

function node(tag, attrs = {}, text) {
  const n = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
  if (text !== undefined) n.textContent = text;
  return n;
}

/** Width available to a chart in `figure`, px. */
const widthOf = (figure) => Math.max(MIN_WIDTH, Math.floor(figure.clientWidth || 600));

/** A label's width at FONT px, about: enough to lay out without measuring text. */
const textWidth = (text) => String(text).length * FONT * 0.56;

/** Horizontal bars, one per row, on one scale: `{ rows: [{ label, value, className }], format }`. */
function bars(width, { rows, format }) {
  const max = Math.max(...rows.map((r) => r.value), 1e-9);
  const labelW = Math.min(width * 0.42, Math.max(...rows.map((r) => textWidth(r.label))) + 10); // px
  const valueW = Math.max(...rows.map((r) => textWidth(format(r.value)))) + 10; // px
  const svg = node('svg', { width, height: rows.length * (BAR + GAP), viewBox: `0 0 ${width} ${rows.length * (BAR + GAP)}` });
  rows.forEach((row, i) => {
    const y = i * (BAR + GAP);
    const w = Math.max(1, ((width - labelW - valueW) * row.value) / max);
    svg.append(
      node('text', { x: labelW - 8, y: y + BAR * 0.7, 'text-anchor': 'end', class: 'bar-label', 'font-size': FONT }, clip(row.label, labelW - 8)),
      node('rect', { x: labelW, y, width: w, height: BAR, rx: 3, class: `bar ${row.className ?? ''}` }),
      node('text', { x: labelW + w + 6, y: y + BAR * 0.7, class: 'bar-value', 'font-size': FONT }, format(row.value)),
    );
  });
  return svg;
}

/** A label cut to fit `px` (with "…"). */
function clip(text, px) {
  const fits = Math.floor(px / (FONT * 0.56));
  return text.length > fits ? `${text.slice(0, Math.max(1, fits - 1))}…` : text;
}

/**
 * Lines of points, one per series, on shared axes: `{ series: [{ label, points: [[x, y]],
 * className }], xLabel, yLabel, format }` (format: for the y axis's values).
 */
function lines(width, { series, xLabel, yLabel, format }) {
  const all = series.flatMap((s) => s.points);
  const maxX = Math.max(...all.map((p) => p[0]), 1);
  const maxY = Math.max(...all.map((p) => p[1]), 1e-9);
  const L = Math.max(44, textWidth(format(maxY)) + 12); // px
  const R = 12; const T = 10; const B = 34; // px
  const H = LINE_H + T + B;
  const x = (v) => L + (v / maxX) * (width - L - R);
  const y = (v) => T + LINE_H - (v / maxY) * LINE_H;
  const svg = node('svg', { width, height: H, viewBox: `0 0 ${width} ${H}` });
  svg.append(node('line', { x1: L, y1: T + LINE_H, x2: width - R, y2: T + LINE_H, class: 'axis' }),
    node('line', { x1: L, y1: T, x2: L, y2: T + LINE_H, class: 'axis' }));
  for (const f of [0, 0.5, 1]) {
    svg.append(node('text', { x: L - 6, y: y(maxY * f) + 4, 'text-anchor': 'end', class: 'tick', 'font-size': FONT }, f === 0 ? '0' : format(maxY * f)));
    svg.append(node('text', { x: x(maxX * f), y: T + LINE_H + 16, 'text-anchor': f === 0 ? 'start' : f === 1 ? 'end' : 'middle', class: 'tick', 'font-size': FONT },
      `${Math.round(maxX * f)}`));
  }
  svg.append(node('text', { x: (width + L) / 2, y: H - 3, 'text-anchor': 'middle', class: 'axis-label', 'font-size': FONT }, xLabel));
  svg.append(node('text', { x: L + 4, y: T + 10, class: 'axis-label', 'font-size': FONT }, yLabel));
  for (const s of series) {
    if (s.points.length === 0) continue;
    svg.append(node('path', { d: s.points.map(([px, py], i) => `${i ? 'L' : 'M'}${x(px).toFixed(1)},${y(py).toFixed(1)}`).join(''),
      class: `line ${s.className ?? ''}`, fill: 'none' }));
    for (const [px, py] of s.points) svg.append(node('circle', { cx: x(px), cy: y(py), r: 2.5, class: `line-point ${s.className ?? ''}` }));
  }
  return svg;
}

/** A legend of the series' keys. */
function legend(series) {
  const p = document.createElement('p');
  p.className = 'chart-legend';
  for (const s of series) {
    const key = Object.assign(document.createElement('span'), { className: `key ${s.className ?? ''}`, textContent: s.label });
    p.append(key, ' ');
  }
  return p;
}

/**
 * Draws a chart into `figure` (replacing what it held) and again whenever its width changes.
 * `spec`: `{ kind: 'bars' | 'lines', caption, label, ... }` (see bars() and lines()).
 * Returns `{ destroy }`.
 */
export function drawChart(figure, spec) {
  let drawnWidth = 0;
  const caption = Object.assign(document.createElement('figcaption'), { textContent: spec.caption });
  const draw = () => {
    const width = widthOf(figure);
    if (width === drawnWidth) return;
    drawnWidth = width;
    const svg = spec.kind === 'lines' ? lines(width, spec) : bars(width, spec);
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', spec.label);
    const parts = [caption, svg];
    if (spec.kind === 'lines') parts.push(legend(spec.series));
    figure.replaceChildren(...parts);
  };
  draw();
  const observer = new ResizeObserver(() => draw());
  observer.observe(figure);
  return { destroy: () => observer.disconnect() };
}
