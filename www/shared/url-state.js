// The page's state in its URL, so a link reproduces a workload:
//   ?preset=io                          a preset (its workload)
//   ?workload=<JSON, URI-encoded>       a full workload (wins over preset)
//   &t=<ms>                             where the replay's cursor goes once the runs have ended
// Embedding adds more parameters (see embed.js). Reading never throws: a garbled URL gives a
// message and the default preset.

import { cut } from './text.js';

export const DEFAULT_PRESET = 'io';

/**
 * Reads `{ presetId, workload, cursorMs, problems }` from a query string. `workload` is null
 * unless the URL has one, `cursorMs` unless it has a `t`; `problems` are messages for the
 * person (shown, not thrown).
 */
export function readState(search, knownPresets) {
  const params = new URLSearchParams(search);
  const problems = [];
  // A parameter given twice: the first counts, and the reader is told.
  for (const name of new Set(params.keys())) {
    const values = params.getAll(name);
    if (values.length > 1) {
      problems.push(`The link gives “${cut(name)}” ${values.length} times: the first (${cut(values[0]) || 'empty'}) counts.`);
    }
  }
  let presetId = params.get('preset');
  if (presetId !== null && !knownPresets.includes(presetId)) {
    problems.push(`Unknown preset “${cut(presetId)}” in the link (known: ${knownPresets.join(', ')}); showing “${DEFAULT_PRESET}”.`);
    presetId = null;
  }
  let workload = null;
  const raw = params.get('workload');
  if (raw !== null) {
    try {
      const parsed = JSON.parse(raw);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      workload = parsed;
    } catch (error) {
      problems.push(`The workload in the link could not be read (${cut(error.message, 80)}); showing the “${presetId ?? DEFAULT_PRESET}” preset instead.`);
    }
  }
  let cursorMs = null;
  const t = params.get('t');
  if (t !== null) {
    cursorMs = Number(t);
    if (t.trim() === '' || !Number.isFinite(cursorMs) || cursorMs < 0) {
      problems.push(`The replay time in the link (t=${cut(t)}) is not a number of ms; the replay starts at the end.`);
      cursorMs = null;
    }
  }
  return { presetId: presetId ?? (workload ? null : DEFAULT_PRESET), workload, cursorMs, problems, params };
}


/**
 * The longest link the page makes (characters): servers refuse longer request lines (serve
 * answers 431 beyond about 16 KB), so a state that would need more is never put in a link.
 */
export const MAX_LINK = 8_000;

/**
 * A workload as the JSON a link carries, or null when JSON would change it: a number that is
 * not finite (JSON writes NaN and 1e999 as null), a BigInt, a structure too deep to write.
 */
export function linkJson(workload) {
  try {
    return JSON.stringify(workload, (key, value) => {
      if ((typeof value === 'number' && !Number.isFinite(value)) || typeof value === 'bigint') throw new RangeError('not JSON');
      return value;
    });
  } catch {
    return null;
  }
}

/**
 * The URL for a workload (keeping other parameters, e.g. embed ones), with the replay's
 * cursor if given; null when a link can't carry the workload as it is (see linkJson).
 */
export function urlFor(workload, { presetId = null, cursorMs = null, base = location.href } = {}) {
  const json = linkJson(workload);
  if (json === null) return null;
  const url = new URL(base);
  url.searchParams.delete('preset');
  url.searchParams.delete('t');
  url.searchParams.set('workload', json);
  if (presetId) url.searchParams.set('preset', presetId);
  if (cursorMs !== null) url.searchParams.set('t', String(Math.round(cursorMs * 10) / 10));
  return url;
}

/**
 * Puts the workload in the page's address, unless its link would be too long or can't carry
 * it as it is (then the address keeps what it had, and this says so: false).
 */
export function writeState(workload, presetId, cursorMs = null) {
  const url = urlFor(workload, { presetId, cursorMs });
  if (url === null || url.href.length > MAX_LINK) return false;
  history.replaceState(null, '', url);
  return true;
}
