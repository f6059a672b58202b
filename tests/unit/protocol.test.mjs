// The embed protocol keeps its own list of strategies for host pages that load no wasm: it
// must be the engine's list, in the engine's order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FRAME_TYPES, HOST_TYPES, REPLAY_SPEEDS, STRATEGIES, makeMessage, parseMessage } from '../../www/embed/protocol.js';
import { REPLAY_SPEEDS as SPEEDS } from '../../www/shared/replay-model.js';
import { engineContract } from './contract.mjs';

test("the protocol's strategies are the engine's", () => {
  assert.deepEqual(STRATEGIES, engineContract().strategies.map((s) => s.name));
});

test('a run request naming a strategy the engine lacks is refused with the allowed list', () => {
  const parsed = parseMessage(makeMessage('run', { strategies: ['warp'] }));
  assert.equal(parsed.ok, false);
  assert.match(parsed.reason, new RegExp(`run: strategies must be a list of 1 to 8 of ${STRATEGIES.join(', ')}`));
});

test('every message the frame posts passes the host helper’s parser, for host runs and the reader’s own', () => {
  // What embed/embed.js posts (the fields it fills), with the id of a host request or null.
  for (const id of ['req-1', 7, null]) {
    const sent = [
      makeMessage('progress', { id, label: 'parallel', strategy: 'parallel', index: 0, count: 2, tasksDone: 1, tasks: 8, elapsedMs: 120.5 }),
      makeMessage('result', { id, preset: 'cpu', verdict: null, cancelled: false,
        runs: [{ label: 'parallel', strategy: 'processes', status: 'completed', wallMs: 612.2, latencyMs: null }] }),
      makeMessage('error', { id, code: 'run-failed', message: 'process 2 failed: it could not start' }),
    ];
    for (const message of sent) assert.deepEqual(parseMessage(message, { accept: FRAME_TYPES }), { ok: true, message }, message.type);
  }
  for (const message of [makeMessage('ready', { capabilities: { threads: false, processes: 4 } }), makeMessage('resize', { height: 640 }),
    makeMessage('cursor', { ms: 120, endMs: 800, playing: true, speed: 0.25, runs: [{ label: 'parallel', lanes: ['worker 1: computing'], tasks: '2 running' }] })]) {
    assert.equal(parseMessage(message, { accept: FRAME_TYPES }).ok, true, message.type);
  }
});

test('every message the host helper sends passes the frame’s parser; the frame’s own types do not', () => {
  const sent = [
    makeMessage('hello'),
    makeMessage('run', { id: 'req-2', strategies: ['sequential', 'processes'] }),
    makeMessage('cancel'),
    makeMessage('setWorkload', { workload: { strategy: 'processes', groups: [] } }),
    makeMessage('seek', { ms: 150 }),
    makeMessage('play', { speed: 0.1 }),
    makeMessage('pause'),
  ];
  for (const message of sent) assert.equal(parseMessage(message, { accept: HOST_TYPES }).ok, true, message.type);
  assert.match(parseMessage(makeMessage('result', { runs: [] }), { accept: HOST_TYPES }).reason, /unexpected type "result"/);
  assert.match(parseMessage(makeMessage('run', { id: null }), { accept: HOST_TYPES }).reason, /run: id must be a string or a number/);
});

test("the protocol's replay speeds are the replay's", () => {
  assert.deepEqual(REPLAY_SPEEDS, SPEEDS);
});

test('seek, play and pause: a host moves the replay; a bad field is refused with what is allowed', () => {
  const host = { accept: HOST_TYPES };
  assert.equal(parseMessage(makeMessage('seek', { ms: 200 }), host).ok, true);
  assert.equal(parseMessage(makeMessage('seek', { ms: 0, id: 'a' }), host).ok, true);
  assert.match(parseMessage(makeMessage('seek', {}), host).reason, /^seek: ms must be a number of ms/);
  assert.match(parseMessage(makeMessage('seek', { ms: -1 }), host).reason, /^seek: ms must be/);
  assert.match(parseMessage(makeMessage('seek', { ms: '200' }), host).reason, /^seek: ms must be/);
  assert.equal(parseMessage(makeMessage('play'), host).ok, true);
  assert.equal(parseMessage(makeMessage('play', { speed: 0.25 }), host).ok, true);
  assert.match(parseMessage(makeMessage('play', { speed: 2 }), host).reason, /^play: speed must be one of 1, 0.25, 0.1/);
  assert.equal(parseMessage(makeMessage('pause', { id: 3 }), host).ok, true);
  assert.match(parseMessage(makeMessage('pause', { id: {} }), host).reason, /^pause: id must be a string or a number/);
});

test('the frame tells the cursor: its time, the end, whether it plays, and each run at that instant', () => {
  const frame = { accept: FRAME_TYPES };
  assert.equal(parseMessage(makeMessage('cursor', { ms: 200, endMs: 800, playing: false, speed: 1, runs: [] }), frame).ok, true);
  assert.match(parseMessage(makeMessage('cursor', { ms: 200, endMs: 800, runs: [] }), frame).reason, /^cursor: playing must be true or false/);
  assert.equal(parseMessage(makeMessage('cursor', { ms: 1, endMs: 2, playing: true, runs: [] }), { accept: HOST_TYPES }).ok, false,
    'a frame message is not a host message');
});

test('a refused field is named with the value given and what is allowed (the host helper rejects with these words)', () => {
  const host = { accept: HOST_TYPES };
  assert.equal(parseMessage(makeMessage('seek', { ms: -5 }), host).reason,
    'seek: ms must be a number of ms from the start of the runs (0 or more), got -5');
  assert.equal(parseMessage(makeMessage('play', { speed: 2 }), host).reason, 'play: speed must be one of 1, 0.25, 0.1, got 2');
  assert.equal(parseMessage(makeMessage('theme', { theme: 'purple' }), host).reason, 'theme: theme must be one of light, dark, auto, got "purple"');
  assert.equal(parseMessage(makeMessage('setWorkload', {}), host).reason, 'setWorkload: needs a workload, a preset or strategies');
});

test('the host sets the frame’s theme; setWorkload may name only strategies (a frame with no preset keeps its workload)', () => {
  const host = { accept: HOST_TYPES };
  for (const theme of ['light', 'dark', 'auto']) assert.equal(parseMessage(makeMessage('theme', { theme, id: 1 }), host).ok, true, theme);
  assert.equal(parseMessage(makeMessage('setWorkload', { strategies: ['sequential', 'parallel'] }), host).ok, true);
  // The frame answers setWorkload and theme with `ready`, carrying the request's id.
  assert.equal(parseMessage(makeMessage('ready', { id: 'req-3', capabilities: {} }), { accept: FRAME_TYPES }).ok, true);
});
