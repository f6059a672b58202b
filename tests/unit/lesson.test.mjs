// The lesson's steps (www/shared/lesson.js): each question worded for any machine, and each
// answer computed from recorded runs: a quiet machine, a busy one, one core, no threads. The
// correct choice is what the measurement shows, and where that is not the textbook's answer the
// words say why, from what was measured.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadFixtures } from './verdict-fixtures.mjs';
import {
  Progress, STEPS, UNKNOWN, answerStep, answerWords, stepBatch, stepQuestion, stepRuns, stepWarning,
} from '../../www/shared/lesson.js';
import { STEP_IDS, readLessonParam } from '../../www/shared/lesson-steps.js';
import { presetById } from '../../www/shared/presets.js';

const fixtures = loadFixtures();
const MACHINES = {
  'one core': { hardwareConcurrency: 1, cores: 1, maxThreads: 2, threads: true },
  'two cores': { hardwareConcurrency: 2, cores: 2, maxThreads: 2, threads: true },
  'WebKit (reports 4, has 2)': { hardwareConcurrency: 4, cores: 2, maxThreads: 4, threads: false },
  'sixteen cores': { hardwareConcurrency: 16, cores: 16, maxThreads: 16, threads: true },
  'cores not yet measured': { hardwareConcurrency: 8, cores: null, maxThreads: 8 },
};
const clean = (text) => assert.doesNotMatch(text, /undefined|NaN|null|\[object/, text);

/** The fixture's runs of a step (its labels, from the preset's batch), or null if it has none of them. */
function recorded(step, { caps, presets }) {
  const labels = stepRuns(step, caps).map((r) => r.label);
  const done = (presets[step.preset] ?? []).filter((d) => labels.includes(d.label));
  return done.length === labels.length ? done : null;
}

test('the lesson has a step for each of the explainer’s claims, in its order, each its own data', () => {
  assert.ok(STEPS.length >= 9, `${STEPS.length} steps`);
  const topics = [...new Set(STEPS.map((s) => s.topic))];
  assert.deepEqual(topics.slice(0, 8), ['Concurrency', 'Parallelism', 'I/O-bound vs CPU-bound', 'The GIL', 'Multiprocessing',
    'Efficiency', 'Performance', 'Responsiveness']);
  assert.equal(new Set(STEPS.map((s) => s.id)).size, STEPS.length, 'ids are unique');
  for (const step of STEPS) {
    assert.ok(presetById(step.preset), `${step.id}: preset ${step.preset}`);
    assert.ok(step.text.length >= 2 && step.text.length <= 3, `${step.id}: two or three sentences`);
  }
});

test('a step that freezes the page on purpose says so before it runs; no other step does', () => {
  for (const step of STEPS) {
    const onPageWithoutYield = stepRuns(step, MACHINES['two cores']).some(({ workload }) => ['sequential', 'concurrent'].includes(workload.strategy)
      && !(workload.yieldMs > 0) && workload.groups.some((g) => g.cpuMs > 50));
    assert.equal(Boolean(stepWarning(step)), onPageWithoutYield, step.id);
  }
  assert.match(stepWarning(STEPS.find((s) => s.id === 'responsive')), /freezes this page on purpose/);
});

test('every question and its choices are worded for the machine it is asked on', () => {
  for (const [machine, caps] of Object.entries(MACHINES)) {
    for (const step of STEPS) {
      const { text, choices } = stepQuestion(step, caps);
      clean(text);
      assert.ok(choices.length >= 2, `${step.id} on ${machine}`);
      assert.equal(choices.at(-1), UNKNOWN);
      assert.equal(new Set(choices.map((c) => c.id)).size, choices.length);
      assert.equal(new Set(choices.map((c) => c.text)).size, choices.length, `${step.id} on ${machine}: choices differ`);
      choices.forEach((c) => clean(c.text));
      const { runs, options } = stepBatch(step, caps, null);
      assert.ok(runs.length >= 1 && options.rounds >= 1, step.id);
    }
  }
  // The parallel step asks about this machine's workers.
  assert.match(stepQuestion(STEPS.find((s) => s.id === 'parallel'), MACHINES['sixteen cores']).text, /On 16 workers/);
});

test('on a quiet machine with threads, every recorded step shows what the explainer says', () => {
  const fixture = fixtures['chromium-isolated'];
  let answered = 0;
  for (const step of STEPS) {
    const done = recorded(step, fixture);
    if (!done) continue;
    answered++;
    const answer = answerStep(step, done, fixture.caps);
    assert.equal(answer.correct, answer.textbook, `${step.id}: ${answer.measured}`);
    assert.equal(answer.held, true);
    const words = answerWords(step, answer, answer.textbook);
    clean(words);
    assert.match(words, /^You predicted “.+”\. Measured on this machine: .+\. Right: “.+”\./, words);
    assert.doesNotMatch(words, /explainer expects/);
  }
  assert.ok(answered >= 9, `${answered} steps answered from the recording`);
});

test('on one core the parallel steps answer with this machine’s measurement, and say it is the core', () => {
  const fixture = fixtures['chromium-one-core'];
  const parallel = STEPS.find((s) => s.id === 'parallel');
  const answer = answerStep(parallel, recorded(parallel, fixture), fixture.caps);
  assert.equal(answer.correct, 'none');
  assert.equal(answer.held, false);
  const words = answerWords(parallel, answer, 'workers');
  assert.match(words, /That is “No faster”\. The explainer expects “About 2x: one per worker”: this machine answered otherwise\./);
  assert.match(words, /one core|1 core/);
  // The steps about one thread still hold.
  for (const id of ['overlap', 'turns', 'cpu-bound', 'server']) {
    const step = STEPS.find((s) => s.id === id);
    assert.equal(answerStep(step, recorded(step, fixture), fixture.caps).held, true, id);
  }
});

test('where threads are off, a "thread" step says its workers were processes, and hybrid that it ran on the page', () => {
  const fixture = fixtures['chromium-no-threads'];
  const gil = STEPS.find((s) => s.id === 'gil');
  const answer = answerStep(gil, recorded(gil, fixture), fixture.caps);
  assert.equal(answer.held, false);
  assert.match(answer.why, /Threads are off here, so the workers were processes/);
  assert.match(answer.measured, /it asked for parallel, and ran as processes/);
  const mixed = STEPS.find((s) => s.id === 'performance');
  const performance = answerStep(mixed, recorded(mixed, fixture), fixture.caps);
  assert.notEqual(performance.correct, 'hybrid');
  assert.match(performance.why, /threads are off here/);
});

test('on a busy machine a step that did not show its claim says the machine was busy', () => {
  const fixture = fixtures['chromium-busy'];
  const missed = STEPS.map((step) => [step, recorded(step, fixture)]).filter(([, done]) => done)
    .map(([step, done]) => answerStep(step, done, fixture.caps)).filter((a) => !a.held);
  for (const answer of missed) assert.match(answer.why, /busy|other work|took turns/, answer.why);
});

/** A run's result as the engine gives it, just what the steps read: `cpu` spans on `threads` worker lanes. */
function result({ strategy, threads, wallMs, spans }) {
  const lanes = [{ id: 0, name: 'main', role: 'main', busyMs: 0 }];
  for (let i = 1; i <= threads; i++) lanes.push({ id: i, name: `worker ${i}`, role: 'worker', busyMs: 0 });
  return { strategy, requestedStrategy: strategy, threads, wallMs, spans, lanes, computing: null, status: 'completed' };
}

test('efficiency: one task more than workers leaves them idle at the end, and the answer says how much', () => {
  const step = STEPS.find((s) => s.id === 'efficiency');
  const caps = MACHINES['two cores'];
  const [seq, par] = stepRuns(step, caps);
  assert.equal(seq.workload.groups[0].count, 3, 'three tasks for two workers');
  const span = (lane, start) => ({ task: 0, group: 0, step: 0, lane, kind: 'cpu', start, end: start + 150 });
  const done = [
    { label: seq.label, workload: seq.workload, rounds: [{ result: result({ strategy: 'sequential', threads: 1, wallMs: 450, spans: [span(0, 0), span(0, 150), span(0, 300)] }) }] },
    { label: par.label, workload: par.workload, rounds: [{ result: result({ strategy: 'parallel', threads: 2, wallMs: 302, spans: [span(1, 0), span(2, 0), span(1, 150)] }) }] },
  ];
  const answer = answerStep(step, done, caps);
  assert.equal(answer.correct, 'uneven');
  assert.equal(answer.held, true);
  assert.match(answer.measured, /1\.49x as fast on 2 worker threads: 75 % efficiency/);
  assert.match(answer.why, /3 tasks on 2 workers: the last ran while the others had nothing left, so the workers computed 75 % of the run/);
  assert.match(answerWords(step, answer, 'full'), /^You predicted “About 100 %”\. .* That is “About 75 %”\./);
  assert.match(answerWords(step, answer, UNKNOWN.id), /^You did not guess\./);
});

test('progress is kept across visits, and a storage that fails or holds garbage only forgets', () => {
  const store = new Map();
  const storage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v) };
  const first = new Progress(storage);
  assert.equal(first.doneCount, 0);
  first.record('overlap', { predicted: 'one', correct: 'one', held: true });
  const again = new Progress(storage);
  assert.deepEqual(again.of('overlap'), { predicted: 'one', correct: 'one', held: true });
  assert.equal(again.doneCount, 1);
  store.set(Progress.KEY, '{"overlap": 5, "nope": {"predicted": "x"}, "turns": {"predicted": "one"}}');
  assert.equal(new Progress(storage).doneCount, 1, 'only a known step with a record counts');
  store.set(Progress.KEY, 'not json');
  assert.equal(new Progress(storage).doneCount, 0);
  const broken = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('full'); } };
  const memory = new Progress(broken);
  memory.record('turns', { predicted: 'one', correct: 'one', held: true });
  assert.equal(memory.doneCount, 1, 'kept in memory');
  assert.equal(new Progress(null).doneCount, 0);
});

test('a link’s lesson=k names the lesson’s steps in their order (lesson-steps.js, read before the lesson loads)', () => {
  assert.deepEqual(STEPS.map((s) => s.id), STEP_IDS);
});

test('lesson=k names a step from 1; anything else says the range and shows the first', () => {
  assert.deepEqual(readLessonParam(null), { index: null, problem: null });
  assert.deepEqual(readLessonParam('1'), { index: 0, problem: null });
  assert.deepEqual(readLessonParam(String(STEPS.length)), { index: STEPS.length - 1, problem: null });
  for (const bad of ['0', String(STEPS.length + 1), '1.5', 'two', '', '-1', 'x'.repeat(100)]) {
    const { index, problem } = readLessonParam(bad);
    assert.equal(index, 0, bad);
    assert.match(problem, new RegExp(`is not a step: the lesson has steps 1 to ${STEPS.length}; showing step 1\\.$`));
    assert.ok(problem.length < 140, 'a long value is cut');
  }
});
