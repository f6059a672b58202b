// The servers send what wasm threads need: on ISOLATED every response carries the four
// isolation headers and the page is cross-origin isolated; on PLAIN it is not.
import { test, expect } from '@playwright/test';
import { ISOLATED, PLAIN, ISOLATION_HEADERS } from './util.mjs';

// A document that exists as soon as the wasm module is built. (www/index.html belongs to the
// page code; this check must not depend on it.)
const PROBE = '/pkg/playground.js';

test('isolated server: every response carries the isolation headers', async ({ request }) => {
  for (const path of ['/', PROBE, '/pkg/playground_bg.wasm', '/no-such-file']) {
    const response = await request.get(`${ISOLATED}${path}`);
    const headers = response.headers();
    for (const [name, value] of Object.entries(ISOLATION_HEADERS)) {
      expect(headers[name], `${name} on ${path}`).toBe(value);
    }
  }
});

test('isolated server: wasm is served as application/wasm', async ({ request }) => {
  const response = await request.get(`${ISOLATED}/pkg/playground_bg.wasm`);
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toBe('application/wasm');
});

test('isolated server: the page is cross-origin isolated', async ({ page }) => {
  await page.goto(`${ISOLATED}${PROBE}`);
  expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
  expect(await page.evaluate(() => typeof SharedArrayBuffer)).toBe('function');
});

test('plain server: no isolation headers, the page is not isolated', async ({ page, request }) => {
  const response = await request.get(`${PLAIN}${PROBE}`);
  expect(response.status()).toBe(200);
  for (const name of Object.keys(ISOLATION_HEADERS)) {
    expect(response.headers()[name], name).toBeUndefined();
  }
  expect((await request.get(`${PLAIN}/pkg/playground_bg.wasm`)).headers()['content-type'])
    .toBe('application/wasm');

  await page.goto(`${PLAIN}${PROBE}`);
  expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(false);
});
