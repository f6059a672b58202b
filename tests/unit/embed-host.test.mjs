// What a host page knows of the playground without loading it: the presets' titles and runs
// (for the frame's title and the height <concurrency-playground> reserves), the strategies that
// run on workers, and what the snippet names: the preset and only what the author changed.
// And the words a frame says where WebKitGTK gives it no threads.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ON_WORKERS, PRESET_FRAMES, frameHeight } from '../../www/embed/frame-size.js';
import { PRESETS, completeWorkload, coreThreads, presetById, runWorkload, workloadChanges } from '../../www/shared/presets.js';
import { browserEngine, threadsOffReason, threadsOffWords } from '../../www/shared/words.js';
import { engineContract } from './contract.mjs';

const CAPS = { cores: 2, hardwareConcurrency: 2, maxThreads: 4, threads: true, processes: 4 };

test("the host's copy of the presets is the presets': titles, and what each run runs", () => {
  assert.deepEqual(Object.keys(PRESET_FRAMES), PRESETS.map((p) => p.id));
  for (const preset of PRESETS) {
    const base = preset.workload(CAPS);
    assert.deepEqual(PRESET_FRAMES[preset.id], { title: preset.title, strategies: preset.runs.map((run) => runWorkload(base, run, CAPS).strategy) }, preset.id);
  }
});

test('the strategies that run on workers are the engine’s with a pool', () => {
  assert.deepEqual(ON_WORKERS, engineContract().strategies.filter((s) => s.pool !== null).map((s) => s.name));
});

test('the reserved height follows the runs, the flags, the width and the reader’s cores, within what was measured', () => {
  // Measured in Chromium at 720 px on 2 cores, after the runs (see frame-size.js); the estimates are -4 % to +9 % of these.
  const measured = { io: 993, cpu: 981, gil: 1778, processes: 1798, responsive: 943, server: 1179, mixed: 1236, overhead: 999, 'one-core': 707,
    race: 2821, deadlock: 1781 };
  for (const [id, px] of Object.entries(measured)) {
    const estimate = frameHeight({ strategies: PRESET_FRAMES[id].strategies, cores: 2 });
    assert.ok(estimate > px * 0.9 && estimate < px * 1.12, `${id}: ${estimate} px for ${px} measured`);
  }
  const cpu = PRESET_FRAMES.cpu.strategies;
  assert.ok(frameHeight({ strategies: cpu, replay: true }) > frameHeight({ strategies: cpu }) + 500);
  assert.ok(frameHeight({ strategies: cpu, compact: true }) < frameHeight({ strategies: cpu }));
  assert.ok(frameHeight({ strategies: cpu, width: 400 }) > frameHeight({ strategies: cpu }) * 1.2);
  assert.equal(frameHeight({ strategies: cpu, cores: 8 }) - frameHeight({ strategies: cpu, cores: 2 }), 6 * 20, 'a lane for each worker');
  assert.equal(frameHeight({ strategies: cpu, cores: 64 }), frameHeight({ strategies: cpu, cores: 16 }), 'at most the engine’s 16 workers');
});

test('the snippet names only what the author changed; never this machine’s workers unless chosen', () => {
  const cpu = presetById('cpu');
  const mine = { cores: 8, hardwareConcurrency: 8, maxThreads: 8 };
  assert.deepEqual(workloadChanges(cpu.workload(mine), cpu, mine), {}, 'the preset as it is: nothing');
  const edited = { ...cpu.workload(mine), groups: [{ name: 'resize', count: 6, cpuMs: 150, ioMs: 0, steps: 1 }] };
  assert.deepEqual(Object.keys(workloadChanges(edited, cpu, mine)), ['groups']);
  assert.deepEqual(workloadChanges({ ...edited, threads: 3 }, cpu, mine).threads, 3, 'a count the author chose');
  // Without a preset: everything but a worker count that is this machine's.
  assert.deepEqual(Object.keys(workloadChanges({ strategy: 'parallel', threads: 8, groups: [] }, null, mine)), ['strategy', 'groups']);
});

test('a reader’s frame completes what the snippet named: the preset’s fields, and the reader’s cores', () => {
  const cpu = presetById('cpu');
  const reader = { cores: 4, hardwareConcurrency: 4, maxThreads: 4 };
  const groups = [{ name: 'resize', count: 6, cpuMs: 150, ioMs: 0, steps: 1 }];
  assert.deepEqual(completeWorkload({ groups }, cpu, reader), { ...cpu.workload(reader), groups });
  assert.equal(completeWorkload({ groups }, cpu, reader).threads, 4);
  assert.equal(completeWorkload({ threads: 3 }, cpu, reader).threads, 3);
  assert.equal(completeWorkload({ strategy: 'parallel', groups }, null, reader).threads, coreThreads(reader));
  assert.equal(completeWorkload({ strategy: 'parallel', threads: 1, groups }, null, reader).threads, 1);
});

test('WebKitGTK is told apart from Safari, and its frame’s notice does not blame the page around it', () => {
  const gtk = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15';
  const safari = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15';
  const android = 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile Safari/537.36';
  assert.deepEqual([gtk, safari, android].map((ua) => browserEngine(ua)), ['webkitgtk', 'webkit', 'chromium']);
  const caps = { processes: 4, noPoolCode: 'frame-not-isolated', noPoolReason: 'not cross-origin isolated' };
  const inGtk = threadsOffWords(caps, gtk);
  assert.equal(inGtk.why, 'Threads are off in this frame: this browser (WebKitGTK, Safari’s engine on Linux) offers no SharedArrayBuffer, ' +
    'even to a cross-origin isolated page, so wasm threads can’t share memory here. Parallel runs use up to 4 processes instead: ' +
    'workers with their own memory, which get a copy of their input (like Python’s multiprocessing).');
  assert.equal(inGtk.advice, '');
  assert.match(threadsOffWords({ ...caps, noPoolCode: 'not-isolated' }, gtk).why, /^Threads are off: this browser \(WebKitGTK/);
  // A verdict's brackets give the same reason as the notice above it (they once said "not cross-origin isolated" under it).
  assert.equal(threadsOffReason(caps, gtk), 'this browser (WebKitGTK, Safari’s engine on Linux) offers no SharedArrayBuffer, even to a cross-origin isolated page');
  assert.equal(threadsOffReason(caps, safari), 'not cross-origin isolated');
  assert.match(threadsOffWords(caps, safari).why, /Safari’s engine \(WebKit\) can’t isolate a frame inside a page that isn’t isolated itself/);
  assert.match(threadsOffWords(caps, android).advice, /Open the playground in its own tab/);
});
