// The first load a reader feels: nothing on screen moves while the page or the embed loads
// (cumulative layout shift, summed from the browser's own layout-shift entries), on a phone and
// a desktop, light and dark, with the network and the CPU slowed as Lighthouse slows them.
import { test, expect } from '@playwright/test';
import { ISOLATED } from './util.mjs';

const MAX_CLS = 0.05; // the test's bound; the goal (./build.sh bench) is 0.02, Lighthouse's "good" 0.1
const SETTLE_MS = 2_500; // after ready: the pool starts, the capabilities are drawn again

/** Opens `path` throttled and returns its layout shifts until ready + SETTLE_MS. */
async function shiftsOf(browser, path, { width, colorScheme }) {
  const context = await browser.newContext({ viewport: { width, height: 850 }, colorScheme, isMobile: width < 500, hasTouch: width < 500 });
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.layoutShifts = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if (entry.hadRecentInput) continue;
        window.layoutShifts.push({ value: entry.value, at: Math.round(entry.startTime),
          sources: entry.sources.map((s) => s.node?.id || s.node?.className || s.node?.nodeName || '?') });
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
  // Lighthouse's mobile throttling: a slow 4G network and a CPU four times slower.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await page.goto(`${ISOLATED}/${path}`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 60_000 });
  await page.waitForTimeout(SETTLE_MS);
  const shifts = await page.evaluate(() => window.layoutShifts);
  await context.close();
  return shifts;
}

for (const path of ['index.html', 'index.html?preset=server', 'embed.html?preset=cpu', 'embed.html?preset=mixed&editor=1&replay=1']) {
  for (const [width, colorScheme] of [[412, 'light'], [1280, 'dark']]) {
    test(`${path} at ${width} px (${colorScheme}): layout shift under ${MAX_CLS} while it loads`, async ({ browser }) => {
      const shifts = await shiftsOf(browser, path, { width, colorScheme });
      const cls = shifts.reduce((sum, s) => sum + s.value, 0);
      expect(cls, JSON.stringify(shifts)).toBeLessThan(MAX_CLS);
    });
  }
}
