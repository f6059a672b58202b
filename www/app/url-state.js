// The page's state in its URL, so a link reproduces a workload:
//   ?preset=io                          a preset (its workload)
//   ?workload=<JSON, URI-encoded>       a full workload (wins over preset)
// Embedding adds more parameters (see embed.js). Reading never throws: a garbled URL gives a
// message and the default preset.

export const DEFAULT_PRESET = 'io';

/**
 * Reads `{ presetId, workload, problems }` from a query string. `workload` is null unless
 * the URL has one; `problems` are messages for the person (shown, not thrown).
 */
export function readState(search, knownPresets) {
  const params = new URLSearchParams(search);
  const problems = [];
  let presetId = params.get('preset');
  if (presetId !== null && !knownPresets.includes(presetId)) {
    problems.push(`Unknown preset “${presetId}” in the link (known: ${knownPresets.join(', ')}); showing “${DEFAULT_PRESET}”.`);
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
      problems.push(`The workload in the link could not be read (${error.message}); showing the “${presetId ?? DEFAULT_PRESET}” preset instead.`);
    }
  }
  return { presetId: presetId ?? (workload ? null : DEFAULT_PRESET), workload, problems, params };
}

/** The URL for a workload (keeping other parameters, e.g. embed ones). */
export function urlFor(workload, { presetId = null, base = location.href } = {}) {
  const url = new URL(base);
  url.searchParams.delete('preset');
  url.searchParams.set('workload', JSON.stringify(workload));
  if (presetId) url.searchParams.set('preset', presetId);
  return url;
}

export function writeState(workload, presetId) {
  history.replaceState(null, '', urlFor(workload, { presetId }));
}
