// The race and deadlock presets' verdicts, the replay's words for locks and lost updates, and the
// code shown for each `sync`, on results built to hold and to fail (the recorded batches of
// tests/unit/fixtures/ are read by verdicts.test.mjs). Every sentence must be true of its run.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { listing } from '../../www/shared/code.js';
import { busyNote, judgedSpeed } from '../../www/shared/evidence.js';
import { presetById } from '../../www/shared/presets.js';
import { compareVerdict, presetVerdict } from '../../www/shared/verdicts.js';
import { collidingReads, cycleWords, firstHeldTogether, heldAtOnce, mostUpdatesAtOnce, roundsLossWords } from '../../www/shared/races.js';
import { laneStateWords, wordsContext } from '../../www/shared/replay-words.js';
import { lanesAt, indexRun } from '../../www/shared/replay-model.js';

const CAPS = { threads: true, cores: 2, hardwareConcurrency: 2, maxThreads: 4, processes: 4, noPoolReason: null };
const NO_THREADS = { ...CAPS, threads: false, noPoolReason: 'this page is not cross-origin isolated' };

const lanesFor = (strategy, threads) => [{ id: 0, name: 'main', role: 'main', busyMs: 0 },
  ...Array.from({ length: strategy === 'parallel' || strategy === 'processes' ? threads : 0 }, (_, i) => ({
    id: i + 1, name: `${strategy === 'processes' ? 'process' : 'worker'} ${i + 1}`, role: strategy === 'processes' ? 'process' : 'worker', busyMs: 10 }))];

/** A result as the engine gives one, with what a test says. */
function result({ strategy = 'parallel', requested = strategy, threads = 2, wallMs = 200, status = 'completed', spans = [], counter = null,
  deadlock = undefined, lockNames = [], groupNames = ['tally'], tasks = 8 } = {}) {
  return {
    strategy, requestedStrategy: requested, threads, status, wallMs, predictedMs: wallMs, spans, counter, deadlock, lockNames,
    counterLock: null, groupNames, tasks, tasksDone: tasks, lanes: lanesFor(strategy, threads), computing: null,
    taskTimes: Array.from({ length: tasks }, (_, task) => ({ task, group: task % groupNames.length, arrival: 0, start: 0, end: wallMs })),
  };
}

/** Two updates that read the same value on two workers: one write lost. */
const collision = [
  { task: 0, group: 0, step: 0, lane: 1, kind: 'update', start: 10, end: 11, value: 41 },
  { task: 1, group: 0, step: 0, lane: 2, kind: 'update', start: 10.2, end: 11.1, value: 41 },
  { task: 0, group: 0, step: 0, lane: 1, kind: 'update', start: 12, end: 13, value: 42 },
];

const counter = (sync, expected, final, perProcess) => ({ sync, expected, final, lost: expected - final, ...(perProcess ? { perProcess } : {}) });
const RACE = presetById('race');
const DEADLOCK = presetById('deadlock');

/** A race batch: each of the preset's runs, `rounds` times, its result from `make(label, round)`. */
function raceBatch(make, { caps = CAPS, rounds = 2 } = {}) {
  const base = RACE.workload(caps);
  return RACE.runs.map((run) => {
    const workload = { ...base, strategy: run.strategy ?? run.label, ...run };
    delete workload.label;
    return { label: run.label, workload, rounds: Array.from({ length: rounds }, (_, round) => ({ result: make(run.label, round, workload) })) };
  });
}

/** What a race run measured, on a machine where the claim holds. */
function raceHolds(label, round) {
  switch (label) {
    case 'sequential': return result({ strategy: 'sequential', threads: 1, counter: counter('none', 8000, 8000) });
    case 'threads, no sync': return result({ counter: counter('none', 8000, 4588 - round * 100), spans: collision });
    case 'one thread, await inside': return result({ strategy: 'concurrent', threads: 1, counter: counter('none', 80, 19), spans: collision.map((s) => ({ ...s, lane: 0 })) });
    case 'threads, atomic': return result({ wallMs: 210, counter: counter('atomic', 8000, 8000) });
    case 'threads, lock': return result({ wallMs: 350, counter: counter('lock', 8000, 8000) });
    case 'threads, messages': return result({ wallMs: 190, counter: counter('message', 8000, 8000) });
    case 'processes, no sync': return result({ strategy: 'processes', counter: counter('none', 8000, 0, [4000, 4000]) });
    case 'processes, messages': return result({ strategy: 'processes', counter: counter('message', 8000, 8000, [4000, 4000]) });
    default: throw new Error(label);
  }
}

describe('the race preset', () => {
  test('where the claim holds: the counts, a lost update named, the fixes and their price, processes’ own copies', () => {
    const verdict = presetVerdict(RACE, raceBatch(raceHolds), CAPS);
    assert.deepEqual(verdict.claims.map((c) => c.held), [true, true, true, true, true]);
    assert.match(verdict.text, /on 2 worker threads, 8 “tally” tasks of 40 ms computing lost up to 3,512 of 8,000 updates \(3,412 and 3,512 in 2 rounds: a different number each time\)/);
    assert.match(verdict.text, /“tally” #1 on worker 1 and “tally” #2 on worker 2 both read 41 and wrote 42/);
    assert.match(verdict.text, /On the page’s one thread, 8 “tally” tasks of 20 ms waiting that await between their read and their write lost up to 61 of 80 updates \(61 and 61 in 2 rounds: the same number each time, here\): while one task awaited, another read the same value; “tally” #1 on main and “tally” #2 on main both read 41/);
    assert.match(verdict.text, /One after another, lost none of 8,000 updates\./);
    assert.match(verdict.text, /With an atomic add, lost none of 8,000 updates \(0\.21 s\); with a lock around the read and the write, lost none of 8,000 updates \(0\.35 s\); .*against 0\.20 s with no sync: that is each fix’s price\./);
    assert.match(verdict.text, /2 processes have memory of their own: each counted in its own copy \(4,000 and 4,000\), and the page’s counter stayed 0/);
    assert.match(verdict.text, /Sent as messages, their counts added up to 8,000 of 8,000\./);
  });

  test('where no update was lost on threads, it says so and why: one worker, or no overlap', () => {
    const oneWorker = presetVerdict(RACE, raceBatch((label, round) => (label === 'threads, no sync'
      ? result({ threads: 1, counter: counter('none', 8000, 8000) }) : raceHolds(label, round))), CAPS);
    assert.equal(oneWorker.claims[0].held, false);
    assert.match(oneWorker.text, /lost none of 8,000 updates \(0 and 0 in 2 rounds: the same number each time, here\): none lost here, because it ran on one worker thread/);
    const apart = presetVerdict(RACE, raceBatch((label, round) => (label === 'threads, no sync'
      ? result({ counter: counter('none', 8000, 8000), spans: [collision[0], { ...collision[2], lane: 2, task: 1 }] }) : raceHolds(label, round))), CAPS);
    assert.match(apart.text, /because no two updates were under way at the same instant this time \(run it again\)/);
  });

  test('an await loses nothing when the tasks do not await, and a fix that lost updates is not called a fix', () => {
    const verdict = presetVerdict(RACE, raceBatch((label, round, workload) => {
      if (label === 'one thread, await inside') {
        workload.groups = [{ name: 'tally', count: 8, cpuMs: 20, ioMs: 0, steps: 1, increments: 10 }];
        return result({ strategy: 'concurrent', threads: 1, counter: counter('none', 80, 80) });
      }
      if (label === 'threads, lock') return result({ counter: counter('lock', 8000, 7990) });
      return raceHolds(label, round);
    }), CAPS);
    assert.equal(verdict.claims.find((c) => c.claim === 'an await between read and write loses them on one thread').held, false);
    assert.match(verdict.text, /none lost here, because these tasks don’t await between a read and its write/);
    assert.equal(verdict.claims.find((c) => c.claim === 'atomic, lock and messages lose none').held, false);
    assert.match(verdict.text, /A lock around the read and the write lost updates, which it never should/);
  });

  test('without threads: the “threads” runs were processes, each with its own counter; the event loop still races', () => {
    const batch = raceBatch((label, round) => {
      const r = raceHolds(label, round);
      if (label.startsWith('threads')) return result({ strategy: 'processes', requested: 'parallel', counter: counter(r.counter.sync, 8000, r.counter.sync === 'message' ? 8000 : 0, [4000, 4000]) });
      return r;
    }, { caps: NO_THREADS });
    const verdict = presetVerdict(RACE, batch, NO_THREADS);
    assert.match(verdict.text, /^Threads are off here \(this page is not cross-origin isolated\), so every “threads” run ran as processes/);
    assert.equal(verdict.claims.find((c) => c.claim === 'an await between read and write loses them on one thread').held, true);
    assert.equal(verdict.claims.find((c) => c.claim === 'threads lose updates without sync'), undefined);
  });

  test('tasks with no increments have nothing to lose, and the verdict says what to change', () => {
    const verdict = presetVerdict(RACE, raceBatch(() => result({ counter: null })), CAPS);
    assert.match(verdict.text, /add nothing to the shared counter \(no increments\), so there is nothing to lose/);
  });
});

const holdSpan = (task, group, lane, lock, start, end) => ({ task, group, step: 0, lane, kind: 'lockHeld', start, end, lock });

function deadlockBatch(make, caps = CAPS) {
  const base = DEADLOCK.workload(caps);
  return DEADLOCK.runs.map((run) => {
    const workload = { ...base, strategy: run.strategy ?? run.label, ...run };
    delete workload.label;
    return { label: run.label, workload, rounds: [{ result: make(run.label) }] };
  });
}

const CYCLE = {
  atMs: 20.4, detectedMs: 20.5,
  cycle: [{ lane: 2, task: 1, group: 1, holds: ['B'], waitsFor: 'A' }, { lane: 1, task: 0, group: 0, holds: ['A'], waitsFor: 'B' }],
};
const NAMES = ['A then B', 'B then A'];

function deadlockHolds(label) {
  const stuck = (strategy) => result({ strategy, threads: strategy === 'parallel' ? 2 : 1, status: 'deadlocked', wallMs: 21, deadlock: strategy === 'parallel' ? CYCLE
    : { ...CYCLE, cycle: CYCLE.cycle.map((m) => ({ ...m, lane: 0 })) }, lockNames: ['A', 'B'], groupNames: NAMES, tasks: 2 });
  switch (label) {
    case 'sequential': return result({ strategy: 'sequential', threads: 1, wallMs: 80, lockNames: ['A', 'B'], groupNames: NAMES, tasks: 2 });
    case 'threads, opposite order': return stuck('parallel');
    case 'threads, same order': return result({ wallMs: 61, lockNames: ['A', 'B'], groupNames: ['A then B'], tasks: 2,
      spans: [{ task: 1, group: 0, step: 0, lane: 2, kind: 'namedLockWait', start: 0.1, end: 40, lock: 0, holder: 0, holderLane: 1 }] });
    case 'one thread, await while holding': return stuck('concurrent');
    case 'processes, opposite order': return result({ strategy: 'processes', wallMs: 45, lockNames: ['A', 'B'], groupNames: NAMES, tasks: 2,
      spans: [holdSpan(0, 0, 1, 0, 1, 41), holdSpan(1, 1, 2, 0, 21, 41)] });
    default: throw new Error(label);
  }
}

describe('the deadlock preset', () => {
  test('where the claim holds: the cycle named, when it formed and was found, the same order, one thread, processes', () => {
    const verdict = presetVerdict(DEADLOCK, deadlockBatch(deadlockHolds), CAPS);
    assert.deepEqual(verdict.claims.map((c) => c.held), [true, true, true, true, true]);
    assert.match(verdict.text, /^On 2 worker threads, the two tasks deadlocked: “B then A” #2 on worker 2 held B and waited for A, held by “A then B” #1 on worker 1, which held A and waited for B; the engine found the cycle 0\.1 ms after it formed \(at 20 ms\) and stopped the run/);
    assert.match(verdict.text, /Taking them in the same order on 2 worker threads, both finished in 61 ms: the second waited 40 ms for A until the first released it\./);
    assert.match(verdict.text, /On the page’s one thread, tasks that await while holding a lock deadlocked: “B then A” #2 on main held B/);
    assert.match(verdict.text, /One after another, no task ever waits for a lock another holds: done in 80 ms\./);
    assert.match(verdict.text, /each with its own locks, they neither deadlocked nor excluded each other \(both held “A” at 21 ms: two locks of one name\)/);
  });

  test('no deadlock where the tasks never held a lock each at once: said, with why, and not as the claim', () => {
    const verdict = presetVerdict(DEADLOCK, deadlockBatch((label) => (label === 'threads, opposite order'
      ? result({ wallMs: 90, lockNames: ['A', 'B'], groupNames: NAMES, tasks: 2, spans: [holdSpan(0, 0, 1, 0, 0, 40), holdSpan(0, 0, 1, 1, 20, 40), holdSpan(1, 1, 2, 1, 45, 85)] })
      : deadlockHolds(label))), CAPS);
    assert.equal(verdict.claims[0].held, false);
    assert.match(verdict.text, /the two tasks finished in 90 ms without a deadlock, because the second task took its first lock only after the first had released both/);
  });

  test('a demo that does not expect a deadlock says its run deadlocked instead of comparing its time', () => {
    const cpu = presetById('cpu');
    const done = cpu.runs.map((run) => ({ label: run.label, workload: cpu.workload(CAPS),
      rounds: [{ result: run.label === 'parallel' ? deadlockHolds('threads, opposite order') : result({ strategy: run.label, threads: 1, wallMs: 900 }) }] }));
    const verdict = presetVerdict(cpu, done, CAPS);
    assert.deepEqual(verdict.claims, []);
    assert.match(verdict.text, /^“parallel” deadlocked: .* A run stopped early has no time to compare, so this demo can’t show its claim/);
    const compare = compareVerdict(done);
    assert.match(compare.text, /“parallel” deadlocked: a run stopped early is not ranked\./);
    assert.notEqual(compare.winner, 'parallel');
  });
});

describe('the evidence and words of races and locks', () => {
  test('colliding reads, overlapping updates, locks held together, and a cycle in words', () => {
    const r = result({ spans: collision });
    assert.deepEqual([...collidingReads(r).keys()], [41]);
    assert.equal(mostUpdatesAtOnce(r), 2);
    const held = result({ spans: [holdSpan(0, 0, 1, 0, 0, 10), holdSpan(1, 0, 2, 0, 5, 15)], lockNames: ['A'] });
    assert.deepEqual([heldAtOnce(held).lock, firstHeldTogether(held)], ['A', 5]);
    assert.equal(cycleWords(result({ deadlock: CYCLE, groupNames: NAMES })),
      '“B then A” #2 on worker 2 held B and waited for A, held by “A then B” #1 on worker 1, which held A and waited for B');
    assert.equal(roundsLossWords([{ result: { counter: counter('none', 80, 80) } }]), 'lost none of 80 updates');
  });

  test('the replay names the lock a lane waits for and its holder, and the updates whose writes were lost', () => {
    const wait = { task: 0, group: 0, step: 0, lane: 1, kind: 'namedLockWait', start: 20, end: 21, lock: 1, holder: 1, holderLane: 2 };
    const stuck = result({ spans: [wait, holdSpan(0, 0, 1, 0, 0, 21)], lockNames: ['A', 'B'], groupNames: NAMES, tasks: 2 });
    const run = indexRun(stuck);
    const words = lanesAt(run, 20.5).map((state) => laneStateWords(state, wordsContext(stuck)));
    assert.equal(words[1], 'worker 1: waiting for lock “B”, held by worker 2 (“B then A” #2), for “A then B” #1; also holding lock “A” (“A then B” #1)');
    const race = result({ spans: collision, counter: counter('none', 3, 2) });
    const at = lanesAt(indexRun(race), 10.5).map((state) => laneStateWords(state, wordsContext(race)));
    assert.equal(at[1], 'worker 1: updating the shared counter for “tally” #1: read 41, writes 42; “tally” #2 on worker 2 read 41 too: only one of these writes counts, the others are lost');
    // Awaiting tasks on one thread, all mid-update, all having read the same value.
    const loop = result({ strategy: 'concurrent', threads: 1, counter: counter('none', 2, 1), spans: collision.slice(0, 2).map((s) => ({ ...s, lane: 0 })) });
    assert.match(lanesAt(indexRun(loop), 10.5).map((state) => laneStateWords(state, wordsContext(loop)))[0],
      /^main: updating the shared counter for 2 tasks \(#1, #2\), all having read 41: only one of their writes will count$/);
  });

  test('the code that ran: each sync and the locks follow the strategy’s code, with the update, the wait and the release marked', () => {
    for (const language of ['rust', 'python', 'js']) {
      for (const sync of ['none', 'atomic', 'lock', 'message']) {
        const code = listing('parallel', language, { sync, locks: true });
        for (const mark of ['update', 'namedLockWait', 'lockHeld']) assert.ok(Number.isInteger(code.marks[mark]), `${language} ${sync}: ${mark}`);
        // The strategy's own marks are not moved by what follows.
        assert.equal(code.marks.cpu, listing('parallel', language).marks.cpu);
      }
    }
    const rust = listing('concurrent', 'rust', { sync: 'atomic' });
    assert.match(rust.lines[rust.marks.update].text, /fetch_add\(1/);
    assert.ok(rust.lines.some((l) => l.text.includes('self.take_async(lock, step).await?')), 'the event loop awaits its locks');
    assert.match(listing('parallel', 'python', { sync: 'lock' }).lines.map((l) => l.text).join('\n'), /threading\.Lock\(\)/);
    assert.deepEqual(listing('parallel', 'js'), listing('parallel', 'js', { sync: null, locks: false }));
  });
});

test('tiny pieces (a race’s increments) and short runs say nothing of a busy machine: their speed is mostly each piece’s own cost', () => {
  const slow = { nominalMs: 320, measuredMs: 1000 }; // 32 % of calibrated
  const race = { ...RACE.workload(CAPS) }; // 40 ms in 1,000 increments: pieces of 0.04 ms
  assert.equal(judgedSpeed({ result: { computing: slow }, workload: race }), null);
  const plain = { ...race, groups: [{ name: 'resize', count: 8, cpuMs: 40, ioMs: 0, steps: 1 }] };
  assert.equal(judgedSpeed({ result: { computing: slow }, workload: plain }), 0.32);
  assert.equal(judgedSpeed({ result: { computing: { nominalMs: 40, measuredMs: 100 } }, workload: plain }), null, 'too little computing to tell');
  const runs = { sequential: [{ result: { strategy: 'sequential', threads: 1, computing: slow }, workload: race }] };
  assert.equal(busyNote(runs, CAPS), '');
  runs.sequential[0].workload = plain;
  assert.match(busyNote(runs, CAPS), /This machine was busy: some runs computed at only 32 %/);
});
