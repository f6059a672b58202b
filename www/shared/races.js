// What the shared counter and named locks showed in a run, as evidence and in words: how many
// updates were lost (and which reads collided), whether the tasks' updates overlapped at all,
// the deadlock's cycle, who held a lock when, and each process's own count. Pure, no DOM:
// race-verdicts.js and verdicts.js word the verdicts with it, the replay (words.js) names a
// lost update at its cursor, tests/unit/races.test.mjs checks it on recorded and built results.

import { count as plural, mainLaneIds, seconds } from './metrics.js';
import { groupLabel } from './text.js';

const n = (value) => Number(value).toLocaleString('en');

/** The lost updates of each round of a run: `[lost, ...]` (null for a round with no counter). */
export function lostPerRound(rounds) {
  return rounds.map((r) => r.result.counter?.lost ?? null);
}

/** "lost 3,412 of 8,000 updates (the counter read 4,588)", "lost none of 8,000 updates". */
export function lossWords(counter) {
  if (!counter) return 'kept no count';
  const of = `of ${plural(counter.expected, 'update')}`;
  return counter.lost > 0 ? `lost ${n(counter.lost)} ${of} (the counter read ${n(counter.final)})` : `lost none ${of}`;
}

/**
 * Over a run's rounds: "lost 3,412 of 8,000 updates" with, where there were several rounds, how
 * many each lost ("3,301 and 3,412 in 2 rounds: a different number each time").
 */
export function roundsLossWords(rounds) {
  const median = rounds[(rounds.length - 1) >> 1].result.counter;
  const lost = lostPerRound(rounds);
  if (rounds.length < 2 || lost.some((l) => l === null)) return lossWords(median);
  const list = `${lost.slice(0, -1).map(n).join(', ')} and ${n(lost.at(-1))} in ${rounds.length} rounds`;
  const differ = new Set(lost).size > 1 ? 'a different number each time' : 'the same number each time, here';
  const most = rounds.reduce((a, b) => ((b.result.counter?.lost ?? 0) > (a.result.counter?.lost ?? 0) ? b : a)).result.counter;
  return `${most.lost > 0 ? `lost up to ${n(most.lost)}` : 'lost none'} of ${plural(most.expected, 'update')} (${list}: ${differ})`;
}

/** The update spans of a result (read to write), by start. */
function updates(result) {
  return result.spans.filter((s) => s.kind === 'update').sort((a, b) => a.start - b.start);
}

/**
 * Whether two tasks' updates were ever under way at the same instant (the precondition of a lost
 * update): the most updates of different tasks overlapping at once.
 */
export function mostUpdatesAtOnce(result) {
  const edges = [];
  for (const s of updates(result)) edges.push([s.start, 1], [s.end, -1]);
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let most = 0;
  for (const [, d] of edges) most = Math.max(most, (now += d));
  return most;
}

/**
 * The reads that collided: per value read by more than one update, the updates that read it.
 * Each such value lost all but one of its writes (`sync: none`). `Map(value -> [span])`.
 */
export function collidingReads(result) {
  const byValue = new Map();
  for (const s of updates(result)) {
    if (!Number.isFinite(s.value)) continue;
    if (byValue.has(s.value)) byValue.get(s.value).push(s); else byValue.set(s.value, [s]);
  }
  for (const [value, spans] of byValue) if (spans.length < 2) byValue.delete(value);
  return byValue;
}

/** A lane by id, as a reader knows it ("worker 1"). */
function laneName(result, id) {
  return result.lanes?.find((lane) => lane.id === id)?.name ?? `lane ${id}`;
}

/** "“tally” #3 on worker 1": a task as the cycle or the words name it. */
function taskOn(result, { task, group, lane }) {
  return `“${groupLabel(group, result.groupNames)}” #${task + 1} on ${laneName(result, lane)}`;
}

/**
 * One collision in words, the first in time: "“tally” #1 on worker 1 and “tally” #2 on worker 2
 * both read 41 and wrote 42: one of the two updates was lost".
 */
export function firstCollisionWords(result) {
  const collisions = [...collidingReads(result).values()].sort((a, b) => a[0].start - b[0].start);
  if (collisions.length === 0) return '';
  const [a, b] = collisions[0];
  const read = n(a.value);
  return `${taskOn(result, a)} and ${taskOn(result, b)} both read ${read} and wrote ${n(a.value + 1)}: one of the two updates was lost`;
}

/**
 * A deadlock's cycle in words: "“A then B” #1 on worker 1 held A and waited for B, which
 * “B then A” #2 on worker 2 held while it waited for A". Empty when the run did not deadlock.
 */
export function cycleWords(result) {
  const cycle = result.deadlock?.cycle ?? [];
  if (cycle.length === 0) return '';
  const holds = (m) => (m.holds.length ? `held ${m.holds.join(' and ')}` : 'held nothing');
  const [first, ...rest] = cycle;
  const chain = rest.map((m) => `${taskOn(result, m)}, which ${holds(m)} and waited for ${m.waitsFor}`);
  return `${taskOn(result, first)} ${holds(first)} and waited for ${first.waitsFor}, held by ${chain.join(', held by ')}`;
}

/** "the engine found it 0.3 ms after it formed (at 21 ms) and stopped the run". */
export function detectionWords(deadlock) {
  const after = Math.max(0, deadlock.detectedMs - deadlock.atMs);
  return `the engine found the cycle ${seconds(after)} after it formed (at ${seconds(deadlock.atMs)}) and stopped the run`;
}

/**
 * The spans in which each task held each named lock: `[{ lock, task, lane, start, end }]`
 * (`lock`: its name). A process's locks are its own: the lane says whose.
 */
export function holds(result) {
  const names = result.lockNames ?? [];
  return result.spans.filter((s) => s.kind === 'lockHeld')
    .map((s) => ({ lock: names[s.lock] ?? String(s.lock), task: s.task, lane: s.lane, start: s.start, end: s.end }));
}

/**
 * Two tasks holding a lock of the same name at the same instant, or null: impossible for one
 * lock, what processes do with a lock each. `{ lock, a, b }` (entries of holds()).
 */
export function heldAtOnce(result) {
  const list = holds(result);
  for (const [i, a] of list.entries()) {
    for (const b of list.slice(i + 1)) {
      if (a.lock === b.lock && a.task !== b.task && a.start < b.end && b.start < a.end) return { lock: a.lock, a, b };
    }
  }
  return null;
}

/**
 * Whether the locks' tasks ever held a lock each at the same time (the precondition of a
 * deadlock): the first instant two tasks each held a lock, or null.
 */
export function firstHeldTogether(result) {
  const list = holds(result).sort((a, b) => a.start - b.start);
  for (const [i, a] of list.entries()) {
    for (const b of list.slice(i + 1)) if (a.task !== b.task && b.start < a.end) return Math.max(a.start, b.start);
  }
  return null;
}

/** The longest a task waited for a named lock in a run (ms), and for which: `{ ms, lock }` or null. */
export function longestLockWait(result) {
  const names = result.lockNames ?? [];
  let longest = null;
  for (const s of result.spans) {
    if (s.kind !== 'namedLockWait' || s.lock === result.counterLock) continue;
    if (!longest || s.end - s.start > longest.ms) longest = { ms: s.end - s.start, lock: names[s.lock] ?? String(s.lock) };
  }
  return longest;
}

/** "4,000 and 4,000": what each process counted on its own. */
export function perProcessWords(counter) {
  const own = counter?.perProcess ?? [];
  if (own.length === 0) return '';
  return own.length === 1 ? n(own[0]) : `${own.slice(0, -1).map(n).join(', ')} and ${n(own.at(-1))}`;
}

/** Whether a run's updates all happened on the page's own thread (an event loop). */
export function onPageThreadOnly(result) {
  const main = mainLaneIds(result);
  return updates(result).every((s) => main.has(s.lane));
}
