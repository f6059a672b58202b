// Hostile input at every door: the JS API, the page's link, the embed's parameters and
// postMessage. Each case must get a clear message (naming the field, quoting at most a short
// prefix of the value) or a documented behaviour, and leave things working: after the cases of
// each door, a good run completes. Markup in any text must stay text.
import { test, expect } from '@playwright/test';
import { HOST, ISOLATED, collectPageErrors, openPlayground, watchForErrors } from './util.mjs';

const SOURCE = 'concurrency-playground';
const GOOD = { strategy: 'concurrent', threads: 2, groups: [{ name: 'ok', count: 2, cpuMs: 5, ioMs: 10, steps: 1 }] };
const group = (fields = {}) => ({ name: 'g', count: 1, cpuMs: 1, ioMs: 0, steps: 1, ...fields });
const workload = (fields = {}) => ({ strategy: 'sequential', groups: [group()], ...fields });
const MARKUP = '<img src=x onerror="window.pwned=1"><script>window.pwned=1</script>';
const MEGA = 'm'.repeat(1_000_000);
const MAX_MESSAGE = 2_000; // characters: no message echoes a huge input

let counted = 0;
test.afterAll(() => console.log(`hostile input: ${counted} cases`));

/**
 * API cases: `[name, input (a workload, or a function building one in the page), expected
 * message pattern]`. Workloads that JSON or structured cloning can't carry (BigInt, cycles,
 * lone surrogates, prototype keys) are built in the page.
 */
const API_CASES = [
  ['undefined', undefined, /^invalid workload: workload: must be an object with strategy and groups, got undefined$/],
  ['null', null, /workload: must be an object with strategy and groups, got null/],
  ['a string', 'run fast', /workload: must be an object with strategy and groups, got "run fast"/],
  ['a number', 42, /got 42/],
  ['a list', [1, 2], /got a list/],
  ['an empty object', {}, /strategy: is missing; groups: is missing/],
  ['a strategy in the wrong case', workload({ strategy: 'Parallel' }), /strategy: "Parallel" is not a strategy: use sequential, concurrent, parallel, hybrid or processes/],
  ['markup as the strategy', workload({ strategy: MARKUP }), /strategy: "<img src=x onerror=\\?"window\.pwned=1\\?"><scr\.\.\." is not a strategy/],
  ['a number as the strategy', workload({ strategy: 3 }), /strategy: 3 is not a strategy/],
  ['NaN threads', workload({ threads: NaN }), /threads: must be a whole number from 1 to 16 \(the most workers a pool has; a run gets what its pool has\), got NaN \(not a finite number\)$/],
  ['Infinity threads', workload({ threads: Infinity }), /threads: must be a whole number from 1 to 16 .*, got Infinity \(not a finite number\)$/],
  ['-Infinity computing', workload({ groups: [group({ cpuMs: -Infinity })] }), /^invalid workload: groups\[0\]\.cpuMs: must be a number from 0 to 5000, got -Infinity \(not a finite number\)$/],
  ['NaN as a whole group', { strategy: 'sequential', groups: [NaN] }, /groups\[0\]: must be an object with name, count, .*, got NaN \(not a finite number\)$/],
  ['a null count', workload({ groups: [group({ count: null })] }), /groups\[0\]\.count: must be a whole number from 0 to 1000, got null \(an empty value\)$/],
  ['-0 threads', workload({ threads: -0 }), /threads: 0 is out of range: must be a whole number from 1 to 16/],
  ['0 threads', workload({ threads: 0 }), /threads: 0 is out of range/],
  ['1e308 threads', workload({ threads: 1e308 }), /threads: 1e308 is out of range/],
  ['2.5 threads', workload({ threads: 2.5 }), /threads: must be a whole number from 1 to 16 .*got 2\.5/],
  ['17 threads', workload({ threads: 17 }), /threads: 17 is out of range: must be a whole number from 1 to 16/],
  ['BigInt threads', () => ({ strategy: 'sequential', threads: 2n, groups: [{ name: 'g', count: 1, cpuMs: 1, ioMs: 0 }] }), /^invalid workload: threads: 2n is a BigInt: use a plain number$/],
  ['threads as text', workload({ threads: '2' }), /threads: must be a whole number .*got "2"/],
  ['threads as a list', workload({ threads: [2] }), /threads: must be a whole number .*got a list/],
  ['threads as an object', workload({ threads: { n: 2 } }), /threads: must be a whole number .*got an object/],
  ['globalLock as text', workload({ globalLock: 'yes' }), /globalLock: must be true or false, got "yes"/],
  ['globalLock as 1', workload({ globalLock: 1 }), /globalLock: must be true or false, got 1/],
  ['a yield too small', workload({ yieldMs: 0.5 }), /yieldMs: 0\.5 is too small: use 0 \(never yield\) or 1 to 1000 ms/],
  ['a negative yield', workload({ yieldMs: -1 }), /yieldMs: -1 is out of range: must be from 0 to 1000/],
  ['too much jitter', workload({ jitter: 2 }), /jitter: 2 is out of range: must be from 0 to 0\.9/],
  ['a negative seed', workload({ seed: -1 }), /seed: -1 is out of range/],
  ['groups as text', { strategy: 'sequential', groups: 'abc' }, /groups: must be a list of task groups, got "abc"/],
  ['groups as an object', { strategy: 'sequential', groups: {} }, /groups: must be a list of task groups, got an object/],
  ['a null group', { strategy: 'sequential', groups: [null] }, /groups\[0\]: must be an object with name, count, cpuMs, ioMs, steps, dataKb, everyMs, increments and locks, got null/],
  ['no groups', { strategy: 'sequential', groups: [] }, /groups: has 0 groups: must have from 1 to 12/],
  ['13 groups', { strategy: 'sequential', groups: Array.from({ length: 13 }, () => group()) }, /groups: has 13 groups: must have from 1 to 12/],
  ['1000 groups', { strategy: 'sequential', groups: Array.from({ length: 1000 }, () => group()) }, /groups: has 1000 groups/],
  ['an empty name', workload({ groups: [group({ name: '' })] }), /groups\[0\]\.name: must be text of 1 to 32 characters, got ""/],
  ['a blank name', workload({ groups: [group({ name: '   ' })] }), /groups\[0\]\.name: must be text of 1 to 32 characters/],
  ['a name of a million characters', workload({ groups: [group({ name: MEGA })] }), /groups\[0\]\.name: must be text of 1 to 32 characters, got "m{40}\.\.\."$/],
  ['a name with a lone surrogate', () => ({ strategy: 'sequential', groups: [{ name: 'a\ud800b', count: 1, cpuMs: 1, ioMs: 0 }] }), /^invalid workload: groups\[0\]\.name: has a lone surrogate: text must be well-formed Unicode$/],
  ['a name as a number', workload({ groups: [group({ name: 7 })] }), /groups\[0\]\.name: must be text of 1 to 32 characters, got 7/],
  ['5000 tasks', workload({ groups: [group({ count: 5000 })] }), /groups\[0\]\.count: 5000 is out of range: must be a whole number from 0 to 1000/],
  ['negative computing', workload({ groups: [group({ cpuMs: -5 })] }), /groups\[0\]\.cpuMs: -5 is out of range: must be from 0 to 5000/],
  ['computing as text', workload({ groups: [group({ cpuMs: 'fast' })] }), /groups\[0\]\.cpuMs: must be a number from 0 to 5000, got "fast"/],
  ['a misspelt field', workload({ groups: [group({ cpuMS: 3 })] }), /groups\[0\]\.cpuMS: is not a known field/],
  ['an unknown top field', workload({ speed: 'max' }), /speed: is not a known field \(known: strategy, threads, globalLock, yieldMs, jitter, seed, sync, groups\)/],
  ['a __proto__ key', () => JSON.parse('{"strategy":"sequential","__proto__":{"polluted":true},"groups":[{"name":"g","count":1,"cpuMs":1,"ioMs":0}]}'), /__proto__: is not a known field/],
  ['a constructor key', () => JSON.parse('{"strategy":"sequential","groups":[{"name":"g","count":1,"cpuMs":1,"ioMs":0,"constructor":1}]}'), /groups\[0\]\.constructor: is not a known field/],
  ['a workload that contains itself', () => { const w = { strategy: 'sequential', groups: [] }; w.groups.push({ name: 'g', count: 1, cpuMs: 1, ioMs: 0, parent: w }); return w; }, /^invalid workload: groups\[0\]\.parent: refers to itself \(it contains itself, or an object that contains it\): a workload must be plain data$/],
  ['groups that contain themselves', () => { const groups = [{ name: 'g', count: 1, cpuMs: 1, ioMs: 0 }]; groups.push(groups); return { strategy: 'sequential', groups }; }, /^invalid workload: groups\[1\]: refers to itself/],
  ['a nested object where a count goes', workload({ groups: [group({ count: { a: { b: 1 } } })] }), /^invalid workload: groups\[0\]\.count: must be a whole number from 0 to 1000, got an object$/],
  ['a count nested 200 levels deep', () => { let v = 1; for (let i = 0; i < 200; i++) v = { a: v }; return { strategy: 'sequential', groups: [{ name: 'g', count: v, cpuMs: 1, ioMs: 0 }] }; }, /^invalid workload: groups\[0\]\.count: must be a whole number from 0 to 1000, got an object nested 200 levels deep$/],
  ['a group nested 100,000 levels deep', () => { let v = []; for (let i = 1; i < 100_000; i++) v = [v]; return { strategy: 'sequential', groups: [v] }; }, /^invalid workload: groups\[0\]: must be an object with name, count, .*, got a list nested 100000 levels deep$/],
  ['a name nested 100,000 levels deep', () => { let v = 'x'; for (let i = 0; i < 100_000; i++) v = { v }; return { strategy: 'sequential', groups: [{ name: v, count: 1, cpuMs: 1, ioMs: 0 }] }; }, /^invalid workload: groups\[0\]\.name: must be text of 1 to 32 characters, got an object nested 100000 levels deep$/],
  ['a shared structure 2^40 paths wide', () => { let v = [1]; for (let i = 0; i < 40; i++) v = [v, v]; return { strategy: 'sequential', groups: [{ name: 'g', count: 1, cpuMs: 1, ioMs: 0, x: v }] }; }, /^invalid workload: workload: holds more than 200000 values/],
  ['a getter that throws', () => ({ strategy: 'sequential', get groups() { throw new Error('no'); } }), /^invalid workload: workload: could not be read \(Error: "no"\): it must be plain data$/],
  ['the two spellings of “café”', () => ({ strategy: 'sequential', groups: [{ name: 'caf\u00e9', count: 1, cpuMs: 1, ioMs: 0 }, { name: 'cafe\u0301', count: 1, cpuMs: 1, ioMs: 0 }] }), 'valid'],
  ['32 decomposed “é” (64 code points)', workload({ groups: [group({ name: 'e\u0301'.repeat(32) })] }), 'valid'],
  ['33 “é”', workload({ groups: [group({ name: '\u00e9'.repeat(33) })] }), /groups\[0\]\.name: must be text of 1 to 32 characters, got "é{33}" \(33 characters\)$/],
  ['a name of a zero-width space', workload({ groups: [group({ name: '\u200b' })] }), /^invalid workload: groups\[0\]\.name: must be text of 1 to 32 characters a reader can see, got only invisible characters \(U\+200B\)$/],
  ['a name of a lone right-to-left mark', workload({ groups: [group({ name: '\u200f' })] }), /groups\[0\]\.name: .* got only invisible characters \(U\+200F\)$/],
  ['a name of joiners, a BOM and a word joiner', workload({ groups: [group({ name: '\u200d\ufeff\u2060' })] }), /got only invisible characters \(U\+200D U\+FEFF U\+2060\)$/],
  ['a letter under 200 marks', workload({ groups: [group({ name: `a${'\u0301'.repeat(199)}` })] }), /groups\[0\]\.name: must be text of 1 to 32 characters, got "a\u0301+\.\.\." \(200 code points: a name has at most 128; accents and emoji take several\)$/],
  ['a direction override in a strategy', workload({ strategy: '\u202eparallel' }), /^invalid workload: strategy: "<U\+202E>parallel" is not a strategy/],
  ['too much input', workload({ groups: [group({ dataKb: 9000 })] }), /groups\[0\]\.dataKb: 9000 is out of range: must be a whole number from 0 to 8192 \(KiB\)/],
  ['a negative arrival interval', workload({ groups: [group({ everyMs: -1 })] }), /groups\[0\]\.everyMs: -1 is out of range: must be from 0 to 10000/],
  ['arrivals past two minutes', workload({ groups: [group({ count: 20, everyMs: 10000 })] }), /groups\[0\]\.everyMs: the last of 20 tasks every 10000 ms would arrive at 190000 ms, over the limit of 120000 ms/],
  ['too much work', workload({ groups: [group({ count: 100, ioMs: 10000, cpuMs: 0 })] }), /groups: total work 1000000 ms is over the limit of 120000 ms/],
  ['markup as the sync', workload({ sync: MARKUP }), /sync: "<img src=x onerror=\\?"window\.pwned=1\\?"><scr\.\.\." is not a way to update the shared counter: use none, atomic, lock or message/],
  ['NaN increments', workload({ groups: [group({ increments: NaN })] }), /groups\[0\]\.increments: must be a whole number from 0 to 10000 .*got NaN \(not a finite number\)/],
  ['1e308 increments', workload({ groups: [group({ increments: 1e308 })] }), /groups\[0\]\.increments: 1e308 is out of range/],
  ['markup as a lock name', workload({ groups: [group({ locks: [MARKUP] })] }), /groups\[0\]\.locks\[0\]: must be a lock name of 1 to 16 letters, digits, _ or -/],
  ['a lock named __proto__ twice', workload({ groups: [group({ locks: ['__proto__', '__proto__'] })] }), /groups\[0\]\.locks\[1\]: "__proto__" is already in locks\[0\]/],
  ['a hundred thousand locks', workload({ groups: [group({ locks: Array.from({ length: 1e5 }, (_, i) => `l${i}`) })] }), /groups\[0\]\.locks: has 100000 locks: a task takes at most 8/],
  ['many problems at once', { strategy: 'x', groups: Array.from({ length: 12 }, () => ({ name: '', count: -1, cpuMs: 'a', ioMs: [] })) }, /; and \d+ more problems$/],
];

/** Options of pg.run: `[name, options, expected message]`, checked before the run starts. */
const OPTION_CASES = [
  ['a signal that is text', { signal: 'nope' }, /^run: options\.signal must be an AbortSignal \(from an AbortController\), got "nope"$/],
  ['onProgress that is text', { onProgress: 'nope' }, /^run: options\.onProgress must be a function, got "nope"$/],
  ['trace as text', { trace: 'yes' }, /^run: options\.trace must be true or false, got "yes"$/],
  ['options that are null', null, /^run: options must be an object like \{ signal, onStart, onProgress, trace \}, got null$/],
];

test('the JS API: every bad workload and option is refused with a short, clear message; the engine keeps working', async ({ page }) => {
  const problems = watchForErrors(page);
  await openPlayground(page);
  const cases = API_CASES.map(([name, input, pattern]) => [name, typeof input === 'function' ? { build: input.toString() } : { value: input }, pattern]);
  const outcomes = await page.evaluate(async (list) => {
    const pg = window.playground;
    const out = [];
    for (const [name, input] of list) {
      // eslint-disable-next-line no-eval
      const value = input.build ? (0, eval)(`(${input.build})`)() : input.value;
      let message;
      try {
        await pg.run(value);
        message = 'accepted!';
      } catch (error) {
        message = error instanceof Error ? error.message : `not an Error: ${error}`;
      }
      const problems = pg.validate(value);
      out.push({ name, message, validated: Array.isArray(problems) && problems.length > 0, running: pg.running });
    }
    return out;
  }, cases.map(([name, input]) => [name, input]));
  for (const [i, outcome] of outcomes.entries()) {
    if (cases[i][2] === 'valid') {
      // Valid, however it looks: run, with nothing to say about it.
      expect([outcome.message, outcome.validated], cases[i][0]).toEqual(['accepted!', false]);
      continue;
    }
    expect(outcome.message, cases[i][0]).toMatch(cases[i][2]);
    expect(outcome.message.length, `${cases[i][0]}: a short message`).toBeLessThan(MAX_MESSAGE);
    expect(outcome.validated, `${cases[i][0]}: validate() names the problem too (and never throws)`).toBe(true);
    expect(outcome.running, `${cases[i][0]}: nothing left running`).toBe(false);
  }
  counted += cases.length;

  const options = await page.evaluate(async ([list, good]) => {
    const out = [];
    for (const [name, options] of list) {
      let message;
      try {
        await window.playground.run(good, options);
        message = 'accepted!';
      } catch (error) {
        message = error.message;
      }
      out.push({ name, message, running: window.playground.running });
    }
    return out;
  }, [OPTION_CASES.map(([name, options]) => [name, options]), GOOD]);
  for (const [i, outcome] of options.entries()) {
    expect(outcome.message, OPTION_CASES[i][0]).toMatch(OPTION_CASES[i][2]);
    expect(outcome.running, `${OPTION_CASES[i][0]}: no run was started`).toBe(false);
  }
  counted += OPTION_CASES.length;

  // Calls out of turn, aborts in every state, callbacks that fail, forged results.
  const behaviour = await page.evaluate(async (good) => {
    const pg = window.playground;
    const out = {};
    const first = pg.run(good);
    out.second = await pg.run(good).then(() => 'accepted!', (e) => e.message);
    out.first = (await first).status;
    const early = new AbortController();
    early.abort();
    out.abortedBefore = (await pg.run(good, { signal: early.signal })).status;
    const twice = new AbortController();
    const running = pg.run({ ...good, groups: [{ name: 'long', count: 2, cpuMs: 0, ioMs: 2000 }] }, { signal: twice.signal });
    twice.abort();
    twice.abort();
    out.abortedTwice = (await running).status;
    const late = new AbortController();
    out.abortedAfter = (await pg.run(good, { signal: late.signal })).status;
    late.abort();
    let calls = 0;
    out.throwingProgress = (await pg.run({ ...good, groups: [{ name: 'p', count: 4, cpuMs: 0, ioMs: 80 }] },
      { onProgress: () => { calls++; throw new Error('a broken callback'); } })).status;
    out.progressCalls = calls;
    for (const forged of [null, 'trace', { runId: 'x' }, { runId: 1e12 }, { runId: 1.5 }]) {
      try { pg.exportTrace(forged); out[`export ${JSON.stringify(forged)}`] = 'accepted!'; } catch (e) { out[`export ${JSON.stringify(forged)}`] = e.message; }
    }
    for (const [name, call] of [['predict', () => pg.predict({})], ['lanes', () => pg.lanes('x')]]) {
      try { call(); out[name] = 'accepted!'; } catch (e) { out[name] = e.message; }
    }
    // A name in either spelling: the engine's (NFC) on every span. A copy of a result that
    // differs from the run the engine kept is refused, naming the field.
    const kept = await pg.run({ ...good, groups: [{ name: 'cafe\u0301', count: 2, cpuMs: 1, ioMs: 5 }] });
    out.spanNames = [...new Set(kept.spans.map((s) => s.groupName))];
    out.groupNames = kept.groupNames;
    const other = await pg.run(good);
    const refused = (copy) => { try { pg.exportTrace(copy); return 'accepted!'; } catch (e) { return e.message; } };
    out.exportEdited = refused({ ...kept, wallMs: kept.wallMs + 1 });
    out.exportSwapped = refused({ ...other, runId: kept.runId });
    out.exportSpan = refused({ ...kept, spans: kept.spans.map((s, i) => (i === 0 ? { ...s, end: s.end + 5 } : s)) });
    out.exportSpanName = refused({ ...kept, spans: kept.spans.map((s, i) => (i === 1 ? { ...s, groupName: 'x' } : s)) });
    out.exportFewer = refused({ ...kept, spans: kept.spans.slice(1) });
    out.exportAsIs = JSON.parse(pg.exportTrace(kept)).traceEvents.filter((e) => e.ph === 'X').length === kept.spans.length;
    out.running = pg.running;
    out.polluted = Object.prototype.polluted ?? null;
    return out;
  }, GOOD);
  expect(behaviour.spanNames).toEqual(['caf\u00e9']);
  expect(behaviour.groupNames).toEqual(['caf\u00e9']);
  expect(behaviour.exportEdited).toMatch(/^exportTrace: result\.wallMs differs from run \d+: [\d.e-]+ here, [\d.e-]+ in the run \(the result was changed, or carries another run's runId\); export the result pg\.run returned, as it came$/);
  expect(behaviour.exportSwapped).toMatch(/^exportTrace: result\.\w+.* differs from run \d+: .* here, .* in the run/);
  expect(behaviour.exportSpan).toMatch(/^exportTrace: result\.spans\[0\]\.end differs from run \d+: [\d.e-]+ here, [\d.e-]+ in the run/);
  expect(behaviour.exportSpanName).toMatch(/^exportTrace: result\.spans\[1\]\.groupName differs from run \d+: "x" here/);
  expect(behaviour.exportFewer).toMatch(/^exportTrace: result\.spans differs from run \d+: \d+ spans here, \d+ spans in the run/);
  expect(behaviour.exportAsIs).toBe(true);
  counted += 7;
  expect(behaviour.second).toBe('a run is already in progress: cancel it or wait for its result');
  expect(behaviour.first).toBe('completed');
  expect([behaviour.abortedBefore, behaviour.abortedTwice]).toEqual(['cancelled', 'cancelled']);
  expect(behaviour.abortedAfter).toBe('completed'); // an abort after the end changes nothing
  expect(behaviour.throwingProgress).toBe('completed');
  expect(behaviour.progressCalls).toBe(1); // a callback that throws is not called again
  for (const key of Object.keys(behaviour).filter((k) => k.startsWith('export '))) {
    expect(behaviour[key], key).toMatch(/^exportTrace: expected a result of pg\.run \(it has a runId\)/);
  }
  expect(behaviour.predict).toContain('invalid workload: strategy: is missing; groups: is missing');
  expect(behaviour.lanes).toContain('invalid workload: workload: must be an object with strategy and groups, got "x"');
  expect([behaviour.running, behaviour.polluted]).toEqual([false, null]);
  counted += 14;

  const after = await page.evaluate((good) => window.playground.run(good), GOOD);
  expect(after.status).toBe('completed');
  expect(await page.evaluate(() => window.pwned ?? null)).toBeNull();
  // The one console error allowed: the broken onProgress, reported once.
  expect(problems.filter((p) => !p.includes('onProgress threw'))).toEqual([]);
  expect(problems.filter((p) => p.includes('onProgress threw')).length).toBe(1);
});

/** The engine's own bugs: a panic forced where each strategy computes. */
const PANIC_PLACES = [
  ['sequential', "the page's thread"],
  ['concurrent', "the page's thread, between yields"],
  ['parallel', 'a worker thread'],
  ['hybrid', 'a worker thread, from the event loop'],
  ['processes', 'a process (its own instance of the module)'],
];

test('a panic in the engine ends only its run, with an Error, on any thread; the next run and the page work', async ({ page }) => {
  const problems = watchForErrors(page);
  await openPlayground(page);
  const outcomes = await page.evaluate(async (strategies) => {
    const pg = window.playground;
    const out = [];
    for (const strategy of strategies) {
      const w = { strategy, threads: 2, groups: [{ name: 'p', count: 4, cpuMs: 20, ioMs: 0, steps: 1 }] };
      pg.panicNextRun();
      let error = 'no error';
      try {
        await pg.run(w);
      } catch (e) {
        error = e instanceof Error ? e.message : `not an Error: ${e}`;
      }
      const running = pg.running;
      const next = await pg.run(w);
      const workers = new Set(next.spans.filter((s) => s.kind === 'cpu' && s.lane !== 0).map((s) => s.lane)).size;
      out.push({ strategy, error, running, next: next.status, done: next.tasksDone, workers });
    }
    return out;
  }, PANIC_PLACES.map(([strategy]) => strategy));
  for (const [i, o] of outcomes.entries()) {
    const where = `${o.strategy} (${PANIC_PLACES[i][1]})`;
    expect(o.error, where).toMatch(o.strategy === 'processes'
      ? /^process \d failed: it panicked: a panic forced by a test$/
      : /^the engine failed in this run \(a panic forced by a test\); that is a bug in the playground, and the next run starts afresh$/);
    expect(o.running, `${where}: the engine takes runs again`).toBe(false);
    expect([o.next, o.done], `${where}: the next run`).toEqual(['completed', 4]);
    if (['parallel', 'hybrid', 'processes'].includes(o.strategy)) expect(o.workers, `${where}: both workers compute again`).toBe(2);
  }
  counted += PANIC_PLACES.length;

  // On the page: the failed run is said, and Run works again (a workload that computes: the
  // panic comes at the first piece of computing).
  const computing = { strategy: 'parallel', threads: 2, groups: [{ name: 'c', count: 4, cpuMs: 30, ioMs: 0, steps: 1 }] };
  await openPlayground(page, undefined, `?workload=${encodeURIComponent(JSON.stringify(computing))}`);
  await page.evaluate(() => window.playground.panicNextRun());
  await page.locator('#run').click();
  await expect(page.locator('#summary')).toContainText('The run failed: the engine failed in this run (a panic forced by a test)', { timeout: 30_000 });
  await expect(page.locator('#run')).toBeEnabled();
  await page.locator('#run').click();
  await expect(page.locator('#summary')).not.toContainText(/failed|Running|Waiting/, { timeout: 60_000 });
  await expect(page.locator('#summary')).not.toBeEmpty();
  await expect(page.locator('#results canvas').first()).toBeVisible();
  // The only console errors: the panic hook's own report of each forced panic.
  expect(problems.filter((p) => !p.includes('a panic forced by a test'))).toEqual([]);
});

test('a crash that ends the module (a trap on a worker, in a run or as the page starts) is said, never a hang or a silent page', async ({ page }) => {
  test.setTimeout(120_000);
  const problems = watchForErrors(page);
  // In a run, on a worker of the pool: the run ends, with the words (it used to wait for ever:
  // the page's side of the run waits for workers that are gone).
  const computing = { strategy: 'parallel', threads: 2, groups: [{ name: 'c', count: 8, cpuMs: 300, ioMs: 0, steps: 1 }] };
  await openPlayground(page, undefined, `?workload=${encodeURIComponent(JSON.stringify(computing))}`);
  await page.evaluate(() => window.playground.crashNextRun());
  await page.locator('#run').click();
  const stopped = /^The engine stopped: its module crashed \(.+\)\. Reload the page to start it again/;
  await expect(page.locator('#summary')).toContainText(/The run failed: The engine stopped: its module crashed \(.+\)\. Reload the page to start it again/, { timeout: 30_000 });
  await expect(page.locator('#run')).toBeEnabled();
  // Every use after it says the same, at once.
  const after = await page.evaluate(async (w) => {
    const pg = window.playground;
    const said = async (call) => { try { await call(); return 'no error'; } catch (e) { return e.message; } };
    return { run: await said(() => pg.run(w)), predict: await said(() => pg.predict(w)), stopped: pg.capabilities.engineStopped };
  }, computing);
  expect(after.run).toMatch(stopped);
  expect(after.predict).toMatch(stopped);
  expect(after.stopped).toMatch(/^its module crashed/);

  // As the page starts: once it is ready, while its pool starts, the probe of its cores (a run
  // on the workers) crashes: its status says so (it said "Starting 4 worker threads..." for ever).
  await page.addInitScript(() => {
    let value;
    Object.defineProperty(window, 'playground', {
      configurable: true,
      get: () => value,
      set: (pg) => {
        value = pg;
        pg.crashNextRun();
      },
    });
  });
  await page.goto(`${ISOLATED}/index.html`);
  await expect(page.locator('#status')).toHaveText(/^The engine stopped: its module crashed \(.+\)\. Reload the page to start it again\.$/, { timeout: 30_000 });
  // Nothing else uncaught: the trap itself, on the thread it happened on, and wasm-bindgen's
  // refusal of the callbacks the module had scheduled ("Module terminated") are the crash's own.
  expect(problems.filter((p) => !/^(unreachable|Module terminated)$/.test(p))).toEqual([]);
});

/** Link cases: `[name, query, what the page must show]`: it starts, marks and keeps the value. */
const LINK_CASES = [
  ['groups as text', { workload: { strategy: 'sequential', groups: 'abc' } }, { field: 'groups', text: 'must be a list of task groups, got "abc"' }],
  ['groups as an object', { workload: { strategy: 'sequential', groups: {} } }, { field: 'groups', text: 'got an object' }],
  ['a null group', { workload: { strategy: 'sequential', groups: [null] } }, { field: 'groups', text: 'groups[0]: must be an object with name, count' }],
  ['markup as threads', { workload: { ...GOOD, threads: MARKUP } }, { field: 'threads', text: 'must be a whole number from 1 to 16 (the most workers a pool has; a run gets what its pool has), got "<img src=x onerror="' }],
  ['0 threads', { workload: { ...GOOD, threads: 0 } }, { field: 'threads', text: '0 is out of range' }],
  ['a strategy in the wrong case', { workload: { ...GOOD, strategy: 'Parallel' } }, { field: 'strategy', text: '"Parallel" is not a strategy' }],
  ['globalLock as text', { workload: { ...GOOD, globalLock: 'yes' } }, { field: 'globalLock', text: 'must be true or false, got "yes"' }],
  ['yield as text', { workload: { ...GOOD, yieldMs: 'often' } }, { field: 'yieldMs', text: 'got "often"' }],
  ['a count as text', { workload: { ...GOOD, groups: [{ ...GOOD.groups[0], count: 'many' }] } }, { field: 'groups[0].count', text: 'got "many"' }],
  ['a missing count', { workload: { ...GOOD, groups: [{ name: 'x', cpuMs: 1, ioMs: 1 }] } }, { field: 'groups[0].count', text: 'is missing' }],
  ['markup as a name', { workload: { ...GOOD, groups: [{ ...GOOD.groups[0], name: MARKUP }] } }, { field: 'groups[0].name', text: 'must be text of 1 to 32 characters' }],
  // JSON text that JSON.parse reads as something JSON can't write back: the link stays as given.
  ['1e999 threads', { raw: '{"strategy":"concurrent","threads":1e999,"groups":[{"name":"ok","count":2,"cpuMs":5,"ioMs":10}]}' },
    { field: 'threads', text: 'got Infinity (not a finite number)' }],
  ['-1e400 computing', { raw: '{"strategy":"concurrent","groups":[{"name":"ok","count":2,"cpuMs":-1e400,"ioMs":10}]}' },
    { field: 'groups[0].cpuMs', text: 'must be a number from 0 to 5000, got -Infinity (not a finite number)' }],
  ['a count nested 200 levels deep', { raw: `{"strategy":"concurrent","groups":[{"name":"ok","count":${'{"a":'.repeat(200)}1${'}'.repeat(200)},"cpuMs":5,"ioMs":10}]}` },
    { field: 'groups[0].count', text: 'must be a whole number from 0 to 1000, got an object nested 200 levels deep' }],
  ['a zero-width space as a name', { workload: { ...GOOD, groups: [{ ...GOOD.groups[0], name: '\u200b' }] } },
    { field: 'groups[0].name', text: 'got only invisible characters (U+200B)' }],
  ['a lone right-to-left mark as a name', { workload: { ...GOOD, groups: [{ ...GOOD.groups[0], name: '\u200f' }] } },
    { field: 'groups[0].name', text: 'got only invisible characters (U+200F)' }],
];

test('the link: bad values open marked, with their message and value, Run waits; nothing is coerced', async ({ page }) => {
  const problems = watchForErrors(page);
  for (const [name, query, expected] of LINK_CASES) {
    const given = query.raw ?? JSON.stringify(query.workload);
    const search = `?workload=${encodeURIComponent(given)}`;
    await openPlayground(page, ISOLATED, search);
    await expect(page.locator('#run'), name).toBeDisabled();
    const slot = page.locator(`[aria-invalid="true"] ~ .field-error, .field-error`).filter({ hasText: expected.text });
    await expect(slot.first(), `${name}: the message is shown`).toBeVisible();
    // The link still holds what was given, to the character: the page rewrites it only once
    // the reader edits.
    expect(new URL(page.url()).searchParams.get('workload'), `${name}: the link is kept as given`).toBe(given);
    expect(await page.evaluate(() => window.pwned ?? null), `${name}: markup stays text`).toBeNull();
  }
  counted += LINK_CASES.length;

  // Other link troubles: said, with the page working.
  const said = async (search, text) => {
    await openPlayground(page, ISOLATED, search);
    await expect(page.locator('#problems')).toContainText(text);
    counted++;
  };
  await said('?workload=%7Bnot-json&preset=nope', 'Unknown preset “nope”');
  await said('?workload=[1,2]', 'could not be read (not an object)');
  await said('?preset=__proto__', 'Unknown preset “__proto__”');
  await said('?preset=constructor', 'Unknown preset “constructor”');
  await said('?preset=cpu&preset=io', 'The link gives “preset” 2 times: the first (cpu) counts.');
  await said(`?preset=${'p'.repeat(5000)}`, `Unknown preset “${'p'.repeat(40)}…”`);

  // Fixing the field is enough: Run comes back and works.
  await openPlayground(page, ISOLATED, `?workload=${encodeURIComponent(JSON.stringify({ ...GOOD, threads: 0 }))}`);
  await expect(page.locator('#run')).toBeDisabled();
  await page.locator('#editor input[type=range]').fill('2');
  await expect(page.locator('#run')).toBeEnabled();
  await page.click('#run');
  await expect(page.locator('.run[data-status="completed"]')).toHaveCount(1, { timeout: 30_000 });
  // Editing another field of a link with 1e999: the link isn't rewritten with null meanwhile.
  const infinite = '{"strategy":"concurrent","threads":1e999,"groups":[{"name":"ok","count":2,"cpuMs":5,"ioMs":10}]}';
  await openPlayground(page, ISOLATED, `?workload=${encodeURIComponent(infinite)}`);
  await page.locator('#editor input[aria-label="Tasks, group 1"]').fill('3');
  await expect(page.locator('.field-error').filter({ hasText: 'got Infinity (not a finite number)' })).toBeVisible();
  expect(new URL(page.url()).searchParams.get('workload')).toBe(infinite);
  await page.locator('#copy-link').click();
  await expect(page.locator('#action-note')).toContainText('values a link can’t carry as they are'); // next to the button
  await page.evaluate(() => { document.getElementById('action-note').textContent = ''; });
  await page.locator('#copy-embed').click();
  await expect(page.locator('#action-note')).toContainText('values a link can’t carry as they are');
  await page.locator('#editor input[type=range]').fill('2');
  await expect(page.locator('#run')).toBeEnabled();
  expect(JSON.parse(new URL(page.url()).searchParams.get('workload')).threads).toBe(2);
  counted += 2;
  // The two spellings of "café", and 32 decomposed "é": valid.
  for (const names of [['caf\u00e9', 'cafe\u0301'], ['e\u0301'.repeat(32)]]) {
    const groups = names.map((n) => ({ ...GOOD.groups[0], name: n }));
    await openPlayground(page, ISOLATED, `?workload=${encodeURIComponent(JSON.stringify({ ...GOOD, groups }))}`);
    await expect(page.locator('#run')).toBeEnabled();
    counted++;
  }
  // Unicode of every kind is fine as a name.
  await openPlayground(page, ISOLATED, `?workload=${encodeURIComponent(JSON.stringify({ ...GOOD, groups: [{ ...GOOD.groups[0], name: 'مرحبا 👋 日本' }] }))}`);
  await expect(page.locator('#run')).toBeEnabled();
  counted++;
  expect(problems).toEqual([]);
});

test('the link stays short for the biggest workload the editor makes', async ({ page }) => {
  await openPlayground(page);
  const biggest = {
    strategy: 'processes', threads: 16, globalLock: true, yieldMs: 999.5, jitter: 0.9, seed: 4_294_967_295,
    groups: Array.from({ length: 12 }, (_, i) => ({ name: `${'W'.repeat(29)}${String(i).padStart(3, '0')}`, count: 83, cpuMs: 4999.5,
      ioMs: 9999.5, steps: 100, dataKb: 8192, everyMs: 9999.5 })),
  };
  const length = await page.evaluate(async (w) => {
    const { urlFor } = await import('./shared/url-state.js');
    return urlFor(w, { presetId: 'one-core' }).href.length;
  }, biggest);
  console.log(`the biggest editor workload's link: ${length} characters`);
  expect(length).toBeLessThan(8_000); // MAX_LINK; serve answers 431 from about 16 KB
  counted++;
});

test('a link of 10,000 groups costs the page no more than a good one: 12 rows drawn, the rest counted', async ({ page }) => {
  const problems = watchForErrors(page);
  const workload = { strategy: 'sequential', groups: Array.from({ length: 10_000 }, (_, i) => ({ name: `g${i}`, count: 1, cpuMs: 1, ioMs: 0 })) };
  // 860,000 characters: more than serve takes in a request line (431), so the page's HTML is
  // given for that address by the browser itself; everything else comes from the server.
  await page.route('**/index.html?workload=**', async (route) => {
    const response = await route.fetch({ url: `${ISOLATED}/index.html` });
    await route.fulfill({ response });
  });
  await page.goto(`${ISOLATED}/index.html?workload=${encodeURIComponent(JSON.stringify(workload))}`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 60_000 });
  const readyMs = await page.evaluate(() => performance.now());
  console.log(`a link of 10,000 groups: ready at ${Math.round(readyMs)} ms`);
  expect(await page.locator('#editor li.group').count()).toBe(12);
  await expect(page.locator('.groups-hidden')).toContainText('…and 9,988 more groups, not shown: a workload has at most 12.');
  await expect(page.locator('.field-error').filter({ hasText: 'has 10000 groups: must have from 1 to 12' })).toBeVisible();
  await expect(page.locator('#run')).toBeDisabled();
  expect(readyMs).toBeLessThan(10_000); // was 15-35 s: every row drawn
  // Removing them is the reader's call, and then Run works.
  await page.locator('.groups-hidden button').click();
  await expect(page.locator('.groups-hidden')).toBeHidden();
  await expect(page.locator('#run')).toBeEnabled();
  await page.click('#run');
  await expect(page.locator('.run[data-status="completed"]')).toHaveCount(1, { timeout: 30_000 });
  counted++;
  expect(problems).toEqual([]);
});

test('the embed describes a workload with a null group, or 10 groups, in words, never "undefined"', async ({ page }) => {
  const problems = watchForErrors(page);
  for (const [groups, words] of [
    [[null], 'group 1: not valid yet (see the editor)'],
    [[{ name: 'a', count: 'x', cpuMs: 1, ioMs: 0 }], 'group 1: not valid yet'],
    [Array.from({ length: 10 }, (_, i) => ({ name: `g${i}`, count: 1, cpuMs: 1, ioMs: 0 })), 'and 6 more groups'],
  ]) {
    await page.goto(`${ISOLATED}/embed.html?editor=1&workload=${encodeURIComponent(JSON.stringify({ strategy: 'sequential', groups }))}`);
    await page.waitForFunction(() => window.embedFrame?.ready === true, null, { timeout: 60_000 });
    await expect(page.locator('#claim')).toContainText(words);
    await expect(page.locator('#claim')).not.toContainText('undefined');
    counted++;
  }
  expect(problems).toEqual([]);
});

/** Embed parameters: `[name, query, notice expected]`. */
const PARAM_CASES = [
  ['a flag named like a built-in', 'editor=constructor', 'Ignored editor=constructor: use 1 or 0.'],
  ['a flag named __proto__', 'autorun=__proto__', 'Ignored autorun=__proto__: use 1 or 0.'],
  ['an empty strategy list', 'strategies=,,,', 'Ignored strategies=,,,: use a comma-separated list of sequential, concurrent, parallel, hybrid, processes.'],
  ['markup as a theme', `theme=${encodeURIComponent(MARKUP)}`, 'Ignored theme=<img src=x onerror="window.pwned=1"><scr…: use light, dark, auto.'],
  ['a repeated parameter', 'theme=dark&theme=light', 'The link gives “theme” 2 times: the first (dark) counts.'],
  ['an unknown parameter with markup', `${encodeURIComponent(MARKUP)}=1`, 'Unknown parameter “<img src=x onerror="window.pwned=1"><scr…” ignored'],
  ['a javascript: origin', 'origin=javascript:alert(1)', 'Ignored origin=javascript:alert(1): use comma-separated origins'],
  ['a preset named like a built-in', 'preset=toString', 'Unknown preset “toString”'],
  ['1e999 threads', `workload=${encodeURIComponent('{"strategy":"concurrent","threads":1e999,"groups":[{"name":"ok","count":2,"cpuMs":5,"ioMs":10}]}')}`,
    'The workload in the URL was rejected: threads: must be a whole number from 1 to 16 (the most workers a pool has; a run gets what its pool has), got Infinity (not a finite number)'],
  ['a group nested 300 levels deep', `workload=${encodeURIComponent(`{"strategy":"concurrent","groups":[${'['.repeat(300)}${']'.repeat(300)}]}`)}`,
    'groups[0]: must be an object with name, count, cpuMs, ioMs, steps, dataKb, everyMs, increments and locks, got a list nested 300 levels deep'],
  ['a bad workload', `workload=${encodeURIComponent(JSON.stringify({ ...GOOD, threads: 'all' }))}`, 'The workload in the URL was rejected: threads: must be a whole number'],
  ['a workload that is not an object', 'workload=42', 'could not be read (not an object)'],
];

test('the embed’s parameters: each bad one is listed as text, and the frame still runs', async ({ page }) => {
  const problems = watchForErrors(page);
  for (const [name, query, notice] of PARAM_CASES) {
    // The frame's own settings, unless the case gives that parameter itself.
    const base = ['preset=one-core', 'strategies=concurrent'].filter((p) => !query.startsWith(`${p.split('=')[0]}=`));
    await page.goto(`${ISOLATED}/embed.html?${[...base, query].join('&')}`);
    await page.waitForFunction(() => window.embedFrame?.ready === true, null, { timeout: 60_000 });
    await expect(page.locator('#notices'), name).toContainText(notice);
    expect(await page.evaluate(() => window.pwned ?? null), `${name}: markup stays text`).toBeNull();
  }
  counted += PARAM_CASES.length;
  await page.click('#run');
  await expect(page.locator('.run[data-status="completed"]')).toHaveCount(1, { timeout: 30_000 });
  expect(problems).toEqual([]);
});

test('postMessage: hostile messages are ignored or answered with an error; the frame keeps answering', async ({ page }) => {
  const problems = watchForErrors(page);
  await page.goto(`${HOST}/index.html`);
  await page.setContent(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>host</title><script>
    window.received = []; addEventListener('message', (e) => window.received.push(e.data));
  </script></head><body><iframe id="f" src="${ISOLATED}/embed.html?preset=one-core&amp;strategies=concurrent" style="width:100%;height:400px;border:0"></iframe></body></html>`);
  const frame = page.frame({ url: /embed\.html/ });
  await frame.waitForFunction(() => window.embedFrame?.ready === true, null, { timeout: 60_000 });
  const post = (message) => page.evaluate((m) => document.getElementById('f').contentWindow.postMessage(m, '*'), message);
  const ours = (fields) => ({ source: SOURCE, version: 1, ...fields });
  const ignored = [
    null, undefined, 42, 'run', [], {}, { type: 'run' }, MEGA,
    { source: 'someone-else', version: 1, type: 'run' },
    ours({ version: 2, type: 'run' }),
    ours({ type: 'explode' }),
    ours({ type: '__proto__' }),
    ours({ type: 'run', id: { nested: true } }),
    ours({ type: 'run', strategies: 'parallel' }),
    ours({ type: 'run', strategies: ['warp'] }),
    ours({ type: 'run', workload: MEGA }),
    ours({ type: 'setWorkload' }),
  ];
  for (const message of ignored) await post(message);
  await expect.poll(() => frame.evaluate(() => window.embedFrame.ignored)).toBe(ignored.length);
  counted += ignored.length;
  // A key named __proto__ is only a field the frame doesn't know (ignored, as documented):
  // the hello is answered, and no object's prototype changes.
  await post(JSON.parse(`{"source":"${SOURCE}","version":1,"type":"hello","__proto__":{"polluted":true}}`));
  await page.waitForFunction(() => window.received.filter((m) => m?.type === 'ready').length >= 2);
  counted++;

  // Well-formed messages with bad content: an `error` naming the problem.
  await post(ours({ type: 'run', id: 'bad', workload: { ...GOOD, groups: [{ ...GOOD.groups[0], name: MEGA }] } }));
  await page.waitForFunction(() => window.received.some((m) => m?.type === 'error' && m.id === 'bad'));
  const error = await page.evaluate(() => window.received.find((m) => m?.type === 'error' && m.id === 'bad'));
  expect(error.code).toBe('invalid-workload');
  expect(error.message).toMatch(/^groups\[0\]\.name: must be text of 1 to 32 characters, got "m{40}\.\.\."$/);
  // What structured cloning carries and JSON doesn't: named by field, with the range.
  const answers = await page.evaluate(async ([good, source]) => {
    const frame = document.getElementById('f').contentWindow;
    const ask = (id, workload) => new Promise((resolve) => {
      const listen = (e) => { if (e.data?.id === id && (e.data.type === 'error' || e.data.type === 'result')) { removeEventListener('message', listen); resolve(e.data.message ?? e.data.type); } };
      addEventListener('message', listen);
      frame.postMessage({ source, version: 1, type: 'setWorkload', id, workload }, '*');
    });
    let nested = [];
    for (let i = 1; i < 1000; i++) nested = [nested];
    let shared = [1];
    for (let i = 0; i < 40; i++) shared = [shared, shared];
    return {
      nan: await ask('nan', { ...good, threads: NaN }),
      infinity: await ask('inf', { ...good, groups: [{ ...good.groups[0], ioMs: Infinity }] }),
      bigint: await ask('big', { ...good, seed: 2n }),
      nested: await ask('nested', { ...good, groups: [nested] }),
      shared: await ask('shared', { ...good, groups: [{ ...good.groups[0], x: shared }] }),
      invisible: await ask('invisible', { ...good, groups: [{ ...good.groups[0], name: '\u200b\u200f' }] }),
    };
  }, [GOOD, SOURCE]);
  expect(answers.nan).toBe('threads: must be a whole number from 1 to 16 (the most workers a pool has; a run gets what its pool has), got NaN (not a finite number)');
  expect(answers.infinity).toBe('groups[0].ioMs: must be a number from 0 to 10000, got Infinity (not a finite number)');
  expect(answers.bigint).toBe('seed: 2n is a BigInt: use a plain number');
  expect(answers.nested).toBe('groups[0]: must be an object with name, count, cpuMs, ioMs, steps, dataKb, everyMs, increments and locks, got a list nested 1000 levels deep');
  expect(answers.shared).toMatch(/^workload: holds more than 200000 values/);
  expect(answers.invisible).toBe('groups[0].name: must be text of 1 to 32 characters a reader can see, got only invisible characters (U+200B U+200F)');
  counted += 6;
  await post(ours({ type: 'cancel' })); // nothing running: nothing happens
  // Two runs at once: the second is refused while the first goes.
  await post(ours({ type: 'run', id: 'slow', workload: { ...GOOD, groups: [{ name: 'wait', count: 2, cpuMs: 0, ioMs: 600, steps: 1 }] } }));
  await post(ours({ type: 'run', id: 'second' }));
  await page.waitForFunction(() => window.received.some((m) => m?.type === 'error' && m.id === 'second'));
  expect(await page.evaluate(() => window.received.find((m) => m?.id === 'second').code)).toBe('busy');
  await page.waitForFunction(() => window.received.some((m) => m?.type === 'result' && m.id === 'slow'), null, { timeout: 30_000 });
  counted += 3;

  await post(ours({ type: 'run', id: 'ok', workload: GOOD }));
  await page.waitForFunction(() => window.received.some((m) => m?.type === 'result' && m.id === 'ok'), null, { timeout: 30_000 });
  expect(await frame.evaluate(() => Object.prototype.polluted ?? null)).toBeNull();
  expect(problems).toEqual([]);
});

test('a view that fails to load (the network) is said by the run that needs it, in the page and the embed; nothing is thrown', async ({ page }) => {
  const errors = collectPageErrors(page);
  await page.route('**/views/results.js', (route) => route.abort());
  // t=: the link's replay cursor asks for the view too, before any run.
  await openPlayground(page, ISOLATED, '?preset=one-core&t=50', { settled: false });
  await page.click('#run');
  await expect(page.locator('#summary')).toContainText('The run failed: ', { timeout: 30_000 });
  await expect(page.locator('#run')).toBeEnabled();

  await page.goto(`${ISOLATED}/embed.html?preset=one-core&t=50`);
  await page.waitForFunction(() => window.embedFrame?.ready === true, null, { timeout: 60_000 });
  await page.click('#run');
  await expect(page.locator('#status')).toContainText('The run failed: ', { timeout: 30_000 });
  await page.waitForTimeout(500); // an unhandled rejection is reported a task later
  expect(errors).toEqual([]);
});
