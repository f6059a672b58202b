// The postMessage protocol between an embedded playground (embed.html, "the frame") and the
// page that embeds it ("the host"). Both sides import this module, so they agree on names.
//
// Every message is a plain object:
//   { source: 'concurrency-playground', version: 1, type: 'run', ...fields }
//
// host -> frame: hello, run, cancel, setWorkload, seek, play, pause, theme
// frame -> host: ready, progress, result, resize, error, cursor, prediction (a lesson's step)
//
// Versioning: `version` is the protocol's major version. Fields may be added within a version
// (readers ignore fields they do not know); removing or changing a field bumps the version,
// and a reader rejects messages of any other version. See docs/embedding.md.

import { describe } from '../shared/text.js';

export const SOURCE = 'concurrency-playground';
export const VERSION = 1;

/**
 * The engine's strategies, for host pages that load no wasm (the engine states them: pg.strategies;
 * tests/unit/protocol.test.mjs fails when this copy differs).
 */
export const STRATEGIES = ['sequential', 'concurrent', 'parallel', 'hybrid', 'processes'];
const MAX_STRATEGIES = 8; // runs per request: more is a mistake, not a demo

/** The replay's speeds (shared/replay-model.js's REPLAY_SPEEDS; tests/unit/protocol.test.mjs checks the copy). */
export const REPLAY_SPEEDS = [1, 0.25, 0.1];

/** The frame's colours: light, dark, or auto (the reader's system setting). */
export const THEMES = ['light', 'dark', 'auto'];

/** Message types each side sends. */
export const HOST_TYPES = ['hello', 'run', 'cancel', 'setWorkload', 'seek', 'play', 'pause', 'theme'];
export const FRAME_TYPES = ['ready', 'progress', 'result', 'resize', 'error', 'cursor', 'prediction'];

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isCount = (v) => Number.isInteger(v) && v >= 0;
const isMs = (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isId = (v) => v === undefined || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
/** The frame answers with the id of the host's request, or null for runs the reader started (its Run button). */
const frameId = (v) => (v === null || isId(v) ? null : 'id must be a string, a number, or null (a run the reader started)');

function optional(check, what) {
  return (v) => (v === undefined || check(v) ? null : what);
}

// Workload contents are the engine's business (it names every bad field); here only the shape
// that lets a message be routed.
const request = {
  id: (v) => (isId(v) ? null : 'id must be a string or a number'),
  workload: optional(isObject, 'workload must be an object (see docs/embedding.md)'),
  preset: optional((v) => typeof v === 'string' && v.length > 0, 'preset must be a preset id'),
  strategies: optional(
    (v) => Array.isArray(v) && v.length > 0 && v.length <= MAX_STRATEGIES && v.every((s) => STRATEGIES.includes(s)),
    `strategies must be a list of 1 to ${MAX_STRATEGIES} of ${STRATEGIES.join(', ')}`),
};

/** Per type: field name -> check returning null (fine) or what is wrong. */
const FIELDS = {
  hello: {},
  run: request,
  cancel: { id: request.id },
  setWorkload: {
    ...request,
    _: (_, m) => (m.workload === undefined && m.preset === undefined && m.strategies === undefined
      ? 'needs a workload, a preset or strategies' : null),
  },
  seek: {
    id: request.id,
    ms: (v) => (isMs(v) ? null : 'ms must be a number of ms from the start of the runs (0 or more)'),
  },
  play: {
    id: request.id,
    speed: optional((v) => REPLAY_SPEEDS.includes(v), `speed must be one of ${REPLAY_SPEEDS.join(', ')}`),
  },
  pause: { id: request.id },
  theme: {
    id: request.id,
    theme: (v) => (THEMES.includes(v) ? null : `theme must be one of ${THEMES.join(', ')}`),
  },
  ready: { capabilities: (v) => (isObject(v) ? null : 'capabilities must be an object') },
  progress: {
    id: frameId,
    label: (v) => (typeof v === 'string' ? null : 'label must be a string'),
    tasksDone: (v) => (isCount(v) ? null : 'tasksDone must be a whole number'),
    tasks: (v) => (isCount(v) ? null : 'tasks must be a whole number'),
    elapsedMs: (v) => (isMs(v) ? null : 'elapsedMs must be a number of ms'),
  },
  result: {
    id: frameId,
    runs: (v) => (Array.isArray(v) && v.every((r) => isObject(r) && typeof r.label === 'string' && isMs(r.wallMs))
      ? null : 'runs must be a list of { label, wallMs, ... }'),
  },
  resize: { height: (v) => (isMs(v) ? null : 'height must be a number of px') },
  cursor: {
    id: request.id,
    ms: (v) => (isMs(v) ? null : 'ms must be a number of ms'),
    endMs: (v) => (isMs(v) ? null : 'endMs must be a number of ms'),
    playing: (v) => (typeof v === 'boolean' ? null : 'playing must be true or false'),
    runs: (v) => (Array.isArray(v) ? null : 'runs must be a list'),
  },
  // A lesson's step answered (embed.html?lesson=k): what the reader predicted, what this
  // machine measured, and the choice the measurement is (a choice's id; null: none fits).
  prediction: {
    id: frameId,
    step: (v) => (Number.isInteger(v) && v >= 1 ? null : 'step must be a step number (1 or more)'),
    stepId: (v) => (typeof v === 'string' ? null : 'stepId must be a string'),
    predicted: (v) => (v === null || typeof v === 'string' ? null : 'predicted must be a choice id or null'),
    correct: (v) => (v === null || typeof v === 'string' ? null : 'correct must be a choice id or null'),
    held: (v) => (typeof v === 'boolean' ? null : 'held must be true or false'),
    text: (v) => (typeof v === 'string' ? null : 'text must be a string'),
  },
  error: {
    id: frameId,
    message: (v) => (typeof v === 'string' ? null : 'message must be a string'),
  },
};

/** A message of `type` with `fields`, ready for postMessage. */
export function makeMessage(type, fields = {}) {
  return { ...fields, source: SOURCE, version: VERSION, type };
}

/**
 * Checks that `data` (a MessageEvent's data) is a message of this protocol, of one of the
 * `accept`ed types. Returns `{ ok: true, message }` or `{ ok: false, reason }`; never throws.
 */
export function parseMessage(data, { accept = [...HOST_TYPES, ...FRAME_TYPES] } = {}) {
  if (!isObject(data)) return { ok: false, reason: `not a message object (got ${describe(data)})` };
  if (data.source !== SOURCE) return { ok: false, reason: `source is not "${SOURCE}" (got ${describe(data.source)})` };
  if (data.version !== VERSION) {
    return { ok: false, reason: `unsupported protocol version ${describe(data.version)} (this side speaks version ${VERSION})` };
  }
  if (!accept.includes(data.type)) {
    return { ok: false, reason: `unexpected type ${describe(data.type)} (expected one of: ${accept.join(', ')})` };
  }
  for (const [field, check] of Object.entries(FIELDS[data.type])) {
    const problem = check(data[field], data);
    // The value as given, after what is allowed ('_' checks the message as a whole).
    if (problem) return { ok: false, reason: `${data.type}: ${problem}${field === '_' ? '' : `, got ${describe(data[field])}`}` };
  }
  return { ok: true, message: data };
}


