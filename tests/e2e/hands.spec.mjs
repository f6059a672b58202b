// The page in a reader's hands: a keyboard, a phone, a desktop's narrow left column, a screen
// reader's audit (axe), and a console with nothing to say.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { openPlayground } from './util.mjs';

/** Every console message of these types, and page errors. */
function watchConsole(page, types = ['error', 'warning']) {
  const seen = [];
  page.on('console', (m) => { if (types.includes(m.type())) seen.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => seen.push(`page error: ${e.message}`));
  return seen;
}

test('the strategy is one radio group: one Tab stop, arrows move the choice', async ({ page }) => {
  await openPlayground(page);
  const radios = page.locator('.strategies input[type="radio"]');
  const names = await radios.evaluateAll((list) => [...new Set(list.map((r) => r.name))]);
  expect(names).toHaveLength(1);
  await expect(page.getByRole('group', { name: 'How the tasks run' })).toBeVisible();
  await page.locator('.strategies input:checked').focus();
  const before = await page.locator('.strategies input:checked').getAttribute('value');
  await page.keyboard.press('ArrowDown');
  const after = await page.locator('.strategies input:checked').getAttribute('value');
  expect(after).not.toBe(before);
  expect(await page.evaluate(() => document.activeElement.value)).toBe(after);
  // The editor heard it: the link follows the choice.
  await expect.poll(() => JSON.parse(new URL(page.url()).searchParams.get('workload')).strategy).toBe(after);
  // One Tab stop: Tab leaves the group for the next control.
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement.type)).not.toBe('radio');
  await page.keyboard.press('Shift+Tab');
  expect(await page.evaluate(() => document.activeElement.type)).toBe('radio');
});

test('no warning or error in the console while the page loads and starts its workers', async ({ page }) => {
  const seen = watchConsole(page);
  await openPlayground(page);
  expect(seen).toEqual([]);
});

test('at 1280 px every field of a task group is in view, without scrolling', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await openPlayground(page);
  await page.click('button[data-preset="processes"]');
  const editor = await page.locator('#editor').boundingBox();
  const fields = await page.locator('.group input').evaluateAll((inputs) => inputs.map((i) => {
    const r = i.getBoundingClientRect();
    return { label: i.getAttribute('aria-label'), left: r.left, right: r.right, width: r.width };
  }));
  // One input per field of a group the engine's contract names (the editor has a control for each).
  expect(fields.length).toBe(await page.evaluate(() => window.playground.groupFields.length));
  for (const f of fields) {
    expect(f.left, f.label).toBeGreaterThanOrEqual(editor.x - 0.5);
    expect(f.right, f.label).toBeLessThanOrEqual(editor.x + editor.width + 0.5);
    expect(f.width, f.label).toBeGreaterThan(40);
  }
});

test('at 390 px: charts drawn for their width (text of 11 px or more), code inside its box, the replay bar off the cards, the editor fits', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 800 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const seen = watchConsole(page, ['error']);
  await openPlayground(page);
  await page.click('button[data-preset="cpu"]');
  const width = 390;
  // The editor: every field inside the page.
  const inputs = await page.locator('#editor input').evaluateAll((list) => list.map((i) => i.getBoundingClientRect().right));
  for (const right of inputs) expect(right).toBeLessThanOrEqual(width);
  await page.click('#preset-run');
  await page.waitForFunction(() => !window.playgroundPage.busy && window.playgroundPage.verdict, null, { timeout: 120_000 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
  // Chart labels as drawn: at least 11 CSS px tall (the text's em box, scaled as the SVG is).
  const sizes = await page.locator('.charts svg text').evaluateAll((texts) => texts.map((t) => {
    const svg = t.ownerSVGElement;
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return parseFloat(getComputedStyle(t).fontSize) * scale;
  }));
  expect(sizes.length).toBeGreaterThan(0);
  for (const px of sizes) expect(px).toBeGreaterThanOrEqual(11);
  // Code: inside its box, which is inside the page; long lines wrap rather than run off.
  const code = await page.locator('.code-listing').evaluate((pre) => ({ right: pre.getBoundingClientRect().right, scroll: pre.scrollWidth, client: pre.clientWidth }));
  expect(code.right).toBeLessThanOrEqual(width);
  expect(code.scroll).toBeLessThanOrEqual(code.client + 1);
  // The replay's bar scrolls with the page: it never sits over a run's heading.
  expect(await page.locator('.replay-bar').evaluate((bar) => getComputedStyle(bar).position)).toBe('static');
  await page.locator('.run').nth(1).evaluate((run) => run.scrollIntoView({ block: 'start' }));
  const bar = await page.locator('.replay-bar').boundingBox();
  const heading = await page.locator('.run').nth(1).locator('h3').boundingBox();
  expect(bar.y + bar.height <= heading.y || bar.y >= heading.y + heading.height).toBe(true);
  expect(seen).toEqual([]);
  await context.close();
});

test('copying a link says so next to the button, where the reader looks', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openPlayground(page);
  await page.click('#copy-link');
  await expect(page.locator('#action-note')).toHaveText('Link copied: it opens this workload.');
  await expect(page.locator('#action-note')).toHaveAttribute('role', 'status');
  const button = await page.locator('#copy-link').boundingBox();
  const note = await page.locator('#action-note').boundingBox();
  expect(Math.abs(note.y - (button.y + button.height))).toBeLessThan(80);
  expect(await page.locator('#summary').textContent()).not.toContain('Link copied');
});

test('the replay cursor’s time label never reads into an axis tick; the tooltip follows the pointer while dragging', async ({ page }) => {
  await openPlayground(page);
  await page.click('button[data-preset="one-core"]');
  await page.click('#preset-run');
  await page.waitForFunction(() => window.playgroundPage.replay?.ready, null, { timeout: 60_000 });
  const canvas = page.locator('.run').first().locator('canvas.tl-canvas');
  const box = await canvas.boundingBox();
  const model = await page.evaluate(() => window.playgroundPage.timelines()[0].snapshot());
  const { labelW, plotW, lanes } = model.geometry;
  const y = box.y + lanes[0].top + lanes[0].height / 2;
  await page.mouse.move(box.x + labelW + plotW * 0.2, y);
  await page.mouse.down();
  await page.mouse.move(box.x + labelW + plotW * 0.6, y, { steps: 8 });
  const tip = await page.locator('.tl-tooltip').first().evaluate((t) => ({ hidden: t.hidden, transform: t.style.transform }));
  await page.mouse.up();
  expect(tip.hidden).toBe(false); // the pointer is over the first task's slices of computing
  const x = Number(/translate\(([\d.]+)px/.exec(tip.transform)?.[1]);
  expect(x).toBeGreaterThan(labelW + plotW * 0.4); // near where the pointer is now, not where the drag began
  // Wherever the cursor rests, no tick label shows within 4 px of its time label: each is clear
  // of it or painted over.
  for (const at of [0.1, 0.33, 0.5, 0.97]) {
    await page.evaluate((f) => window.playgroundPage.replay.seek(f * window.playgroundPage.replay.endMs), at);
    await page.waitForTimeout(50);
    const { ticks, cursorLabel } = await page.evaluate(() => window.playgroundPage.timelines()[0].snapshot().geometry);
    expect(cursorLabel).not.toBeNull();
    for (const t of ticks) {
      const clear = t.right + 4 < cursorLabel.left || t.left - 4 > cursorLabel.right;
      expect(clear || cursorLabel.hidden.includes(t.value), `tick ${t.text} at ${t.left}–${t.right} beside the label ${cursorLabel.left}–${cursorLabel.right}`).toBe(true);
    }
  }
});

test('an axe audit of the page after a run finds no violations', async ({ page }) => {
  await openPlayground(page);
  await page.click('button[data-preset="one-core"]');
  await page.click('#preset-run');
  await page.waitForFunction(() => !window.playgroundPage.busy && window.playgroundPage.verdict, null, { timeout: 60_000 });
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
});
