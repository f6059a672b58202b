// Scaling: the same workload on 1, 2, ... N workers, threads and processes; measured speedup
// against the ideal line, the cores the machine has (beyond them more workers can only take
// turns), and an Amdahl's-law fit over the points up to the cores, whose serial fraction says how
// much of the run did not get faster with more workers. Drawn point by point as they come, for
// the width it is given.

import { seconds } from '../shared/metrics.js';

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
 * Runs `workload` with each of `strategies` (default: parallel) on 1..maxThreads workers, all
 * against the one-worker run of the first. `onPoint(series, strategy, n, max)` after each point
 * (`series` so far, speedups filled in). Returns `{ [strategy]: [{ threads, wallMs, speedup }] }`,
 * or null if cancelled.
 */
export async function measureScaling(pg, workload, maxThreads, { signal, onPoint, onStep, strategies = ['parallel'] } = {}) {
  const series = {};
  let base = null;
  for (const strategy of strategies) {
    const points = (series[strategy] = []);
    for (let threads = 1; threads <= maxThreads; threads++) {
      onStep?.(strategy, threads, maxThreads);
      const result = await pg.run({ ...workload, strategy, threads }, { signal, trace: false });
      if (result.status !== 'completed') return null;
      base ??= result.wallMs;
      points.push({ threads, wallMs: result.wallMs, speedup: base / result.wallMs });
      onPoint?.(series, strategy, threads, maxThreads);
    }
  }
  return series;
}

/**
 * What the points say, in one sentence: the best speedup of each series, the Amdahl fit over the
 * points within the machine's `cores`, and the core limit beyond them.
 * `{ sentence, serial }` (serial: the fitted fraction, null without two points to fit).
 */
export function scalingWords(series, cores, { measured = true } = {}) {
  const names = Object.keys(series);
  const best = (name) => series[name].reduce((a, b) => (b.speedup > a.speedup ? b : a));
  const bests = names.map((name) => `${best(name).speedup.toFixed(2)}x on ${best(name).threads} ${name === 'processes' ? 'processes' : 'threads'}`);
  const within = series[names[0]].filter((p) => p.threads <= cores);
  const serial = within.length >= 2 ? fitSerialFraction(within) : null;
  const fit = serial === null
    ? `With ${cores === 1 ? 'one core' : `${cores} cores`} there are not two points to fit Amdahl’s law to`
    : `Amdahl fit (${names[0]}, 1 to ${cores} workers): about ${Math.round(serial * 100)} % of this run did not speed up with more workers`;
  const maxN = Math.max(...names.flatMap((name) => series[name].map((p) => p.threads)));
  const limit = cores < maxN
    ? `. This machine computes on ${cores} ${cores === 1 ? 'core' : 'cores'} (${measured ? 'measured' : 'as the browser reports'}), so no run gets past ${cores}x: beyond ${cores} workers they take turns`
    : '';
  return { sentence: `Best: ${bests.join('; ')}. ${fit}${limit}.`, serial };
}

const SVG = 'http://www.w3.org/2000/svg';

/** Draws the plot of every series into `figure` for its width; returns the sentence about it. */
export function drawScaling(figure, series, cores, { maxThreads = null, measured = true } = {}) {
  const names = Object.keys(series);
  const all = names.flatMap((name) => series[name]);
  const W = Math.max(280, Math.min(560, figure.clientWidth || 420)); // px
  const H = 260, L = 44, B = 34, T = 12, R = 12; // px
  const maxN = Math.max(maxThreads ?? 1, ...all.map((p) => p.threads));
  const maxY = Math.max(Math.min(maxN, cores) + 0.5, ...all.map((p) => p.speedup));
  const x = (n) => L + ((n - 1) / Math.max(1, maxN - 1)) * (W - L - R);
  const y = (v) => H - B - (v / maxY) * (H - B - T);
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', W);
  svg.setAttribute('height', H);
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('role', 'img');
  const add = (tag, attrs, text) => {
    const node = document.createElementNS(SVG, tag);
    Object.entries(attrs).forEach(([k, v]) => node.setAttribute(k, v));
    if (text !== undefined) node.textContent = text;
    svg.append(node);
    return node;
  };
  if (cores < maxN) {
    add('rect', { x: x(cores), y: T, width: x(maxN) - x(cores), height: H - B - T, class: 'beyond-cores' });
    add('text', { x: x(cores) + 4, y: T + 12, class: 'tick' }, `more workers than ${cores} ${cores === 1 ? 'core' : 'cores'}`);
  }
  add('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, class: 'axis' });
  add('line', { x1: L, y1: T, x2: L, y2: H - B, class: 'axis' });
  for (let n = 1; n <= maxN; n++) add('text', { x: x(n), y: H - B + 16, 'text-anchor': 'middle', class: 'tick' }, n);
  for (let v = 0; v <= maxY; v += maxY > 8 ? 2 : 1) add('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' }, `${v}x`);
  add('text', { x: (W + L) / 2, y: H - 2, 'text-anchor': 'middle', class: 'axis-label' }, 'workers');
  const path = (f, n0, n1) => Array.from({ length: Math.round((n1 - n0) * 10) + 1 }, (_, i) => n0 + i / 10)
    .map((n, i) => `${i ? 'L' : 'M'}${x(n).toFixed(1)},${y(f(n)).toFixed(1)}`).join('');
  // Ideal: n workers, n times as fast, up to the cores; beyond them, the core limit.
  add('path', { d: path((n) => n, 1, Math.min(cores, maxN)), class: 'ideal' });
  if (cores < maxN) add('path', { d: `M${x(cores)},${y(cores)}L${x(maxN)},${y(cores)}`, class: 'core-limit' });
  const { sentence, serial } = scalingWords(series, cores, { measured });
  if (serial !== null) add('path', { d: path((n) => amdahl(serial, n), 1, Math.min(cores, maxN)), class: 'fit' });
  names.forEach((name, i) => {
    const points = series[name];
    add('path', { d: points.map((p, j) => `${j ? 'L' : 'M'}${x(p.threads)},${y(p.speedup)}`).join(''), class: `measured series-${i}` });
    points.forEach((p) => add('circle', { cx: x(p.threads), cy: y(p.speedup), r: 4, class: `measured-point series-${i}` })
      .append(Object.assign(document.createElementNS(SVG, 'title'), { textContent: `${name}, ${p.threads}: ${p.speedup.toFixed(2)}x (${seconds(p.wallMs)})` })));
  });
  svg.setAttribute('aria-label', `Speedup by workers. ${sentence}`);
  const legend = document.createElement('p');
  legend.className = 'scaling-legend';
  const key = (className, text) => Object.assign(document.createElement('span'), { className: `key ${className}`, textContent: text });
  legend.append(...names.map((name, i) => key(`measured series-${i}`, `${name} (measured)`)), ' ',
    key('ideal', 'ideal (n workers, n x)'), ...(cores < maxN ? [' ', key('core-limit', `core limit (${cores} cores)`)] : []),
    ...(serial !== null ? [' ', key('fit', 'Amdahl fit')] : []));
  figure.replaceChildren(svg, legend);
  figure.dataset.serialFraction = serial === null ? '' : String(serial);
  return sentence;
}
