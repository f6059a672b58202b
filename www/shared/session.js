// What the page and the embed both say and do around the engine, written once: the line that
// says the engine is ready (or starting), the line of a run in progress, the Cancel button, the
// runs of a preset or of every strategy, what a run loads once ready, and the words when the
// engine could not start.

import { runWorkload } from './presets.js';

/** "2 cores (measured)", or as the browser reports them until they are. */
function coresWords(caps) {
  if (caps.coresMeasured === null || caps.coresMeasured === undefined) return `${caps.hardwareConcurrency} cores`;
  return `${caps.cores} ${caps.cores === 1 ? 'core' : 'cores'} (measured)`;
}

/** The status line once the pool has started (or there is none): what runs where, or that nothing can. */
export function readyWords(caps) {
  if (caps.engineStopped) return `The engine stopped: ${caps.engineStopped}. Reload the page to start it again.`;
  if (caps.threads) return `Ready: ${caps.poolThreads} worker threads on ${coresWords(caps)}.`;
  if (caps.processes) return `Ready, without threads (see below why): parallel runs use up to ${caps.processes} processes, on ${coresWords(caps)}.`;
  return 'Ready, on the page’s thread only.';
}

/** The status line while the pool starts (runs are taken at once, and wait for it). */
export function startingWords(caps) {
  return `Ready. Starting ${caps.threads ? `${caps.poolThreads} worker threads` : 'up'} and measuring this machine…`;
}

/** The line of a run in progress: which of how many, which round, and whether it waits for the pool. */
export function runningWords({ label, index, count, round = 0, rounds = 1, starting = false }) {
  const where = count > 1 || rounds > 1 ? ` (${index + 1} of ${count}${rounds > 1 ? `, round ${round + 1} of ${rounds}` : ''})` : '';
  return `${starting ? 'Waiting for the worker threads to start, then running' : 'Running'} ${label}${where}…`;
}

/**
 * Whether a cancel can reach a run of `workload` (`lanes`: the lanes the engine set it up with),
 * and the words for the Cancel button: a run that computes on the page's thread without ever
 * yielding or waiting leaves nothing on the page able to run, a cancel included, until it ends.
 * `{ can, label, title }`.
 */
function cancelFor(lanes, workload) {
  const onPageThread = lanes.every((lane) => lane.role === 'main');
  const groups = workload.groups ?? [];
  const never = onPageThread && !(workload.yieldMs > 0) && groups.some((g) => g.cpuMs > 0) && groups.every((g) => !(g.ioMs > 0));
  return never
    ? { can: false, label: 'Can’t cancel: it never yields', title: 'This run computes on the page’s thread without yielding or waiting: nothing on the page can run, a cancel included, until it ends.' }
    : { can: true, label: 'Cancel', title: '' };
}

/** The Cancel button for a run starting on `lanes` (a cancel can't reach a run that never yields). */
export function showCancel(button, lanes, workload) {
  const cancel = cancelFor(lanes, workload);
  button.disabled = !cancel.can;
  button.textContent = cancel.label;
  button.title = cancel.title;
}

/** The Cancel button between runs: there when something runs. */
export function resetCancel(button, busy) {
  button.disabled = !busy;
  button.textContent = 'Cancel';
  button.title = '';
}

/** A preset's runs on the workload `base` (the preset's, or the reader's edit of it). */
export function presetRuns(preset, base, caps) {
  return preset.runs.map((run) => ({ label: run.label, workload: runWorkload(base, run, caps) }));
}

/** `base` run with each of `names` (strategies). */
export function strategyRuns(base, names) {
  return names.map((name) => ({ label: name, workload: { ...base, strategy: name } }));
}

/**
 * What a run needs and the first screen doesn't, loaded once the page or the embed is ready (or
 * when a run starts: issue 22, bytes before ready): the results view and its stylesheet, the batch
 * runner, the verdicts and a run's figures and sentences. `{ createResults, createBatchRunner, verdicts, figures }`.
 */
export function loadRunModules() {
  return Promise.all([import('../views/results.js'), import('./batch.js'), import('./verdicts.js'), import('./figures.js'), loadViewStyles()])
    .then(([{ createResults }, { createBatchRunner }, verdicts, figures]) => ({ createResults, createBatchRunner, verdicts, figures }));
}

/** views.css: how a run's rows, charts, replay and code look. Resolves once it applies. */
export function loadViewStyles() {
  return new Promise((resolve, reject) => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    // From the root's folder: in dist/ this module is part of a page's bundle (tools/minify.mjs).
    link.href = new URL('../views.css', import.meta.url).href;
    link.onload = () => resolve();
    link.onerror = () => reject(new Error(`${link.href} did not load`));
    document.head.append(link);
  });
}

/** The words when the engine could not start (the page and the embed say them in their status line). */
export function couldNotStartWords(error) {
  return `The playground could not start: ${error?.message ?? error}`;
}

/** Calls `task` when the page's thread is idle (soon, where the browser can't say: WebKit). */
export function whenIdle(task) {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(() => task(), { timeout: 2000 });
  else setTimeout(task, 200);
}

/**
 * Loads the browser's number formatting (ICU's data) in a task of its own as the page becomes
 * ready: its first use took 15-30 ms in Chromium, which the first run's words (a timeline's
 * counts) paid as the run started, delaying its first piece (issue 22). (Not in idle time: a
 * run asked for at once, by a link or a host page, comes first.)
 */
export function warmNumberFormat() {
  setTimeout(() => (1234.5).toLocaleString('en'), 0);
}
