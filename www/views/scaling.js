// Scaling: the same workload in parallel on 1, 2, ... N threads; measured speedup against the
// ideal line and an Amdahl's-law fit, whose serial fraction says how much of the run did not
// get faster with more threads.

import { seconds } from '../app/metrics.js';

/** Amdahl: speedup on n threads when a fraction s of the work is serial. */
export const amdahl = (s, n) => 1 / (s + (1 - s) / n);

/** The serial fraction that best fits measured `{threads, speedup}` points (least squares). */
export function fitSerialFraction(points) {
  let best = { s: 0, error: Infinity };
  for (let i = 0; i <= 1000; i++) {
    const s = i / 1000;
    const error = points.reduce((sum, p) => sum + (amdahl(s, p.threads) - p.speedup) ** 2, 0);
    if (error < best.error) best = { s, error };
  }
  return best.s;
}

/** Runs `workload` in parallel for 1..maxThreads threads. `onStep(i, n)` reports progress. */
export async function measureScaling(pg, workload, maxThreads, { signal, onStep } = {}) {
  const points = [];
  for (let threads = 1; threads <= maxThreads; threads++) {
    onStep?.(threads, maxThreads);
    const result = await pg.run({ ...workload, strategy: 'parallel', threads }, { signal, trace: false });
    if (result.status !== 'completed') return null;
    points.push({ threads, wallMs: result.wallMs });
  }
  const base = points[0].wallMs;
  return points.map((p) => ({ ...p, speedup: base / p.wallMs }));
}

/** Draws the plot into `figure` and returns a sentence about it. */
export function drawScaling(figure, points, cores) {
  const serial = fitSerialFraction(points);
  const W = 420, H = 260, L = 44, B = 34, T = 12, R = 12; // px
  const maxN = points.at(-1).threads;
  const maxY = Math.max(maxN, ...points.map((p) => p.speedup));
  const x = (n) => L + ((n - 1) / Math.max(1, maxN - 1)) * (W - L - R);
  const y = (v) => H - B - (v / maxY) * (H - B - T);
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('role', 'img');
  const add = (tag, attrs, text) => {
    const node = document.createElementNS(ns, tag);
    Object.entries(attrs).forEach(([k, v]) => node.setAttribute(k, v));
    if (text !== undefined) node.textContent = text;
    svg.append(node);
    return node;
  };
  add('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, class: 'axis' });
  add('line', { x1: L, y1: T, x2: L, y2: H - B, class: 'axis' });
  for (let n = 1; n <= maxN; n++) add('text', { x: x(n), y: H - B + 16, 'text-anchor': 'middle', class: 'tick' }, n);
  for (let v = 0; v <= maxY; v += maxY > 8 ? 2 : 1) add('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' }, `${v}x`);
  add('text', { x: (W + L) / 2, y: H - 2, 'text-anchor': 'middle', class: 'axis-label' }, 'threads');
  if (cores < maxN) {
    add('rect', { x: x(cores), y: T, width: x(maxN) - x(cores), height: H - B - T, class: 'beyond-cores' });
    add('text', { x: x(cores) + 4, y: T + 12, class: 'tick' }, `more threads than ${cores} cores`);
  }
  const path = (f, n0 = 1) => Array.from({ length: (maxN - n0) * 10 + 1 }, (_, i) => n0 + i / 10)
    .map((n, i) => `${i ? 'L' : 'M'}${x(n).toFixed(1)},${y(f(n)).toFixed(1)}`).join('');
  add('path', { d: path((n) => n), class: 'ideal' });
  add('path', { d: path((n) => amdahl(serial, n)), class: 'fit' });
  add('path', { d: points.map((p, i) => `${i ? 'L' : 'M'}${x(p.threads)},${y(p.speedup)}`).join(''), class: 'measured' });
  points.forEach((p) => add('circle', { cx: x(p.threads), cy: y(p.speedup), r: 4, class: 'measured-point' })
    .append(Object.assign(document.createElementNS(ns, 'title'), { textContent: `${p.threads} threads: ${p.speedup.toFixed(2)}x (${seconds(p.wallMs)})` })));
  const best = points.reduce((a, b) => (b.speedup > a.speedup ? b : a));
  const sentence = `Best: ${best.speedup.toFixed(2)}x on ${best.threads} threads. Amdahl fit: about ${Math.round(serial * 100)} % of this run did not speed up with more threads` +
    (cores < maxN ? `. This machine has ${cores} cores, so beyond ${cores} threads there is no core left to compute on: threads take turns.` : '.');
  svg.setAttribute('aria-label', `Speedup by threads. ${sentence}`);
  const legend = document.createElement('p');
  legend.className = 'scaling-legend';
  legend.innerHTML = '<span class="key measured">measured</span> <span class="key ideal">ideal (n threads, n x)</span> <span class="key fit">Amdahl fit</span>';
  figure.replaceChildren(svg, legend);
  figure.dataset.serialFraction = String(serial);
  return sentence;
}
