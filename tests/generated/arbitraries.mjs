// Generated inputs for the doors, shared by the node tests (tests/unit/doors.test.mjs) and the
// ones that need the engine (tests/e2e/generated.spec.mjs): fast-check arbitraries for what a
// link, an embed's parameters and a host's message can hold, and how a run is configured.
//
//   FC_SEED=<seed> [FC_PATH=<path>] node --test tests/unit/   replays a failure (both are printed)
//   FC_RUNS=<n>                                               runs more cases
import fc from 'fast-check';

/** fast-check's options: the seed printed first, so a failure's case can be replayed. */
export function runOptions(name, numRuns) {
  const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : (Date.now() ^ (Math.random() * 2 ** 31)) | 0;
  console.log(`${name}: fast-check seed ${seed} (replay: FC_SEED=${seed})`);
  return {
    seed,
    path: process.env.FC_PATH,
    numRuns: Number(process.env.FC_RUNS) || numRuns,
    // A budget that fits CI: a property stops after this long, with what it has run.
    interruptAfterTimeLimit: 20_000, // ms
    markInterruptAsFailure: false,
  };
}

const KEYS = ['strategy', 'threads', 'globalLock', 'yieldMs', 'jitter', 'seed', 'groups', 'name', 'count', 'cpuMs', 'ioMs',
  'steps', 'dataKb', 'everyMs', '__proto__', 'constructor', 'toString', 'cpuMS', ''];

/** Text of every kind: markup, invisible characters, both spellings of "café", emoji, anything. */
export const text = fc.oneof(
  fc.constantFrom('', ' ', 'ok', 'café', 'cafe\u0301', '\u200b', '\u200f', '\u202eevil', '👨‍👩‍👧', '<img src=x onerror=alert(1)>',
    'sequential', 'parallel', 'Parallel', '1e999', 'NaN', 'null', 'e\u0301'.repeat(32), 'x'.repeat(50)),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

/** Numbers JSON writes, and the ones it can't (NaN, Infinity: what JavaScript holds). */
export const number = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 0.5, 2.5, 16, 17, 1000, 1001, 5000, 5000.000000000001, 1e308, -1e308, 5e-324, 2 ** 53 + 2),
  fc.integer({ min: -10, max: 20_000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
export const jsNumber = fc.oneof(number, fc.constantFrom(NaN, Infinity, -Infinity));

/** Any JSON value, with workload-like keys. */
export const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    fc.constant(null), fc.boolean(), number, text,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), text), tie('value'), { maxKeys: 5 })),
})).value;

/** A valid group and workload (small: any 12 groups stay within every limit). */
export const group = fc.record({
  name: fc.oneof(fc.constantFrom('download', 'resize', 'café', 'cafe\u0301', 'مرحبا 👋', 'e\u0301'.repeat(32)), fc.stringMatching(/^[a-z]{1,12}$/)),
  count: fc.integer({ min: 0, max: 20 }),
  cpuMs: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.double({ min: 0, max: 50, noNaN: true })),
  ioMs: fc.integer({ min: 0, max: 50 }),
  steps: fc.integer({ min: 1, max: 3 }),
  dataKb: fc.integer({ min: 0, max: 64 }),
  everyMs: fc.integer({ min: 0, max: 100 }),
}, { requiredKeys: ['name', 'count', 'cpuMs', 'ioMs'] });

export const workload = fc.record({
  strategy: fc.constantFrom('sequential', 'concurrent', 'parallel', 'hybrid', 'processes'),
  threads: fc.integer({ min: 1, max: 16 }),
  globalLock: fc.boolean(),
  yieldMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1000 })),
  jitter: fc.double({ min: 0, max: 0.9, noNaN: true }),
  seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  groups: fc.array(group, { minLength: 1, maxLength: 12 }).map((groups) => (groups.every((g) => g.count === 0) ? [{ ...groups[0], count: 1 }] : groups)),
}, { requiredKeys: ['strategy', 'groups'] });

/** A valid workload with one field set to any value (JSON's), removed, or added. */
export const nearValid = (value = jsonValue) => fc.tuple(workload, fc.nat(11), fc.oneof(fc.constantFrom(...KEYS), text), value, fc.nat(3))
  .map(([w, index, key, v, how]) => {
    const copy = structuredClone(w);
    const holder = how % 2 === 0 ? copy.groups[index % copy.groups.length] : copy;
    if (how >= 2) delete holder[key];
    else Object.defineProperty(holder, key, { value: v, enumerable: true, writable: true, configurable: true });
    return copy;
  });

/** Text JSON.parse reads and JSON can't write back, or that nests deep: as a link's raw text. */
export const rawWorkload = fc.tuple(workload, fc.constantFrom('1e999', '-1e400', '[[[[1]]]]', `${'['.repeat(300)}${']'.repeat(300)}`,
  `${'{"a":'.repeat(100)}1${'}'.repeat(100)}`, '"\\ud800"', 'null', '{}'), fc.constantFrom('threads', 'groups', 'seed', 'cpuMs', 'name'))
  .map(([w, token, key]) => {
    const text = JSON.stringify(w);
    return key === 'cpuMs' || key === 'name'
      ? text.replace(new RegExp(`"${key}":[^,}]*`), `"${key}":${token}`)
      : text.replace(/^\{/, `{"${key}":${token},`);
  });

/** A query string: known and unknown parameters, repeated, empty, with any value. */
export const search = fc.array(fc.tuple(
  fc.oneof(fc.constantFrom('preset', 'workload', 't', 'strategies', 'editor', 'autorun', 'theme', 'compact', 'replay', 'origin', '__proto__'), text),
  fc.oneof(text, jsonValue.map((v) => JSON.stringify(v)), workload.map((w) => JSON.stringify(w)), rawWorkload,
    fc.constantFrom('io', 'cpu', '1', '0', 'true', '', 'NaN', '-0', '1e999', '%E0%A4%A', 'https://example.com,javascript:alert(1)')),
), { maxLength: 6 }).map((pairs) => `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`);
