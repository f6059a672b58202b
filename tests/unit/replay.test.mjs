// Replaying a finished run (www/shared/replay-model.js) and saying it in words (www/shared/replay-words.js):
// events in order, the state of each lane and of the tasks at an instant, the queue over time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  QUEUE_MIN_MS, indexRun, lanesAt, mergeEvents, nextEvent, previousEvent, queueSteps, stepCursor, taskTimesOf, tasksAt,
} from '../../www/shared/replay-model.js';
import { laneStateWords, taskCountWords } from '../../www/shared/replay-words.js';

const span = (task, lane, kind, start, end, { group = 0, step = 0 } = {}) => ({ task, group, step, lane, kind, start, end });
const lanes = (workers, name = 'worker') => [{ id: 0, name: 'main' }, ...Array.from({ length: workers }, (_, i) => ({ id: i + 1, name: `${name} ${i + 1}` }))];
const run = (spans, extra = {}) => ({ status: 'completed', tasks: 1 + Math.max(...spans.map((s) => s.task)), wallMs: Math.max(...spans.map((s) => s.end)), lanes: lanes(0), spans, groupNames: ['download'], ...extra });

// Three tasks one after another on the event loop: 10 ms computing, then 20 ms waiting.
const SEQUENTIAL = run([0, 1, 2].flatMap((t) => [span(t, 0, 'cpu', t * 30, t * 30 + 10), span(t, 0, 'io', t * 30 + 10, t * 30 + 30)]));
// The same, concurrently: each computes in turn, then all three wait at once.
const CONCURRENT = run([0, 1, 2].flatMap((t) => [span(t, 0, 'cpu', t * 10, t * 10 + 10), span(t, 0, 'io', t * 10 + 10, t * 10 + 60)]));
// Two workers under a global lock, and a worker with nothing to do.
const LOCKED = run([
  span(0, 1, 'cpu', 0, 5), span(1, 2, 'lockWait', 0, 5), span(1, 2, 'cpu', 5, 10), span(0, 1, 'lockWait', 5, 10),
  span(0, 1, 'cpu', 10, 15), span(1, 2, 'io', 10, 30),
], { lanes: lanes(3) });
// A process starting, then copying its task's input in, then computing.
const PROCESS = run([span(0, 1, 'startup', 0, 20), span(0, 1, 'transfer', 20, 24), span(0, 1, 'cpu', 24, 40)], { lanes: lanes(1, 'process') });

test('events: every span start and end, in order, once each, from 0 to the end of the run', () => {
  const { events, endMs } = indexRun(SEQUENTIAL);
  assert.deepEqual(events, [0, 10, 30, 40, 60, 70, 90]);
  assert.equal(endMs, 90);
  assert.equal(nextEvent(events, 0), 10);
  assert.equal(nextEvent(events, 10), 30, 'from an event, the next one');
  assert.equal(nextEvent(events, 12.5), 30);
  assert.equal(nextEvent(events, 90), null);
  assert.equal(previousEvent(events, 30), 10);
  assert.equal(previousEvent(events, 12.5), 10);
  assert.equal(previousEvent(events, 0), null);
  // Compare: one list over several runs.
  assert.deepEqual(mergeEvents([indexRun(SEQUENTIAL).events, indexRun(CONCURRENT).events]), [0, 10, 20, 30, 40, 60, 70, 80, 90]);
});

test('a span that ends as the next begins (10 us later) is one event, at the start of the next: no idle instant', () => {
  const replay = indexRun(run([span(0, 1, 'cpu', 0, 5), span(0, 1, 'cpu', 5.01, 10), span(1, 1, 'cpu', 10.2, 12)], { lanes: lanes(1) }));
  assert.deepEqual(replay.events, [0, 5.01, 10, 10.2, 12]);
  for (const t of replay.events.slice(0, -1)) assert.equal(lanesAt(replay, t)[1].state, t === 10 ? 'idle' : 'cpu', `at ${t}`);
});

test('keys move the cursor: arrows to the previous or next event, Home and End, Page Up and Down by a tenth', () => {
  const replay = indexRun(SEQUENTIAL);
  const keys = (key, t) => stepCursor(key, t, replay);
  assert.equal(keys('ArrowRight', 0), 10);
  assert.equal(keys('ArrowLeft', 35), 30);
  assert.equal(keys('ArrowRight', 90), 90, 'stays at the end');
  assert.equal(keys('ArrowLeft', 0), 0, 'stays at the start');
  assert.equal(keys('Home', 50), 0);
  assert.equal(keys('End', 5), 90);
  assert.equal(keys('PageUp', 50), 59);
  assert.equal(keys('PageDown', 5), 0);
  assert.equal(keys('a', 5), null);
  // Stepping through every event reaches the end in as many steps as there are events.
  let t = 0;
  const seen = [];
  while (t < replay.endMs) seen.push((t = keys('ArrowRight', t)));
  assert.deepEqual(seen, replay.events.slice(1));
});

test('lanes at an instant: computing, waiting, idle; a span counts from its start, not at its end', () => {
  const replay = indexRun(SEQUENTIAL);
  const at = (t) => lanesAt(replay, t).map((l) => [l.lane.name, l.state, l.span?.task ?? null]);
  assert.deepEqual(at(0), [['main', 'cpu', 0]]);
  assert.deepEqual(at(10), [['main', 'io', 0]]);
  assert.deepEqual(at(30), [['main', 'cpu', 1]]);
  assert.deepEqual(at(89.9), [['main', 'io', 2]]);
  assert.deepEqual(at(90), [['main', 'idle', null]]);
});

test('an event loop computing one task while others wait: computing comes first, the waits follow', () => {
  const replay = indexRun(CONCURRENT);
  const [main] = lanesAt(replay, 25);
  assert.equal(main.state, 'cpu');
  assert.equal(main.span.task, 2);
  assert.deepEqual(main.spans.map((s) => [s.kind, s.task]), [['cpu', 2], ['io', 0], ['io', 1]]);
  assert.equal(laneStateWords(main, SEQUENTIAL.groupNames),
    'main: computing “download” #3, step 1; also waiting (I/O) for 2 tasks (#1, #2)');
  assert.equal(laneStateWords(lanesAt(replay, 45)[0], ['download']), 'main: waiting (I/O) for 3 tasks (#1, #2, #3)');
  assert.deepEqual(tasksAt(replay, 25), { running: 1, waiting: 2, lockWait: 0, between: 0, queued: 0, notArrived: 0, done: 0, total: 3 });
  assert.deepEqual(tasksAt(replay, 65), { running: 0, waiting: 2, lockWait: 0, between: 0, queued: 0, notArrived: 0, done: 1, total: 3 });
});

test('workers under a global lock: who computes, who waits for the lock, who is idle', () => {
  const replay = indexRun(LOCKED);
  const words = (t) => lanesAt(replay, t).map((l) => laneStateWords(l, ['resize']));
  assert.deepEqual(words(2), ['main: idle', 'worker 1: computing “resize” #1, step 1',
    'worker 2: waiting for the global lock (“resize” #2, step 1)', 'worker 3: idle']);
  assert.deepEqual(words(7), ['main: idle', 'worker 1: waiting for the global lock (“resize” #1, step 1)',
    'worker 2: computing “resize” #2, step 1', 'worker 3: idle']);
  assert.deepEqual(words(20)[2], 'worker 2: waiting (I/O) for “resize” #2, step 1');
  assert.deepEqual(tasksAt(replay, 2), { running: 1, waiting: 0, lockWait: 1, between: 0, queued: 0, notArrived: 0, done: 0, total: 2 });
  assert.equal(taskCountWords(tasksAt(replay, 20)),
    'Tasks: 0 running, 1 waiting (I/O), 0 waiting for the lock, 0 queued (not started), 1 done of 2');
  assert.equal(taskCountWords(tasksAt(replay, 2)),
    'Tasks: 1 running, 0 waiting (I/O), 1 waiting for the lock, 0 queued (not started), 0 done of 2');
});

test('a process: starting, copying its input in, computing', () => {
  const replay = indexRun(PROCESS);
  const words = (t) => laneStateWords(lanesAt(replay, t)[1], ['resize']);
  assert.equal(words(10), 'process 1: starting a process for “resize” #1');
  assert.equal(words(22), 'process 1: copying input in for “resize” #1');
  assert.equal(words(30), 'process 1: computing “resize” #1, step 1');
  assert.equal(tasksAt(replay, 10).running, 1, 'a task whose process starts is taken');
});

test('task times: the engine’s when given, else from the spans (a cancelled task that was cut is unfinished)', () => {
  const given = [{ task: 0, group: 0, arrival: 0, start: 0, end: 10 }];
  assert.equal(taskTimesOf({ ...SEQUENTIAL, taskTimes: given }), given);
  assert.deepEqual(taskTimesOf(SEQUENTIAL), [
    { task: 0, group: 0, arrival: 0, start: 0, end: 30 },
    { task: 1, group: 0, arrival: 0, start: 30, end: 60 },
    { task: 2, group: 0, arrival: 0, start: 60, end: 90 },
  ]);
  // Cancelled at 45 ms, in task 2's wait; task 3 never started.
  const cancelled = { ...run(SEQUENTIAL.spans.slice(0, 3).concat([span(1, 0, 'io', 40, 45)])), status: 'cancelled', tasks: 3 };
  assert.deepEqual(taskTimesOf(cancelled).map((t) => [t.start, t.end]), [[0, 30], [30, null], [null, null]]);
  // With the steps per group: a task that did only its first of two steps is unfinished.
  const firstStep = { ...run([span(0, 0, 'cpu', 0, 10), span(0, 0, 'io', 10, 20), span(1, 0, 'cpu', 20, 25)]), status: 'cancelled' };
  assert.equal(taskTimesOf(firstStep, { steps: [2] })[0].end, null);
  assert.equal(taskTimesOf(firstStep, { steps: [1] })[0].end, 20);
});

test('queued tasks: arrived and not started, counted at each instant and drawn as steps', () => {
  // A sequential server: a request every 10 ms, each served in 25 ms.
  const taskTimes = [0, 1, 2, 3].map((k) => ({ task: k, group: 0, arrival: k * 10, start: k * 25, end: k * 25 + 25 }));
  const spans = taskTimes.map((t) => span(t.task, 0, 'cpu', t.start, t.end));
  const replay = indexRun({ ...run(spans), taskTimes });
  assert.deepEqual(replay.events, [0, 10, 20, 25, 30, 50, 75, 100], 'arrivals are events too');
  assert.deepEqual(tasksAt(replay, 5), { running: 1, waiting: 0, lockWait: 0, between: 0, queued: 0, notArrived: 3, done: 0, total: 4 });
  assert.deepEqual(tasksAt(replay, 35), { running: 1, waiting: 0, lockWait: 0, between: 0, queued: 2, notArrived: 0, done: 1, total: 4 });
  assert.equal(taskCountWords(tasksAt(replay, 5)),
    'Tasks: 1 running, 0 waiting (I/O), 0 waiting for the lock, 0 queued (not started), 3 not arrived yet, 0 done of 4');
  assert.deepEqual(queueSteps(taskTimes), { points: [[10, 1], [20, 2], [25, 1], [30, 2], [50, 1], [75, 0]], max: 2 });
  // Tasks that started as they arrived never queued: nothing to draw.
  assert.equal(queueSteps([{ arrival: 0, start: 0.2 }, { arrival: 10, start: 10 + QUEUE_MIN_MS / 2 }]), null);
  // A batch that all arrived at 0, served one at a time: a queue that drains.
  assert.deepEqual(queueSteps(taskTimesOf(SEQUENTIAL)), { points: [[0, 2], [30, 1], [60, 0]], max: 2 });
  // A task that never started waits until the end of the run.
  assert.deepEqual(queueSteps([{ arrival: 0, start: null }], 40), { points: [[0, 1], [40, 0]], max: 1 });
});

test('ready to go on: a task started and not done, with no span at the instant, waits for a thread', () => {
  // Two tasks on one event loop: task 2's wait ends at 15 while task 1 computes until 20.
  const spans = [span(0, 0, 'cpu', 0, 5), span(1, 0, 'cpu', 5, 10), span(1, 0, 'io', 10, 15), span(0, 0, 'cpu', 12, 20), span(1, 0, 'cpu', 20, 25)];
  const counts = tasksAt(indexRun(run(spans)), 17);
  assert.equal(counts.running, 1);
  assert.equal(counts.between, 1);
  assert.match(taskCountWords(counts), /1 ready to go on \(waiting for a thread\)/);
});

test('at the end every finished task is done, even one whose end a worker clocked after the wall time and its last span', () => {
  // Seen in CI: four tasks on two workers, the last task's end 0.03 ms past the wall time: at End
  // the replay said "1 ready to go on (waiting for a thread), 3 done of 4".
  const spans = [0, 1, 2, 3].flatMap((t) => [span(t, 1 + (t % 2), 'cpu', 60 * (t >> 1), 60 * (t >> 1) + 40), span(t, 1 + (t % 2), 'io', 60 * (t >> 1) + 40, 60 * (t >> 1) + 60)]);
  const taskTimes = [0, 1, 2, 3].map((t) => ({ task: t, group: 0, arrival: 0, start: 60 * (t >> 1), end: 60 * (t >> 1) + 60 + (t === 3 ? 0.03 : 0) }));
  const replay = indexRun(run(spans, { lanes: lanes(2), taskTimes, wallMs: 120 }));
  assert.ok(replay.endMs >= 120.03, `end ${replay.endMs}`);
  assert.equal(replay.events.at(-1), replay.endMs);
  const counts = tasksAt(replay, replay.endMs);
  assert.deepEqual([counts.done, counts.between, counts.total], [4, 0, 4]);
});
