// The playground page: wires the engine to the views and runs what the person asks for, one
// batch of runs at a time (a preset's demo, a single run, a comparison, a scaling sweep).
// The presets and the linked preset's claim are drawn before the engine loads; the rest once it
// is ready (page/controls.js holds the page's elements and the words that go in them).
// What the first screen doesn't show loads on first use, by import(), so the bytes before ready
// are the engine's and the first screen's (issue 22): the results (timelines, replay, the code
// that ran, charts), the batch runner and the verdicts (in idle time once ready, or when a run
// starts), the scaling sweep, the lesson (only with ?lesson=k) and the embed code's panel (page/actions.js).
// index.html preloads the static graph only (tests/unit/preload.test.mjs).

import { startPlayground } from '../engine/api.js';
import { PRESETS, presetById } from '../shared/presets.js';
import {
  couldNotStartWords, loadRunModules, presetRuns, readyWords, runningWords, showCancel, startingWords, strategyRuns,
  warmNumberFormat, whenIdle,
} from '../shared/session.js';
import { DEFAULT_PRESET, readState, writeState } from '../shared/url-state.js';
import { renderCapabilities } from '../views/capabilities.js';
import { Editor } from '../views/editor.js';
import { Controls } from './controls.js';
import { wireSecondaryActions } from './actions.js';

const CURSOR_LINK_MS = 400; // the link gets the replay's cursor once it has rested this long
/** Compare runs every strategy this many rounds at most, fewer when that would take long. */
const COMPARE_ROUNDS = 3;
const COMPARE_BUDGET_MS = 20_000; // predicted, for all rounds of a comparison

/** What the page knows, for people (the views) and for automation (`window.playgroundPage`). */
const page = {
  preset: null,
  batch: null, // { label, runs: [{ label, result, smoothness, rounds, timeline }] } of the last batch
  verdict: '',
  claims: [], // what the verdict says of each claim: [{ claim, held }] (held: true, false or null)
  busy: false,
  errors: [],
  replay: null, // the replay of the last batch (views/replay.js): seek, play, pause, describe (once the results view has loaded)
  rounds: null, // every round of the last batch's runs: [{ label, workload, rounds: [{ result, smoothness, baseline }] }]
  cursorMs: null, // where the replay's cursor rests, if not at the end
  lastResult: null, // the last run's result (Download trace)
};
window.playgroundPage = page;

class PlaygroundPage {
  #ui = new Controls();
  #pg;
  #editor;
  #results;
  #batches;
  #verdicts; // verdicts.js and figures.js, loaded with the results view
  #figures;
  #caps; // as they were when the page started (the presets' first workloads)
  #linkTimer = 0;
  #resultsLoaded = null; // the promise of the results view, once asked for
  /** The lesson's step on this page (page/lesson-run.js), or null. */
  lesson = null;

  /**
   * Before the engine: the presets, and the claim of the one the link names. Returns a promise
   * of the lesson's step, if the link names one (its modules load only then).
   */
  early() {
    this.#ui.status('Loading the engine and measuring this machine…');
    this.state = readState(location.search, PRESETS.map((p) => p.id));
    this.picked = null; // a preset pressed before the engine was ready
    this.pick = (id) => { this.picked = id; this.#ui.showPreset(presetById(id)); };
    this.#ui.drawPresets((id) => this.pick(id));
    const { workload, presetId } = this.state;
    this.#ui.showPreset(workload && !presetId ? null : presetById(presetId ?? DEFAULT_PRESET));
    return this.state.params.has('lesson') ? this.#startLesson() : Promise.resolve();
  }

  /**
   * A link with `lesson=k` shows the lesson's step k where the presets go (the page's other
   * parts work as ever: the step's runs are drawn in its results), worded for the cores the
   * browser reports until the engine has measured them.
   */
  async #startLesson() {
    const [{ readLessonParam }, { PageLesson }] = await Promise.all([import('../shared/lesson-steps.js'), import('./lesson-run.js')]);
    const { index, problem } = readLessonParam(this.state.params.get('lesson'));
    if (problem) this.state.problems.push(problem);
    if (index === null) return;
    const cores = navigator.hardwareConcurrency || 1;
    this.lesson = new PageLesson(document.getElementById('lesson'), {
      index, caps: { hardwareConcurrency: cores, cores: null, maxThreads: cores },
      runBatch: (label, runs, options) => this.#runBatch(label, runs, options),
    });
    page.lesson = this.lesson.state;
  }

  /** With the engine: the views, the buttons, the link's workload, the pool's start. */
  async start(pg) {
    this.#pg = pg;
    window.playground = pg;
    this.#caps = pg.capabilities;
    renderCapabilities(this.#ui.el.capabilities, this.#caps, { starting: pg.starting });
    page.timelines = () => this.#results?.rows().map((row) => row.timeline) ?? []; // for tests: their snapshot()
    this.#editor = new Editor(this.#ui.el.editor, { strategies: pg.strategies, limits: pg.limits, fields: pg.groupFields, syncs: pg.syncs,
      workers: this.#caps.maxThreads, onChange: (w) => this.#edited(w) });
    this.#wireButtons();
    // The link's workload in a task of its own: filling the editor is the start's longest part
    // (24 of 39 ms on a desktop core, 4x that on Lighthouse's phone; issue 22).
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.#fromLink();
    this.lesson?.ready(this.#caps);
    this.#ui.status(pg.starting ? startingWords(this.#caps) : readyWords(this.#caps));
    document.body.dataset.ready = 'true';
    warmNumberFormat();
    pg.whenPoolReady.then((now) => {
      this.#poolReady(now);
      // The results view, before the reader's first run asks for it, when the page is idle.
      whenIdle(() => this.#loadResults().catch(() => {})); // (said by the run that needs it)
    });
  }

  /**
   * The results view (rows, timelines, replay, code, charts), the batch runner that fills it,
   * the verdicts and the sentences of what ran, loaded once.
   */
  #loadResults() {
    this.#resultsLoaded ??= loadRunModules().then(({ createResults, createBatchRunner, verdicts, figures }) => {
      this.#results = createResults(this.#ui.el.results, { onCursor: (cursor) => this.#cursorMoved(cursor) });
      page.replay = this.#results.replay;
      this.#batches = createBatchRunner(this.#pg, this.#results, { bars: true });
      this.#verdicts = verdicts;
      this.#figures = figures;
    });
    return this.#resultsLoaded;
  }

  #wireButtons() {
    const { el } = this.#ui;
    el.presetRun.addEventListener('click', () => this.#runPreset());
    el.run.addEventListener('click', () => {
      const w = this.#editor.get();
      this.#runBatch(w.strategy, [{ label: w.strategy, workload: w }]);
    });
    el.compare.addEventListener('click', () => this.#compare());
    el.scaling.addEventListener('click', () => this.#scaling());
    el.cancel.addEventListener('click', () => this.#batches?.cancel());
    wireSecondaryActions(this.#ui, { pg: this.#pg, editor: this.#editor, page });
  }

  /** Start from the link: a workload, a preset, or the default preset (or one pressed meanwhile). */
  #fromLink() {
    const { state } = this;
    this.#selectPreset(state.presetId ?? DEFAULT_PRESET, { workload: state.workload, fromLink: state.workload !== null });
    if (state.workload && !state.presetId) {
      page.preset = null;
      this.#ui.showPreset(null);
    }
    if (this.picked) this.#selectPreset(this.picked);
    this.pick = (id) => this.#selectPreset(id);
    this.#ui.reveal();
    this.#ui.showProblems([...state.problems]);
    if (state.cursorMs !== null) {
      // (A view that fails to load is said by the run that needs it: "The run failed: ...".)
      this.#loadResults().then(() => this.#results.replay.seekWhenReady(state.cursorMs), () => {});
      this.#ui.say(`The link puts the replay at ${state.cursorMs} ms: run to see what every thread was doing then.`);
    }
  }

  /**
   * The pool is up and the cores measured: the status says so, and a preset not yet edited or
   * run gets as many workers as there are cores (it was set from what the browser reported).
   */
  #poolReady(now) {
    renderCapabilities(this.#ui.el.capabilities, now);
    this.#ui.status(readyWords(now));
    if (now.engineStopped) return; // (said: nothing more can run)
    this.lesson?.ready(now);
    if (!page.busy && !page.batch) this.#followMeasuredCores(now);
  }

  /** A preset not yet edited gets as many workers as the cores measured (`now`); the editor's workload, after. */
  #followMeasuredCores(now) {
    const preset = page.preset;
    if (preset && JSON.stringify(this.#editor.get()) === JSON.stringify(preset.workload(this.#caps))) {
      this.#editor.set(preset.workload(now));
      this.#link(this.#editor.get(), preset.id);
      this.#validate(this.#editor.get());
    }
    return this.#editor.get();
  }

  /** The replay's cursor goes in the link once it rests (browsers throttle history updates). */
  #cursorMoved({ ms, endMs, playing }) {
    clearTimeout(this.#linkTimer);
    page.cursorMs = playing || ms >= endMs ? null : ms;
    if (!playing) this.#linkTimer = setTimeout(() => this.#link(this.#editor.get(), page.preset?.id ?? null, page.cursorMs), CURSOR_LINK_MS);
  }

  /** The workload in the address (not on a lesson's page: its address is its step). */
  #link(workload, presetId, cursorMs = null) {
    if (!this.lesson) writeState(workload, presetId, cursorMs);
  }

  #validate(workload) {
    const errors = this.#pg.validate(workload);
    page.errors = errors;
    this.#editor.showErrors(errors);
    this.#ui.enableRuns(errors.length === 0 && !page.busy, errors.length > 0);
    return errors.length === 0;
  }

  #edited(workload) {
    this.#link(workload, page.preset?.id ?? null);
    this.#validate(workload);
    // What is on screen was measured on the tasks as they were: say so until the next run.
    if (page.batch && !page.busy) this.#ui.markStale();
  }

  /** Nothing of an earlier batch stays under a claim it did not test. */
  #clearResults() {
    this.#results?.clear();
    Object.assign(page, { batch: null, verdict: '', claims: [] });
    this.#ui.clearResults();
  }

  /** `fromLink`: the workload is the link's own, which stays as the reader gave it until they edit. */
  #selectPreset(id, { workload = null, fromLink = false } = {}) {
    const preset = presetById(id);
    if (page.preset !== preset) this.#clearResults();
    page.preset = preset;
    this.#ui.showPreset(preset);
    this.#editor.set(workload ?? preset.workload(this.#pg.capabilities));
    if (!fromLink) this.#link(this.#editor.get(), preset.id);
    this.#validate(this.#editor.get());
  }

  #runPreset() {
    const preset = page.preset;
    // Asked for while the pool starts: made once the cores are measured (a browser may report more).
    const runs = this.#pg.starting ? (now) => presetRuns(preset, this.#followMeasuredCores(now), now) : presetRuns(preset, this.#editor.get(), this.#pg.capabilities);
    return this.#runBatch(preset.title, runs, {
      verdict: (done) => this.#verdicts.presetVerdict(preset, done, this.#pg.capabilities), rounds: preset.rounds ?? 1, chart: preset.chart ?? 'wall' });
  }

  #compare() {
    const runs = strategyRuns(this.#editor.get(), this.#pg.strategies.map((s) => s.name));
    // As many rounds as fit the budget, by the ideal model (planning a batch: runs parse their own).
    const once = runs.reduce((ms, r) => ms + this.#pg.predict(r.workload)[r.workload.strategy], 0);
    const rounds = Math.max(1, Math.min(COMPARE_ROUNDS, Math.floor(COMPARE_BUDGET_MS / Math.max(once, 1))));
    return this.#runBatch('compare', runs, { verdict: (done) => ({ ...this.#verdicts.compareVerdict(done), claims: [] }), rounds });
  }

  /** Runs a batch: each `{ label, workload }` in turn, `rounds` times, drawn live, on one time scale. */
  async #runBatch(label, runs, { verdict = null, rounds = 1, chart = 'wall' } = {}) {
    if (!this.#begin()) return null;
    page.batch = { label, runs: [] };
    try {
      await this.#loadResults();
      const batch = await this.#batches.run(runs, {
        verdict, rounds, chart,
        onRunStart: (run, index, round, setup, count) => {
          this.#ui.say(runningWords({ label: run.label, index, count, round, rounds, starting: this.#pg.starting }));
          showCancel(this.#ui.el.cancel, setup.lanes, run.workload);
        },
        onRunEnd: ({ result, smoothness, baseline }) => {
          page.lastResult = result;
          this.#ui.say(this.#figures.describeRun(result, baseline, smoothness));
        },
      });
      this.#showBatch(batch);
      return batch;
    } catch (error) {
      this.#ui.say(`The run failed: ${error.message}`);
      this.#ui.showProblems([error.message]);
      return null;
    } finally {
      this.#end();
    }
  }

  /** The batch as it ended: its runs (the median rounds) for automation, its verdict, its wall times. */
  #showBatch(batch) {
    page.rounds = batch.runs.map(({ label, workload, rounds: all }) => ({ label, workload, rounds: all }));
    page.batch.runs = batch.runs.map((done) => ({ label: done.label, result: done.result, smoothness: done.smoothness,
      rounds: done.rounds.map((r) => ({ wallMs: r.result.wallMs, status: r.result.status, computing: r.result.computing })),
      timeline: done.row.timeline.snapshot() }));
    this.#ui.el.exportTrace.disabled = !page.lastResult;
    if (batch.verdict) {
      page.verdict = batch.verdict.text;
      page.claims = batch.verdict.claims ?? [];
      this.#ui.el.verdict.textContent = page.verdict;
    }
    // Under the verdict (which a screen reader hears: it is live), every run's wall time.
    if (batch.complete && batch.runs.length > 1) this.#ui.say(this.#figures.describeBatch(batch.runs));
    else if (!batch.complete) this.#ui.say(batch.runs.length ? `Cancelled: ${this.#figures.describeBatch(batch.runs)}` : 'Cancelled before it started.');
  }

  /** Something starts running: only one thing at a time; the results in view on a phone. */
  #begin() {
    if (page.busy) return false;
    page.busy = true;
    this.#setBusy(true);
    this.#clearResults();
    this.#ui.showOutput();
    return true;
  }

  #end() {
    page.busy = false;
    this.#setBusy(false);
    this.#validate(this.#editor.get());
  }

  #setBusy(busy) {
    this.#ui.setBusy(busy);
    this.lesson?.setBusy(busy);
    this.#editor.setDisabled(busy);
  }

  /** Scaling: threads and processes on 1..N workers, each point drawn where the reader looks. */
  async #scaling() {
    if (!this.#begin()) return;
    try {
      const [{ runScaling }] = await Promise.all([import('./scaling-run.js'), this.#loadResults()]);
      await runScaling(this.#ui, { pg: this.#pg, batches: this.#batches, workload: this.#editor.get(), page });
    } finally {
      this.#end();
    }
  }
}

const playgroundPage = new PlaygroundPage();
const lessonLoaded = playgroundPage.early();
Promise.all([startPlayground(), lessonLoaded]).then(([pg]) => playgroundPage.start(pg)).catch((error) => {
  document.getElementById('status').textContent = couldNotStartWords(error);
  console.error(error);
});
