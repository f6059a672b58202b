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
//
// What is known at an instant comes from shared/replay-model.js (pure); the words from shared/words.js;
// the code from shared/code.js. Moving the cursor repaints the timelines' overlays only, and
// changes only the words and the code line that changed.

import { LANGUAGES, laneRole, lineFor, listing } from '../shared/code.js';
import { REPLAY_SPEEDS, indexRun, lanesAt, mergeEvents, stepCursor, tasksAt } from '../shared/replay-model.js';
import { KIND_WORDS, laneStateWords, taskCountWords } from '../shared/words.js';
import { count } from '../shared/metrics.js';

/** The replay's speeds, as the buttons say them. */
const SPEED_WORDS = { 1: ['1x', 'real time'], 0.25: ['¼x', 'a quarter of real time'], 0.1: ['1/10x', 'a tenth of real time'] };
const SPEEDS = REPLAY_SPEEDS.map((value) => ({ value, label: SPEED_WORDS[value]?.[0] ?? `${value}x`, name: SPEED_WORDS[value]?.[1] ?? '' }));

const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};
const ms = (t) => `${t.toFixed(1)} ms`;
let nextId = 0;

/**
 * `bar`: where the controls go (Play, speed, the time slider); `code`: where the code panel
 * goes; `controls`: show them (false: an embed without replay=1, where only the host's
 * messages move a cursor, shown from the first seek or play); `onCursor(state)`: after every
 * change of the cursor (see describe()).
 */
export function createReplay({ bar, code, controls = true, onCursor = null } = {}) {
  const id = `replay-${++nextId}`;
  let entries = [];
  let cursor = 0; // ms
  let endMs = 0; // ms, the longest run's end
  let events = [];
  let ready = false; // every run of the batch has ended
  let shown = controls; // the cursor is drawn
  let playing = false;
  let speed = 1;
  let wanted = null; // ms to seek to once the batch has ended (from a link)
  let selection = { entry: null, laneId: null, auto: true };
  let language = LANGUAGES[0].id;
  let frameRequest = 0;
  let lastTick = 0; // ms, performance.now() of the last played frame

  // --- the controls --------------------------------------------------------------------------
  const play = el('button', { type: 'button', className: 'replay-play', textContent: 'Play' });
  play.setAttribute('aria-label', 'Play the replay');
  const speeds = el('div', { className: 'replay-speeds' });
  speeds.setAttribute('role', 'group');
  speeds.setAttribute('aria-label', 'Replay speed');
  const speedButtons = SPEEDS.map((s) => {
    const button = el('button', { type: 'button', className: 'replay-speed', textContent: s.label, title: s.name });
    button.setAttribute('aria-pressed', String(s.value === speed));
    button.addEventListener('click', () => {
      setSpeed(s.value);
      if (ready) notify();
    });
    speeds.append(button);
    return button;
  });
  const slider = el('input', { type: 'range', className: 'replay-slider', min: '0', max: '0', step: 'any', value: '0' });
  slider.setAttribute('role', 'slider');
  slider.setAttribute('aria-label', 'Replay time (ms)');
  const time = el('output', { className: 'replay-time' });
  const caption = el('span', { className: 'replay-caption', textContent: 'A replay of the measured spans, not a new run' });
  if (bar) {
    bar.classList.add('replay-bar');
    bar.setAttribute('role', 'group');
    bar.setAttribute('aria-label', 'Replay');
    bar.replaceChildren(play, speeds, slider, time, caption);
    bar.hidden = true;
  }

  // --- the code panel --------------------------------------------------------------------------
  const codeTitle = el('h3', { id: `${id}-code-title`, textContent: 'The code that ran' });
  const codeFor = el('p', { className: 'code-for' });
  const tablist = el('div', { className: 'code-tabs' });
  tablist.setAttribute('role', 'tablist');
  tablist.setAttribute('aria-label', 'Language');
  const panel = el('div', { className: 'code-tabpanel', id: `${id}-code-panel` });
  panel.setAttribute('role', 'tabpanel');
  const codeNote = el('p', { className: 'code-note' });
  const codeHint = el('p', { className: 'code-hint', textContent: 'It follows one lane: pick another by its name on a timeline or its line under it.' });
  const pre = el('pre', { className: 'code-listing', tabIndex: 0 });
  panel.append(codeNote, pre);
  const tabs = LANGUAGES.map((lang) => {
    const tab = el('button', { type: 'button', id: `${id}-tab-${lang.id}`, textContent: lang.label });
    tab.setAttribute('role', 'tab');
    tab.setAttribute('aria-controls', panel.id);
    tab.addEventListener('click', () => setLanguage(lang.id));
    tab.addEventListener('keydown', (event) => {
      const i = LANGUAGES.findIndex((l) => l.id === lang.id);
      const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: LANGUAGES.length - 1 }[event.key];
      if (to === undefined) return;
      event.preventDefault();
      const next = LANGUAGES[(to + LANGUAGES.length) % LANGUAGES.length];
      setLanguage(next.id);
      tabs[LANGUAGES.indexOf(next)].focus();
    });
    tablist.append(tab);
    return tab;
  });
  if (code) {
    code.classList.add('code-panel');
    code.setAttribute('aria-labelledby', codeTitle.id);
    code.replaceChildren(el('header', {}, codeTitle, codeFor), codeHint, tablist, panel);
    code.hidden = true;
  }
  let shownListing = null; // { key, code, lines: [elements] }
  let currentLine = null; // the element marked current

  // --- entries (one per run) -------------------------------------------------------------------
  function add({ label, timeline, now }) {
    const entry = { label, timeline, now, run: null, result: null, laneItems: new Map(), head: null, tasks: null, lastWords: new Map() };
    if (now) {
      now.classList.add('now');
      now.setAttribute('aria-label', `At the cursor (now): ${label}`);
      now.hidden = true;
    }
    entries.push(entry);
    setReady(false);
    return entry;
  }

  function finish(entry, result, { steps = null } = {}) {
    entry.result = result;
    entry.run = indexRun(result, { steps });
    if (entry.now) buildNow(entry);
    // The next run of the batch may start at once: wait a frame before offering the replay.
    requestAnimationFrame(() => {
      if (entries.includes(entry) && entries.every((e) => e.run)) setReady(true);
    });
  }

  /** The run of `entry` goes again (another round): nothing to replay until it ends again. */
  function reopen(entry) {
    entry.run = null;
    entry.result = null;
    setReady(false);
  }

  function clear() {
    stop();
    entries = [];
    selection = { entry: null, laneId: null, auto: true };
    setReady(false);
  }

  function setReady(value) {
    ready = value;
    if (!ready) {
      stop();
      if (bar) bar.hidden = true;
      if (code) code.hidden = true;
      for (const e of entries) e.timeline.setCursor(null);
      return;
    }
    endMs = Math.max(...entries.map((e) => e.run.endMs));
    events = mergeEvents(entries.map((e) => e.run.events));
    slider.max = String(endMs);
    slider.setAttribute('aria-valuemin', '0');
    slider.setAttribute('aria-valuemax', String(round(endMs)));
    cursor = wanted !== null ? clamp(wanted) : endMs;
    if (wanted !== null) shown = true;
    wanted = null;
    if (bar) bar.hidden = !controls;
    if (code) code.hidden = !controls;
    for (const e of entries) if (e.now) e.now.hidden = !controls;
    render(true);
  }

  const clamp = (t) => Math.min(endMs, Math.max(0, t));
  const round = (t) => Math.round(t * 10) / 10;

  // --- moving the cursor ---------------------------------------------------------------------
  /** Puts the cursor at `t` ms (and stops playing). False when there is nothing to replay yet. */
  function seek(t) {
    if (!ready) return false;
    stop();
    shown = true;
    cursor = clamp(Number(t));
    schedule();
    return true;
  }

  function setSpeed(value) {
    speed = SPEEDS.some((s) => s.value === value) ? value : 1;
    speedButtons.forEach((b, i) => b.setAttribute('aria-pressed', String(SPEEDS[i].value === speed)));
  }

  /** Plays from the cursor (from the start if it is at the end). False when there is nothing to replay. */
  function start(value = speed) {
    if (!ready) return false;
    setSpeed(value);
    shown = true;
    if (cursor >= endMs - 1e-6) cursor = 0;
    if (!playing) {
      playing = true;
      lastTick = performance.now();
      play.textContent = 'Pause';
      play.setAttribute('aria-label', 'Pause the replay');
      play.setAttribute('aria-pressed', 'true');
      cancelAnimationFrame(frameRequest);
      frameRequest = requestAnimationFrame(tick);
    }
    render();
    return true;
  }

  /** Stops playing; the caller renders. */
  function stop() {
    if (!playing) return;
    playing = false;
    cancelAnimationFrame(frameRequest);
    frameRequest = 0;
    play.textContent = 'Play';
    play.setAttribute('aria-label', 'Play the replay');
    play.setAttribute('aria-pressed', 'false');
  }

  /** Stops playing and says so (onCursor hears of it even if it was not playing). */
  function pause() {
    stop();
    if (ready) render();
  }

  function tick(now) {
    if (!playing) return;
    cursor = clamp(cursor + (now - lastTick) * speed);
    lastTick = now;
    if (cursor >= endMs) {
      pause();
      return;
    }
    render();
    frameRequest = requestAnimationFrame(tick);
  }

  /** One render per frame, however many times the cursor moved in it. */
  function schedule() {
    if (playing || frameRequest) return;
    frameRequest = requestAnimationFrame(() => {
      frameRequest = 0;
      render();
    });
  }

  play.addEventListener('click', () => (playing ? pause() : start()));
  slider.addEventListener('input', () => seek(Number(slider.value)));
  slider.addEventListener('keydown', (event) => {
    const to = stepCursor(event.key, cursor, { events, endMs });
    if (to === null) return;
    event.preventDefault();
    seek(to);
  });

  // --- drawing what the cursor shows ---------------------------------------------------------
  function render(force = false) {
    if (!ready) return;
    const states = entries.map((entry) => lanesAt(entry.run, cursor));
    if (selection.auto || !entries.includes(selection.entry)) autoSelect(states);
    entries.forEach((entry, i) => {
      entry.timeline.setCursor(shown ? cursor : null);
      entry.timeline.setSelectedLane(shown && entry === selection.entry ? selection.laneId : null);
      if (controls && entry.now) renderNow(entry, states[i], force);
    });
    slider.value = String(cursor);
    slider.setAttribute('aria-valuenow', String(round(cursor)));
    const first = entries[0];
    const counts = first ? tasksAt(first.run, cursor, states[0]) : null;
    slider.setAttribute('aria-valuetext', `${ms(cursor)} of ${ms(endMs)}` +
      (counts ? `: ${count(counts.running, 'task')} running, ${counts.waiting} waiting, ${counts.done} done` : '') +
      (entries.length > 1 ? ` (${first.label})` : ''));
    time.value = `${ms(cursor)} / ${ms(endMs)}`;
    if (controls) renderCode(states);
    notify();
  }

  /** Without a choice of the reader's: the first lane busy at the cursor, in the first run. */
  function autoSelect(states) {
    const entry = selection.entry && entries.includes(selection.entry) ? selection.entry : entries[0];
    const lanes = states[entries.indexOf(entry)];
    const busy = lanes.find((l) => l.state !== 'idle') ?? lanes[0];
    selection = { entry, laneId: busy?.lane.id ?? 0, auto: true };
  }

  function selectLane(entry, laneId) {
    if (!ready) return;
    selection = { entry, laneId, auto: false };
    shown = true;
    render(true);
  }

  function buildNow(entry) {
    const head = el('p', { className: 'now-head' });
    const list = el('ul', { className: 'now-lanes' });
    const tasks = el('p', { className: 'now-tasks' });
    entry.laneItems = new Map();
    entry.lastWords = new Map();
    for (const lane of entry.run.lanes) {
      const button = el('button', { type: 'button', className: 'now-lane' });
      button.dataset.lane = String(lane.id);
      button.setAttribute('aria-pressed', 'false');
      button.title = 'Show the code this lane runs';
      button.addEventListener('click', () => selectLane(entry, lane.id));
      button.addEventListener('pointerenter', () => entry.timeline.highlightTask(entry.hoverTasks?.get(lane.id) ?? null));
      button.addEventListener('pointerleave', () => entry.timeline.highlightTask(null));
      list.append(el('li', {}, button));
      entry.laneItems.set(lane.id, button);
    }
    entry.head = head;
    entry.tasks = tasks;
    entry.now.replaceChildren(head, list, tasks);
  }

  function renderNow(entry, states, force) {
    const set = (node, text) => { if (force || node.textContent !== text) node.textContent = text; };
    set(entry.head, `At ${ms(cursor)}${cursor > entry.run.endMs ? ' (this run had ended)' : ''}:`);
    const names = entry.result.groupNames ?? [];
    entry.hoverTasks = new Map();
    for (const state of states) {
      const button = entry.laneItems.get(state.lane.id);
      if (!button) continue;
      const words = laneStateWords(state, names);
      if (entry.lastWords.get(state.lane.id) !== words) {
        entry.lastWords.set(state.lane.id, words);
        button.textContent = words;
        button.dataset.state = state.state;
      }
      if (state.span) entry.hoverTasks.set(state.lane.id, state.span.task);
      const selected = entry === selection.entry && state.lane.id === selection.laneId;
      if (button.getAttribute('aria-pressed') !== String(selected)) button.setAttribute('aria-pressed', String(selected));
    }
    set(entry.tasks, taskCountWords(tasksAt(entry.run, cursor, states)));
  }

  function setLanguage(value) {
    language = value;
    if (ready) renderCode(entries.map((e) => lanesAt(e.run, cursor)));
  }

  function renderCode(states) {
    const entry = selection.entry;
    if (!entry || !code) return;
    const strategy = entry.result.strategy;
    const key = `${strategy}:${language}`;
    if (shownListing?.key !== key) {
      tabs.forEach((tab, i) => {
        const selected = LANGUAGES[i].id === language;
        tab.setAttribute('aria-selected', String(selected));
        tab.tabIndex = selected ? 0 : -1;
      });
      panel.setAttribute('aria-labelledby', `${id}-tab-${language}`);
      const listed = listing(strategy, language);
      codeNote.textContent = LANGUAGES.find((l) => l.id === language).note;
      const lines = (listed?.lines ?? []).map((line, i) => {
        const span = el('span', { className: `code-line code-${line.role}` }, line.text || ' ');
        span.dataset.line = String(i + 1);
        return span;
      });
      const body = el('code');
      lines.forEach((line) => body.append(line, '\n'));
      pre.replaceChildren(body);
      shownListing = { key, code: listed, lines };
      currentLine = null;
    }
    const lane = states[entries.indexOf(entry)].find((l) => l.lane.id === selection.laneId);
    const state = lane?.state ?? 'idle';
    const index = lineFor(shownListing.code, laneRole(selection.laneId), state);
    const line = index === null ? null : shownListing.lines[index];
    const doing = state === 'idle' ? 'idle' : KIND_WORDS[state] ?? state;
    const where = line ? '' : ' (no line of this code: nothing to do here)';
    const text = `${entry.label} · ${lane?.lane.name ?? 'lane'}: ${doing}${where}`;
    if (codeFor.textContent !== text) codeFor.textContent = text;
    if (line !== currentLine) {
      currentLine?.classList.remove('current');
      currentLine?.removeAttribute('aria-current');
      currentLine = line;
      if (line) {
        line.classList.add('current');
        line.setAttribute('aria-current', 'true');
        // Keep the line in view inside the listing (never scroll the page).
        const top = line.offsetTop;
        if (top < pre.scrollTop || top > pre.scrollTop + pre.clientHeight - 20) pre.scrollTop = Math.max(0, top - pre.clientHeight / 3);
      }
    }
  }

  // --- what the cursor shows, as data (the embed posts it) -------------------------------------
  /** `{ ms, endMs, playing, speed, runs: [{ label, strategy, lanes: [{ id, name, state, task, words }], tasks, words }] }`. */
  function describe() {
    return {
      ms: round(cursor), endMs: round(endMs), playing, speed,
      runs: ready ? entries.map((entry) => {
        const states = lanesAt(entry.run, cursor);
        const counts = tasksAt(entry.run, cursor, states);
        const names = entry.result.groupNames ?? [];
        return {
          label: entry.label, strategy: entry.result.strategy,
          lanes: states.map((s) => ({ id: s.lane.id, name: s.lane.name, state: s.state, task: s.span?.task ?? null, words: laneStateWords(s, names) })),
          tasks: counts, words: taskCountWords(counts),
        };
      }) : [],
    };
  }

  function notify() {
    if (shown) onCursor?.({ ms: round(cursor), endMs: round(endMs), playing, speed });
  }

  return {
    add, finish, reopen, clear, seek, play: start, pause, describe, selectLane,
    /** Seeks to `t` once the batch in progress (or the next one) has ended: a cursor from a link. */
    seekWhenReady(t) {
      if (ready) seek(t); else wanted = t;
    },
    highlight: (entry, task) => entry.timeline.highlightTask(task),
    get ready() { return ready; },
    get cursor() { return cursor; },
    get endMs() { return endMs; },
    get playing() { return playing; },
    get speed() { return speed; },
  };
}
