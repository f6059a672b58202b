// index.html and embed.html preload every module their script imports, however deep, and the
// wasm module: without that the browser finds each level of imports only after fetching the
// one above (four round trips before the engine starts), and the wasm after all of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const WWW = fileURLToPath(new URL('../../www/', import.meta.url));

/** Every module `entry` (a path under www/) imports statically, itself included. */
function importGraph(entry) {
  const seen = new Set();
  const visit = (path) => {
    if (seen.has(path)) return;
    seen.add(path);
    // pkg/ is wasm-bindgen's output, built after these tests run: a leaf here (what it imports,
    // its snippets, is named by a hash and loads one level below it).
    if (path.startsWith('pkg/')) return;
    const source = readFileSync(join(WWW, path), 'utf8');
    for (const [, spec] of source.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/gm)) {
      if (!spec.startsWith('.')) continue;
      visit(relative(WWW, normalize(join(WWW, dirname(path), spec))));
    }
  };
  visit(entry);
  return seen;
}

function preloads(html) {
  const text = readFileSync(join(WWW, html), 'utf8');
  const modules = [...text.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]);
  const wasm = /<link rel="preload" href="pkg\/playground_bg\.wasm" as="fetch" type="application\/wasm" crossorigin>/.test(text);
  const entry = /<script type="module" src="([^"]+)">/.exec(text)[1];
  return { modules, wasm, entry };
}

for (const html of ['index.html', 'embed.html']) {
  test(`${html} preloads its whole module graph and the wasm module`, () => {
    const { modules, wasm, entry } = preloads(html);
    // wasm-bindgen's snippets (pkg/snippets/<crate-hash>/...) are named by a hash: they load
    // one level below pkg/playground.js, which is preloaded.
    const graph = [...importGraph(entry)].filter((p) => p !== entry && !p.startsWith('pkg/snippets/')).sort();
    assert.deepEqual([...modules].sort(), graph);
    assert.ok(wasm, `${html} preloads pkg/playground_bg.wasm as a fetch`);
  });
}
