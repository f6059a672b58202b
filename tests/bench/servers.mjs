// The benchmark's servers: `serve` on a free local port, with or without the cross-origin
// isolation headers, checked before use (a leftover server on the port would answer instead).
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { ROOT } from '../e2e/util.mjs';

function portIsFree(port) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

export async function freePort(from) {
  for (let port = from; port < from + 50; port++) {
    if (await portIsFree(port)) return port;
  }
  throw new Error(`no free port in ${from}..${from + 49}`);
}

/**
 * `serve` on 127.0.0.1:port with `config`: isolated (COOP, COEP, CORP, DIP on every response)
 * or not (`isolated` false: the response must come without COEP). `folder`: www/ (the default)
 * or dist/ (what a static host serves readers: it has no bench/).
 */
export async function startServer(port, config, isolated, folder = 'www') {
  const probe = folder === 'www' ? '/bench/bench.html' : '/index.html';
  const server = spawn(`${ROOT}/node_modules/.bin/serve`, [
    '--no-clipboard', '--config', config, '--listen', `tcp://127.0.0.1:${port}`, folder,
  ], { cwd: ROOT, env: { ...process.env, NO_UPDATE_CHECK: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  server.stderr.on('data', (chunk) => { stderr += chunk; });
  const exited = new Promise((resolve) => server.once('exit', (code, signal) => resolve({ code, signal })));
  server.exited = exited;
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const early = await Promise.race([exited, new Promise((r) => setTimeout(() => r(null), 200))]);
    if (early) throw new Error(`the server exited (${early.code ?? early.signal}): ${stderr.trim()}`);
    try {
      const response = await fetch(`${url}${probe}`);
      if (response.ok) {
        if ((response.headers.get('cross-origin-embedder-policy') === 'require-corp') !== isolated) {
          server.kill('SIGTERM');
          throw new Error(`${url} answers ${isolated ? 'without' : 'with'} the isolation headers: is another server on port ${port}?`);
        }
        return { server, url };
      }
      throw new Error(`GET ${probe}: ${response.status}`);
    } catch (error) {
      if (Date.now() > deadline) {
        server.kill('SIGTERM');
        throw new Error(`the server did not answer in 30 s: ${error.message}`);
      }
    }
  }
}

export async function stopServer(server) {
  if (server.exitCode !== null || server.signalCode !== null) return;
  server.kill('SIGTERM');
  const stopped = await Promise.race([server.exited, new Promise((r) => setTimeout(() => r(false), 3_000))]);
  if (!stopped) server.kill('SIGKILL');
}
