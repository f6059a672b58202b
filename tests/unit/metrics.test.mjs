// Sentences about runs, as the page says them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { speedupOver } from '../../www/shared/evidence.js';
import { describeBatch, runFigures, summarize } from '../../www/shared/figures.js';
import { seconds } from '../../www/shared/metrics.js';

const run = (label, [requestedStrategy, strategy], wallMs, status = 'completed') =>
  ({ label, result: { requestedStrategy, strategy, wallMs, status } });

test('seconds: milliseconds under a tenth of a second, seconds above', () => {
  assert.equal(seconds(4.25), '4.3 ms');
  assert.equal(seconds(42.5), '43 ms');
  assert.equal(seconds(1834), '1.83 s');
});

test('a batch says each run\'s wall time, what a fallback ran as, and a run that did not complete', () => {
  assert.equal(
    describeBatch([run('sequential', ['sequential', 'sequential'], 2734), run('parallel, no lock', ['parallel', 'processes'], 1100),
      run('workers', ['parallel', 'parallel'], 950), run('hybrid', ['hybrid', 'concurrent'], 1834, 'cancelled')]),
    'Wall times: sequential 2.73 s · parallel, no lock 1.10 s (as processes) · workers 0.95 s · hybrid 1.83 s (as concurrent), cancelled.',
  );
});

test('a run of several rounds has one speedup: its row, the verdict and the host\'s result give the median of its rounds\'', () => {
  const lanes = [{ id: 0, role: 'main', name: 'page', busyMs: 0 }, { id: 1, role: 'worker', name: 'worker 1', busyMs: 0 }];
  const result = (strategy, wallMs) => ({ strategy, requestedStrategy: strategy, status: 'completed', wallMs, predictedMs: wallMs, tasks: 4, tasksDone: 4, threads: 2, lanes, spans: [] });
  // Round by round 2.00x, 1.92x, 1.88x: the median is 1.92x, though the round of median wall
  // time (800 ms) was 1.88x on its own (the embed's status line used to say that one).
  const rounds = [[2000, 1000], [1000, 520], [1500, 800]].map(([seq, par]) => ({ baseline: result('sequential', seq), result: result('parallel', par) }));
  const shown = rounds[2];
  const done = { label: 'parallel', ...shown, rounds };
  assert.equal(summarize(done).speedup.toFixed(3), (1000 / 520).toFixed(3));
  assert.equal(runFigures(shown.result, null, shown.baseline, rounds).find((f) => f.label === 'Speedup').value, '1.92x (median of 3, 1.88–2.00x)');
  const verdict = speedupOver(rounds.map((r) => ({ result: r.baseline })), rounds.map((r) => ({ result: r.result })));
  assert.equal(verdict.median, summarize(done).speedup);
  // One round: its own.
  assert.equal(summarize({ label: 'parallel', ...shown }).speedup, 1500 / 800);
});
