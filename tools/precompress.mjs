// Writes `<file>.br` (brotli, quality 11) and `<file>.gz` (gzip -9) beside every file of a folder
// that a browser fetches as text or wasm, for hosts that serve precompressed files (nginx's
// gzip_static and brotli_static, Caddy's `file_server { precompressed br gzip }`, Apache with
// rewrite rules): they send these instead of compressing on each request, and at the highest
// levels, which on-the-fly compression rarely uses. `./build.sh dist` runs it on dist/; the
// benchmark reports the same sizes for what loads before the page is ready (issue 22).
//   node tools/precompress.mjs dist
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** What a browser fetches and compression shrinks (not images, not the headers file). */
const COMPRESSIBLE = /\.(html|js|mjs|css|wasm|json|map|svg|txt)$/;

function* files(folder) {
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (COMPRESSIBLE.test(name)) yield path;
  }
}

const folder = process.argv[2];
if (!folder) throw new Error('usage: node tools/precompress.mjs <folder>');
let raw = 0;
let brotli = 0;
let gzip = 0;
for (const path of [...files(folder)]) {
  const bytes = readFileSync(path);
  const br = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } });
  const gz = gzipSync(bytes, { level: 9 });
  writeFileSync(`${path}.br`, br);
  writeFileSync(`${path}.gz`, gz);
  raw += bytes.length;
  brotli += br.length;
  gzip += gz.length;
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`  ${folder}: ${kb(raw)} raw, ${kb(brotli)} brotli, ${kb(gzip)} gzip -9 (every file, source maps too)`);
