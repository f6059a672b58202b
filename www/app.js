// The playground page: wires the engine to the views and runs what the person asks for.
// One batch of runs at a time (a single run, a preset's demo, a comparison, a scaling sweep).

import { startPlayground, STRATEGIES } from './engine.js';
import { createEditor } from './editor.js';
import { createResults } from './results.js';
import { renderCapabilities } from './capabilities.js';
import { PRESETS, presetById, presetVerdict, runWorkload } from './presets.js';
import { FrameMonitor, createSpinner } from './smoothness.js';
import { describeRun, tasksKey } from './metrics.js';
import { drawScaling, measureScaling } from './scaling.js';
import { DEFAULT_PRESET, readState, urlFor, writeState } from './url-state.js';
import { wireEmbedButton } from './embed-code.js';

const $ = (id) => document.getElementById(id);
const ui = {
  status: $('status'), problems: $('problems'), capabilities: $('capabilities'),
  presets: $('presets'), presetClaim: $('preset-claim'), presetRun: $('preset-run'),
  editor: $('editor'), run: $('run'), compare: $('compare'), scaling: $('scaling-run'), cancel: $('cancel'),
  copyLink: $('copy-link'), exportTrace: $('export-trace'), verdict: $('verdict'), freeze: $('freeze'),
  summary: $('summary'), results: $('results'), scalingFigure: $('scaling'), scalingText: $('scaling-text'),
  spinner: $('spinner'),
};

/** What the page knows, for people (the views) and for automation (`window.playgroundPage`). */
const page = {
  preset: null,
  batch: null, // { label, runs: [{label, result, smoothness, timeline}] } of the last batch
  verdict: '',
  busy: false,
  errors: [],
};
window.playgroundPage = page;

const baselines = new Map(); // tasksKey -> last sequential result of those tasks
let controller = null; // AbortController of the batch in progress
let lastResult = null;

function say(text) {
  ui.summary.textContent = text;
}

function showProblems(messages) {
  ui.problems.hidden = messages.length === 0;
  ui.problems.replaceChildren(...messages.map((m) => Object.assign(document.createElement('p'), { textContent: m })));
}

async function main() {
  createSpinner(ui.spinner);
  ui.status.textContent = 'Loading the engine and measuring this machine…';
  const pg = await startPlayground();
  window.playground = pg;
  const caps = pg.capabilities;
  renderCapabilities(ui.capabilities, caps);
  const results = createResults(ui.results);

  // Presets
  for (const preset of PRESETS) {
    const button = Object.assign(document.createElement('button'), { type: 'button', textContent: preset.title, className: 'preset' });
    button.dataset.preset = preset.id;
    button.addEventListener('click', () => selectPreset(preset.id, { run: false }));
    ui.presets.append(button);
  }

  const editor = createEditor(ui.editor, { maxThreads: caps.maxThreads, onChange: edited });

  function validate(workload) {
    const errors = pg.validate(workload);
    page.errors = errors;
    editor.showErrors(errors);
    const bad = errors.length > 0;
    for (const b of [ui.run, ui.compare, ui.scaling, ui.presetRun]) b.disabled = bad || page.busy;
    ui.run.title = bad ? 'Fix the marked fields first' : '';
    return !bad;
  }

  function edited(workload) {
    writeState(workload, page.preset?.id ?? null);
    validate(workload);
  }

  function selectPreset(id, { run = false, workload = null } = {}) {
    const preset = presetById(id);
    page.preset = preset;
    ui.presets.querySelectorAll('button').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.preset === id)));
    ui.presetClaim.replaceChildren(
      Object.assign(document.createElement('strong'), { textContent: preset.title }),
      document.createTextNode(` ${preset.claim}`),
    );
    ui.presetRun.hidden = false;
    ui.presetRun.textContent = `Run this demo (${preset.runs.map((r) => r.label).join(' · ')})`;
    ui.freeze.hidden = !preset.freezes;
    ui.freeze.textContent = preset.freezes ?? '';
    const w = workload ?? preset.workload(caps);
    editor.set(w);
    writeState(editor.get(), preset.id);
    if (validate(editor.get()) && run) runPreset();
  }

  // Runs a batch: each `{label, workload}` in turn, drawn live, all on one time scale.
  async function runBatch(label, runs) {
    if (page.busy) return null;
    page.busy = true;
    controller = new AbortController();
    const { signal } = controller;
    setBusy(true);
    results.clear();
    ui.verdict.textContent = '';
    ui.scalingFigure.hidden = true;
    ui.scalingText.textContent = '';
    page.batch = { label, runs: [] };
    const predicted = runs.map((r) => pg.predict(r.workload)[r.workload.strategy]);
    const scale = runs.length > 1 ? Math.max(...predicted) * 1.15 : null;
    try {
      for (const [i, run] of runs.entries()) {
        if (signal.aborted) break;
        const lanes = pg.lanes(run.workload);
        const row = results.addRun(run.label, lanes, predicted[i]);
        if (scale) results.shareScale(scale);
        say(`Running ${run.label} (${i + 1} of ${runs.length})…`);
        const monitor = new FrameMonitor();
        monitor.start();
        const groupNames = run.workload.groups.map((g) => g.name);
        const result = await pg.run(run.workload, { signal, onProgress: (p) => row.progress(p, groupNames) });
        const smoothness = monitor.stop();
        const key = tasksKey(run.workload);
        if (result.strategy === 'sequential' && result.status === 'completed') baselines.set(key, result);
        row.finish(result, smoothness, baselines.get(key));
        lastResult = result;
        page.batch.runs.push({ label: run.label, result, smoothness, timeline: row.timeline.model() });
        say(describeRun(result, baselines.get(key), smoothness));
        if (result.status === 'cancelled') break;
      }
      const done = page.batch.runs;
      if (done.length > 1) {
        results.shareScale(Math.max(...done.map((r) => r.result.wallMs)));
        results.showBars();
        done.forEach((r, i) => { r.timeline = results.rows()[i].timeline.model(); });
      }
      ui.exportTrace.disabled = !lastResult;
      return page.batch;
    } catch (error) {
      say(`The run failed: ${error.message}`);
      showProblems([error.message]);
      return null;
    } finally {
      page.busy = false;
      controller = null;
      setBusy(false);
      validate(editor.get());
    }
  }

  function setBusy(busy) {
    document.body.classList.toggle('busy', busy);
    ui.cancel.disabled = !busy;
    editor.setDisabled(busy);
    for (const b of [ui.run, ui.compare, ui.scaling, ui.presetRun]) b.disabled = busy;
    ui.presets.querySelectorAll('button').forEach((b) => { b.disabled = busy; });
  }

  async function runPreset() {
    const preset = page.preset;
    const base = editor.get();
    const batch = await runBatch(preset.title, preset.runs.map((run) => ({ label: run.label, workload: runWorkload(base, run, caps) })));
    const finished = batch?.runs.length === preset.runs.length && batch.runs.every((r) => r.result.status === 'completed');
    if (!finished) return;
    page.verdict = presetVerdict(preset, batch.runs, caps);
    ui.verdict.textContent = page.verdict;
    say(page.verdict);
  }

  ui.presetRun.addEventListener('click', runPreset);
  ui.run.addEventListener('click', () => {
    const w = editor.get();
    runBatch(w.strategy, [{ label: w.strategy, workload: w }]);
  });
  ui.compare.addEventListener('click', async () => {
    const w = editor.get();
    const batch = await runBatch('compare', STRATEGIES.map((strategy) => ({ label: strategy, workload: { ...w, strategy } })));
    if (batch?.runs.length === STRATEGIES.length) {
      const fastest = batch.runs.reduce((a, b) => (b.result.wallMs < a.result.wallMs ? b : a));
      const seq = batch.runs[0].result;
      page.verdict = `Fastest: ${fastest.label}, ${(seq.wallMs / fastest.result.wallMs).toFixed(2)}x the speed of sequential.`;
      ui.verdict.textContent = page.verdict;
    }
  });
  ui.scaling.addEventListener('click', async () => {
    if (page.busy) return;
    page.busy = true;
    setBusy(true);
    controller = new AbortController();
    try {
      const points = await measureScaling(pg, editor.get(), caps.maxThreads, {
        signal: controller.signal,
        onStep: (n, max) => say(`Scaling: running on ${n} of ${max} threads…`),
      });
      if (points) {
        ui.scalingFigure.hidden = false;
        const sentence = drawScaling(ui.scalingFigure, points, caps.hardwareConcurrency);
        ui.scalingText.textContent = sentence;
        page.scaling = points;
        say(sentence);
      } else {
        say('Scaling cancelled.');
      }
    } catch (error) {
      say(`Scaling failed: ${error.message}`);
    } finally {
      page.busy = false;
      controller = null;
      setBusy(false);
      validate(editor.get());
    }
  });
  ui.cancel.addEventListener('click', () => controller?.abort());
  ui.copyLink.addEventListener('click', async () => {
    const url = urlFor(editor.get(), { presetId: page.preset?.id ?? null }).href;
    try {
      await navigator.clipboard.writeText(url);
      say('Link copied: it opens this workload.');
    } catch {
      say(`Copy this link: ${url}`);
    }
  });
  wireEmbedButton($('copy-embed'), () => ({ workload: editor.get(), presetId: page.preset?.id ?? null,
    runs: page.preset?.runs.length ?? STRATEGIES.length }), say);
  ui.exportTrace.addEventListener('click', () => {
    if (!lastResult) return;
    const blob = new Blob([pg.exportTrace(lastResult)], { type: 'application/json' });
    const a = Object.assign(document.createElement('a'), { href: URL.createObjectURL(blob), download: `trace-${lastResult.strategy}.json` });
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    say('Trace downloaded: open it at ui.perfetto.dev or chrome://tracing.');
  });

  // Start from the link: a workload, a preset, or the default preset.
  const state = readState(location.search, PRESETS.map((p) => p.id));
  const problems = [...state.problems];
  if (state.workload && state.workload.threads > caps.maxThreads) {
    problems.push(`The link asks for ${state.workload.threads} threads; this page has ${caps.maxThreads}.`);
  }
  selectPreset(state.presetId ?? DEFAULT_PRESET, { workload: state.workload });
  if (state.workload && !state.presetId) {
    page.preset = null;
    ui.presets.querySelectorAll('button').forEach((b) => b.setAttribute('aria-pressed', 'false'));
    ui.presetClaim.textContent = 'A workload from a link. Pick a preset to see one claim at a time, or run this one.';
    ui.presetRun.hidden = true;
    ui.freeze.hidden = true;
  }
  showProblems(problems);
  ui.status.textContent = caps.threads
    ? `Ready: ${caps.poolThreads} worker threads on ${caps.hardwareConcurrency} cores.`
    : 'Ready, without threads (see below why).';
  document.body.dataset.ready = 'true';
}

main().catch((error) => {
  ui.status.textContent = `The playground could not start: ${error.message}`;
  console.error(error);
});
