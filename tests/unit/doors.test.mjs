// Generated inputs at the doors that need no engine: the link's parser (shared/url-state.js
// readState, urlFor) and the postMessage parser (embed/protocol.js parseMessage). Whatever
// comes in they never throw, answer quickly, quote briefly, coerce nothing, and accept only
// what the engine's contract allows. (The embed's parameters and the engine's own verdicts:
// tests/e2e/generated.spec.mjs, in a browser, where the wasm engine runs.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { readState, urlFor } from '../../www/shared/url-state.js';
import { FRAME_TYPES, HOST_TYPES, REPLAY_SPEEDS, SOURCE, STRATEGIES, parseMessage } from '../../www/embed/protocol.js';
import { jsonValue, nearValid, runOptions, search, text, workload } from '../generated/arbitraries.mjs';
import { engineContract } from './contract.mjs';

const PRESETS = ['io', 'cpu', 'gil', 'one-core'];
const SLOW_MS = 200; // one call of a parser: far more than any takes

function timed(f) {
  const start = performance.now();
  const value = f();
  const ms = performance.now() - start;
  assert.ok(ms < SLOW_MS, `took ${ms.toFixed(0)} ms`);
  return value;
}

test('readState: any query string gives an answer, never a throw, and keeps what the link says', () => {
  fc.assert(fc.property(search, (query) => {
    const state = timed(() => readState(query, PRESETS));
    const params = new URLSearchParams(query);
    assert.ok(state.presetId === null || PRESETS.includes(state.presetId));
    // The workload is the link's, exactly as JSON.parse reads it (nothing coerced), or none.
    if (state.workload !== null) assert.deepEqual(state.workload, JSON.parse(params.get('workload')));
    if (state.cursorMs !== null) assert.ok(Number.isFinite(state.cursorMs) && state.cursorMs >= 0 && state.cursorMs === Number(params.get('t')));
    for (const problem of state.problems) {
      assert.equal(typeof problem, 'string');
      assert.ok(problem.length < 500, problem);
    }
  }), runOptions('readState', 1000));
});

test('urlFor and readState: a workload goes through a link and comes back the same, or no link is made', () => {
  const value = fc.oneof(workload, nearValid(), nearValid(fc.constantFrom(NaN, Infinity, -Infinity, 2n)));
  fc.assert(fc.property(value, fc.option(fc.double({ min: 0, max: 1e6, noNaN: true })), (w, cursorMs) => {
    const url = timed(() => urlFor(w, { cursorMs, base: 'https://example.com/index.html' }));
    let json;
    try {
      json = JSON.stringify(w, (k, v) => {
        if ((typeof v === 'number' && !Number.isFinite(v)) || typeof v === 'bigint') throw new Error('not JSON');
        return v;
      });
    } catch {
      // NaN, Infinity or a BigInt: a link would change it, so there is none.
      assert.equal(url, null);
      return;
    }
    const back = readState(url.search, PRESETS);
    assert.deepEqual(back.workload, JSON.parse(json));
    assert.deepEqual(back.problems, []);
  }), runOptions('urlFor', 500));
});

test('parseMessage: any value gives an answer, never a throw; what it accepts the engine allows', () => {
  const strategies = engineContract().strategies.map((s) => s.name);
  assert.deepEqual(STRATEGIES, strategies);
  const message = fc.oneof(
    fc.anything({ withBigInt: true, withNullPrototype: true, withObjectString: true, withSparseArray: true, withTypedArray: true, withMap: true, withSet: true }),
    fc.record({
      source: fc.oneof(fc.constant(SOURCE), text), version: fc.oneof(fc.constant(1), jsonValue),
      type: fc.oneof(fc.constantFrom(...HOST_TYPES, ...FRAME_TYPES, '__proto__', 'toString'), text),
      id: fc.oneof(text, fc.double(), jsonValue), workload: fc.oneof(workload, jsonValue),
      preset: fc.oneof(fc.constantFrom(...PRESETS), text), ms: fc.oneof(fc.double(), jsonValue),
      speed: fc.oneof(fc.constantFrom(...REPLAY_SPEEDS), fc.double()),
      strategies: fc.oneof(fc.subarray(strategies, { minLength: 1 }), fc.array(text, { maxLength: 10 }), jsonValue),
    }, { requiredKeys: [] }),
  );
  fc.assert(fc.property(message, fc.subarray([...HOST_TYPES, ...FRAME_TYPES], { minLength: 1 }), (data, accept) => {
    const parsed = timed(() => parseMessage(data, { accept }));
    if (!parsed.ok) {
      assert.equal(typeof parsed.reason, 'string');
      assert.ok(parsed.reason.length < 400, parsed.reason);
      return;
    }
    const m = parsed.message;
    assert.equal(m, data);
    assert.equal(m.source, SOURCE);
    assert.equal(m.version, 1);
    assert.ok(accept.includes(m.type));
    // A run of strategies the engine lacks, a time that isn't one, a speed the replay lacks: never accepted.
    if (m.strategies !== undefined && (m.type === 'run' || m.type === 'setWorkload')) assert.ok(m.strategies.every((s) => strategies.includes(s)));
    if (m.type === 'seek') assert.ok(Number.isFinite(m.ms) && m.ms >= 0);
    if (m.type === 'play' && m.speed !== undefined) assert.ok(REPLAY_SPEEDS.includes(m.speed));
    if (m.workload !== undefined && (m.type === 'run' || m.type === 'setWorkload')) assert.ok(m.workload !== null && typeof m.workload === 'object' && !Array.isArray(m.workload));
  }), runOptions('parseMessage', 1000));
});
