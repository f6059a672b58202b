// The page's words cover every strategy and span kind the engine states (artifacts/contract.json).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KIND_WORDS, STRATEGY_WORDS } from '../../www/shared/words.js';
import { engineContract } from './contract.mjs';

test('every strategy of the engine has a label and a hint, and no word is for a strategy it lacks', () => {
  const names = engineContract().strategies.map((s) => s.name);
  assert.deepEqual(Object.keys(STRATEGY_WORDS).sort(), [...names].sort());
  for (const name of names) {
    assert.ok(STRATEGY_WORDS[name].label && STRATEGY_WORDS[name].hint, name);
  }
});

test('every span kind of the engine has words', () => {
  assert.deepEqual(Object.keys(KIND_WORDS).sort(), [...engineContract().spanKinds].sort());
});
