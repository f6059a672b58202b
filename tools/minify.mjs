// Minifies a copy of www/ (dist/) in place with esbuild, each file with its source map, and
// bundles the two pages' scripts: page/page.js (index.html) and embed/embed.js (embed.html)
// become one module each, with what they share and what they load on first use (import()) in
// chunks/. One file compresses better than the twenty it replaces (issue 22: 1.7 KB brotli less
// before the page is ready), and the browser has one level of imports to find, not four.
//
// Every other file stays where it was, minified on its own: scripts and pages elsewhere import
// engine.js, embed-host.js and embed-protocol.js, and workers load engine/process.js and
// pkg/playground.js by address. pkg/ stays outside the bundles (the thread pool's workers load
// pkg/playground.js themselves: bundled, it would download twice). Its address, and the
// process script's (engine/processes.js), are written relative to a folder one level below the
// root, which every output folder is: this script checks that.
//
// Last, the pages' <link rel="modulepreload"> lists become what each bundle imports statically,
// and their comments (notes for whoever edits www/) go: 0.27 KB brotli of each page.
//   node tools/minify.mjs dist
import { build } from 'esbuild';
import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/** Each page and the script it starts (www/ keeps the same modules unbundled). */
const PAGES = { 'index.html': 'page/page.js', 'embed.html': 'embed/embed.js' };
const EXTERNAL = ['*/pkg/playground.js'];

function* files(folder) {
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (/\.(js|css)$/.test(name)) yield path;
  }
}

const folder = process.argv[2];
if (!folder) throw new Error('usage: node tools/minify.mjs <folder>');

// The bundles first, from the files as written (written out last, over their minified copies):
// one build per page, so that each loads one module before it is ready, not the pieces the two
// pages share.
const bundles = await Promise.all(Object.values(PAGES).map((entry) => build({
  entryPoints: [join(folder, entry)],
  outdir: folder,
  outbase: folder,
  bundle: true,
  splitting: true,
  format: 'esm',
  minify: true,
  sourcemap: true,
  chunkNames: 'chunks/[name]-[hash]',
  external: EXTERNAL,
  metafile: true,
  write: false,
  logLevel: 'warning',
})));

await build({
  entryPoints: [...files(folder)],
  outdir: folder,
  outbase: folder,
  minify: true,
  sourcemap: true,
  allowOverwrite: true,
  logLevel: 'warning',
});

for (const { path, contents } of bundles.flatMap((b) => b.outputFiles)) {
  const under = relative(folder, path);
  if (under.split(sep).length !== 2) {
    throw new Error(`${under}: a bundle's output must be one folder below the root (its imports of ../pkg/ and ../engine/ say so)`);
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, contents);
}

// The outputs each page's script imports statically, however deep (the metafile's paths are
// relative to the working directory).
const outputs = Object.fromEntries(bundles.flatMap((b) => Object.entries(b.metafile.outputs)).map(([path, output]) => [relative(folder, path), output]));
function staticImports(entry) {
  const found = new Set();
  const visit = (path) => {
    for (const { path: next, kind, external } of outputs[path].imports) {
      const under = external ? relative(folder, join(folder, dirname(path), next)) : relative(folder, next);
      if (kind === 'import-statement' && !found.has(under)) {
        found.add(under);
        if (!external) visit(under);
      }
    }
  };
  visit(entry);
  return [...found].sort();
}

const PRELOAD = /^( *)<link rel="modulepreload" href="[^"]+">\n/gm;
for (const [page, entry] of Object.entries(PAGES)) {
  const path = join(folder, page);
  const html = readFileSync(path, 'utf8');
  const indent = PRELOAD.exec(html)?.[1];
  PRELOAD.lastIndex = 0;
  if (indent === undefined) throw new Error(`${path} has no <link rel="modulepreload"> to replace`);
  const preloads = staticImports(entry);
  const links = preloads.map((href) => `${indent}<link rel="modulepreload" href="${href}">\n`).join('');
  let placed = false;
  const preloaded = html.replace(PRELOAD, () => (placed ? '' : ((placed = true), links)));
  // A comment on lines of its own, with the indent before it (the pages have no other kind).
  const bare = preloaded.replace(/^[ \t]*<!--[\s\S]*?-->\n/gm, '');
  if (bare.includes('<!--')) throw new Error(`${path}: a comment that is not on lines of its own`);
  writeFileSync(path, bare);
  console.log(`  ${page}: ${entry} bundled; preloads ${preloads.join(', ')}`);
}
