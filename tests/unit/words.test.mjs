// The page's words cover every strategy and span kind the engine states (artifacts/contract.json).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KINDS, KIND_WORDS } from '../../www/shared/kinds.js';
import { STRATEGY_WORDS } from '../../www/shared/words.js';
import { processesWords } from '../../www/views/capabilities.js';
import { engineContract } from './contract.mjs';

test('every strategy of the engine has a label and a hint, and no word is for a strategy it lacks', () => {
  const names = engineContract().strategies.map((s) => s.name);
  assert.deepEqual(Object.keys(STRATEGY_WORDS).sort(), [...names].sort());
  for (const name of names) {
    assert.ok(STRATEGY_WORDS[name].label && STRATEGY_WORDS[name].hint, name);
  }
});

test('every span kind of the engine is in the one table of kinds: words, drawing, colour, task state and rank', () => {
  assert.deepEqual(Object.keys(KINDS).sort(), [...engineContract().spanKinds].sort());
  const draws = ['solid', 'transfer', 'startup', 'lockWait', 'wait', 'held', 'mark'];
  for (const [kind, k] of Object.entries(KINDS)) {
    assert.ok(k.words && KIND_WORDS[kind] === k.words, kind);
    assert.ok(draws.includes(k.draw), `${kind} draws as ${k.draw}`);
    assert.ok(['group', 'lock', 'neutral'].includes(k.colour), kind);
    assert.ok(['solid', 'waits', 'marks'].includes(k.row), kind);
    assert.ok(['running', 'waiting', 'lockWait', null].includes(k.task), kind);
  }
  const ranks = Object.values(KINDS).map((k) => k.rank);
  assert.equal(new Set(ranks).size, ranks.length, 'one kind per rank');
});

test('the capabilities say when processes start: on a run beside threads, as the page loads without them', () => {
  const base = { processes: 4 };
  assert.equal(processesWords({ ...base, threads: true }), 'up to 4, each with its own memory (started when a run needs them)');
  assert.match(processesWords({ ...base, threads: false }, true), /\(starting and warming up/);
  assert.equal(processesWords({ ...base, threads: false }), 'up to 4, each with its own memory (started and warmed up as the page loaded)');
  assert.equal(processesWords({ processes: 0, threads: false }), 'none (no Web Workers)');
});
