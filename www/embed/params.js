// The embed view's URL parameters: what each accepts, and the reading of a query string into
// settings. Pure (no DOM): tested in node. Nothing is thrown: what is wrong ends up in
// `problems`, which the frame lists.

import { PRESETS } from '../shared/presets.js';
import { readState } from '../shared/url-state.js';
import { cut } from '../shared/text.js';
import { STEP_IDS, readLessonParam } from '../shared/lesson-steps.js';
// The strategy names the protocol documents for host pages (the engine's, checked by a test):
// URL parameters are read before the engine has loaded.
import { STRATEGIES, THEMES } from './protocol.js';

// A Map, not an object: "constructor" or "__proto__" must not read as a flag.
const FLAGS = new Map([['1', true], ['true', true], ['yes', true], ['', true], ['0', false], ['false', false], ['no', false]]);
export const PRESET_IDS = PRESETS.map((p) => p.id);

/** Every parameter the embed view reads, with what it accepts (shown when one is wrong). */
export const PARAMS = {
  preset: `one of ${PRESET_IDS.join(', ')}`,
  workload: 'a workload as JSON (URI-encoded)',
  strategies: `a comma-separated list of ${STRATEGIES.join(', ')}`,
  editor: '1 or 0',
  autorun: '1 or 0',
  theme: THEMES.join(', '),
  compact: '1 or 0',
  replay: '1 or 0',
  t: 'a number of ms (where the replay starts once the runs have ended)',
  origin: 'comma-separated origins like https://example.com',
  lesson: `a step of the lesson, 1 to ${STEP_IDS.length} (the frame shows that step alone)`,
};

/**
 * Reads a query string: `{ presetId, workload, strategies, theme, origins, cursorMs, lesson,
 * editor, autorun, compact, replay, problems }` (`lesson`: a step's index from 0, or null).
 * Never throws.
 */
export function readParams(search) {
  const { presetId, workload, cursorMs, problems, params } = readState(search, PRESET_IDS);
  for (const name of new Set(params.keys())) {
    if (!Object.hasOwn(PARAMS, name)) problems.push(`Unknown parameter “${cut(name)}” ignored (allowed: ${Object.keys(PARAMS).join(', ')}).`);
  }
  const bad = (name, value) => problems.push(`Ignored ${name}=${cut(value)}: use ${PARAMS[name]}.`);
  const flag = (name) => {
    const value = params.get(name);
    if (value === null) return false;
    if (FLAGS.has(value.toLowerCase())) return FLAGS.get(value.toLowerCase());
    bad(name, value);
    return false;
  };
  const lesson = readLessonParam(params.get('lesson'));
  if (lesson.problem) problems.push(lesson.problem);
  let theme = params.get('theme') ?? 'auto';
  if (!THEMES.includes(theme)) {
    bad('theme', theme);
    theme = 'auto';
  }
  return {
    presetId, workload, theme, problems, cursorMs, lesson: lesson.index,
    strategies: readStrategies(params.get('strategies'), bad),
    origins: readOrigins(params.get('origin'), bad),
    editor: flag('editor'), autorun: flag('autorun'), compact: flag('compact'), replay: flag('replay'),
  };
}

/** The strategies listed (known ones, once each), or null for none given or none known. */
function readStrategies(listed, bad) {
  if (listed === null) return null;
  const names = listed.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((s) => !STRATEGIES.includes(s));
  if (unknown.length) bad('strategies', unknown.join(','));
  else if (names.length === 0) bad('strategies', listed);
  const known = [...new Set(names.filter((s) => STRATEGIES.includes(s)))];
  return known.length ? known : null;
}

/** The origins allowed to talk to the frame; null (none given) answers any and posts to the parent only. */
function readOrigins(allowed, bad) {
  if (allowed === null) return null;
  const origins = [];
  for (const text of allowed.split(',').map((s) => s.trim()).filter(Boolean)) {
    const origin = asOrigin(text);
    if (origin) origins.push(origin); else bad('origin', text);
  }
  return origins;
}

/** "https://example.com" from "https://example.com" or ".../", null for anything else. */
function asOrigin(text) {
  try {
    const url = new URL(text);
    const exact = url.origin === text.replace(/\/$/, '');
    return exact && (url.protocol === 'https:' || url.protocol === 'http:') ? url.origin : null;
  } catch {
    return null;
  }
}
