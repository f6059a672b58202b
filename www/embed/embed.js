// The embed view: the playground with minimal chrome, for an <iframe> on a tutorial page.
// Set by URL parameters (below), driven by the host page's messages (embed-protocol.js).
// Nothing a URL or a message says is thrown: bad parameters are listed in the frame, bad
// messages are ignored with a console warning. See docs/embedding.md.

import { startPlayground } from '../engine/api.js';
import { cancelFor, createBatchRunner } from '../shared/batch.js';
import { seconds, speedup, summarize, times } from '../shared/metrics.js';
import { PRESETS, presetById, presetVerdict, runWorkload } from '../shared/presets.js';
import { readState, urlFor } from '../shared/url-state.js';
import { cut } from '../shared/text.js';
import { threadsOffWords } from '../shared/words.js';
import { createEditor } from '../views/editor.js';
import { createResults } from '../views/results.js';
// The strategy names the protocol documents for host pages (the engine's, checked by a test):
// URL parameters are read before the engine has loaded.
import { HOST_TYPES, STRATEGIES, makeMessage, parseMessage } from './protocol.js';

const PROGRESS_INTERVAL_MS = 100; // at most one progress message per run per 100 ms
const THEMES = ['light', 'dark', 'auto'];
// A Map, not an object: "constructor" or "__proto__" must not read as a flag.
const FLAGS = new Map([['1', true], ['true', true], ['yes', true], ['', true], ['0', false], ['false', false], ['no', false]]);
const PRESET_IDS = PRESETS.map((p) => p.id);

/** Every parameter the embed view reads, with what it accepts (shown when one is wrong). */
export const PARAMS = {
  preset: `one of ${PRESET_IDS.join(', ')}`,
  workload: 'a workload as JSON (URI-encoded)',
  strategies: `a comma-separated list of ${STRATEGIES.join(', ')}`,
  editor: '1 or 0',
  autorun: '1 or 0',
  theme: THEMES.join(', '),
  compact: '1 or 0',
  replay: '1 or 0',
  t: 'a number of ms (where the replay starts once the runs have ended)',
  origin: 'comma-separated origins like https://example.com',
};

/** Reads the URL's parameters. Never throws: what is wrong ends up in `problems`. */
export function readParams(search) {
  const { presetId, workload, cursorMs, problems, params } = readState(search, PRESET_IDS);
  for (const name of new Set(params.keys())) {
    if (!Object.hasOwn(PARAMS, name)) problems.push(`Unknown parameter “${cut(name)}” ignored (allowed: ${Object.keys(PARAMS).join(', ')}).`);
  }
  const bad = (name, value) => problems.push(`Ignored ${name}=${cut(value)}: use ${PARAMS[name]}.`);
  const flag = (name) => {
    const value = params.get(name);
    if (value === null) return false;
    if (FLAGS.has(value.toLowerCase())) return FLAGS.get(value.toLowerCase());
    bad(name, value);
    return false;
  };

  let strategies = null;
  const listed = params.get('strategies');
  if (listed !== null) {
    const names = listed.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = names.filter((s) => !STRATEGIES.includes(s));
    if (unknown.length) bad('strategies', unknown.join(','));
    else if (names.length === 0) bad('strategies', listed);
    const known = [...new Set(names.filter((s) => STRATEGIES.includes(s)))];
    strategies = known.length ? known : null;
  }

  let theme = params.get('theme') ?? 'auto';
  if (!THEMES.includes(theme)) {
    bad('theme', theme);
    theme = 'auto';
  }

  let origins = null; // null: answer any origin (and post only to the parent)
  const allowed = params.get('origin');
  if (allowed !== null) {
    origins = [];
    for (const text of allowed.split(',').map((s) => s.trim()).filter(Boolean)) {
      const origin = asOrigin(text);
      if (origin) origins.push(origin); else bad('origin', text);
    }
  }

  return {
    presetId, workload, strategies, theme, origins, problems, cursorMs,
    editor: flag('editor'), autorun: flag('autorun'), compact: flag('compact'), replay: flag('replay'),
  };
}

/** "https://example.com" from "https://example.com" or ".../", null for anything else. */
function asOrigin(text) {
  try {
    const url = new URL(text);
    const exact = url.origin === text.replace(/\/$/, '');
    return exact && (url.protocol === 'https:' || url.protocol === 'http:') ? url.origin : null;
  } catch {
    return null;
  }
}

const $ = (id) => document.getElementById(id);
const ui = {
  notices: $('notices'), claim: $('claim'), editor: $('editor'), run: $('run'), cancel: $('cancel'),
  status: $('status'), openFull: $('open-full'), threadsOff: $('threads-off'), verdict: $('verdict'), results: $('results'),
};

const params = readParams(location.search);
document.documentElement.dataset.theme = params.theme; // before anything is drawn
const framed = window.parent !== window;

/** What the frame knows, for automation and tests (`window.embedFrame`). */
const frame = {
  params,
  notices: [...params.problems],
  ready: false,
  busy: false,
  batch: null, // { runs: [run summaries], verdict } of the last batch
  ignored: 0, // messages ignored (wrong shape or origin)
};
window.embedFrame = frame;

function showNotices() {
  ui.notices.hidden = frame.notices.length === 0;
  ui.notices.replaceChildren(...frame.notices.map((text) => Object.assign(document.createElement('p'), { textContent: text })));
}

function addNotice(text) {
  if (!frame.notices.includes(text)) frame.notices.push(text);
  showNotices();
}

// --- messages to the host -----------------------------------------------------------------

/** The embedding page's origin, when the browser tells (Chromium and Safari do; Firefox via the referrer). */
function parentOrigin() {
  const ancestor = location.ancestorOrigins?.[0];
  if (ancestor) return ancestor;
  try {
    return document.referrer ? new URL(document.referrer).origin : null;
  } catch {
    return null;
  }
}

/** Where messages may go: '*' without an allowlist, else the allowed origin(s) the parent can be. */
function targetOrigins() {
  if (!params.origins) return ['*'];
  const parent = parentOrigin();
  if (parent) return params.origins.includes(parent) ? [parent] : [];
  return params.origins; // unknown parent: only an allowed one can receive it
}

function post(type, fields = {}) {
  if (!framed) return; // opened on its own: nobody to tell
  for (const target of targetOrigins()) window.parent.postMessage(makeMessage(type, fields), target);
}

let lastHeight = 0; // px
function postHeight(force = false) {
  const height = Math.ceil(document.documentElement.getBoundingClientRect().height); // px
  if (height === lastHeight && !force) return;
  lastHeight = height;
  post('resize', { height });
}

// --- the frame ----------------------------------------------------------------------------

async function main() {
  if (params.compact) document.body.classList.add('compact');
  showNotices();
  if (framed && params.origins) {
    const parent = parentOrigin();
    if (params.origins.length === 0) addNotice('The origin parameter lists no valid origin: this frame answers no messages.');
    else if (parent && !params.origins.includes(parent)) {
      addNotice(`This page (${parent}) is not in the frame’s origin list (${params.origins.join(', ')}): its messages are ignored.`);
    }
  }
  new ResizeObserver(() => postHeight()).observe(document.body);

  // Listen from the start: a request that arrives while the engine loads waits for it.
  let resolveEngine;
  const engineReady = new Promise((resolve) => { resolveEngine = resolve; });
  window.addEventListener('message', (event) => {
    const from = event.origin || 'an unknown origin';
    if (!framed || event.source !== window.parent) {
      frame.ignored++;
      console.warn(`playground embed: ignored a message that is not from the embedding page (from ${from})`);
      return;
    }
    if (params.origins && !params.origins.includes(event.origin)) {
      frame.ignored++;
      console.warn(`playground embed: ignored a message from ${from}: not in origin=${params.origins.join(',')}`);
      return;
    }
    const parsed = parseMessage(event.data, { accept: HOST_TYPES });
    if (!parsed.ok) {
      frame.ignored++;
      console.warn(`playground embed: ignored a message from ${from}: ${parsed.reason}`);
      return;
    }
    engineReady.then((handle) => handle(parsed.message));
  });

  ui.status.textContent = 'Loading the engine…';
  // The claim is the page's own words: drawn before the engine loads, so the frame's layout
  // doesn't move once it is ready.
  const early = params.presetId && !params.workload ? presetById(params.presetId) : null;
  if (early) showClaim(early.title, early.claim);
  // (With the editor, which the engine's contract builds, the bar waits for it: it goes above.)
  if (!params.editor) document.body.classList.remove('loading');
  const pg = await startPlayground();
  const caps = pg.capabilities;
  window.playground = pg;

  // The replay's cursor, told to the host: at most one message per 100 ms while it moves, the
  // last one always, and at once in answer to the host's seek, play or pause.
  let answer = null; // { id } of a host's seek, play or pause waiting for its cursor message
  let lastCursorPost = -Infinity;
  let cursorTimer = 0;
  const postCursor = () => {
    clearTimeout(cursorTimer);
    lastCursorPost = performance.now();
    const id = answer ? { id: answer.id } : {};
    answer = null;
    post('cursor', { ...id, ...results.replay.describe() });
  };
  const results = createResults(ui.results, {
    compact: params.compact,
    replay: params.replay,
    onCursor: () => {
      const since = performance.now() - lastCursorPost;
      clearTimeout(cursorTimer);
      if (answer || since >= PROGRESS_INTERVAL_MS) postCursor();
      else cursorTimer = setTimeout(postCursor, PROGRESS_INTERVAL_MS - since);
    },
  });
  frame.replay = results.replay;
  if (params.cursorMs !== null) results.replay.seekWhenReady(params.cursorMs);
  const batches = createBatchRunner(pg, results);
  let preset = params.presetId ? presetById(params.presetId) : null;
  let strategies = params.strategies;
  let base = null; // the workload the runs derive from

  const editor = params.editor
    ? createEditor(ui.editor, { strategies: pg.strategies, limits: pg.limits, workers: caps.maxThreads, onChange: (w) => { base = w; check(); render(); } })
    : null;
  ui.editor.hidden = !editor;
  document.body.classList.remove('loading');

  /** Runs of the current settings: `strategies` if given, else the preset's, else every strategy. */
  function runsFor() {
    if (strategies) return strategies.map((strategy) => ({ label: strategy, workload: { ...base, strategy } }));
    if (preset) return preset.runs.map((run) => ({ label: run.label, workload: runWorkload(base, run, pg.capabilities) }));
    return pg.strategies.map(({ name }) => ({ label: name, workload: { ...base, strategy: name } }));
  }

  /** The engine's messages for the current workload, shown; whether Run can run. */
  function check() {
    const errors = pg.validate(base);
    editor?.showErrors(errors);
    ui.run.disabled = frame.busy || errors.length > 0;
    ui.run.title = errors.length ? 'Fix the workload first' : '';
    return errors;
  }

  function render() {
    showClaim(preset ? preset.title : 'Your workload', preset ? preset.claim : describeWorkload(base, pg.validate(base)));
    const labels = runsFor().map((r) => r.label);
    ui.run.textContent = labels.length === 1 ? `Run ${labels[0]}` : `Run ${labels.length} ways`;
    ui.run.setAttribute('aria-description', labels.join(', '));
    // A workload a link can't carry as it is (see linkJson): the full page gets the URL's own.
    const full = urlFor(base, { presetId: preset?.id ?? null, base: new URL('index.html', location.href).href })
      ?? new URL(`index.html${location.search}`, location.href);
    ui.openFull.href = full.href;
    ui.threadsOff.querySelector('a')?.setAttribute('href', full.href);
  }

  /** Sets the workload from a message or the URL; returns the engine's errors (and keeps the old one if any). */
  function setWorkload({ workload, preset: id, strategies: wanted }) {
    let nextPreset = preset;
    if (id !== undefined) {
      nextPreset = presetById(id);
      if (!nextPreset) return [{ field: 'preset', message: `unknown preset “${id}” (known: ${PRESET_IDS.join(', ')})` }];
    } else if (workload !== undefined) {
      nextPreset = null; // a workload of the host's own: no preset's claim or verdict
    }
    const next = workload !== undefined ? workload : nextPreset.workload(pg.capabilities);
    const errors = pg.validate(next);
    if (errors.length) return errors;
    preset = nextPreset;
    base = next;
    if (wanted !== undefined) strategies = wanted;
    editor?.set(base);
    check();
    render();
    return [];
  }

  async function runBatch(id) {
    frame.busy = true;
    setBusy(true);
    ui.verdict.textContent = '';
    const runs = runsFor();
    let lastPost = -Infinity;
    try {
      const batch = await batches.run(runs, {
        verdict: verdictOf,
        rounds: strategies || !preset ? 1 : preset.rounds ?? 1,
        chart: strategies || !preset ? 'wall' : preset.chart ?? 'wall',
        onRunStart: (run, index) => {
          ui.status.textContent = `${pg.starting ? 'Waiting for the worker threads to start, then running' : 'Running'} ${run.label}${runs.length > 1 ? ` (${index + 1} of ${runs.length})` : ''}…`;
          lastPost = -Infinity;
          const cancel = cancelFor(pg, run.workload);
          ui.cancel.disabled = !cancel.can;
          ui.cancel.textContent = cancel.label;
          ui.cancel.title = cancel.title;
        },
        onProgress: (p, run, index) => {
          const now = performance.now();
          if (now - lastPost < PROGRESS_INTERVAL_MS) return;
          lastPost = now;
          post('progress', { id, label: run.label, strategy: run.workload.strategy, index, count: runs.length,
            tasksDone: p.tasksDone, tasks: p.tasks, elapsedMs: p.elapsedMs });
        },
      });
      ui.verdict.textContent = batch.verdict?.text ?? '';
      ui.status.textContent = batch.complete ? summaryOf(batch.runs) : batch.runs.length ? 'Cancelled.' : '';
      frame.batch = { runs: batch.runs.map(summarize), verdict: batch.verdict?.text ?? null, claims: batch.verdict?.claims ?? [],
        cancelled: !batch.complete };
      post('result', { id, preset: preset?.id ?? null, ...frame.batch });
    } catch (error) {
      ui.status.textContent = `The run failed: ${error.message}`;
      post('error', { id, code: 'run-failed', message: error.message });
    } finally {
      frame.busy = false;
      setBusy(false);
    }
  }

  /** The preset's verdict, when the runs it reads were all made. */
  function verdictOf(done) {
    if (!preset || !preset.runs.every((r) => done.some((d) => d.label === r.label))) return null;
    try {
      return presetVerdict(preset, done, pg.capabilities);
    } catch (error) {
      console.warn(`playground embed: no verdict for ${preset.id}: ${error.message}`);
      return null;
    }
  }

  /** "concurrent 1.02x · parallel 1.98x": each run against the sequential run of the same tasks (the median round's). */
  function summaryOf(done) {
    const others = done.filter((d) => d.result.strategy !== 'sequential');
    const shown = others.length ? others : done;
    return shown.map((d) => `${d.label} ${d.baseline ? times(speedup(d.baseline, d.result)) : seconds(d.result.wallMs)}`).join(' · ');
  }

  function setBusy(busy) {
    document.body.classList.toggle('busy', busy);
    ui.cancel.disabled = !busy;
    ui.cancel.textContent = 'Cancel';
    ui.cancel.title = '';
    editor?.setDisabled(busy);
    check();
  }

  /** Answers one valid message from the host. */
  function handle(message) {
    const { type, id } = message;
    if (type === 'hello') {
      post('ready', readyFields());
      postHeight(true);
    } else if (type === 'cancel') {
      batches.cancel();
    } else if ((type === 'seek' || type === 'play' || type === 'pause') && !frame.busy) {
      const replay = results.replay;
      if (!replay.ready) {
        post('error', { id, code: 'no-run', message: `nothing to replay yet: ${type} needs runs that have ended (send run first)` });
        return;
      }
      answer = { id: id ?? null };
      if (type === 'seek') {
        replay.seek(message.ms);
      } else if (type === 'play') {
        replay.play(message.speed);
      } else {
        replay.pause();
      }
    } else if (frame.busy) {
      post('error', { id, code: 'busy', message: `a run is in progress: send cancel first (or wait for its result)` });
    } else {
      const wantsChange = message.workload !== undefined || message.preset !== undefined || message.strategies !== undefined;
      const errors = wantsChange ? setWorkload(message) : check();
      if (errors.length) {
        const text = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
        addNotice(`The host page’s workload was rejected: ${text}`);
        post('error', { id, code: 'invalid-workload', message: text, errors });
      } else if (type === 'run') {
        runBatch(id);
      }
    }
  }

  function readyFields() {
    return { capabilities: pg.capabilities, preset: preset?.id ?? null, runs: runsFor().map((r) => r.label), workload: base, notices: frame.notices };
  }

  // Start from the URL.
  const start = setWorkload({ workload: params.workload ?? undefined, preset: params.workload ? undefined : preset?.id });
  if (params.workload && params.presetId) preset = presetById(params.presetId); // a preset's edited workload
  if (start.length) {
    // Keep the rejected workload so it can be seen (and fixed in the editor), but don't run it.
    base = params.workload;
    editor?.set(base);
    addNotice(`The workload in the URL was rejected: ${start.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
    check();
    render();
  } else {
    render();
  }

  if (!caps.threads) {
    // Why, in words that fit this browser; the new-tab link only where a new tab gets threads.
    ui.threadsOff.hidden = false;
    const { why, advice } = threadsOffWords(caps);
    const link = Object.assign(document.createElement('a'), { href: ui.openFull.href, target: '_blank', rel: 'noopener', textContent: 'Open in a new tab' });
    ui.threadsOff.replaceChildren(why, ...(advice && framed ? [' ', link, ' for threads.'] : []));
  }

  ui.run.addEventListener('click', () => { if (!frame.busy && check().length === 0) runBatch(null); });
  ui.cancel.addEventListener('click', () => batches.cancel());

  const readyText = (now) => (now.threads ? `${now.poolThreads} worker threads ready.`
    : now.processes ? `Ready: ${now.processes} processes, no threads.` : 'Ready (one thread).');
  // Runs are taken at once; a run asked for while the pool starts waits for it.
  ui.status.textContent = pg.starting ? `Starting ${caps.threads ? `${caps.poolThreads} worker threads` : 'up'}…` : readyText(caps);
  pg.whenPoolReady.then((now) => {
    if (!frame.busy) ui.status.textContent = readyText(now);
    // A preset's workers follow the cores as measured, unless the workload was changed or run.
    if (preset && !frame.busy && !frame.batch && JSON.stringify(base) === JSON.stringify(preset.workload(caps))) {
      base = preset.workload(now);
      editor?.set(base);
      check();
      render();
    }
  });
  frame.ready = true;
  document.body.dataset.ready = 'true';
  resolveEngine(handle);
  post('ready', readyFields());
  postHeight(true);
  if (params.autorun && check().length === 0) runBatch(null);
}

function showClaim(title, text) {
  ui.claim.replaceChildren(Object.assign(document.createElement('strong'), { textContent: title }), document.createTextNode(` ${text}`));
}

/** Groups described in words (at most DESCRIBED_GROUPS); a group or field that isn't valid is said to be so, never printed as it is. */
const DESCRIBED_GROUPS = 4;
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

main().catch((error) => {
  ui.status.textContent = `The playground could not start: ${error.message}`;
  post('error', { code: 'start-failed', message: error.message });
  console.error(error);
});
