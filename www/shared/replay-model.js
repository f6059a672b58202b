// A finished run, replayed: what every lane and every task was doing at any instant, read from
// the run's measured spans (never simulated again). Pure, no DOM: the replay view
// (views/replay.js), the embed's cursor messages and the benchmark use it, tests/unit/ check it.
// Every time is in ms from the run's start.
//
//   const run = indexRun(result);           // once per finished run
//   run.events                              // sorted times where a span starts or ends
//   nextEvent(run.events, t), previousEvent(run.events, t)
//   lanesAt(run, t)   // [{ lane, state, span, spans }]: each lane's state at t
//   tasksAt(run, t)   // { running, waiting, lockWait, between, queued, notArrived, done, total }
//   queueSteps(taskTimesOf(result))         // how many tasks waited to start, over time

import { kindOf } from './kinds.js';

const EPS = 1e-6; // ms: times closer than this are equal
/**
 * Span ends and starts closer than this are one event, at the last of them: a worker that ends
 * one slice and starts the next 10 us later is not shown idle in between when stepping.
 */
export const EVENT_MERGE_MS = 0.05; // ms
/** How fast a replay plays: a recorded ms takes 1, 4 or 10 ms (embed/protocol.js has a copy). */
export const REPLAY_SPEEDS = [1, 0.25, 0.1];
/** A task waited to start when it started this much after it arrived (the queue row shows it). */
export const QUEUE_MIN_MS = 1; // ms

/**
 * What a lane is doing when several of its spans are active at once (an event loop computes
 * one task while timers of others run): the kind of lowest rank (shared/kinds.js) wins.
 */
const rank = (kind) => kindOf(kind).rank;

/**
 * How a task counts at an instant, by the kind of its span active then (shared/kinds.js): a
 * held lock or an update says nothing of it, and counts as running.
 */
export function taskStateOf(kind) {
  return kindOf(kind).task ?? 'running';
}

/**
 * Each task's arrival, start and end: the result's `taskTimes` when the engine gives them,
 * else derived from the spans (arrival 0, start at its first span, end at its last span if the
 * task finished). `steps` (per group, optional) lets a cancelled run's tasks count as finished
 * only once their last step ran. Returns `[{ task, group, arrival, start, end }]` by task;
 * `start` and `end` are null for a task that never started or never finished.
 */
export function taskTimesOf(result, { steps = null } = {}) {
  if (Array.isArray(result.taskTimes)) return result.taskTimes;
  const spans = result.spans ?? [];
  const count = spans.reduce((n, s) => Math.max(n, s.task + 1), result.tasks ?? 0);
  const times = Array.from({ length: count }, (_, task) => ({ task, group: null, arrival: 0, start: null, end: null, lastStep: -1 }));
  let cut = 0; // ms: where a cancel cut the spans still open
  for (const span of spans) {
    const t = times[span.task];
    t.group ??= span.group;
    t.start = t.start === null ? span.start : Math.min(t.start, span.start);
    t.end = t.end === null ? span.end : Math.max(t.end, span.end);
    t.lastStep = Math.max(t.lastStep, span.step);
    cut = Math.max(cut, span.end);
  }
  const completed = result.status === 'completed';
  return times.map(({ lastStep, ...t }) => {
    if (completed || t.end === null) return t;
    // Cancelled: a task finished if it ended before the cancel and reached its last step.
    const reachedLast = !steps || t.group === null || lastStep >= (steps[t.group] ?? 1) - 1;
    return t.end < cut - EPS && reachedLast ? t : { ...t, end: null };
  });
}

/** Index of the first value of `sorted` greater than t (binary search). */
function upperBound(sorted, t) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] > t) hi = mid; else lo = mid + 1;
  }
  return lo;
}

/** Sorted; values within EVENT_MERGE_MS of the one before are one, the last of them. */
function clustered(values) {
  const sorted = Float64Array.from(values).sort();
  const out = [];
  for (const v of sorted) {
    if (out.length && v - out[out.length - 1] <= EVENT_MERGE_MS) out[out.length - 1] = v;
    else out.push(v);
  }
  return out;
}

/**
 * Everything the replay asks of a finished run, indexed once so an instant costs a few binary
 * searches: `{ result, endMs, events, lanes, taskTimes, arrivals, starts, ends }`. `events`:
 * 0, every span start and end, every arrival after 0, the end (EVENT_MERGE_MS apart at least).
 * `lanes` are the engine's (`result.lanes`, in id order) with their spans sorted by start.
 */
export function indexRun(result, options = {}) {
  const spans = result.spans ?? [];
  const taskTimes = taskTimesOf(result, options);
  const sortedTimes = (pick) => Float64Array.from(taskTimes.map(pick).filter((v) => v !== null && v !== undefined)).sort();
  const ends = sortedTimes((t) => t.end);
  // The end: the last span's, the wall time's, or the last task's end, whichever is latest (a
  // task's end, clocked on its worker, can come a little after the run's wall time: at End it is done).
  const endMs = spans.reduce((end, s) => Math.max(end, s.end), Math.max(0, result.wallMs ?? 0, ends.at(-1) ?? 0));
  const listed = (result.lanes ?? []).map(({ id, name, role }) => ({ id, name, role }));
  const byId = new Map(listed.map((lane) => [lane.id, []]));
  for (const span of spans) {
    if (!byId.has(span.lane)) {
      listed.push({ id: span.lane, name: `lane ${span.lane}`, role: 'worker' }); // not one the engine listed
      byId.set(span.lane, []);
    }
    byId.get(span.lane).push(span);
  }
  listed.sort((a, b) => a.id - b.id);
  const lanes = listed.map((lane) => {
    const sorted = byId.get(lane.id).sort((a, b) => a.start - b.start || a.end - b.end);
    const starts = Float64Array.from(sorted, (s) => s.start);
    const maxEnd = new Float64Array(sorted.length); // the latest end among spans 0..i
    sorted.forEach((s, i) => { maxEnd[i] = Math.max(i ? maxEnd[i - 1] : -Infinity, s.end); });
    return { ...lane, spans: sorted, starts, maxEnd };
  });
  const events = clustered([...spans.flatMap((s) => [s.start, s.end]), ...taskTimes.map((t) => t.arrival).filter((a) => a > 0)]);
  if (events[0] > EVENT_MERGE_MS || events.length === 0) events.unshift(0);
  else events[0] = Math.max(events[0], 0);
  if (events[events.length - 1] < endMs - EVENT_MERGE_MS) events.push(endMs);
  else events[events.length - 1] = endMs;
  return {
    result, endMs, events, lanes, taskTimes,
    arrivals: sortedTimes((t) => t.arrival ?? 0),
    starts: sortedTimes((t) => t.start),
    ends,
  };
}

/** Events of several runs (Compare: one cursor over all), as one sorted list. */
export function mergeEvents(lists) {
  return clustered(lists.flat());
}

/** The first event after t, or null. */
export function nextEvent(events, t) {
  const i = upperBound(events, t + EPS);
  return i < events.length ? events[i] : null;
}

/** The last event before t, or null. */
export function previousEvent(events, t) {
  const i = upperBound(events, t - EPS) - 1;
  return i >= 0 && events[i] < t - EPS ? events[i] : null;
}

/** The spans of an indexed lane active at t (start <= t < end), by start. */
function activeSpans(lane, t) {
  const out = [];
  for (let i = upperBound(lane.starts, t) - 1; i >= 0 && lane.maxEnd[i] > t; i--) {
    if (lane.spans[i].end > t) out.push(lane.spans[i]);
  }
  return out.reverse();
}

/**
 * What each lane was doing at t: `[{ lane: {id, name}, state, span, spans }]` in lane order.
 * `state` is the kind of the lane's main span (the lowest rank: shared/kinds.js) or 'idle'; `span` that span;
 * `spans` every span active on it then, main one first.
 */
export function lanesAt(run, t) {
  return run.lanes.map(({ id, name, role, ...lane }) => {
    const spans = activeSpans(lane, t).sort((a, b) => rank(a.kind) - rank(b.kind));
    return { lane: { id, name, role }, state: spans[0]?.kind ?? 'idle', span: spans[0] ?? null, spans };
  });
}

/**
 * How many tasks were where at t: `running` (computing, copying, starting), `waiting` (I/O),
 * `lockWait`, `between` (started, between two pieces: waiting for a thread to pick them up
 * again), `queued` (arrived, not yet started), `notArrived`, `done`; `total`.
 */
export function tasksAt(run, t, states = lanesAt(run, t)) {
  const arrived = upperBound(run.arrivals, t);
  const started = upperBound(run.starts, t);
  const done = upperBound(run.ends, t);
  const byTask = new Map(); // task -> its best-ranked active kind
  for (const { spans } of states) {
    for (const span of spans) {
      const seen = byTask.get(span.task);
      if (seen === undefined || rank(span.kind) < rank(seen)) byTask.set(span.task, span.kind);
    }
  }
  const counts = { running: 0, waiting: 0, lockWait: 0 };
  for (const kind of byTask.values()) counts[taskStateOf(kind)]++;
  const inProgress = Math.max(0, started - done);
  const active = counts.running + counts.waiting + counts.lockWait;
  return {
    ...counts,
    between: Math.max(0, inProgress - active),
    queued: Math.max(0, arrived - started),
    notArrived: Math.max(0, run.taskTimes.length - arrived),
    done,
    total: run.taskTimes.length,
  };
}

/**
 * Tasks waiting to start (arrived, not started) over time, as steps `{ points: [[t, count]],
 * max }`: the count holds from each point's t to the next one's. Only waits of QUEUE_MIN_MS or
 * more count (a task taken 10 us after it arrived did not queue); null when there are none:
 * nothing to draw. A task that never started waits until `endMs`.
 */
export function queueSteps(taskTimes, endMs = 0) {
  const changes = [];
  for (const { arrival = 0, start } of taskTimes) {
    const from = arrival ?? 0;
    const to = start ?? Math.max(endMs, from);
    if (to - from >= QUEUE_MIN_MS) changes.push([from, 1], [to, -1]);
  }
  if (changes.length === 0) return null;
  changes.sort((a, b) => a[0] - b[0]);
  const points = [];
  let count = 0;
  let max = 0;
  for (let i = 0; i < changes.length; i++) {
    count += changes[i][1];
    if (i + 1 < changes.length && changes[i + 1][0] - changes[i][0] <= EPS) continue; // same instant
    max = Math.max(max, count);
    if (points.length && points[points.length - 1][1] === count) continue;
    points.push([changes[i][0], count]);
  }
  return { points, max };
}

/** The cursor a step of the keyboard moves to: `key` is a KeyboardEvent's key. Null: not a step key. */
export function stepCursor(key, t, { events, endMs }) {
  const clamp = (v) => Math.min(endMs, Math.max(0, v));
  switch (key) {
    case 'ArrowRight': case 'ArrowUp': return nextEvent(events, t) ?? endMs;
    case 'ArrowLeft': case 'ArrowDown': return previousEvent(events, t) ?? 0;
    case 'Home': return 0;
    case 'End': return endMs;
    case 'PageUp': return clamp(t + endMs / 10);
    case 'PageDown': return clamp(t - endMs / 10);
    default: return null;
  }
}
