// What the page says about each of the engine's strategies, why threads are off, and what a
// lane and the tasks are doing at an instant of a replay. The engine lists the strategies
// (pg.strategies); adding one there means adding its words here (tests/unit/words.test.mjs
// checks they match). The span kinds' words are in kinds.js, with all else known of them.

import { KIND_WORDS } from './kinds.js';
import { collidingReads } from './races.js';
import { groupLabel } from './text.js';

/** Per strategy: a short label, and a hint of how it runs. */
export const STRATEGY_WORDS = {
  sequential: {
    label: 'sequential',
    hint: 'one task at a time, on the page’s thread',
  },
  concurrent: {
    label: 'concurrent (async, one thread)',
    hint: 'all tasks at once as async futures, on the page’s thread',
  },
  parallel: {
    label: 'parallel (worker threads)',
    hint: 'tasks spread over worker threads, each blocking through its waits',
  },
  hybrid: {
    label: 'hybrid (async + workers)',
    hint: 'async tasks on the page; their computing goes to workers',
  },
  processes: {
    label: 'processes (own memory)',
    hint: 'tasks spread over workers that share no memory: each gets a copy of its input, like multiprocessing',
  },
};


/** Per way of updating the shared counter (the engine's `pg.syncs`): how the editor offers it. */
export const SYNC_WORDS = {
  none: 'read, then write back +1 (no sync)',
  atomic: 'one atomic add',
  lock: 'read and write under a lock',
  message: 'count apart, then send the counts',
};

/** The words of a way to update the counter; one the words don't know yet is shown by its name. */
export function syncWords(name) {
  return SYNC_WORDS[name] ?? name;
}

/** The words of a strategy; a strategy the words don't know yet is shown by its name. */
export function strategyWords(name) {
  return STRATEGY_WORDS[name] ?? { label: name, hint: '' };
}

/**
 * Why threads are off, in words that fit the case (`capabilities.noPoolCode`), and advice
 * only where following it can help: `{ why, advice }`. `processes` says what runs instead.
 * `userAgent`: the browser's (for the words only).
 */
export function threadsOffWords(caps, userAgent = globalThis.navigator?.userAgent ?? '') {
  const instead = caps.processes > 0
    ? `Parallel runs use up to ${caps.processes} processes instead: workers with their own memory, which get a copy of their input (like Python’s multiprocessing).`
    : 'Everything runs on the page’s thread.';
  const engine = browserEngine(userAgent);
  // WebKitGTK gives no page a SharedArrayBuffer, isolated or not (measured: 2.50): the page
  // around a frame, or a new tab, is not why it has no threads, and can't give it any.
  if (engine === 'webkitgtk' && (caps.noPoolCode === 'frame-not-isolated' || caps.noPoolCode === 'not-isolated')) {
    const where = caps.noPoolCode === 'frame-not-isolated' ? ' in this frame' : '';
    return { why: `Threads are off${where}: ${engineName(engine)} offers no SharedArrayBuffer, even to a cross-origin isolated page, so wasm threads can’t share memory here. ${instead}`, advice: '' };
  }
  switch (caps.noPoolCode) {
    case 'frame-not-isolated': {
      const why = {
        firefox: 'Firefox can’t isolate a frame inside a page that isn’t isolated itself (it has no Document-Isolation-Policy)',
        webkit: 'Safari’s engine (WebKit) can’t isolate a frame inside a page that isn’t isolated itself',
      }[engine] ?? 'it is not cross-origin isolated';
      return {
        why: `Threads are off in this frame: ${why}. ${instead}`,
        // Safari's own engine was not measured here (WebKitGTK, above, was): no advice rather than advice that may not help.
        advice: engine === 'webkit' ? '' : 'Open the playground in its own tab to get threads.',
      };
    }
    case 'not-isolated':
      return {
        why: `Threads are off: this page is not cross-origin isolated, so there is no shared memory for threads. ${instead}`,
        advice: engine === 'webkit' ? ''
          : 'Serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp (./build.sh serve does) to get threads.',
      };
    case 'no-shared-memory':
      return {
        why: `Threads are off: ${engineName(engine)} offers no SharedArrayBuffer, even to this cross-origin isolated page, so wasm threads can’t share memory. ${instead}`,
        advice: '',
      };
    default:
      return { why: `Threads are off because ${caps.noPoolReason}. ${instead}`, advice: '' };
  }
}

/** Which engine this is, for words only (never to decide what runs: features decide that). */
export function browserEngine(userAgent = globalThis.navigator?.userAgent ?? '') {
  if (/Firefox\//.test(userAgent)) return 'firefox';
  if (/Chrom(e|ium)\//.test(userAgent)) return 'chromium';
  // WebKitGTK reads like Safari but for its platform (Safari's own: Macintosh, iPhone, iPad).
  if (/AppleWebKit\//.test(userAgent) && /\b(X11|Linux)\b/.test(userAgent)) return 'webkitgtk';
  if (/AppleWebKit\//.test(userAgent)) return 'webkit';
  return 'other';
}

function engineName(engine) {
  return { firefox: 'Firefox', chromium: 'Chromium', webkit: 'this browser (Safari’s engine, WebKit)',
    webkitgtk: 'this browser (WebKitGTK, Safari’s engine on Linux)', other: 'this browser' }[engine];
}

// --- the replay: what a lane and the tasks are doing at the cursor ---------------------------

/** A task as the tooltip names it (tasks and steps count from 1): `"download" #3`. */
export function taskName(span, groupNames = []) {
  const group = span.groupName ?? groupLabel(span.group, groupNames);
  return `“${group}” #${span.task + 1}`;
}

/**
 * What the words of a run's lanes need to know of it, read once per run: its groups' and locks'
 * names, its lanes' names, each task's group, and (`sync: none`) the values read by more than
 * one update: all but one of those writes were lost. An array is taken as the groups' names.
 */
export function wordsContext(result) {
  if (Array.isArray(result) || !result) return { groupNames: result ?? [], lockNames: [], laneNames: new Map(), taskGroups: new Map(), collisions: new Map() };
  return {
    groupNames: result.groupNames ?? [],
    lockNames: result.lockNames ?? [],
    laneNames: new Map((result.lanes ?? []).map((lane) => [lane.id, lane.name])),
    taskGroups: new Map((result.taskTimes ?? []).map((t) => [t.task, t.group])),
    collisions: result.counter?.sync === 'none' && result.spans ? collidingReads(result) : new Map(),
  };
}

const lockName = (span, context) => `“${context.lockNames[span.lock] ?? `lock ${span.lock}`}”`;

/** `held by worker 2 (“B then A” #2)`: who held the lock a wait is for, as it began. */
function holderWords(span, context) {
  if (!Number.isFinite(span.holder)) return '';
  const lane = context.laneNames.get(span.holderLane) ?? `lane ${span.holderLane}`;
  const group = context.taskGroups.get(span.holder);
  const task = group === undefined ? `#${span.holder + 1}` : taskName({ task: span.holder, group }, context.groupNames);
  return `, held by ${lane} (${task})`;
}

/** `read 41, writes 42`, and the other updates that read the same value (one write of them counts). */
function updateWords(span, context) {
  if (!Number.isFinite(span.value)) return '';
  const value = span.value.toLocaleString('en');
  if (span.end - span.start <= 0) return `: added 1 atomically (${value} → ${(span.value + 1).toLocaleString('en')})`;
  const others = (context.collisions.get(span.value) ?? []).filter((s) => s.task !== span.task);
  const lost = others.length ? `; ${others.slice(0, 2).map((s) => `${taskName(s, context.groupNames)} on ${context.laneNames.get(s.lane) ?? `lane ${s.lane}`}`).join(' and ')}${others.length > 2 ? ` and ${others.length - 2} more` : ''} read ${value} too: only one of these writes counts, the others are lost` : '';
  return `: read ${value}, writes ${(span.value + 1).toLocaleString('en')}${lost}`;
}

/** What a span of `kind` is, for a task: `computing “download” #3, step 1`. */
function pieceWords(span, context) {
  const task = taskName(span, context.groupNames);
  const step = `step ${span.step + 1}`;
  switch (span.kind) {
    case 'cpu': return `${KIND_WORDS.cpu} ${task}, ${step}`;
    case 'io': return `${KIND_WORDS.io} for ${task}, ${step}`;
    case 'lockWait': return `${KIND_WORDS.lockWait} (${task}, ${step})`;
    case 'transfer': return `${KIND_WORDS.transfer} for ${task}`;
    case 'startup': return `${KIND_WORDS.startup} for ${task}`;
    case 'namedLockWait': return `waiting for lock ${lockName(span, context)}${holderWords(span, context)}, for ${task}`;
    case 'lockHeld': return `holding lock ${lockName(span, context)} (${task})`;
    case 'update': return `${KIND_WORDS.update} for ${task}${updateWords(span, context)}`;
    default: return `${KIND_WORDS[span.kind] ?? span.kind} ${task}, ${step}`;
  }
}

/** Several tasks at once on one lane (an event loop's timers): `waiting (I/O) for 7 tasks (#1, #2, #4, …)`. */
function severalWords(kind, spans) {
  const tasks = [...new Set(spans.map((s) => s.task + 1))].sort((a, b) => a - b);
  const listed = tasks.slice(0, 3).map((t) => `#${t}`).join(', ') + (tasks.length > 3 ? ', …' : '');
  const what = KIND_WORDS[kind] ?? kind;
  const words = `${what}${kind === 'cpu' || kind === 'lockWait' ? '' : ' for'} ${tasks.length} tasks (${listed})`;
  if (kind !== 'update') return words;
  // Updates under way together on one thread (each awaiting between its read and its write).
  const values = new Set(spans.map((s) => s.value).filter(Number.isFinite));
  return values.size === 1 ? `${words}, all having read ${[...values][0].toLocaleString('en')}: only one of their writes will count` : words;
}

/**
 * What a lane is doing at an instant (an entry of replay.js's lanesAt): `main: computing
 * “download” #3, step 1`, `worker 2: waiting (I/O) for “download” #5, step 1`, `worker 3: idle`;
 * other spans active on the lane at that time follow (`; also waiting (I/O) for 7 tasks (…)`).
 * `context`: the run's wordsContext (or its groups' names).
 */
export function laneStateWords({ lane, spans }, context = []) {
  if (spans.length === 0) return `${lane.name}: idle`;
  const known = Array.isArray(context) ? wordsContext(context) : context;
  const byKind = new Map(); // in the lane's order: its main kind first
  for (const span of spans) {
    if (byKind.has(span.kind)) byKind.get(span.kind).push(span); else byKind.set(span.kind, [span]);
  }
  const parts = [...byKind].map(([kind, list]) => (list.length === 1 ? pieceWords(list[0], known) : severalWords(kind, list)));
  return `${lane.name}: ${parts[0]}${parts.slice(1).map((p) => `; also ${p}`).join('')}`;
}

/**
 * The tasks at an instant (replay.js's tasksAt): `Tasks: 2 running, 5 waiting (I/O), 0 waiting
 * for the lock, 12 queued, 30 done of 50` (between steps and not arrived only when some are).
 */
export function taskCountWords(counts) {
  const parts = [`${counts.running} running`, `${counts.waiting} ${KIND_WORDS.io}`, `${counts.lockWait} ${KIND_WORDS.lockWait.replace('global ', '')}`];
  if (counts.between) parts.push(`${counts.between} ready to go on (waiting for a thread)`);
  parts.push(`${counts.queued} queued (not started)`);
  if (counts.notArrived) parts.push(`${counts.notArrived} not arrived yet`);
  parts.push(`${counts.done} done of ${counts.total}`);
  return `Tasks: ${parts.join(', ')}`;
}
