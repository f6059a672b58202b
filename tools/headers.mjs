// The playground's response headers, from their one place: serve.json (what `./build.sh serve`
// and the tests' servers send). `node tools/headers.mjs` prints dist/_headers (Netlify,
// Cloudflare Pages); docs/embedding.md shows the same headers for other servers, and a unit test
// (tests/unit/headers.test.mjs) checks that every block there says all of them.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Headers only the development server sends (`./build.sh serve` reloads every file). */
const DEV_ONLY = new Set(['Cache-Control']);

/** serve.json, parsed. */
export function serveConfig() {
  return JSON.parse(readFileSync(new URL('../serve.json', import.meta.url), 'utf8'));
}

/**
 * The headers every deployed response carries: `[{ key, value }]` (serve.json's rule for
 * every path, without the development server's own). The others (`.wasm`'s Content-Type) are
 * what static hosts send anyway.
 */
export function deployedHeaders(config = serveConfig()) {
  const every = config.headers.find((rule) => rule.source === '**');
  if (!every) throw new Error('serve.json: no rule for every path ("source": "**")');
  return every.headers.filter(({ key }) => !DEV_ONLY.has(key));
}

/** dist/_headers: every path gets the deployed headers. */
export function headersFile(config = serveConfig()) {
  return ['# Written by ./build.sh dist from serve.json (tools/headers.mjs): cross-origin isolation for',
    '# wasm threads, also inside iframes, and CORS for the host helper\'s modules (docs/embedding.md).',
    '/*', ...deployedHeaders(config).map(({ key, value }) => `  ${key}: ${value}`), ''].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(headersFile());
