// Scaling: the same workload on 1, 2, ... N workers, threads and processes; measured speedup
// against the ideal line and an Amdahl's-law fit, whose serial fraction says how much of the
// run did not get faster with more workers.

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

/**
 * Runs `workload` with each of `strategies` (default: parallel) on 1..maxThreads workers,
 * all against the same one-worker run of the first. `onStep(label, n, max)` reports progress.
 * Returns `{ [strategy]: [{ threads, wallMs, speedup }] }`, or null if cancelled.
 */
export async function measureScaling(pg, workload, maxThreads, { signal, onStep, strategies = ['parallel'] } = {}) {
  const series = {};
  for (const strategy of strategies) {
    const points = [];
    for (let threads = 1; threads <= maxThreads; threads++) {
      onStep?.(strategy, threads, maxThreads);
      const result = await pg.run({ ...workload, strategy, threads }, { signal, trace: false });
      if (result.status !== 'completed') return null;
      points.push({ threads, wallMs: result.wallMs });
    }
    series[strategy] = points;
  }
  const base = series[strategies[0]][0].wallMs;
  for (const points of Object.values(series)) points.forEach((p) => { p.speedup = base / p.wallMs; });
  return series;
}

/** Draws the plot of every series into `figure` and returns a sentence about it. */
export function drawScaling(figure, series, cores) {
  const names = Object.keys(series);
  const all = names.flatMap((name) => series[name]);
  const W = 420, H = 260, L = 44, B = 34, T = 12, R = 12; // px
  const maxN = Math.max(...all.map((p) => p.threads));
  const maxY = Math.max(maxN, ...all.map((p) => p.speedup));
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
  add('text', { x: (W + L) / 2, y: H - 2, 'text-anchor': 'middle', class: 'axis-label' }, 'workers');
  if (cores < maxN) {
    add('rect', { x: x(cores), y: T, width: x(maxN) - x(cores), height: H - B - T, class: 'beyond-cores' });
    add('text', { x: x(cores) + 4, y: T + 12, class: 'tick' }, `more workers than ${cores} cores`);
  }
  const path = (f, n0 = 1) => Array.from({ length: (maxN - n0) * 10 + 1 }, (_, i) => n0 + i / 10)
    .map((n, i) => `${i ? 'L' : 'M'}${x(n).toFixed(1)},${y(f(n)).toFixed(1)}`).join('');
  add('path', { d: path((n) => n), class: 'ideal' });
  const serial = fitSerialFraction(series[names[0]]);
  add('path', { d: path((n) => amdahl(serial, n)), class: 'fit' });
  names.forEach((name, i) => {
    const points = series[name];
    add('path', { d: points.map((p, j) => `${j ? 'L' : 'M'}${x(p.threads)},${y(p.speedup)}`).join(''), class: `measured series-${i}` });
    points.forEach((p) => add('circle', { cx: x(p.threads), cy: y(p.speedup), r: 4, class: `measured-point series-${i}` })
      .append(Object.assign(document.createElementNS(ns, 'title'), { textContent: `${name}, ${p.threads}: ${p.speedup.toFixed(2)}x (${seconds(p.wallMs)})` })));
  });
  const best = (name) => series[name].reduce((a, b) => (b.speedup > a.speedup ? b : a));
  const bests = names.map((name) => `${best(name).speedup.toFixed(2)}x on ${best(name).threads} ${name === 'processes' ? 'processes' : 'threads'}`);
  const sentence = `Best: ${bests.join('; ')}. Amdahl fit (${names[0]}): about ${Math.round(serial * 100)} % of this run did not speed up with more workers` +
    (cores < maxN ? `. This machine has ${cores} cores, so beyond ${cores} workers there is no core left to compute on: they take turns.` : '.');
  svg.setAttribute('aria-label', `Speedup by workers. ${sentence}`);
  const legend = document.createElement('p');
  legend.className = 'scaling-legend';
  const key = (className, text) => Object.assign(document.createElement('span'), { className: `key ${className}`, textContent: text });
  legend.append(...names.map((name, i) => key(`measured series-${i}`, `${name} (measured)`)), ' ',
    key('ideal', 'ideal (n workers, n x)'), ' ', key('fit', 'Amdahl fit'));
  figure.replaceChildren(svg, legend);
  figure.dataset.serialFraction = String(serial);
  return sentence;
}
