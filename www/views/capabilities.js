// What this browser gives the playground: threads or not and why, processes, cores, clock.

import { seconds } from '../shared/metrics.js';
import { threadsOffWords } from '../shared/words.js';

/** `starting`: the engine is still starting (pg.starting): the cores are being measured. */
export function renderCapabilities(root, caps, { starting = false } = {}) {
  const items = [
    ['Cross-origin isolated', caps.crossOriginIsolated ? 'yes' : 'no'],
    ['Threads', !caps.threads ? 'off' : caps.pool === 'starting' ? `starting ${caps.poolThreads} workers sharing memory…`
      : `on: ${caps.poolThreads} workers sharing memory`],
    ['Processes', processesWords(caps, starting)],
    // As the browser reports it, and as measured by running the workers side by side: some
    // browsers report more than the machine has (WebKitGTK said 4 on a 2-core machine).
    ['Cores', coresWords(caps, starting)],
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
  root.dataset.threads = caps.threads ? 'on' : 'off';
  if (!caps.threads) {
    const { why, advice } = threadsOffWords(caps);
    root.append(Object.assign(document.createElement('p'), { className: 'threads-off', textContent: advice ? `${why} ${advice}` : why }));
  }
  const workers = Math.max(caps.poolThreads, caps.processes);
  const seen = caps.coresMeasured ?? null;
  if (caps.hardwareConcurrency < workers || (seen !== null && seen < workers - 0.5)) {
    const note = document.createElement('p');
    note.className = 'cores-note';
    const evidence = seen === null ? `this browser reports ${caps.hardwareConcurrency} cores`
      : `this browser reports ${caps.hardwareConcurrency} cores and at most ${seen.toFixed(2)} cores’ worth were seen computing at once`;
    note.textContent = `A pool has ${workers} workers, and ${evidence}: with more workers than the machine’s cores, they take turns on them.`;
    root.append(note);
  }
}

/**
 * "up to 4, each with its own memory (…)": when they start. Where threads are the parallelism,
 * when a run needs them; where processes are, once the page is up, warmed up before a run.
 */
export function processesWords(caps, starting = false) {
  if (!(caps.processes > 0)) return 'none (no Web Workers)';
  const when = caps.threads ? 'started when a run needs them'
    : starting ? 'starting and warming up, so the first run gets their speed…' : 'started and warmed up as the page loaded';
  return `up to ${caps.processes}, each with its own memory (${when})`;
}

/** "4 reported by this browser; 2 measured (1.96 workers computing side by side)". */
export function coresWords(caps, starting = false) {
  const reported = `${caps.hardwareConcurrency} reported by this browser`;
  if (caps.coresMeasured === null || caps.coresMeasured === undefined) {
    return starting ? `${reported}; measuring…` : `${reported} (not measured here)`;
  }
  return `${reported}; at least ${caps.cores} seen computing at once (up to ${caps.coresMeasured.toFixed(2)} cores’ worth)`;
}
