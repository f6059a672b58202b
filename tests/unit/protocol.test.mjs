// The embed protocol keeps its own list of strategies for host pages that load no wasm: it
// must be the engine's list, in the engine's order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { STRATEGIES, parseMessage, makeMessage } from '../../www/embed/protocol.js';
import { engineContract } from './contract.mjs';

test("the protocol's strategies are the engine's", () => {
  assert.deepEqual(STRATEGIES, engineContract().strategies.map((s) => s.name));
});

test('a run request naming a strategy the engine lacks is refused with the allowed list', () => {
  const parsed = parseMessage(makeMessage('run', { strategies: ['warp'] }));
  assert.equal(parsed.ok, false);
  assert.match(parsed.reason, new RegExp(`run: strategies must be a list of 1 to 8 of ${STRATEGIES.join(', ')}`));
});
