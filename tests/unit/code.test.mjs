// The code the replay shows (www/shared/code.js): every Rust excerpt is still the code in src/,
// every strategy has its three listings, and each state a lane can be in marks the right line.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CODE, ELISION, LANGUAGES, RUST_PARTS, lineFor, listing } from '../../www/shared/code.js';
import { engineContract } from './contract.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Finds an excerpt (lines; `// …` skips any number of lines) in a file's lines. Returns
 * `{ ok: true, at }` (1-based line of its first line), or, for the furthest it got, `{ ok: false,
 * failed, matched, fileLine, actual }`: the excerpt's line `failed` (0-based) was expected at
 * `fileLine` (1-based), which reads `actual`, after `matched` lines that did match.
 */
export function findExcerpt(fileLines, excerptLines) {
  const same = (a, b) => a.trimEnd() === b.trimEnd();
  // Segments between elisions, each with the index of its first line in the excerpt.
  const segments = [];
  excerptLines.forEach((line, i) => {
    if (line.trim() === ELISION) segments.push(null);
    else if (segments.length === 0 || segments.at(-1) === null) segments.push({ from: i, lines: [line] });
    else segments.at(-1).lines.push(line);
  });
  const parts = segments.filter(Boolean);
  const leadingGap = segments[0] === null;
  let best = { ok: false, failed: parts[0]?.from ?? 0, matched: -1, fileLine: 1, actual: fileLines[0] ?? '' };
  const prefixAt = (segment, q) => {
    let n = 0;
    while (n < segment.lines.length && q + n < fileLines.length && same(fileLines[q + n], segment.lines[n])) n++;
    return n;
  };
  // Every place the first segment matches (anywhere, as the excerpt starts at some line).
  for (let p = 0; p < fileLines.length; p++) {
    let position = p;
    let matched = 0;
    let ok = true;
    for (const [k, segment] of parts.entries()) {
      const free = k > 0 || leadingGap; // after an elision the segment may start further on
      let found = -1;
      let partial = { n: -1, q: position };
      for (let q = position; q < (free ? fileLines.length : position + 1); q++) {
        const n = prefixAt(segment, q);
        if (n === segment.lines.length) { found = q; break; }
        if (n > partial.n) partial = { n, q };
      }
      if (found < 0) {
        const total = matched + partial.n;
        if (total > best.matched) {
          const fileIndex = partial.q + partial.n;
          best = { ok: false, failed: segment.from + partial.n, matched: total, fileLine: fileIndex + 1, actual: fileLines[fileIndex] ?? '(end of file)' };
        }
        ok = false;
        break;
      }
      matched += segment.lines.length;
      position = found + segment.lines.length;
    }
    if (ok) return { ok: true, at: p + 1 };
    if (leadingGap) break; // the first segment was searched from everywhere already
  }
  return best;
}

test('every Rust excerpt is still the code in src/ (a failure names the excerpt, the line and the file line)', () => {
  const problems = [];
  for (const [name, { file, text }] of Object.entries(RUST_PARTS)) {
    const fileLines = readFileSync(`${ROOT}${file}`, 'utf8').split('\n');
    const lines = text.replace(/^\n/, '').split('\n');
    const found = findExcerpt(fileLines, lines);
    if (!found.ok) {
      problems.push(`RUST_PARTS.${name} (www/shared/code.js) no longer matches ${file}: its line ${found.failed + 1}, ` +
        `“${lines[found.failed].trim()}”, was expected at ${file}:${found.fileLine}, which reads “${found.actual.trim()}” ` +
        `(the ${found.matched} lines before it matched). Copy the block from ${file} again.`);
    }
  }
  assert.deepEqual(problems, []);
});

test('the excerpt finder reports where an excerpt stops matching, and skips lines at an elision', () => {
  const file = ['fn a() {', '    let x = 1;', '    let y = 2;', '    go(x, y);', '}'];
  assert.deepEqual(findExcerpt(file, ['fn a() {', '    // …', '    go(x, y);', '}']), { ok: true, at: 1 });
  const changed = findExcerpt(file, ['fn a() {', '    let x = 1;', '    go(x);']);
  assert.equal(changed.ok, false);
  assert.equal(changed.failed, 2);
  assert.equal(changed.fileLine, 3);
  assert.equal(changed.actual, '    let y = 2;');
});

test('every strategy of the engine has code in Rust, Python and JavaScript', () => {
  const names = engineContract().strategies.map((s) => s.name);
  assert.deepEqual(Object.keys(CODE).sort(), [...names].sort());
  for (const name of names) {
    for (const { id } of LANGUAGES) {
      const code = listing(name, id);
      assert.ok(code && code.lines.length > 5, `${name} in ${id}`);
      for (const key of Object.keys(CODE[name][id].marks)) {
        assert.ok(key in code.marks, `${name} in ${id}: the mark “${key}” names no line`);
      }
    }
  }
});

test('each state marks the line that does it', () => {
  const line = (strategy, language, role, state) => {
    const code = listing(strategy, language);
    const index = lineFor(code, role, state);
    return index === null ? null : code.lines[index].text.trim();
  };
  // Rust: the real calls.
  assert.match(line('parallel', 'rust', 'worker', 'cpu'), /self\.machine\.compute\(ms/);
  assert.match(line('parallel', 'rust', 'worker', 'io'), /self\.machine\.block\(ms/);
  assert.match(line('parallel', 'rust', 'worker', 'lockWait'), /lock\.acquire/);
  assert.match(line('parallel', 'rust', 'worker', 'idle'), /next\.fetch_add/);
  assert.match(line('parallel', 'rust', 'main', 'idle'), /on_pool\(move \|\| parallel::run/);
  assert.match(line('concurrent', 'rust', 'main', 'io'), /event_loop\.sleep\(ms\)/);
  assert.match(line('concurrent', 'rust', 'main', 'cpu'), /run_piece/);
  assert.match(line('concurrent', 'rust', 'main', 'idle'), /join_all/);
  assert.match(line('sequential', 'rust', 'main', 'idle'), /for &index in &state\.order/);
  assert.match(line('hybrid', 'rust', 'worker', 'cpu'), /self\.machine\.compute\(ms/);
  assert.match(line('hybrid', 'rust', 'main', 'io'), /event_loop\.sleep/);
  assert.match(line('processes', 'rust', 'worker', 'transfer'), /task\.data_kb > 0/);
  assert.match(line('processes', 'rust', 'worker', 'startup'), /starting the process first/);
  assert.match(line('processes', 'rust', 'worker', 'cpu'), /self\.machine\.compute\(slice/);
  // Python and JavaScript: the library calls the issue names.
  assert.match(line('concurrent', 'python', 'main', 'io'), /await asyncio\.sleep/);
  assert.match(line('concurrent', 'python', 'main', 'idle'), /asyncio\.gather/);
  assert.match(line('parallel', 'python', 'worker', 'lockWait'), /global lock/);
  assert.match(line('hybrid', 'python', 'worker', 'idle'), /ThreadPoolExecutor/);
  assert.match(line('processes', 'python', 'worker', 'startup'), /ProcessPoolExecutor/);
  assert.match(line('concurrent', 'js', 'main', 'idle'), /Promise\.all/);
  assert.match(line('parallel', 'js', 'worker', 'cpu'), /compute\(t\.cpuMs\)/);
  assert.match(line('processes', 'js', 'worker', 'startup'), /new Worker\('process\.js'/);
  assert.match(line('processes', 'js', 'worker', 'transfer'), /postMessage\(\{ t, input/);
  // A state a strategy never has marks nothing.
  assert.equal(line('processes', 'rust', 'worker', 'lockWait'), null);
});

test('the Python listings for threads say the GIL is the global lock and free-threaded builds remove it', () => {
  for (const strategy of ['parallel', 'hybrid']) {
    const text = listing(strategy, 'python').lines.map((l) => l.text).join('\n');
    assert.match(text, /CPython's GIL is that lock/);
    assert.match(text, /Free-threaded builds \(Python 3\.13\+/);
  }
  const processes = listing('processes', 'python').lines.map((l) => l.text).join('\n');
  assert.match(processes, /multiprocessing/);
});
