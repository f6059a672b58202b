// dist/ as a static host serves it to readers, for Lighthouse (first-load.mjs): over HTTPS and
// HTTP/2 (every host in docs/embedding.md does; `serve` speaks HTTP/1.1 only, and Chromium asks
// for brotli only over HTTPS), with the headers of dist/_headers, and the precompressed .br or
// .gz beside each file when the browser accepts it (what nginx's brotli_static or Caddy's
// `precompressed` send). The certificate is self-signed, made for the run (openssl), and the
// browser is told to accept it (--ignore-certificate-errors).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createSecureServer } from 'node:http2';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { ROOT, distServeConfig } from '../e2e/util.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm', '.json': 'application/json', '.map': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml',
};

/** A self-signed certificate for 127.0.0.1: `{ key, cert }` (PEM). */
function selfSigned() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-tls-'));
  try {
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`openssl could not make a certificate: ${made.error?.message ?? made.stderr}`);
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The headers dist/_headers gives every path (its `/*` rule). */
function deployedHeaders() {
  const config = distServeConfig(readFileSync(`${ROOT}/dist/_headers`, 'utf8'));
  return Object.fromEntries(config.headers.filter((rule) => rule.source === '**').flatMap((rule) => rule.headers.map((h) => [h.key.toLowerCase(), h.value])));
}

/** Serves `folder` (dist/) on https://127.0.0.1:`port`; resolves to `{ url, close() }`. */
export async function startHttpsServer(port, folder = `${ROOT}/dist`) {
  const headers = deployedHeaders();
  const server = createSecureServer({ ...selfSigned(), allowHTTP1: true }, (request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'https://x').pathname);
    const file = normalize(join(folder, path === '/' ? 'index.html' : path));
    if (!file.startsWith(folder) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404, { ...headers, 'content-type': 'text/plain' });
      response.end('not found');
      return;
    }
    const accepts = String(request.headers['accept-encoding'] ?? '');
    const encoding = [['br', '.br'], ['gzip', '.gz']].find(([name, ext]) => accepts.includes(name) && existsSync(file + ext));
    const body = readFileSync(encoding ? file + encoding[1] : file);
    response.writeHead(200, {
      ...headers,
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': body.length,
      vary: 'Accept-Encoding',
      ...(encoding ? { 'content-encoding': encoding[0] } : {}),
    });
    response.end(body);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return { url: `https://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}
