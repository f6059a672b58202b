// Recorded batches of every preset, for the verdict tests: each fixture is one browser on one
// machine in one state (quiet, busy, one core, no threads), every preset's runs with all their
// rounds, as the page measured them. tests/unit/record-verdicts.mjs records them again.
//
// Stored gzip'd, compact: a span is [task, group, step, lane, kind, start, end] and, for a span
// with details (a lock, its holder, the value an update read), an object of them; taskTimes are
// kept only for runs whose tasks arrived over time or that hold the counter or locks (their words
// name a task's group).
import { readFileSync, readdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export const FIXTURES = new URL('./fixtures/', import.meta.url);

/** `{ name: { caps, presets: { [id]: done } } }` for every fixture, spans as objects again. */
export function loadFixtures() {
  const fixtures = {};
  for (const file of readdirSync(FIXTURES).filter((f) => f.endsWith('.json.gz')).sort()) {
    const data = JSON.parse(gunzipSync(readFileSync(new URL(file, FIXTURES))).toString('utf8'));
    for (const done of Object.values(data.presets)) {
      for (const run of done) for (const round of run.rounds) round.result.spans = round.result.spans.map(expandSpan);
    }
    fixtures[file.replace(/\.json\.gz$/, '')] = data;
  }
  return fixtures;
}

function expandSpan([task, group, step, lane, kind, start, end, details]) {
  return { task, group, step, lane, kind, start, end, ...details };
}

/** A span's details beyond the seven fields every span has (a lock, its holder, a value read), or nothing. */
const DETAILS = ['lock', 'holder', 'holderLane', 'value'];
function detailsOf(span) {
  const details = Object.fromEntries(DETAILS.filter((key) => span[key] !== undefined).map((key) => [key, span[key]]));
  return Object.keys(details).length ? [details] : [];
}

/** The compact form of a batch's rounds (page.rounds), as stored. */
export function compactRounds(rounds) {
  return rounds.map(({ label, workload, rounds: all }) => ({
    label,
    workload,
    rounds: all.map(({ result, smoothness }) => {
      const { taskTimes, spans, ...rest } = result;
      const arrivals = taskTimes?.some((t) => t.arrival > 0) || result.counter || result.lockNames?.length;
      const dropped = beyondKept(spans);
      return {
        smoothness: smoothness && { fps: round(smoothness.fps), longestGapMs: round(smoothness.longestGapMs), longTasks: smoothness.longTasks,
          inputs: smoothness.inputs ?? 0, longestInputDelayMs: smoothness.longestInputDelayMs ?? null },
        result: { ...rest, ...(arrivals ? { taskTimes } : {}),
          spans: spans.filter((span) => !dropped.has(span)).map((s) => [s.task, s.group, s.step, s.lane, s.kind, round(s.start), round(s.end), ...detailsOf(s)]) },
      };
    }),
  }));
}

const round = (ms) => Math.round(ms * 10) / 10;

/**
 * Spans of one kind kept per round of a run in a fixture. A race records thousands (an update and
 * a slice of computing per increment: 8,000 each); the first by start are enough for what the
 * verdicts read of them (the counter's counts are the result's, the first collision is early, and
 * how fast a run computed is its `computing`, not its spans).
 */
const KEPT_PER_KIND = 400;

/** The spans past the first KEPT_PER_KIND of their kind, by start: left out of a fixture. */
function beyondKept(spans) {
  const byKind = new Map();
  for (const span of spans) (byKind.get(span.kind) ?? byKind.set(span.kind, []).get(span.kind)).push(span);
  return new Set([...byKind.values()].flatMap((list) => list.sort((a, b) => a.start - b.start).slice(KEPT_PER_KIND)));
}
