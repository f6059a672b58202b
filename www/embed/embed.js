// The embed view: the playground with minimal chrome, for an <iframe> on a tutorial page.
// Set by URL parameters (embed/params.js), driven by the host page's messages (embed/protocol.js,
// through embed/host-channel.js). Nothing a URL or a message says is thrown: bad parameters are
// listed in the frame, bad messages are ignored with a console warning. See docs/embedding.md.

import { startPlayground } from '../engine/api.js';
import { seconds, times } from '../shared/metrics.js';
import { completeWorkload, presetById } from '../shared/presets.js';
import {
  couldNotStartWords, loadRunModules, presetRuns, readyWords, resetCancel, runningWords, showCancel, startingWords, strategyRuns,
  warmNumberFormat,
} from '../shared/session.js';
import { urlFor } from '../shared/url-state.js';
import { cut } from '../shared/text.js';
import { threadsOffWords } from '../shared/words.js';
import { HostChannel } from './host-channel.js';
import { PRESET_IDS, readParams } from './params.js';

/** This document's: a host tells a reloaded frame from one that answers again by it (embed/host.js). */
const DOCUMENT_ID = Math.random().toString(36).slice(2, 10);
const PROGRESS_INTERVAL_MS = 100; // at most one progress (or cursor) message per 100 ms
// During a run, a progress message at least this often (the last one again when nothing moved, or
// when the frame, offscreen, gets no animation frames): the host helper's sign the frame lives.
const HEARTBEAT_MS = 1_000;
/** Groups the claim describes in words, at most. */
const DESCRIBED_GROUPS = 4;

const $ = (id) => document.getElementById(id);
const ui = {
  notices: $('notices'), claim: $('claim'), editor: $('editor'), run: $('run'), cancel: $('cancel'),
  status: $('status'), openFull: $('open-full'), threadsOff: $('threads-off'), verdict: $('verdict'), results: $('results'),
};

/** Errors as one line: "field: message; field: message". */
const errorText = (errors) => errors.map((e) => `${e.field}: ${e.message}`).join('; ');

class EmbedFrame {
  #pg;
  #channel;
  #results = null; // views/results.js's view, once loaded (after ready: nothing shows in it before a run)
  #resultsLoaded = null; // the promise of it
  #verdicts = null; // shared/verdicts.js and figures.js, loaded with the results view
  #figures = null;
  #batches = null; // shared/batch.js's runner, loaded with the results view
  #cancelAsked = false; // a cancel came while the runner loaded
  #editor = null;
  #lesson = null; // the lesson's step, with ?lesson=k (embed/lesson-frame.js)
  #preset;
  #strategies;
  #base = null; // the workload the runs derive from
  #given = {}; // the workload as the URL or the host gave it (only what it changes of the preset's)
  #followCores = true; // its workers follow the reader's cores as measured (it names none, and nobody edited it)
  #answer = null; // { id } of a host's seek, play or pause waiting for its cursor message
  #lastCursorPost = -Infinity;
  #cursorTimer = 0;

  constructor(params) {
    this.params = params;
    const channel = new HostChannel(params.origins);
    this.#channel = channel;
    /** What the frame knows, for automation and tests (`window.embedFrame`). */
    this.state = {
      params,
      notices: [...params.problems],
      ready: false,
      busy: false,
      batch: null, // { runs: [run summaries], verdict, claims, cancelled } of the last batch
      get ignored() { return channel.ignored; }, // messages ignored (wrong shape or origin)
    };
    this.#preset = params.presetId ? presetById(params.presetId) : null;
    this.#strategies = params.strategies;
  }

  /** Before the engine: notices, the host's line (requests wait for the engine), the claim. */
  early(engineReady) {
    if (this.params.compact) document.body.classList.add('compact');
    this.#showNotices();
    const problem = this.#channel.problem();
    if (problem) this.#addNotice(problem);
    new ResizeObserver(() => this.#channel.postHeight()).observe(document.body);
    // Listen from the start: a request that arrives while the engine loads waits for it.
    this.#channel.listen((message) => engineReady.then(() => this.#handle(message)));
    ui.status.textContent = 'Loading the engine…';
    // The claim is the page's own words: drawn before the engine loads, so the frame's layout
    // doesn't move once it is ready.
    const early = this.params.presetId && !this.params.workload ? this.#preset : null;
    if (early) this.#showClaim(early.title, early.claim);
    // (With the editor, which the engine's contract builds, the bar waits for it: it goes above.)
    if (!this.params.editor) document.body.classList.remove('loading');
  }

  /**
   * With the engine: the views, the URL's workload, the buttons; then tells the host it is ready.
   * `FrameLesson`: embed/lesson-frame.js's, loaded beside the engine with ?lesson=k; `Editor`:
   * views/editor.js's, loaded beside it with ?editor=1.
   */
  start(pg, { FrameLesson = null, Editor = null } = {}) {
    const { params } = this;
    this.#pg = pg;
    window.playground = pg;
    const caps = pg.capabilities;
    // The results view (timelines, replay, code, charts) and the verdicts load from here on:
    // nothing shows in them before a run, and their bytes would share the network with the
    // engine's (issue 22). A run asked for meanwhile starts once they have loaded.
    // (A view that fails to load is said by the run that needs it: "The run failed: ...".)
    const view = this.#loadResults();
    view.catch(() => {});
    if (params.cursorMs !== null) view.then((results) => results.replay.seekWhenReady(params.cursorMs), () => {});
    if (Editor) {
      this.#editor = new Editor(ui.editor, { strategies: pg.strategies, limits: pg.limits, fields: pg.groupFields, syncs: pg.syncs,
        workers: caps.maxThreads, onChange: (w) => { this.#base = w; this.#followCores = false; this.#check(); this.#render(); } });
    }
    ui.editor.hidden = !this.#editor;
    if (params.lesson !== null) {
      this.#lesson = new FrameLesson($('lesson'), { index: params.lesson, caps,
        runBatch: (id, runs, options) => this.#runBatch(id, runs, options), post: (type, fields) => this.#channel.post(type, fields) });
      this.state.lesson = this.#lesson.state;
    }
    document.body.classList.remove('loading');
    this.#fromUrl();
    if (!caps.threads) this.#showThreadsOff(caps);
    ui.run.addEventListener('click', () => { if (!this.state.busy && this.#check().length === 0) this.#runBatch(null); });
    // (A lesson's step has its own Run: the reader predicts first.)
    ui.cancel.addEventListener('click', () => this.#cancel());
    // Runs are taken at once; a run asked for while the pool starts waits for it.
    ui.status.textContent = pg.starting ? startingWords(caps) : readyWords(caps);
    this.#lesson?.ready(caps);
    pg.whenPoolReady.then((now) => this.#poolReady(caps, now));
    this.state.ready = true;
    document.body.dataset.ready = 'true';
    this.#channel.post('ready', this.#readyFields());
    this.#channel.postHeight(true);
    if (params.autorun && !this.#lesson && this.#check().length === 0) this.#runBatch(null);
  }

  #loadResults() {
    this.#resultsLoaded ??= loadRunModules().then(({ createResults, createBatchRunner, verdicts, figures }) => {
      const { params } = this;
      this.#verdicts = verdicts;
      this.#figures = figures;
      this.#results = createResults(ui.results, { compact: params.compact, replay: params.replay, onCursor: () => this.#cursorMoved() });
      this.#batches = createBatchRunner(this.#pg, this.#results);
      this.state.replay = this.#results.replay;
      return this.#results;
    });
    return this.#resultsLoaded;
  }

  /** Cancels the batch in progress; one asked for while its runner loads, as soon as it starts. */
  #cancel() {
    if (this.#batches) this.#batches.cancel();
    else this.#cancelAsked = this.state.busy;
  }

  /** The engine could not start: said in the frame and to the host. */
  failed(error) {
    ui.status.textContent = couldNotStartWords(error);
    this.#channel.post('error', { code: 'start-failed', message: error.message });
  }

  #fromUrl() {
    const { params } = this;
    // With both, a preset's edited workload: what it names replaces the preset's fields.
    const errors = this.#setWorkload({ workload: params.workload ?? undefined, preset: params.presetId ?? undefined });
    if (errors.length) {
      // Keep the rejected workload so it can be seen (and fixed in the editor), but don't run it.
      this.#preset = params.presetId ? presetById(params.presetId) : null;
      this.#base = completeWorkload(params.workload ?? {}, this.#preset, this.#pg.capabilities);
      this.#editor?.set(this.#base);
      this.#addNotice(`The workload in the URL was rejected: ${errorText(errors)}`);
      this.#check();
    }
    this.#render();
  }

  #poolReady(caps, now) {
    if (!this.state.busy) ui.status.textContent = readyWords(now);
    if (now.engineStopped) return; // (said: nothing more can run)
    this.#lesson?.ready(now);
    if (!this.state.busy && !this.state.batch) this.#followMeasuredCores(now);
  }

  /** Workers follow the cores as measured (`now`), unless the workload names them or was edited. */
  #followMeasuredCores(now) {
    if (!this.#followCores) return;
    this.#base = completeWorkload(this.#given, this.#preset, now);
    this.#editor?.set(this.#base);
    this.#check();
    this.#render();
  }

  // Why, in words that fit this browser; the new-tab link only where a new tab gets threads.
  #showThreadsOff(caps) {
    ui.threadsOff.hidden = false;
    const { why, advice } = threadsOffWords(caps);
    const link = Object.assign(document.createElement('a'), { href: ui.openFull.href, target: '_blank', rel: 'noopener', textContent: 'Open in a new tab' });
    ui.threadsOff.replaceChildren(why, ...(advice && this.#channel.framed ? [' ', link, ' for threads.'] : []));
  }

  #showNotices() {
    const { notices } = this.state;
    ui.notices.hidden = notices.length === 0;
    ui.notices.replaceChildren(...notices.map((text) => Object.assign(document.createElement('p'), { textContent: text })));
  }

  #addNotice(text) {
    if (!this.state.notices.includes(text)) this.state.notices.push(text);
    this.#showNotices();
  }

  #showClaim(title, text) {
    ui.claim.replaceChildren(Object.assign(document.createElement('strong'), { textContent: title }), document.createTextNode(` ${text}`));
  }

  // The replay's cursor, told to the host: at most one message per 100 ms while it moves, the
  // last one always, and at once in answer to the host's seek, play or pause.
  #cursorMoved() {
    const since = performance.now() - this.#lastCursorPost;
    clearTimeout(this.#cursorTimer);
    if (this.#answer || since >= PROGRESS_INTERVAL_MS) this.#postCursor();
    else this.#cursorTimer = setTimeout(() => this.#postCursor(), PROGRESS_INTERVAL_MS - since);
  }

  #postCursor() {
    clearTimeout(this.#cursorTimer);
    this.#lastCursorPost = performance.now();
    const id = this.#answer ? { id: this.#answer.id } : {};
    this.#answer = null;
    this.#channel.post('cursor', { ...id, ...this.#results.replay.describe() });
  }

  /** Runs of the current settings: `strategies` if given, else the preset's, else every strategy. */
  #runs() {
    if (this.#strategies) return strategyRuns(this.#base, this.#strategies);
    if (this.#preset) return presetRuns(this.#preset, this.#base, this.#pg.capabilities);
    return strategyRuns(this.#base, this.#pg.strategies.map((s) => s.name));
  }

  /** The engine's messages for the current workload, shown; whether Run can run. */
  #check() {
    const errors = this.#pg.validate(this.#base);
    this.#editor?.showErrors(errors);
    ui.run.disabled = this.state.busy || errors.length > 0;
    ui.run.title = errors.length ? 'Fix the workload first' : '';
    return errors;
  }

  #render() {
    const preset = this.#preset;
    this.#showClaim(preset ? preset.title : 'Your workload', preset ? preset.claim : describeWorkload(this.#base, this.#pg.validate(this.#base)));
    const labels = this.#runs().map((r) => r.label);
    ui.run.textContent = labels.length === 1 ? `Run ${labels[0]}` : `Run ${labels.length} ways`;
    ui.run.setAttribute('aria-description', labels.join(', '));
    // A workload a link can't carry as it is (see linkJson): the full page gets the URL's own.
    const full = urlFor(this.#base, { presetId: preset?.id ?? null, base: new URL('index.html', location.href).href })
      ?? new URL(`index.html${location.search}`, location.href);
    ui.openFull.href = full.href;
    ui.threadsOff.querySelector('a')?.setAttribute('href', full.href);
  }

  /**
   * Sets what Run runs from a message or the URL: a `preset`, a `workload` (over the preset's
   * when both are given: completeWorkload), `strategies`; only `strategies` keeps the workload.
   * Returns the engine's errors (and keeps the old settings if any).
   */
  #setWorkload({ workload, preset: id, strategies }) {
    let preset = this.#preset;
    if (id !== undefined) {
      preset = presetById(id);
      if (!preset) return [{ field: 'preset', message: `unknown preset “${cut(id)}” (known: ${PRESET_IDS.join(', ')})` }];
    } else if (workload !== undefined) {
      preset = null; // a workload of the host's own: no preset's claim or verdict
    }
    const keep = workload === undefined && id === undefined; // strategies alone (a frame with or without a preset)
    const given = keep ? this.#given : workload ?? {};
    const next = keep ? this.#base : completeWorkload(given, preset, this.#pg.capabilities);
    const errors = this.#pg.validate(next);
    if (errors.length) return errors;
    this.#preset = preset;
    this.#base = next;
    if (!keep) {
      this.#given = given;
      this.#followCores = !Object.hasOwn(given, 'threads');
    }
    if (strategies !== undefined) this.#strategies = strategies;
    this.#editor?.set(next);
    this.#check();
    this.#render();
    return [];
  }

  /**
   * Runs `runs` (the current settings' by default) as a batch, told to the host as request `id`;
   * `plan`: its verdict, rounds and chart (the preset's by default). Returns the batch, or null.
   */
  async #runBatch(id, runs = null, plan = null) {
    this.#setBusy(true);
    this.#cancelAsked = false;
    ui.verdict.textContent = '';
    const preset = this.#strategies ? null : this.#preset; // a list of strategies is not the preset's demo
    const { verdict, rounds, chart } = plan ?? { verdict: (done) => this.#verdict(done), rounds: preset?.rounds ?? 1, chart: preset?.chart ?? 'wall' };
    let lastPost = -Infinity;
    let lastProgress = null; // the fields of the last progress message
    const progress = (fields) => {
      lastProgress = fields;
      lastPost = performance.now();
      this.#channel.post('progress', fields);
    };
    const heartbeat = setInterval(() => {
      if (lastProgress && performance.now() - lastPost >= HEARTBEAT_MS) progress(lastProgress);
    }, HEARTBEAT_MS);
    try {
      // The frame's own runs are made once the pool is ready: a run asked for while it starts
      // (a host's, at once) gets as many workers as the cores measured, not as the browser said.
      const batchRuns = runs ?? (this.#pg.starting ? (now) => { this.#followMeasuredCores(now); return this.#runs(); } : this.#runs());
      await this.#loadResults(); // (the batch runner comes with the results view)
      const running = this.#batches.run(batchRuns, {
        verdict,
        rounds,
        chart,
        onRunStart: (run, index, round, setup, count) => {
          ui.status.textContent = runningWords({ label: run.label, index, count, round, rounds,
            starting: this.#pg.starting });
          showCancel(ui.cancel, setup.lanes, run.workload);
          // What runs, and what was asked (without threads, parallel runs on processes).
          progress({ id, label: run.label, strategy: setup.strategy, requestedStrategy: setup.requestedStrategy, index,
            count, tasksDone: 0, tasks: setup.tasks, elapsedMs: 0 });
        },
        onProgress: (p) => {
          if (performance.now() - lastPost < PROGRESS_INTERVAL_MS) return;
          progress({ ...lastProgress, tasksDone: p.tasksDone, tasks: p.tasks, elapsedMs: p.elapsedMs });
        },
      });
      if (this.#cancelAsked) this.#batches.cancel(); // (asked while the runner loaded)
      const batch = await running;
      // The batch has ended: its replay is offered before the host hears of the result, so a
      // seek sent the moment run() resolves finds it (it used to wait for the next frame).
      this.#results.replay.settle();
      ui.verdict.textContent = batch.verdict?.text ?? '';
      this.state.batch = { runs: batch.runs.map((done) => this.#figures.summarize(done)), verdict: batch.verdict?.text ?? null, claims: batch.verdict?.claims ?? [],
        cancelled: !batch.complete };
      ui.status.textContent = batch.complete ? summaryOf(this.state.batch.runs) : batch.runs.length ? 'Cancelled.' : '';
      this.#channel.post('result', { id, preset: this.#preset?.id ?? null, ...this.state.batch });
      return batch;
    } catch (error) {
      ui.status.textContent = `The run failed: ${error.message}`;
      this.#channel.post('error', { id, code: 'run-failed', message: error.message });
      return null;
    } finally {
      clearInterval(heartbeat);
      this.#setBusy(false);
    }
  }

  /** The preset's verdict, when the runs it reads were all made. */
  #verdict(done) {
    const preset = this.#preset;
    if (!preset || !preset.runs.every((r) => done.some((d) => d.label === r.label))) return null;
    try {
      return this.#verdicts.presetVerdict(preset, done, this.#pg.capabilities);
    } catch (error) {
      console.warn(`playground embed: no verdict for ${preset.id}: ${error.message}`);
      return null;
    }
  }

  #setBusy(busy) {
    this.state.busy = busy;
    document.body.classList.toggle('busy', busy);
    resetCancel(ui.cancel, busy);
    this.#editor?.setDisabled(busy);
    this.#lesson?.setBusy(busy);
    this.#check();
  }

  /** Answers one valid message from the host. */
  #handle(message) {
    const { type, id } = message;
    const post = (kind, fields) => this.#channel.post(kind, fields);
    if (type === 'hello') {
      post('ready', this.#readyFields());
      this.#channel.postHeight(true);
    } else if (type === 'theme') {
      setTheme(message.theme);
      post('ready', { id, ...this.#readyFields() });
    } else if (type === 'cancel') {
      this.#cancel();
    } else if ((type === 'seek' || type === 'play' || type === 'pause') && !this.state.busy) {
      this.#replayRequest(message);
    } else if (this.state.busy) {
      post('error', { id, code: 'busy', message: 'a run is in progress: send cancel first (or wait for its result)' });
    } else {
      const wantsChange = message.workload !== undefined || message.preset !== undefined || message.strategies !== undefined;
      const errors = wantsChange ? this.#setWorkload(message) : this.#check();
      if (errors.length) {
        this.#addNotice(`The host page’s workload was rejected: ${errorText(errors)}`);
        post('error', { id, code: 'invalid-workload', message: errorText(errors), errors });
      } else if (type === 'run') {
        if (this.#lesson) this.#lesson.run(id); else this.#runBatch(id);
      } else {
        // setWorkload: the runs and verdict shown were of the settings before; the answer is what Run runs now.
        this.#clearRuns();
        post('ready', { id, ...this.#readyFields() });
      }
    }
  }

  /** Results of other settings leave the screen (a verdict stays only beside the runs it reads). */
  #clearRuns() {
    this.#results?.clear();
    ui.verdict.textContent = '';
    this.state.batch = null;
    if (!this.state.busy) ui.status.textContent = readyWords(this.#pg.capabilities);
  }

  #replayRequest({ type, id, ms, speed }) {
    const replay = this.#results?.replay;
    if (!replay?.ready) {
      this.#channel.post('error', { id, code: 'no-run', message: `nothing to replay yet: ${type} needs runs that have ended (send run first)` });
      return;
    }
    this.#answer = { id: id ?? null };
    if (type === 'play') replay.play(speed);
    else if (type === 'pause') replay.pause();
    else {
      replay.seek(ms);
      // Answered now: the replay draws the cursor at the next animation frame, which a frame
      // scrolled out of view may not get for a long time (Chromium throttles them).
      this.#postCursor();
    }
  }

  #readyFields() {
    return { capabilities: this.#pg.capabilities, documentId: DOCUMENT_ID, preset: this.#preset?.id ?? null, runs: this.#runs().map((r) => r.label),
      workload: this.#base, notices: this.state.notices };
  }
}

/**
 * "concurrent 1.02x · parallel 1.98x": each run against the sequential run of the same tasks, the
 * median of its rounds, as its row, the verdict and the host's `result` give it (`runs`: summaries).
 */
function summaryOf(runs) {
  const others = runs.filter((r) => r.strategy !== 'sequential');
  const shown = others.length ? others : runs;
  return shown.map((r) => `${r.label} ${r.speedup !== null ? times(r.speedup) : seconds(r.wallMs)}`).join(' · ');
}

/** Groups described in words (at most DESCRIBED_GROUPS); a group or field that isn't valid is said to be so, never printed as it is. */
function describeWorkload(workload, errors = []) {
  const groups = Array.isArray(workload?.groups) ? workload.groups : [];
  const bad = (i) => errors.some((e) => e.field === `groups[${i}]` || e.field.startsWith(`groups[${i}].`));
  const readable = (g) => typeof g?.name === 'string' && Number.isInteger(g.count) && Number.isFinite(g.cpuMs) && Number.isFinite(g.ioMs);
  const words = groups.slice(0, DESCRIBED_GROUPS).map((g, i) => (bad(i) || !readable(g)
    ? `group ${i + 1}: not valid yet (see the editor)`
    : `${g.count} × ${cut(g.name)}: ${g.cpuMs} ms computing, ${g.ioMs} ms waiting`));
  if (groups.length > DESCRIBED_GROUPS) words.push(`and ${groups.length - DESCRIBED_GROUPS} more groups`);
  return groups.length ? words.join('; ') : 'no task groups yet';
}

/** Colours: `theme` is light, dark or auto (the reader's system); the timelines redraw in them. */
function setTheme(theme) {
  if (document.documentElement.dataset.theme === theme) return;
  document.documentElement.dataset.theme = theme; // the timelines watch it (views/timeline.js)
}

const params = readParams(location.search);
document.documentElement.dataset.theme = params.theme; // before anything is drawn
const frame = new EmbedFrame(params);
window.embedFrame = frame.state;
let engineLoaded;
frame.early(new Promise((resolve) => { engineLoaded = resolve; }));
// A lesson's step and the editor are part of the first screen only for ?lesson=k and ?editor=1:
// loaded beside the engine then, and only then (issue 22: bytes before ready).
Promise.all([
  startPlayground(),
  params.lesson !== null ? import('./lesson-frame.js') : null,
  params.editor ? import('../views/editor.js') : null,
]).then(([pg, lesson, editor]) => {
  frame.start(pg, { FrameLesson: lesson?.FrameLesson, Editor: editor?.Editor });
  engineLoaded();
  warmNumberFormat();
}).catch((error) => {
  frame.failed(error);
  console.error(error);
});
