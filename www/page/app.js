// The playground page: wires the engine to the views and runs what the person asks for.
// One batch of runs at a time (a single run, a preset's demo, a comparison, a scaling sweep).

import { startPlayground } from '../engine/engine.js';
import { cancelFor, createBatchRunner } from '../app/batch.js';
import { describeBatch, describeRun } from '../app/metrics.js';
import { PRESETS, presetById, presetVerdict, runWorkload } from '../app/presets.js';
import { DEFAULT_PRESET, MAX_LINK, readState, urlFor, writeState } from '../app/url-state.js';
import { renderCapabilities } from '../views/capabilities.js';
import { createEditor } from '../views/editor.js';
import { createResults } from '../views/results.js';
import { drawScaling, measureScaling } from '../views/scaling.js';
import { createSpinner } from '../views/spinner.js';
import { wireEmbedButton } from './embed-code.js';

const $ = (id) => document.getElementById(id);
const CURSOR_LINK_MS = 400; // the link gets the replay's cursor once it has rested this long
const ui = {
  status: $('status'), problems: $('problems'), capabilities: $('capabilities'),
  presets: $('presets'), presetClaim: $('preset-claim'), presetRun: $('preset-run'),
  editor: $('editor'), run: $('run'), compare: $('compare'), scaling: $('scaling-run'), cancel: $('cancel'),
  copyLink: $('copy-link'), exportTrace: $('export-trace'), verdict: $('verdict'), freeze: $('freeze'), tryInput: $('try-input'),
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
  replay: null, // the replay of the last batch (views/replay.js): seek, play, pause, describe
  cursorMs: null, // where the replay's cursor rests, if not at the end
};
window.playgroundPage = page;

let lastResult = null;

function say(text) {
  ui.summary.textContent = text;
}

function showProblems(messages) {
  ui.problems.hidden = messages.length === 0;
  ui.problems.replaceChildren(...messages.map((m) => Object.assign(document.createElement('p'), { textContent: m })));
}

async function main() {
  const spinner = createSpinner(ui.spinner);
  ui.status.textContent = 'Loading the engine and measuring this machine…';
  const pg = await startPlayground();
  window.playground = pg;
  const caps = pg.capabilities;
  renderCapabilities(ui.capabilities, caps);
  // The replay's cursor goes in the link once it rests (not at every frame of a drag or a play:
  // browsers throttle history updates).
  let linkTimer = 0;
  const results = createResults(ui.results, {
    onCursor: ({ ms, endMs, playing }) => {
      clearTimeout(linkTimer);
      page.cursorMs = playing || ms >= endMs ? null : ms;
      if (!playing) linkTimer = setTimeout(() => writeState(editor.get(), page.preset?.id ?? null, page.cursorMs), CURSOR_LINK_MS);
    },
  });
  page.replay = results.replay;
  page.timelines = () => results.rows().map((row) => row.timeline); // for tests: their model()
  const batches = createBatchRunner(pg, results, { bars: true });

  // Presets
  for (const preset of PRESETS) {
    const button = Object.assign(document.createElement('button'), { type: 'button', textContent: preset.title, className: 'preset' });
    button.dataset.preset = preset.id;
    button.addEventListener('click', () => selectPreset(preset.id, { run: false }));
    ui.presets.append(button);
  }

  const editor = createEditor(ui.editor, { strategies: pg.strategies, limits: pg.limits, workers: caps.maxThreads, onChange: edited });

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

  /** `fromLink`: the workload is the link's own, which stays as the reader gave it until they edit. */
  function selectPreset(id, { run = false, workload = null, fromLink = false } = {}) {
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
    ui.tryInput.hidden = !preset.tryInput;
    ui.tryInput.querySelector('span').textContent = preset.tryInput ?? '';
    const w = workload ?? preset.workload(caps);
    editor.set(w);
    if (!fromLink) writeState(editor.get(), preset.id);
    if (validate(editor.get()) && run) runPreset();
  }

  // Runs a batch: each `{label, workload}` in turn, drawn live, all on one time scale.
  async function runBatch(label, runs, verdict = null) {
    if (page.busy) return null;
    page.busy = true;
    setBusy(true);
    ui.verdict.textContent = '';
    ui.scalingFigure.hidden = true;
    ui.scalingText.textContent = '';
    page.batch = { label, runs: [] };
    try {
      const batch = await batches.run(runs, {
        verdict,
        onRunStart: (run, i) => {
          say(pg.starting
            ? `Waiting for the worker threads to start, then running ${run.label} (${i + 1} of ${runs.length})…`
            : `Running ${run.label} (${i + 1} of ${runs.length})…`);
          showCancel(run.workload);
        },
        onRunEnd: ({ label: runLabel, result, smoothness, baseline, row }) => {
          lastResult = result;
          page.batch.runs.push({ label: runLabel, result, smoothness, timeline: row.timeline.model() });
          say(describeRun(result, baseline, smoothness));
        },
      });
      // The timelines' final scale (shared over the batch) is known once it has ended.
      batch.runs.forEach((done, i) => { page.batch.runs[i].timeline = done.row.timeline.model(); });
      ui.exportTrace.disabled = !lastResult;
      if (batch.verdict) {
        page.verdict = batch.verdict;
        ui.verdict.textContent = page.verdict;
      }
      // Under the verdict (which a screen reader hears: it is live), every run's wall time.
      if (batch.complete && batch.runs.length > 1) say(describeBatch(batch.runs));
      return batch;
    } catch (error) {
      say(`The run failed: ${error.message}`);
      showProblems([error.message]);
      return null;
    } finally {
      page.busy = false;
      setBusy(false);
      validate(editor.get());
    }
  }

  /** Cancel where it can work (see cancelFor). */
  function showCancel(workload) {
    const cancel = cancelFor(pg, workload);
    ui.cancel.disabled = !cancel.can;
    ui.cancel.textContent = cancel.label;
    ui.cancel.title = cancel.title;
  }

  function setBusy(busy) {
    document.body.classList.toggle('busy', busy);
    if (busy) spinner.spin(); else spinner.rest();
    ui.cancel.disabled = !busy;
    ui.cancel.textContent = 'Cancel';
    ui.cancel.title = '';
    editor.setDisabled(busy);
    for (const b of [ui.run, ui.compare, ui.scaling, ui.presetRun]) b.disabled = busy;
    ui.presets.querySelectorAll('button').forEach((b) => { b.disabled = busy; });
  }

  async function runPreset() {
    const preset = page.preset;
    const base = editor.get();
    await runBatch(preset.title, preset.runs.map((run) => ({ label: run.label, workload: runWorkload(base, run, caps) })),
      (done) => presetVerdict(preset, done, caps));
  }

  ui.presetRun.addEventListener('click', runPreset);
  ui.run.addEventListener('click', () => {
    const w = editor.get();
    runBatch(w.strategy, [{ label: w.strategy, workload: w }]);
  });
  ui.compare.addEventListener('click', () => {
    const w = editor.get();
    runBatch('compare', pg.strategies.map(({ name }) => ({ label: name, workload: { ...w, strategy: name } })), (done) => {
      const fastest = done.reduce((a, b) => (b.result.wallMs < a.result.wallMs ? b : a));
      const seq = done.find((d) => d.result.strategy === 'sequential')?.result ?? done[0].result;
      return `Fastest: ${fastest.label}, ${(seq.wallMs / fastest.result.wallMs).toFixed(2)}x the speed of sequential.`;
    });
  });
  ui.scaling.addEventListener('click', async () => {
    if (page.busy) return;
    page.busy = true;
    setBusy(true);
    try {
      // Threads and processes; where threads are off, parallel would run as processes anyway.
      const strategies = caps.threads ? ['parallel', 'processes'] : ['processes'];
      const series = await batches.exclusive((signal) => measureScaling(pg, editor.get(), caps.maxThreads, {
        signal,
        strategies,
        onStep: (strategy, n, max) => say(`Scaling: ${strategy} on ${n} of ${max} workers…`),
      }));
      if (series) {
        ui.scalingFigure.hidden = false;
        const sentence = drawScaling(ui.scalingFigure, series, caps.hardwareConcurrency);
        ui.scalingText.textContent = sentence;
        page.scaling = series[strategies[0]];
        page.scalingSeries = series;
        say(sentence);
      } else {
        say('Scaling cancelled.');
      }
    } catch (error) {
      say(`Scaling failed: ${error.message}`);
    } finally {
      page.busy = false;
      setBusy(false);
      validate(editor.get());
    }
  });
  ui.cancel.addEventListener('click', () => batches.cancel());
  ui.copyLink.addEventListener('click', async () => {
    const url = urlFor(editor.get(), { presetId: page.preset?.id ?? null, cursorMs: page.cursorMs })?.href;
    if (url === undefined) {
      say('This workload has values a link can’t carry as they are (a number that is not finite, or lists nested too deep): fix the marked fields first.');
      return;
    }
    if (url.length > MAX_LINK) {
      say(`This workload’s link would be ${url.length} characters: too long to share (servers refuse links over about 16 KB). Shorten the group names or use fewer groups.`);
      return;
    }
    try {
      await navigator.clipboard.writeText(url);
      say('Link copied: it opens this workload.');
    } catch {
      say(`Copy this link: ${url}`);
    }
  });
  wireEmbedButton($('copy-embed'), () => ({ workload: editor.get(), presetId: page.preset?.id ?? null,
    runs: page.preset?.runs.length ?? pg.strategies.length }), say);
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
  selectPreset(state.presetId ?? DEFAULT_PRESET, { workload: state.workload, fromLink: state.workload !== null });
  if (state.workload && !state.presetId) {
    page.preset = null;
    ui.presets.querySelectorAll('button').forEach((b) => b.setAttribute('aria-pressed', 'false'));
    ui.presetClaim.textContent = 'A workload from a link. Pick a preset to see one claim at a time, or run this one.';
    ui.presetRun.hidden = true;
    ui.freeze.hidden = true;
    ui.tryInput.hidden = true;
  }
  showProblems(problems);
  if (state.cursorMs !== null) {
    results.replay.seekWhenReady(state.cursorMs);
    say(`The link puts the replay at ${state.cursorMs} ms: run to see what every thread was doing then.`);
  }
  const readyText = (now) => (now.threads
    ? `Ready: ${now.poolThreads} worker threads on ${now.hardwareConcurrency} cores.`
    : `Ready, without threads (see below why)${now.processes ? `: parallel runs use up to ${now.processes} processes` : ''}.`);
  // Runs are taken at once; the pool starts and the calibration settles meanwhile (a run
  // asked for before then waits for them).
  ui.status.textContent = pg.starting
    ? `Ready. Starting ${caps.threads ? `${caps.poolThreads} worker threads` : 'up'} and measuring this machine…`
    : readyText(caps);
  document.body.dataset.ready = 'true';
  pg.whenPoolReady.then((now) => {
    renderCapabilities(ui.capabilities, now);
    ui.status.textContent = readyText(now);
  });
}

main().catch((error) => {
  ui.status.textContent = `The playground could not start: ${error.message}`;
  console.error(error);
});
