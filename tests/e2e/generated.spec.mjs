// Generated inputs at every door, judged by the engine itself (wasm: it runs in the browser).
// fast-check runs here, in node; each case is evaluated in the embed page, which has the JS API
// (window.playground), the link's parser, the embed's parameter reader and the protocol's
// parser, as the page and the frame use them. The seed is printed first; FC_SEED (and FC_PATH)
// replay a failure, FC_RUNS runs more cases.
import { test, expect } from '@playwright/test';
import fc from 'fast-check';
import { ISOLATED, watchForErrors } from './util.mjs';
import { jsNumber, jsonValue, nearValid, rawWorkload, runOptions, workload } from '../generated/arbitraries.mjs';

/** In the page: every door's verdict on one workload, as the doors hand it to the engine. */
async function verdicts(page, json, raw = false) {
  return page.evaluate(async ([text, raw]) => {
    const { readState } = await import('./shared/url-state.js');
    const { readParams } = await import('./embed/params.js');
    const { parseMessage, SOURCE } = await import('./embed/protocol.js');
    const pg = window.playground;
    const errorsOf = (w) => pg.validate(w).map((e) => `${e.field}: ${e.message}`);
    const query = `?workload=${encodeURIComponent(text)}`;
    const linked = readState(query, ['io']).workload;
    const embedded = readParams(query).workload;
    const value = JSON.parse(text);
    const posted = parseMessage({ source: SOURCE, version: 1, type: 'setWorkload', workload: structuredClone(value) });
    return {
      api: raw ? null : errorsOf(value),
      link: linked === null ? 'not read' : errorsOf(linked),
      embed: embedded === null ? 'not read' : errorsOf(embedded),
      message: posted.ok ? errorsOf(posted.message.workload) : `ignored: ${posted.reason}`,
      same: linked !== null && JSON.stringify(linked) === JSON.stringify(value) && JSON.stringify(embedded) === JSON.stringify(value),
    };
  }, [json, raw]);
}

test.describe.configure({ mode: 'serial' });

test('every door gives the engine the same workload and gets the same verdict: any JSON, valid, near-valid, raw text', async ({ page }) => {
  test.setTimeout(180_000);
  const problems = watchForErrors(page);
  await page.goto(`${ISOLATED}/embed.html`);
  await page.waitForFunction(() => window.embedFrame?.ready === true, null, { timeout: 60_000 });
  const cases = fc.oneof(workload, nearValid(), jsonValue.filter((v) => v !== null && typeof v === 'object' && !Array.isArray(v)));
  await fc.assert(fc.asyncProperty(cases, async (w) => {
    const v = await verdicts(page, JSON.stringify(w));
    // Nothing coerced on the way, and one verdict at every door.
    expect(v.same).toBe(true);
    expect(v.link).toEqual(v.api);
    expect(v.embed).toEqual(v.api);
    expect(v.message).toEqual(v.api);
    for (const message of v.api) expect(message.length).toBeLessThan(2_000);
  }), runOptions('doors agree', 150));
  // Raw link text (1e999, deep nesting): the link and the embed read it alike, the engine names the field.
  await fc.assert(fc.asyncProperty(rawWorkload, async (text) => {
    const v = await verdicts(page, text, true);
    expect(v.embed).toEqual(v.link);
    expect(v.message).toEqual(v.link);
    // (A key given twice, as "seed" can be here: the last counts, at every door.)
    expect(Array.isArray(v.link)).toBe(true);
    expect(v.link.some((m) => m.startsWith('workload: is not valid JSON'))).toBe(false);
  }), runOptions('raw link text', 100));
  expect(problems).toEqual([]);
});

test('the JS API: any JavaScript value (NaN, -0, BigInt, undefined, cycles, deep) gets an answer naming a field it has', async ({ page }) => {
  test.setTimeout(180_000);
  const problems = watchForErrors(page);
  await page.goto(`${ISOLATED}/embed.html`);
  await page.waitForFunction(() => window.embedFrame?.ready === true, null, { timeout: 60_000 });
  // Built in the page from a recipe: what JSON and structured cloning can't carry.
  const recipe = fc.record({
    workload: nearValid(fc.oneof(jsNumber, jsonValue)),
    odd: fc.constantFrom('none', 'undefined', 'bigint', 'cycle', 'deep', 'shared', 'function', 'symbol-key', 'date', 'number-object'),
    depth: fc.integer({ min: 1, max: 3000 }),
    where: fc.constantFrom('threads', 'groups', 'group', 'name', 'extra'),
  });
  await fc.assert(fc.asyncProperty(recipe, async (r) => {
    const out = await page.evaluate((r) => {
      const w = r.workload;
      const odd = {
        none: () => 1, undefined: () => undefined, bigint: () => 2n, function: () => () => 1, date: () => new Date(0),
        'number-object': () => Object(3), 'symbol-key': () => ({ [Symbol('s')]: 1 }),
        cycle: () => w, deep: () => { let v = 0; for (let i = 0; i < r.depth; i++) v = [v]; return v; },
        shared: () => { let v = [1]; for (let i = 0; i < 30; i++) v = [v, v]; return v; },
      }[r.odd]();
      const g = Array.isArray(w.groups) && w.groups[0] && typeof w.groups[0] === 'object' ? w.groups[0] : null;
      if (r.where === 'threads') w.threads = odd;
      else if (r.where === 'groups') w.groups = odd;
      else if (r.where === 'group' && Array.isArray(w.groups)) w.groups[0] = odd;
      else if (r.where === 'name' && g) g.name = odd;
      else w.extra = odd;
      const t0 = performance.now();
      let errors;
      try {
        errors = window.playground.validate(w);
      } catch (error) {
        return { threw: String(error) };
      }
      return { errors, ms: performance.now() - t0, keys: Object.keys(w) };
    }, r);
    expect(out.threw).toBeUndefined();
    expect(Array.isArray(out.errors)).toBe(true);
    expect(out.ms).toBeLessThan(2_000);
    for (const { field, message } of out.errors) {
      expect(typeof field).toBe('string');
      expect(message.length).toBeLessThan(2_000);
      // The field is the workload, or a path of its fields as the engine names them: a key of
      // the workload (as it is, or its first 40 characters and "...": a key may be "[" too), or
      // a group's (any key: "\n" too).
      const key = out.keys.some((k) => field === k || (field.endsWith('...') && k.startsWith(field.slice(0, -3))));
      expect(key || /^(workload|[^[\]]*|groups\[\d+\](\..*)?)$/s.test(field), `${JSON.stringify(field)} names a field of ${JSON.stringify(out.keys)}`).toBe(true);
    }
    if (r.odd === 'deep' && r.depth > 64 && out.errors.length) expect(out.errors.some((e) => e.message.includes('nested') || e.message.includes('not a known field') || e.field === 'groups')).toBe(true);
  }), runOptions('any JS value', 150));
  expect(problems).toEqual([]);
});
