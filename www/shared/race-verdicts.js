// The verdicts of the two presets about the cost of concurrency in reasoning (presets.js: race,
// deadlock), computed from what the runs measured: the counts the counter kept and lost, the
// reads that collided, the deadlock's cycle, how long a lock was waited for, and where a claim
// did not show here, the measured reason. Pure, no DOM (tests/unit/races.test.mjs).

import { because, tasksWords, threadsOffHere, verdictOf, wallWords, workOf, workersWords } from './evidence.js';
import { seconds } from './metrics.js';
import {
  cycleWords, detectionWords, firstCollisionWords, firstHeldTogether, heldAtOnce, longestLockWait, lossWords,
  mostUpdatesAtOnce, perProcessWords, roundsLossWords,
} from './races.js';

const Cap = (text) => text.charAt(0).toUpperCase() + text.slice(1);

/** The round of a run that lost the most updates (the one whose collision the words name). */
const worstRound = (rounds) => rounds.reduce((a, b) => ((b.result.counter?.lost ?? 0) > (a.result.counter?.lost ?? 0) ? b : a));
const lostAny = (rounds) => rounds.some((r) => r.result.counter?.lost > 0);
const lostNone = (rounds) => rounds.every((r) => r.result.counter && r.result.counter.lost === 0);

/** Why updates racing on `rounds` lost none here, measured. */
export function whyNoneLost(rounds) {
  const { result, workload } = worstRound(rounds);
  const onThreads = ['parallel', 'hybrid'].includes(result.strategy);
  if (onThreads && result.threads <= 1) return 'it ran on one worker thread, so no two updates were under way at once';
  if (!onThreads && !(workOf(workload).io > 0)) return 'these tasks don’t await between a read and its write, so on one thread nothing else runs in between';
  if (workOf(workload).tasks <= 1) return 'one task has nobody to race with';
  if (mostUpdatesAtOnce(result) < 2) return 'no two updates were under way at the same instant this time (run it again)';
  return 'updates overlapped, but no write landed between another’s read and write this time (a race does not show every time: run it again)';
}

/** Lost updates on threads sharing memory, with no sync: `{ text, held }`. */
function threadsRace(rounds) {
  const { result, workload } = worstRound(rounds);
  const lead = `Without a lock or an atomic, on ${workersWords(result)}, ${tasksWords(workload)} ${roundsLossWords(rounds)}`;
  if (lostAny(rounds)) return { text: `${lead}: ${firstCollisionWords(result)}.`, held: true };
  return { text: `${lead}: none lost here, because ${whyNoneLost(rounds)}.`, held: false };
}

/** Lost updates on the page's one thread, tasks awaiting between their read and their write. */
function awaitRace(rounds) {
  const { result, workload } = worstRound(rounds);
  const lead = `On the page’s one thread, ${tasksWords(workload)} that await between their read and their write ${roundsLossWords(rounds)}`;
  if (lostAny(rounds)) return { text: `${lead}: while one task awaited, another read the same value; ${firstCollisionWords(result)}.`, held: true };
  return { text: `${lead}: none lost here, because ${whyNoneLost(rounds)}.`, held: false };
}

/** The fixes on threads: each lost none, and what each cost in wall time against no sync. */
function fixes(runs) {
  const fix = [['threads, atomic', 'an atomic add'], ['threads, lock', 'a lock around the read and the write'],
    ['threads, messages', 'counting apart and sending the counts']].filter(([label]) => runs[label]);
  const held = fix.every(([label]) => lostNone(runs[label]));
  const each = fix.map(([label, how]) => `with ${how}, ${lossWords(worstRound(runs[label]).result.counter)} (${wallWords(runs[label])})`);
  const none = runs['threads, no sync'];
  const price = none ? `, against ${wallWords(none)} with no sync: that is each fix’s price` : '';
  const wrong = fix.filter(([label]) => !lostNone(runs[label])).map(([, how]) => how);
  const tail = held ? '' : ` ${Cap(because(wrong))} lost updates, which it never should: please report it.`;
  return { text: `${Cap(each.join('; '))}${price}.${tail}`, held };
}

/** Processes: each counted in its own memory; sent as messages, the counts add up. */
function processCounts(runs) {
  const own = runs['processes, no sync'];
  const sent = runs['processes, messages'];
  const parts = [];
  let held = true;
  if (own) {
    const { result } = own[0];
    const c = result.counter;
    const stayed = c && c.final === 0;
    held &&= Boolean(stayed);
    parts.push(`${Cap(workersWords(result))} have memory of their own: each counted in its own copy${c?.perProcess ? ` (${perProcessWords(c)})` : ''}, and the page’s counter ${stayed ? 'stayed 0' : `read ${c?.final}`}: the classic multiprocessing surprise.`);
  }
  if (sent) {
    const c = sent[0].result.counter;
    held &&= Boolean(c && c.lost === 0);
    parts.push(`Sent as messages, their counts added up to ${c ? `${c.final.toLocaleString('en')} of ${c.expected.toLocaleString('en')}` : 'nothing'}.`);
  }
  return { text: parts.join(' '), held };
}

/**
 * The race preset's verdict (`runs`: its rounds by label). `threadsOn`: false where the
 * "threads" runs ran as processes.
 */
export function raceVerdict(runs, caps, { threadsOn }) {
  const seq = runs.sequential;
  if (!seq[0].result.counter) {
    return verdictOf([`${Cap(tasksWords(seq[0].workload))} add nothing to the shared counter (no increments), so there is nothing to lose: give the group some increments.`],
      [{ claim: 'threads lose updates without sync', held: null }], runs, caps);
  }
  const parts = [];
  const claims = [];
  if (threadsOn) {
    const race = threadsRace(runs['threads, no sync']);
    parts.push(race.text);
    claims.push({ claim: 'threads lose updates without sync', held: race.held });
  } else {
    parts.push(`${threadsOffHere(caps)}, so every “threads” run ran as processes, each counting in its own memory: no two threads shared the counter.`);
  }
  const onOne = awaitRace(runs['one thread, await inside']);
  parts.push(onOne.text);
  claims.push({ claim: 'an await between read and write loses them on one thread', held: onOne.held });
  const alone = lostNone(seq);
  parts.push(alone ? `One after another, ${lossWords(seq[0].result.counter)}.`
    : `One after another, ${roundsLossWords(seq)}, which should never happen: please report it.`);
  claims.push({ claim: 'one after another loses none', held: alone });
  if (threadsOn) {
    const fixed = fixes(runs);
    parts.push(fixed.text);
    claims.push({ claim: 'atomic, lock and messages lose none', held: fixed.held });
  }
  const processes = processCounts(runs);
  parts.push(processes.text);
  claims.push({ claim: 'processes count in their own memory', held: processes.held });
  return verdictOf(parts, claims, runs, caps);
}

/** Why two tasks taking locks in opposite orders did not deadlock here, measured. */
export function whyNoDeadlock(result, workload) {
  const onThreads = ['parallel', 'hybrid'].includes(result.strategy);
  if (onThreads && result.threads <= 1) return 'one worker ran them one after another';
  if (!onThreads && !(workOf(workload).io > 0)) return 'these tasks don’t await while they hold a lock, so on one thread each finished before the other took its first';
  if (firstHeldTogether(result) === null) return 'the second task took its first lock only after the first had released both: they never held one each at the same time (run it again)';
  return 'nothing measured explains it';
}

/** A run with locks in opposite orders, `where` (on which threads) and by `who`: deadlocked (the claim) or not, and why. */
function opposite(rounds, where, who) {
  const { result, workload } = rounds[0];
  if (result.status === 'deadlocked') {
    const freed = ['parallel', 'hybrid'].includes(result.strategy) ? ', freeing every thread' : '';
    return { text: `${where}, ${who} deadlocked: ${cycleWords(result)}; ${detectionWords(result.deadlock)}${freed}.`, held: true };
  }
  return { text: `${where}, ${who} finished in ${wallWords(rounds)} without a deadlock, because ${whyNoDeadlock(result, workload)}.`, held: false };
}

/** The same order: both finish, the second waiting for the first. */
function sameOrder(rounds) {
  const { result } = rounds[0];
  if (result.status === 'deadlocked') return { text: `In the same order they deadlocked too (${cycleWords(result)}), which should never happen: please report it.`, held: false };
  const wait = longestLockWait(result);
  const waited = wait ? `: the second waited ${seconds(wait.ms)} for ${wait.lock} until the first released it` : ': neither had to wait for the other';
  return { text: `Taking them in the same order on ${workersWords(result)}, both finished in ${wallWords(rounds)}${waited}.`, held: true };
}

/** Processes with locks in opposite orders: each has its own locks. */
function processLocks(rounds) {
  const { result } = rounds[0];
  if (result.status === 'deadlocked') return { text: `On ${workersWords(result)} they deadlocked (${cycleWords(result)}), which processes with locks of their own never should: please report it.`, held: false };
  const both = heldAtOnce(result);
  const excluded = both ? ` nor excluded each other (both held “${both.lock}” at ${seconds(Math.max(both.a.start, both.b.start))}: two locks of one name)`
    : ' (here they did not happen to hold the same name at the same time)';
  return { text: `On ${workersWords(result)}, each with its own locks, they neither deadlocked${excluded}; they finished in ${wallWords(rounds)}.`, held: true };
}

/** The deadlock preset's verdict. `threadsOn`: false where the "threads" runs ran as processes. */
export function deadlockVerdict(runs, caps, { threadsOn }) {
  const parts = [];
  const claims = [];
  const locks = (runs.sequential?.[0].workload.groups ?? []).some((g) => g.locks?.length);
  if (!locks) {
    return verdictOf(['These tasks take no locks, so nothing can deadlock: give two groups the same two locks in opposite orders.'],
      [{ claim: 'opposite orders deadlock', held: null }], runs, caps);
  }
  if (threadsOn) {
    const run = runs['threads, opposite order'];
    const threads = opposite(run, `On ${workersWords(run[0].result)}`, 'the two tasks');
    parts.push(threads.text);
    claims.push({ claim: 'opposite orders deadlock on threads', held: threads.held });
    const same = sameOrder(runs['threads, same order']);
    parts.push(same.text);
    claims.push({ claim: 'the same order never deadlocks', held: same.held });
  } else {
    parts.push(`${threadsOffHere(caps)}, so the “threads” runs ran as processes, which have locks of their own: no deadlock can form across them.`);
  }
  const awaiting = opposite(runs['one thread, await while holding'], 'On the page’s one thread', 'tasks that await while holding a lock');
  parts.push(awaiting.text);
  claims.push({ claim: 'awaiting while holding deadlocks on one thread', held: awaiting.held });
  const seq = runs.sequential[0].result;
  const alone = seq.status === 'completed';
  parts.push(alone ? `One after another, no task ever waits for a lock another holds: done in ${seconds(seq.wallMs)}.`
    : `One after another it ended ${seq.status}, which should never happen: please report it.`);
  claims.push({ claim: 'one after another never deadlocks', held: alone });
  const processes = processLocks(runs['processes, opposite order']);
  parts.push(processes.text);
  claims.push({ claim: 'processes have locks of their own', held: processes.held });
  return verdictOf(parts, claims, runs, caps);
}
