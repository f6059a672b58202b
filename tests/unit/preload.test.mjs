// index.html and embed.html preload every module their script imports statically, however deep,
// and the wasm module: without that the browser finds each level of imports only after fetching
// the one above (four round trips before the engine starts), and the wasm after all of them.
// What a page loads on first use (`import()`: the results view, the scaling sweep, the lesson)
// is not preloaded: the bytes before the page is ready are what its first screen needs (issue 22).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const WWW = fileURLToPath(new URL('../../www/', import.meta.url));

const STATIC = /^\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The relative specifiers `pattern` finds in the module at `path` (under www/), as paths under www/. */
function imports(path, pattern) {
  const source = readFileSync(join(WWW, path), 'utf8');
  return [...source.matchAll(pattern)].map((m) => m[1]).filter((spec) => spec.startsWith('.'))
    .map((spec) => relative(WWW, normalize(join(WWW, dirname(path), spec))));
}

/**
 * The modules `entry` (a path under www/) loads: `eager`, everything it imports statically,
 * itself included; `lazy`, what those and theirs load by import() when first used, and what
 * that imports statically, less what is eager anyway.
 */
function importGraph(entry) {
  const eager = new Set();
  const lazyRoots = new Set();
  const visit = (path, into) => {
    if (into.has(path)) return;
    into.add(path);
    // pkg/ is wasm-bindgen's output, built after these tests run: a leaf here (what it imports,
    // its snippets, is named by a hash and loads one level below it).
    if (path.startsWith('pkg/')) return;
    for (const next of imports(path, STATIC)) visit(next, into);
    for (const next of imports(path, DYNAMIC)) lazyRoots.add(next);
  };
  visit(entry, eager);
  const lazy = new Set();
  for (const root of lazyRoots) visit(root, lazy); // (visit adds roots found on the way)
  return { eager, lazy: new Set([...lazy].filter((p) => !eager.has(p))), lazyRoots };
}

function preloads(html) {
  const text = readFileSync(join(WWW, html), 'utf8');
  const modules = [...text.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]);
  const wasm = /<link rel="preload" href="pkg\/playground_bg\.wasm" as="fetch" type="application\/wasm" crossorigin>/.test(text);
  const entry = /<script type="module" src="([^"]+)">/.exec(text)[1];
  return { modules, wasm, entry };
}

for (const html of ['index.html', 'embed.html']) {
  test(`${html} preloads its whole static module graph and the wasm module, and nothing loaded on first use`, () => {
    const { modules, wasm, entry } = preloads(html);
    const { eager, lazy, lazyRoots } = importGraph(entry);
    // wasm-bindgen's snippets (pkg/snippets/<crate-hash>/...) are named by a hash: they load
    // one level below pkg/playground.js, which is preloaded.
    const graph = [...eager].filter((p) => p !== entry && !p.startsWith('pkg/snippets/')).sort();
    assert.deepEqual([...modules].sort(), graph);
    assert.ok(wasm, `${html} preloads pkg/playground_bg.wasm as a fetch`);
    for (const path of lazyRoots) assert.ok(existsSync(join(WWW, path)), `import('${path}') names a module that exists`);
    for (const path of lazy) assert.ok(!modules.includes(path), `${html} preloads ${path}, which loads on first use`);
  });
}

test('index.html loads the results view, the scaling sweep and the lesson on first use, not before ready', () => {
  const { eager, lazy } = importGraph(preloads('index.html').entry);
  for (const path of ['views/results.js', 'views/timeline.js', 'views/replay.js', 'shared/code.js', 'views/scaling.js', 'shared/lesson.js']) {
    assert.ok(lazy.has(path) && !eager.has(path), `${path} loads on first use`);
  }
});
