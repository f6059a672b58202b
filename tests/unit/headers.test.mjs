// The response headers have one place (serve.json); dist/_headers is written from it, and each
// server's configuration in docs/embedding.md must send every one of them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { deployedHeaders, headersFile } from '../../tools/headers.mjs';

const DOC = readFileSync(new URL('../../docs/embedding.md', import.meta.url), 'utf8');
const section = DOC.slice(DOC.indexOf('## 6. Hosting'), DOC.indexOf('## 7.'));
const blocks = [...section.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map(([, lang, body]) => ({ lang: lang || 'plain', body }));

test('every deployed response gets isolation and CORS headers, but not the dev server\'s no-store', () => {
  const keys = deployedHeaders().map((h) => h.key);
  for (const key of ['Cross-Origin-Opener-Policy', 'Cross-Origin-Embedder-Policy', 'Cross-Origin-Resource-Policy',
    'Document-Isolation-Policy', 'Access-Control-Allow-Origin']) assert.ok(keys.includes(key), key);
  assert.ok(!keys.includes('Cache-Control'));
  assert.match(headersFile(), /^\/\*\n(  [\w-]+: .+\n)+$/m);
});

test('each server configuration in docs/embedding.md sends every deployed header', () => {
  assert.ok(blocks.length >= 6, `found ${blocks.length} blocks`);
  for (const { lang, body } of blocks) {
    for (const { key, value } of deployedHeaders()) {
      assert.ok(body.includes(key) && body.includes(value), `the ${lang} block lacks ${key}: ${value}`);
    }
  }
});
