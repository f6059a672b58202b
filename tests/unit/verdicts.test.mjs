// The presets' verdicts on recorded batches (tests/unit/fixtures/: every preset run by the page
// in Chromium, isolated on a quiet-ish machine, with three busy workers beside it, pinned to one
// core, and without threads), and the evidence they are made of on results built to fail.
// A verdict may state its claim only where the measurements clear the noise, and otherwise
// says why, from what was measured.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  MARGIN, busyNote, byLabel, noiseNote, outcome, slowdowns, speedupOver, spreadWords, tasksWords, whyNotFaster,
} from '../../www/shared/evidence.js';
import { PRESETS, coreThreads, presetById } from '../../www/shared/presets.js';
import { compareVerdict, presetVerdict } from '../../www/shared/verdicts.js';
import { loadFixtures } from './verdict-fixtures.mjs';

const fixtures = loadFixtures();

/** What a claim's `held` must be for a speedup outcome. */
const heldFor = (o) => (o === 'faster' ? true : o === 'unclear' ? null : false);

test('every preset has a recorded batch, so each preset’s verdict (verdicts.js, by its id) is read below', () => {
  for (const preset of PRESETS) assert.ok(Object.values(fixtures).some(({ presets }) => presets[preset.id]), preset.id);
});

describe('every preset on every recorded machine', () => {
  for (const [name, { caps, presets }] of Object.entries(fixtures)) {
    for (const preset of PRESETS) {
      const done = presets[preset.id];
      if (!done) continue;
      test(`${preset.id} (${name}): a sentence of measured numbers, a claim only where it held, a reason where it did not`, () => {
        const verdict = presetVerdict(preset, done, caps);
        assert.equal(typeof verdict.text, 'string');
        assert.doesNotMatch(verdict.text, /undefined|NaN|null|\[object/, verdict.text);
        for (const { claim, held } of verdict.claims) {
          assert.ok([true, false, null].includes(held), `${claim}: ${held}`);
        }
        if (verdict.claims.some((c) => c.held === false)) assert.match(verdict.text, /because|not what this demo expects|no real freeze|don’t wait/);
        // Every round of every run is in what the verdict read.
        const runs = byLabel(done);
        assert.deepEqual(Object.keys(runs).sort(), preset.runs.map((r) => r.label).sort());
        for (const rounds of Object.values(runs)) assert.equal(rounds.length, preset.rounds ?? 1);
      });
    }
  }
});

describe('claims follow the measured speedups', () => {
  for (const [name, { caps, presets }] of Object.entries(fixtures)) {
    test(`cpu (${name}): workers faster and async no faster exactly when the rounds say so`, () => {
      const runs = byLabel(presets.cpu);
      const verdict = presetVerdict(presetById('cpu'), presets.cpu, caps);
      const workers = outcome(speedupOver(runs.sequential, runs.parallel));
      assert.equal(verdict.claims[0].held, heldFor(workers));
      const turns = outcome(speedupOver(runs.sequential, runs.concurrent));
      assert.equal(verdict.claims[1].held, turns === 'same' ? true : turns === 'unclear' ? null : false);
      // The claim's words only where it held.
      if (verdict.claims[0].held !== true) assert.match(verdict.text, /no faster here|not clearly faster here|slower here/);
      // The tasks are said from the workload that ran.
      assert.match(verdict.text, new RegExp(tasksWords(runs.sequential[0].workload)));
      assert.match(verdict.text, new RegExp(spreadWords(speedupOver(runs.sequential, runs.parallel)).replace(/[.]/g, '\\.')));
    });
    test(`gil (${name}): “escapes the GIL” only where processes were faster`, () => {
      const runs = byLabel(presets.gil);
      const verdict = presetVerdict(presetById('gil'), presets.gil, caps);
      const escape = verdict.claims.find((c) => c.claim === 'processes escape the lock');
      assert.equal(escape.held, heldFor(outcome(speedupOver(runs.sequential, runs['processes, global lock']))));
      assert.equal(verdict.text.includes('escapes the GIL'), escape.held === true);
    });
  }
});

test('one core (measured: pinned to one CPU): no claim of a speedup, and the core named as why', () => {
  const { caps, presets } = fixtures['chromium-one-core'];
  assert.equal(caps.cores, 1);
  const cpu = presetVerdict(presetById('cpu'), presets.cpu, caps);
  assert.equal(cpu.claims[0].held, false);
  assert.match(cpu.text, /because this browser reports one core/);
  const gil = presetVerdict(presetById('gil'), presets.gil, caps);
  assert.equal(gil.claims.find((c) => c.claim === 'processes escape the lock').held, false);
  assert.doesNotMatch(gil.text, /escapes the GIL/);
  const server = presetVerdict(presetById('server'), presets.server, caps);
  assert.equal(server.claims.find((c) => c.claim === 'workers keep up').held, false);
  assert.match(server.text, /not what this demo expects, because this browser reports one core/);
});

test('no threads: the presets whose claim needs threads say they can’t show it; processes stand in for the rest', () => {
  const { caps, presets } = fixtures['chromium-no-threads'];
  assert.equal(caps.threads, false);
  for (const id of ['mixed', 'overhead']) {
    const verdict = presetVerdict(presetById(id), presets[id], caps);
    assert.deepEqual(verdict.claims, []);
    assert.match(verdict.text, /^Threads are off here \(this page is not cross-origin isolated\), so hybrid ran as concurrent on the page’s thread and this demo can’t show its claim\./);
  }
  const cpu = presetVerdict(presetById('cpu'), presets.cpu, caps);
  assert.match(cpu.text, /^Threads are off here .*, so these workers are processes\. On 2 processes, /);
  const gil = presetVerdict(presetById('gil'), presets.gil, caps);
  assert.equal(gil.claims.find((c) => c.claim === 'the lock holds threads back').held, null);
});

test('a busy machine is said, with the speed its threads computed at', () => {
  const { caps, presets } = fixtures['chromium-busy'];
  const said = PRESETS.filter((p) => presets[p.id]).map((p) => presetVerdict(p, presets[p.id], caps).text).filter((t) => /the machine was busy|This machine was busy/.test(t));
  assert.ok(said.length >= 3, said.join('\n'));
  for (const text of said) assert.match(text, /computed at only \d+ % of the kernel’s calibrated speed/);
});

test('an edited preset’s verdict quotes the workload that ran, not the preset’s', () => {
  const { caps, presets } = fixtures['chromium-isolated'];
  const done = structuredClone(presets.cpu);
  for (const run of done) run.workload = { ...run.workload, groups: [{ name: 'thumbnail', count: 12, cpuMs: 80, ioMs: 0, steps: 1 }] };
  const verdict = presetVerdict(presetById('cpu'), done, caps);
  assert.match(verdict.text, /12 “thumbnail” tasks of 80 ms computing ran/);
  assert.doesNotMatch(verdict.text, /8 “resize”/);
  // A CPU demo edited into waiting says it is no longer CPU-bound work.
  for (const run of done) run.workload = { ...run.workload, groups: [{ name: 'fetch', count: 8, cpuMs: 10, ioMs: 200, steps: 1 }] };
  assert.match(presetVerdict(presetById('cpu'), done, caps).text, /These tasks mostly wait: no longer the CPU-bound work this demo is about/);
});

// --- evidence on results built to fail -------------------------------------------------------

/** A round of a run: its result, made of the fields the evidence reads. */
function round(wallMs, { strategy = 'parallel', threads = 2, computing = null, spans = [], requestedStrategy = strategy, workload } = {}) {
  return {
    result: { strategy, requestedStrategy, threads, wallMs, status: 'completed', spans, computing },
    workload: workload ?? { strategy, threads, globalLock: false, groups: [{ name: 'resize', count: 8, cpuMs: 150, ioMs: 0, steps: 1 }] },
    smoothness: null,
  };
}
const rounds = (walls, options) => walls.map((w) => round(w, options));
const speed = (fraction) => ({ nominalMs: 1000 * fraction, measuredMs: 1000 });

test('faster only when every round agrees and the median clears the margin; one round needs more', () => {
  const seq = rounds([1200, 1200, 1200], { strategy: 'sequential', threads: 1 });
  assert.equal(outcome(speedupOver(seq, rounds([600, 620, 640]))), 'faster');
  assert.equal(outcome(speedupOver(seq, rounds([600, 620, 1150]))), 'unclear', 'one round in three was no faster');
  assert.equal(outcome(speedupOver(seq, rounds([1180, 1210, 1250]))), 'same');
  assert.equal(outcome(speedupOver(seq, rounds([1700, 1800, 1750]))), 'slower');
  assert.equal(outcome(speedupOver(seq.slice(0, 1), rounds([1000]))), 'unclear', `1.2x in one round: under ${MARGIN.SINGLE}x`);
  assert.equal(outcome(speedupOver(seq.slice(0, 1), rounds([800]))), 'faster');
  // A tie, as Compare saw one (0.20 s vs 0.21 s): no winner.
  const tie = [{ label: 'parallel', rounds: rounds([200, 205, 198]) }, { label: 'hybrid', rounds: rounds([210, 199, 207], { strategy: 'hybrid' }) }];
  assert.equal(compareVerdict(tie).winner, null);
  assert.match(compareVerdict(tie).text, /^No clear winner: parallel 0\.20 s, hybrid 0\.21 s are within the noise/);
  const clear = [{ label: 'sequential', rounds: seq }, { label: 'parallel', rounds: rounds([600, 610, 620]) }];
  assert.deepEqual(compareVerdict(clear), { text: 'Fastest: parallel, 0.61 s, 1.97x the speed of sequential; next, sequential at 1.20 s.', winner: 'parallel' });
});

test('why workers were not faster: each measured cause in words', () => {
  const caps = { cores: 2, hardwareConcurrency: 4, noPoolReason: 'this page is not cross-origin isolated' };
  assert.deepEqual(whyNotFaster(rounds([1200], { threads: 1 }), caps), ['it ran on the page’s one thread']);
  assert.match(whyNotFaster(rounds([1200], { strategy: 'sequential', requestedStrategy: 'hybrid' }), caps)[0],
    /^threads are off here \(this page is not cross-origin isolated\), so it ran as sequential on the page’s thread$/);
  assert.deepEqual(whyNotFaster(rounds([1200], { threads: 2, computing: speed(0.45) }), { ...caps, cores: 1, coresMeasured: 1.02, hardwareConcurrency: 2 }),
    ['its 2 worker threads got only about one core’s worth of computing between them (each computed at 45 % of the kernel’s calibrated speed): the machine has fewer cores than the browser reports (2), or other work was using them']);
  assert.deepEqual(whyNotFaster(rounds([1200], { threads: 2 }), { ...caps, cores: 1, coresMeasured: null, hardwareConcurrency: 1 }), ['this browser reports one core']);
  const started = rounds([1000], { strategy: 'processes', spans: [{ lane: 1, kind: 'startup', start: 0, end: 400 }] });
  assert.deepEqual(whyNotFaster(started, caps), ['starting the processes took up to 40 % of the run']);
  assert.deepEqual(whyNotFaster(rounds([1000], { threads: 4, computing: speed(0.5) }), { ...caps, hardwareConcurrency: 2 }),
    ['its 4 worker threads took turns on 2 cores (each computed at 50 % of the kernel’s calibrated speed)']);
  assert.deepEqual(whyNotFaster(rounds([1000], { computing: speed(0.4) }), caps),
    ['its 2 worker threads computed at only 40 % of the kernel’s calibrated speed: other work was using the cores (the machine was busy)']);
  const locked = rounds([1000], { workload: { globalLock: true, groups: [{ name: 'a', count: 8, cpuMs: 100, ioMs: 0 }] } });
  assert.deepEqual(whyNotFaster(locked, caps), ['under the global lock only one thread computes at a time']);
  const tiny = rounds([10], { strategy: 'hybrid', workload: { groups: [{ name: 'tiny', count: 300, cpuMs: 0.02, ioMs: 0 }] } });
  assert.deepEqual(whyNotFaster(tiny, caps), ['each piece computes only 0.02 ms, less than handing it to a worker costs']);
  const waits = rounds([200], { workload: { groups: [{ name: 'w', count: 8, cpuMs: 0, ioMs: 200 }] } });
  assert.deepEqual(whyNotFaster(waits, caps), ['these tasks mostly wait, and waits overlap on one thread too']);
  const one = rounds([150], { workload: { groups: [{ name: 'a', count: 1, cpuMs: 150, ioMs: 0 }] } });
  assert.deepEqual(whyNotFaster(one, caps), ['there is only 1 task for 2 workers']);
  assert.deepEqual(whyNotFaster(rounds([600], { computing: speed(0.97) }), caps), [], 'nothing measured explains it');
});

test('slowdowns tell more workers than cores from a busy machine; busy and noisy notes say what they measured', () => {
  const caps = { cores: 2 };
  assert.deepEqual(slowdowns(rounds([1], { computing: speed(0.95) }), caps), []);
  assert.match(slowdowns(rounds([1], { threads: 3, computing: speed(0.6) }), caps)[0], /took turns on 2 cores/);
  assert.match(slowdowns(rounds([1], { strategy: 'sequential', threads: 1, computing: speed(0.6) }), caps)[0],
    /^the page’s thread computed at only 60 %/);
  const runs = { sequential: rounds([1400, 2370, 1500], { strategy: 'sequential', threads: 1, computing: speed(0.55) }),
    parallel: rounds([700, 720, 710], { threads: 4, computing: speed(0.5) }) };
  assert.equal(noiseNote(runs), 'The rounds varied: sequential took 1.40–2.37 s, so this machine was noisy.');
  assert.equal(busyNote(runs, caps), 'This machine was busy: some runs computed at only 55 % of the kernel’s calibrated speed, so their times are longer than on a quiet machine.');
  assert.equal(busyNote({ parallel: runs.parallel }, caps), '', 'four workers on two cores take turns by design');
});

test('presets use the cores as measured, at least two workers, at most the pool', () => {
  assert.equal(coreThreads({ cores: 2, hardwareConcurrency: 4, maxThreads: 4 }), 2, 'WebKit reports 4 on 2');
  assert.equal(coreThreads({ cores: 1, hardwareConcurrency: 1, maxThreads: 4 }), 2);
  assert.equal(coreThreads({ cores: 8, hardwareConcurrency: 8, maxThreads: 8 }), 8);
  assert.equal(coreThreads({ hardwareConcurrency: 6, maxThreads: 6 }), 6, 'not measured yet: as reported');
});
