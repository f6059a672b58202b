// Sentences about runs, as the page says them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeBatch } from '../../www/shared/figures.js';
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
