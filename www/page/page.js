// The playground page: wires the engine to the views and runs what the person asks for.
// One batch of runs at a time (a single run, a preset's demo, a comparison, a scaling sweep).

import { startPlayground } from '../engine/api.js';
import { cancelFor, createBatchRunner } from '../shared/batch.js';
import { describeBatch, describeRun } from '../shared/metrics.js';
import { PRESETS, compareVerdict, presetById, presetVerdict, runWorkload } from '../shared/presets.js';
import { DEFAULT_PRESET, MAX_LINK, readState, urlFor, writeState } from '../shared/url-state.js';
import { renderCapabilities } from '../views/capabilities.js';
import { createEditor } from '../views/editor.js';
import { createResults } from '../views/results.js';
import { drawScaling, measureScaling } from '../views/scaling.js';
import { createSpinner } from '../views/spinner.js';
import { wireEmbedButton } from './embed-code.js';

const $ = (id) => document.getElementById(id);
const CURSOR_LINK_MS = 400; // the link gets the replay's cursor once it has rested this long
/** Compare runs every strategy this many rounds at most, fewer when that would take long. */
const COMPARE_ROUNDS = 3;
const COMPARE_BUDGET_MS = 20_000; // predicted, for all rounds of a comparison
const ui = {
  status: $('status'), problems: $('problems'), capabilities: $('capabilities'),
  presets: $('presets'), presetClaim: $('preset-claim'), presetRun: $('preset-run'),
  editor: $('editor'), run: $('run'), compare: $('compare'), scaling: $('scaling-run'), cancel: $('cancel'),
  copyLink: $('copy-link'), exportTrace: $('export-trace'), verdict: $('verdict'), freeze: $('freeze'), tryInput: $('try-input'),
  summary: $('summary'), results: $('results'), scalingFigure: $('scaling'), scalingText: $('scaling-text'),
  output: $('output'), stale: $('stale'), actionNote: $('action-note'), workbench: $('workbench'),
  spinner: $('spinner'),
};

/** What the page knows, for people (the views) and for automation (`window.playgroundPage`). */
const page = {
  preset: null,
  batch: null, // { label, runs: [{label, result, smoothness, timeline}] } of the last batch
  verdict: '',
  claims: [], // what the verdict says of each claim: [{ claim, held }] (held: true, false or null)
  busy: false,
  errors: [],
  replay: null, // the replay of the last batch (views/replay.js): seek, play, pause, describe
  rounds: null, // every round of the last batch's runs: [{ label, workload, rounds: [{ result, smoothness, baseline }] }]
  cursorMs: null, // where the replay's cursor rests, if not at the end
};
window.playgroundPage = page;

let lastResult = null;

function say(text) {
  ui.summary.textContent = text;
}

/** What a secondary action (copy, download) did, next to its buttons, where the reader looks. */
function note(text) {
  ui.actionNote.textContent = text;
}

function showProblems(messages) {
  ui.problems.hidden = messages.length === 0;
  ui.problems.replaceChildren(...messages.map((m) => Object.assign(document.createElement('p'), { textContent: m })));
}

/**
 * The presets and the claim of the one the link names, drawn before the engine has loaded (they
 * are the page's own words): the first paint is the page's layout, nothing moves in above it
 * once the engine is ready (layout shift). `pick(id)` is what pressing one does; until the
 * engine is ready, it shows that preset's claim and is kept for then.
 */
function drawPresets(pick) {
  for (const preset of PRESETS) {
    const button = Object.assign(document.createElement('button'), { type: 'button', textContent: preset.title, className: 'preset' });
    button.dataset.preset = preset.id;
    button.addEventListener('click', () => pick(preset.id));
    ui.presets.append(button);
  }
}

/** A preset's words on the page: which is pressed, its claim, its Run button, its warnings. */
function showPreset(preset) {
  ui.presets.querySelectorAll('button').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.preset === preset?.id)));
  ui.freeze.hidden = !preset?.freezes;
  ui.freeze.textContent = preset?.freezes ?? '';
  ui.tryInput.hidden = !preset?.tryInput;
  ui.tryInput.querySelector('span').textContent = preset?.tryInput ?? '';
  ui.presetRun.hidden = !preset;
  if (!preset) {
    ui.presetClaim.textContent = 'A workload from a link. Pick a preset to see one claim at a time, or run this one.';
    return;
  }
  ui.presetClaim.replaceChildren(
    Object.assign(document.createElement('strong'), { textContent: preset.title }),
    document.createTextNode(` ${preset.claim}`),
  );
  ui.presetRun.textContent = `Run this demo (${preset.runs.map((r) => r.label).join(' · ')})`;
}

async function main() {
  const spinner = createSpinner(ui.spinner);
  ui.status.textContent = 'Loading the engine and measuring this machine…';
  const state = readState(location.search, PRESETS.map((p) => p.id));
  let picked = null; // a preset pressed before the engine was ready
  let pick = (id) => { picked = id; showPreset(presetById(id)); };
  drawPresets((id) => pick(id));
  showPreset(state.workload && !state.presetId ? null : presetById(state.presetId ?? DEFAULT_PRESET));
  ui.presetRun.disabled = true;
  const pg = await startPlayground();
  window.playground = pg;
  const caps = pg.capabilities;
  renderCapabilities(ui.capabilities, caps, { starting: pg.starting });
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
  page.timelines = () => results.rows().map((row) => row.timeline); // for tests: their snapshot()
  const batches = createBatchRunner(pg, results, { bars: true });

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
    // What is on screen was measured on the tasks as they were: say so until the next run.
    if (page.batch && !page.busy) {
      ui.output.dataset.stale = 'true';
      ui.stale.hidden = false;
    }
  }

  /** Nothing of an earlier batch stays under a claim it did not test. */
  function clearResults() {
    results.clear();
    page.batch = null;
    page.verdict = '';
    page.claims = [];
    ui.verdict.textContent = '';
    ui.scalingFigure.hidden = true;
    ui.scalingText.textContent = '';
    delete ui.output.dataset.stale;
    ui.stale.hidden = true;
    say('');
  }

  /** `fromLink`: the workload is the link's own, which stays as the reader gave it until they edit. */
  function selectPreset(id, { run = false, workload = null, fromLink = false } = {}) {
    const preset = presetById(id);
    if (page.preset !== preset) clearResults();
    page.preset = preset;
    showPreset(preset);
    const w = workload ?? preset.workload(pg.capabilities);
    editor.set(w);
    if (!fromLink) writeState(editor.get(), preset.id);
    if (validate(editor.get()) && run) runPreset();
  }

  // Runs a batch: each `{label, workload}` in turn, `rounds` times, drawn live, all on one time
  // scale. `verdict(done)`: its `{ text, claims }`.
  async function runBatch(label, runs, { verdict = null, rounds = 1, chart = 'wall' } = {}) {
    if (page.busy) return null;
    page.busy = true;
    setBusy(true);
    clearResults();
    page.batch = { label, runs: [] };
    showOutput();
    try {
      const batch = await batches.run(runs, {
        verdict,
        rounds,
        chart,
        onRunStart: (run, i, round) => {
          const where = `${i + 1} of ${runs.length}${rounds > 1 ? `, round ${round + 1} of ${rounds}` : ''}`;
          say(pg.starting
            ? `Waiting for the worker threads to start, then running ${run.label} (${where})…`
            : `Running ${run.label} (${where})…`);
          showCancel(run.workload);
        },
        onRunEnd: ({ result, smoothness, baseline }) => {
          lastResult = result;
          say(describeRun(result, baseline, smoothness));
        },
      });
      page.rounds = batch.runs.map(({ label, workload, rounds: all }) => ({ label, workload, rounds: all })); // for tests: every round's result
      // Each run as its row shows it (the median round), with the timelines' final scale.
      page.batch.runs = batch.runs.map((done) => ({ label: done.label, result: done.result, smoothness: done.smoothness,
        rounds: done.rounds.map((r) => ({ wallMs: r.result.wallMs, status: r.result.status, computing: r.result.computing })),
        timeline: done.row.timeline.snapshot() }));
      ui.exportTrace.disabled = !lastResult;
      if (batch.verdict) {
        page.verdict = batch.verdict.text;
        page.claims = batch.verdict.claims ?? [];
        ui.verdict.textContent = page.verdict;
      }
      // Under the verdict (which a screen reader hears: it is live), every run's wall time.
      if (batch.complete && batch.runs.length > 1) say(describeBatch(batch.runs));
      else if (!batch.complete) say(`Cancelled: ${describeBatch(batch.runs)}`);
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

  /**
   * On a narrow screen the results are below the controls: bring the line that says what is
   * running into view, or Run would seem to do nothing.
   */
  function showOutput() {
    const top = ui.summary.getBoundingClientRect().top;
    if (top > window.innerHeight - 40 || top < 0) ui.output.scrollIntoView({ block: 'start', behavior: 'smooth' });
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
    const now = pg.capabilities;
    await runBatch(preset.title, preset.runs.map((run) => ({ label: run.label, workload: runWorkload(base, run, now) })),
      { verdict: (done) => presetVerdict(preset, done, pg.capabilities), rounds: preset.rounds ?? 1, chart: preset.chart ?? 'wall' });
  }

  /** Rounds of a comparison: as many as fit the budget (by the ideal model), 1 to COMPARE_ROUNDS. */
  function compareRounds(runs) {
    const once = runs.reduce((ms, r) => ms + pg.predict(r.workload)[r.workload.strategy], 0);
    return Math.max(1, Math.min(COMPARE_ROUNDS, Math.floor(COMPARE_BUDGET_MS / Math.max(once, 1))));
  }

  ui.presetRun.addEventListener('click', runPreset);
  ui.run.addEventListener('click', () => {
    const w = editor.get();
    runBatch(w.strategy, [{ label: w.strategy, workload: w }]);
  });
  ui.compare.addEventListener('click', () => {
    const w = editor.get();
    const runs = pg.strategies.map(({ name }) => ({ label: name, workload: { ...w, strategy: name } }));
    runBatch('compare', runs, { verdict: (done) => ({ ...compareVerdict(done), claims: [] }), rounds: compareRounds(runs) });
  });
  ui.scaling.addEventListener('click', async () => {
    if (page.busy) return;
    page.busy = true;
    setBusy(true);
    // It replaces what was shown: a scaling sweep is its own claim.
    clearResults();
    showOutput();
    const now = pg.capabilities;
    try {
      // Threads and processes; where threads are off, parallel would run as processes anyway.
      const strategies = now.threads ? ['parallel', 'processes'] : ['processes'];
      ui.scalingFigure.hidden = false;
      const series = await batches.exclusive((signal) => measureScaling(pg, editor.get(), now.maxThreads, {
        signal,
        strategies,
        onStep: (strategy, n, max) => say(`Scaling: ${strategy} on ${n} of ${max} workers…`),
        // Each point as it comes, where the reader looks.
        onPoint: (sofar) => drawScaling(ui.scalingFigure, sofar, now.cores, { maxThreads: now.maxThreads, measured: now.coresMeasured !== null }),
      }));
      if (series) {
        const sentence = drawScaling(ui.scalingFigure, series, pg.capabilities.cores, { maxThreads: now.maxThreads, measured: pg.capabilities.coresMeasured !== null });
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
      note('This workload has values a link can’t carry as they are (a number that is not finite, or lists nested too deep): fix the marked fields first.');
      return;
    }
    if (url.length > MAX_LINK) {
      note(`This workload’s link would be ${url.length} characters: too long to share (servers refuse links over about 16 KB). Shorten the group names or use fewer groups.`);
      return;
    }
    try {
      await navigator.clipboard.writeText(url);
      note('Link copied: it opens this workload.');
    } catch {
      note(`Copy this link: ${url}`);
    }
  });
  wireEmbedButton($('copy-embed'), () => ({ workload: editor.get(), presetId: page.preset?.id ?? null,
    runs: page.preset?.runs.length ?? pg.strategies.length }), note);
  ui.exportTrace.addEventListener('click', () => {
    if (!lastResult) return;
    const blob = new Blob([pg.exportTrace(lastResult)], { type: 'application/json' });
    const a = Object.assign(document.createElement('a'), { href: URL.createObjectURL(blob), download: `trace-${lastResult.strategy}.json` });
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    note('Trace downloaded: open it at ui.perfetto.dev or chrome://tracing.');
  });

  // Start from the link: a workload, a preset, or the default preset (or one pressed meanwhile).
  const problems = [...state.problems];
  selectPreset(state.presetId ?? DEFAULT_PRESET, { workload: state.workload, fromLink: state.workload !== null });
  if (state.workload && !state.presetId) {
    page.preset = null;
    showPreset(null);
  }
  if (picked) selectPreset(picked);
  pick = (id) => selectPreset(id, { run: false });
  ui.workbench.hidden = false;
  ui.output.hidden = false;
  showProblems(problems);
  if (state.cursorMs !== null) {
    results.replay.seekWhenReady(state.cursorMs);
    say(`The link puts the replay at ${state.cursorMs} ms: run to see what every thread was doing then.`);
  }
  const cores = (now) => (now.coresMeasured === null ? `${now.hardwareConcurrency} cores`
    : `${now.cores} ${now.cores === 1 ? 'core' : 'cores'} (measured)`);
  const readyText = (now) => (now.threads
    ? `Ready: ${now.poolThreads} worker threads on ${cores(now)}.`
    : `Ready, without threads (see below why)${now.processes ? `: parallel runs use up to ${now.processes} processes, on ${cores(now)}` : ''}.`);
  // Runs are taken at once; the pool starts and the calibration settles meanwhile (a run
  // asked for before then waits for them).
  ui.status.textContent = pg.starting
    ? `Ready. Starting ${caps.threads ? `${caps.poolThreads} worker threads` : 'up'} and measuring this machine…`
    : readyText(caps);
  document.body.dataset.ready = 'true';
  pg.whenPoolReady.then((now) => {
    renderCapabilities(ui.capabilities, now);
    ui.status.textContent = readyText(now);
    // The preset's workers were chosen from the cores the browser reports; now they are
    // measured: a preset not yet edited or run gets as many workers as there are cores.
    const preset = page.preset;
    if (preset && !page.busy && !page.batch && JSON.stringify(editor.get()) === JSON.stringify(preset.workload(caps))) {
      editor.set(preset.workload(now));
      writeState(editor.get(), preset.id);
      validate(editor.get());
    }
  });
}

main().catch((error) => {
  ui.status.textContent = `The playground could not start: ${error.message}`;
  console.error(error);
});
