// What a lane and the tasks are doing at an instant of a replay, in words: the tooltip's, the
// replay's lines and its screen-reader summary (tests/unit/replay.test.mjs). The span kinds'
// words are in kinds.js, with all else known of them.

import { KIND_WORDS } from './kinds.js';
import { collidingReads } from './races.js';
import { groupLabel } from './text.js';

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
