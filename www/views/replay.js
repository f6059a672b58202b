// The replay of finished runs: one time cursor over every run of a batch (on their shared
// scale), moved by dragging on a timeline, by a slider and its keys, or by playing the recorded
// spans back at 1x, 1/4x or 1/10x. At the cursor, each run says in words what each of its lanes
// is doing and where its tasks are, and the code panel marks the line the selected lane's task
// is on. It replays what was measured: nothing runs again.
//
//   const replay = createReplay({ bar, code, controls: true, onCursor });
//   const entry = replay.add({ label, timeline, now });   // a run's row (now: its region)
//   replay.finish(entry, result, { steps });              // that run ended: it can be replayed
//   replay.clear();                                       // a new batch
//   replay.seek(ms); replay.play(speed); replay.pause(); replay.describe();
//   await replay.whenReady();                             // once every run of the batch has ended
//
// Its parts: what is known at an instant (shared/replay-model.js, pure), the controls
// (replay-controls.js), the words under each run (replay-now.js), the code (replay-code.js).
// Moving the cursor repaints the timelines' overlays only.

import { indexRun, lanesAt, mergeEvents, stepCursor, tasksAt } from '../shared/replay-model.js';
import { laneStateWords, taskCountWords, wordsContext } from '../shared/replay-words.js';
import { count } from '../shared/metrics.js';
import { CodePanel } from './replay-code.js';
import { ReplayControls, SPEEDS, ms } from './replay-controls.js';
import { NowWords } from './replay-now.js';

let nextId = 0;
const round = (t) => Math.round(t * 10) / 10;

/**
 * `bar`: where the controls go (Play, speed, the time slider); `code`: where the code panel
 * goes; `controls`: show them (false: an embed without replay=1, where only the host's
 * messages move a cursor, shown from the first seek or play); `onCursor(state)`: after every
 * change of the cursor (see describe()).
 */
export function createReplay(options = {}) {
  return new Replay(options);
}

class Replay {
  #entries = [];
  #cursor = 0; // ms
  #endMs = 0; // ms, the longest run's end
  #events = [];
  #ready = false; // every run of the batch has ended
  #shown; // the cursor is drawn
  #playing = false;
  #speed = 1;
  #wanted = null; // ms to seek to once the batch has ended (from a link)
  #selection = { entry: null, laneId: null, auto: true };
  #frame = 0; // requestAnimationFrame id
  #lastTick = 0; // ms, performance.now() of the last played frame
  #waiters = []; // resolve functions of whenReady()
  #controls;
  #ui;
  #code;
  #onCursor;

  constructor({ bar, code, controls = true, onCursor = null } = {}) {
    this.#controls = controls;
    this.#shown = controls;
    this.#onCursor = onCursor;
    this.#ui = new ReplayControls(bar, {
      onPlay: () => (this.#playing ? this.pause() : this.play()),
      onSpeed: (value) => { this.#setSpeed(value); if (this.#ready) this.#notify(); },
      onSeek: (t) => this.seek(t),
      onKey: (key) => stepCursor(key, this.#cursor, { events: this.#events, endMs: this.#endMs }),
    });
    this.#ui.setSpeed(this.#speed);
    this.#code = new CodePanel(code, { id: `replay-${++nextId}`, onLanguage: () => { if (this.#ready) this.#renderCode(this.#states()); } });
  }

  get ready() { return this.#ready; }
  get cursor() { return this.#cursor; }
  get endMs() { return this.#endMs; }
  get playing() { return this.#playing; }
  get speed() { return this.#speed; }

  /** Resolves once every run of the batch has ended and can be replayed (at once if it has). */
  whenReady() {
    return this.#ready ? Promise.resolve() : new Promise((resolve) => this.#waiters.push(resolve));
  }

  // --- the runs -------------------------------------------------------------------------------

  /** A run's row: its timeline and the region its words go in (`now`). */
  add({ label, timeline, now }) {
    const entry = { label, timeline, now, nowWords: null, run: null, result: null };
    if (now) now.hidden = true;
    this.#entries.push(entry);
    this.#setReady(false);
    return entry;
  }

  /** `entry`'s run ended: it can be replayed once every run of the batch has. */
  finish(entry, result, { steps = null } = {}) {
    entry.result = result;
    entry.run = indexRun(result, { steps });
    entry.words = wordsContext(result);
    if (entry.now) {
      entry.nowWords = new NowWords(entry.now, { label: entry.label, lanes: entry.run.lanes,
        onSelect: (laneId) => this.selectLane(entry, laneId), onHover: (task) => entry.timeline.highlightTask(task) });
    }
    // The next run of the batch may start at once: wait a frame before offering the replay.
    requestAnimationFrame(() => {
      if (this.#entries.includes(entry) && this.#entries.every((e) => e.run)) this.#setReady(true);
    });
  }

  /**
   * The batch has ended, so no run of it starts next: the replay is offered now, not a frame
   * later (an embed's host may seek the moment it hears the result; a frame offscreen may get no
   * animation frame for a long time).
   */
  settle() {
    if (!this.#ready && this.#entries.length > 0 && this.#entries.every((e) => e.run)) this.#setReady(true);
  }

  /** The run of `entry` goes again (another round): nothing to replay until it ends again. */
  reopen(entry) {
    entry.run = null;
    entry.result = null;
    this.#setReady(false);
  }

  /** A new batch: no runs. */
  clear() {
    this.#stop();
    this.#entries = [];
    this.#selection = { entry: null, laneId: null, auto: true };
    this.#setReady(false);
  }

  #setReady(value) {
    const again = value && this.#ready; // the same runs finished once more (a batch's final rows): the cursor stays
    this.#ready = value;
    if (!value) {
      this.#stop();
      this.#ui.show(false);
      this.#code.show(false);
      for (const e of this.#entries) e.timeline.setCursor(null);
      return;
    }
    this.#endMs = Math.max(...this.#entries.map((e) => e.run.endMs));
    this.#events = mergeEvents(this.#entries.map((e) => e.run.events));
    this.#ui.setEnd(this.#endMs);
    // A cursor from a link stays wanted until the reader moves it: a batch's rounds end more than once.
    if (again) this.#cursor = this.#clamp(this.#cursor);
    else this.#cursor = this.#wanted !== null ? this.#clamp(this.#wanted) : this.#endMs;
    if (this.#wanted !== null) this.#shown = true;
    this.#ui.show(this.#controls);
    this.#code.show(this.#controls);
    for (const e of this.#entries) e.nowWords?.show(this.#controls);
    this.#render(true);
    this.#waiters.splice(0).forEach((resolve) => resolve());
  }

  #clamp(t) {
    return Math.min(this.#endMs, Math.max(0, t));
  }

  // --- the cursor -----------------------------------------------------------------------------

  /** Puts the cursor at `t` ms (and stops playing). False when there is nothing to replay yet. */
  seek(t) {
    if (!this.#ready) return false;
    this.#wanted = null;
    this.#stop();
    this.#shown = true;
    this.#cursor = this.#clamp(Number(t));
    this.#schedule();
    return true;
  }

  /** Seeks to `t` once the batch in progress (or the next one) has ended: a cursor from a link. */
  seekWhenReady(t) {
    if (this.#ready) this.seek(t); else this.#wanted = t;
  }

  /** Plays from the cursor (from the start if it is at the end). False when there is nothing to replay. */
  play(speed = this.#speed) {
    if (!this.#ready) return false;
    this.#wanted = null;
    this.#setSpeed(speed);
    this.#shown = true;
    if (this.#cursor >= this.#endMs - 1e-6) this.#cursor = 0;
    if (!this.#playing) {
      this.#playing = true;
      this.#lastTick = performance.now();
      this.#ui.setPlaying(true);
      cancelAnimationFrame(this.#frame);
      this.#frame = requestAnimationFrame((now) => this.#tick(now));
    }
    this.#render();
    return true;
  }

  /** Stops playing and says so (onCursor hears of it even if it was not playing). */
  pause() {
    this.#stop();
    if (this.#ready) this.#render();
  }

  #setSpeed(value) {
    this.#speed = SPEEDS.some((s) => s.value === value) ? value : 1;
    this.#ui.setSpeed(this.#speed);
  }

  /** Stops playing; the caller renders. */
  #stop() {
    if (!this.#playing) return;
    this.#playing = false;
    cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    this.#ui.setPlaying(false);
  }

  #tick(now) {
    if (!this.#playing) return;
    this.#cursor = this.#clamp(this.#cursor + (now - this.#lastTick) * this.#speed);
    this.#lastTick = now;
    if (this.#cursor >= this.#endMs) {
      this.pause();
      return;
    }
    this.#render();
    this.#frame = requestAnimationFrame((t) => this.#tick(t));
  }

  /** One render per frame, however many times the cursor moved in it. */
  #schedule() {
    if (this.#playing || this.#frame) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      this.#render();
    });
  }

  /** The lane the code follows is now `laneId` of `entry`'s run (the reader's choice). */
  selectLane(entry, laneId) {
    if (!this.#ready) return;
    this.#selection = { entry, laneId, auto: false };
    this.#shown = true;
    this.#render(true);
  }

  /** Outlines `task`'s spans on `entry`'s timeline (null: none). */
  highlight(entry, task) {
    entry.timeline.highlightTask(task);
  }

  // --- what the cursor shows ------------------------------------------------------------------

  #states() {
    return this.#entries.map((entry) => lanesAt(entry.run, this.#cursor));
  }

  #render(force = false) {
    if (!this.#ready) return;
    const states = this.#states();
    if (this.#selection.auto || !this.#entries.includes(this.#selection.entry)) this.#autoSelect(states);
    const { entry: selected, laneId } = this.#selection;
    this.#entries.forEach((entry, i) => {
      entry.timeline.setCursor(this.#shown ? this.#cursor : null);
      entry.timeline.setSelectedLane(this.#shown && entry === selected ? laneId : null);
      if (this.#controls) {
        entry.nowWords?.render({ run: entry.run, states: states[i], cursor: this.#cursor, words: entry.words,
          selected: entry === selected ? laneId : null, force });
      }
    });
    const first = this.#entries[0];
    const counts = first ? tasksAt(first.run, this.#cursor, states[0]) : null;
    this.#ui.setTime(this.#cursor, this.#endMs, `${ms(this.#cursor)} of ${ms(this.#endMs)}` +
      (counts ? `: ${count(counts.running, 'task')} running, ${counts.waiting} waiting, ${counts.done} done` : '') +
      (this.#entries.length > 1 ? ` (${first.label})` : ''));
    if (this.#controls) this.#renderCode(states);
    this.#notify();
  }

  /** Without a choice of the reader's: the first lane busy at the cursor, in the first run. */
  #autoSelect(states) {
    const current = this.#selection.entry;
    const entry = current && this.#entries.includes(current) ? current : this.#entries[0];
    const lanes = states[this.#entries.indexOf(entry)];
    const busy = lanes.find((l) => l.state !== 'idle') ?? lanes[0];
    this.#selection = { entry, laneId: busy?.lane.id ?? 0, auto: true };
  }

  #renderCode(states) {
    const { entry, laneId } = this.#selection;
    if (!entry) return;
    const lane = states[this.#entries.indexOf(entry)].find((l) => l.lane.id === laneId);
    const { counter, lockNames = [], counterLock = null } = entry.result;
    const shared = { sync: counter?.sync ?? null, locks: lockNames.some((_, i) => i !== counterLock) };
    this.#code.render({ strategy: entry.result.strategy, shared, label: entry.label, lane: lane?.lane, state: lane?.state ?? 'idle' });
  }

  /**
   * `{ ms, endMs, playing, speed, runs: [{ label, strategy, requestedStrategy, lanes: [{ id, name, state, task, words }],
   * tasks, words }] }` (strategy: what ran; requestedStrategy: what was asked).
   */
  describe() {
    return {
      ms: round(this.#cursor), endMs: round(this.#endMs), playing: this.#playing, speed: this.#speed,
      runs: this.#ready ? this.#entries.map((entry) => {
        const states = lanesAt(entry.run, this.#cursor);
        const counts = tasksAt(entry.run, this.#cursor, states);
        return {
          label: entry.label, strategy: entry.result.strategy, requestedStrategy: entry.result.requestedStrategy,
          lanes: states.map((s) => ({ id: s.lane.id, name: s.lane.name, state: s.state, task: s.span?.task ?? null, words: laneStateWords(s, entry.words) })),
          tasks: counts, words: taskCountWords(counts),
        };
      }) : [],
    };
  }

  #notify() {
    if (this.#shown) this.#onCursor?.({ ms: round(this.#cursor), endMs: round(this.#endMs), playing: this.#playing, speed: this.#speed });
  }
}
