// What this browser gives the playground: threads or not, and why.

import { seconds } from '../app/metrics.js';

export function renderCapabilities(root, caps) {
  const yes = caps.threads;
  const items = [
    ['Cross-origin isolated', caps.crossOriginIsolated ? 'yes' : 'no'],
    ['Threads', yes ? `on: ${caps.poolThreads} workers` : 'off'],
    ['Cores', String(caps.hardwareConcurrency)],
    ['Timer resolution', caps.timerResolutionMs < 0.1 ? `${Math.round(caps.timerResolutionMs * 1000)} µs` : seconds(caps.timerResolutionMs)],
    ['CPU kernel', `${(caps.calibration.iterationsPerMs / 1e6).toFixed(2)} M iterations/ms (calibrated in ${Math.round(caps.calibration.measuredMs)} ms)`],
  ];
  const dl = document.createElement('dl');
  for (const [term, value] of items) {
    const div = document.createElement('div');
    div.append(Object.assign(document.createElement('dt'), { textContent: term }), Object.assign(document.createElement('dd'), { textContent: value }));
    dl.append(div);
  }
  root.replaceChildren(dl);
  root.dataset.threads = yes ? 'on' : 'off';
  if (!yes) {
    const why = document.createElement('p');
    why.className = 'threads-off';
    why.textContent = `Threads are off because ${caps.noPoolReason}. Everything still runs, on the page’s thread only: ` +
      'parallel runs as sequential and hybrid as concurrent. To get threads, open the playground in its own tab, ' +
      'or serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp ' +
      '(./build.sh serve does).';
    root.append(why);
  }
  if (caps.hardwareConcurrency < caps.poolThreads) {
    const note = document.createElement('p');
    note.className = 'cores-note';
    note.textContent = `This machine has ${caps.hardwareConcurrency} cores and the pool has ${caps.poolThreads} workers: with more threads than cores, threads take turns on the cores.`;
    root.append(note);
  }
}
