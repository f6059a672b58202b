// Predict, then run: a reader goes through every step of the lesson (?lesson=k) with the
// keyboard, predicting, running and reading the measured answer; the place and the predictions
// survive a reload; Back works in the page and in the browser; one step is embedded on another
// origin, and the host hears the prediction and the answer.
import { test, expect } from '@playwright/test';
import { STEPS } from '../../www/shared/lesson.js';
import { FRAME_TYPES, SOURCE, VERSION, parseMessage } from '../../www/embed/protocol.js';
import { HOST, ISOLATED, RECORD_MESSAGES, openPlayground, watchForErrors } from './util.mjs';

let problems;
test.beforeEach(async ({ page }) => {
  problems = watchForErrors(page);
});
test.afterEach(() => {
  expect(problems).toEqual([]);
});

const STEP_MS = 120_000;

/** Predicts with the keyboard (Tab into the choices, arrows to the `nth` choice), runs, and returns the answer's words. */
async function predictAndRun(page, nth) {
  const choices = page.locator('.lesson-choice input');
  await choices.first().focus();
  await page.keyboard.press('Space'); // the first choice
  for (let i = 0; i < nth; i++) await page.keyboard.press('ArrowDown');
  await expect(choices.nth(nth)).toBeChecked();
  const run = page.locator('.lesson-actions button');
  await expect(run).toBeEnabled();
  await run.press('Enter');
  await expect(page.locator('.lesson-answer')).toContainText('Measured on this machine', { timeout: STEP_MS });
  return page.locator('.lesson-answer').textContent();
}

test('a reader goes through every step: predicts, runs, reads this machine’s answer, and keeps the place', async ({ page }) => {
  test.setTimeout(STEPS.length * STEP_MS);
  await openPlayground(page, ISOLATED, '?lesson=1');
  // The lesson takes the place of the presets and the editor.
  await expect(page.locator('#presets')).toBeHidden();
  await expect(page.locator('#workbench')).toBeHidden();
  for (const [i, step] of STEPS.entries()) {
    await expect(page.locator('.lesson-title')).toHaveText(`Step ${i + 1} of ${STEPS.length}: ${step.title}`);
    await expect(page).toHaveURL(new RegExp(`[?&]lesson=${i + 1}(&|$)`));
    // Run waits for a prediction.
    await expect(page.locator('.lesson-actions button')).toBeDisabled();
    const words = await predictAndRun(page, 0);
    const { answer, predicted } = await page.evaluate(() => window.playgroundPage.lesson);
    expect(predicted).toBe(await page.locator('.lesson-choice input').first().getAttribute('value'));
    // The answer beside the prediction, and the choice it landed on, from this run's numbers.
    expect(words).toMatch(/^You predicted “.+”\. Measured on this machine: .*\d.*\. (Right: “.+”|That is “.+”)/);
    expect(answer.choices.map((c) => c.id)).toContain(answer.correct);
    if (!answer.held) expect(words).toContain('The explainer expects');
    console.log(`step ${i + 1} (${step.id}): ${words}`);
    // The page's own results show the runs (their timelines, on one scale).
    expect(await page.locator('#results .run').count()).toBeGreaterThan(0);
    if (i < STEPS.length - 1) await page.locator('.lesson-nav button', { hasText: 'Next' }).click();
  }
  // Every step is marked done, and stays so after a reload, with the prediction restored.
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  await expect(page.locator('.lesson-progress')).toHaveText(`Steps (${STEPS.length} of ${STEPS.length} done)`);
  await expect(page.locator('.lesson-choice input').first()).toBeChecked();
  // Back, in the page and in the browser.
  await page.locator('.lesson-nav button', { hasText: 'Back' }).click();
  await expect(page.locator('.lesson-title')).toContainText(`Step ${STEPS.length - 1} of`);
  await page.goBack();
  await expect(page.locator('.lesson-title')).toContainText(`Step ${STEPS.length} of`);
  // "Open this in the playground" takes the step's workload to the full editor.
  const href = await page.locator('.lesson-open').getAttribute('href');
  expect(new URL(href).searchParams.get('workload')).toBeTruthy();
  expect(new URL(href).searchParams.has('lesson')).toBe(false);
});

test('a link to a step that does not exist says so and shows the first; the page links to the lesson', async ({ page }) => {
  await openPlayground(page, ISOLATED, '?lesson=99', { settled: false });
  await expect(page.locator('#problems')).toContainText(`lesson=99 is not a step: the lesson has steps 1 to ${STEPS.length}; showing step 1.`);
  await expect(page.locator('.lesson-title')).toContainText('Step 1 of');
  await openPlayground(page, ISOLATED, '', { settled: false });
  await expect(page.locator('#lesson')).toBeHidden();
  await page.click('#lesson-link');
  await expect(page.locator('.lesson-title')).toContainText('Step 1 of');
});

test('at 360 px a step fits: no sideways scroll, the choices and Run within the screen', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await openPlayground(page, ISOLATED, '?lesson=3', { settled: false });
  const widths = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, view: innerWidth }));
  expect(widths.doc).toBeLessThanOrEqual(widths.view);
  for (const box of [await page.locator('.lesson-choices').boundingBox(), await page.locator('.lesson-actions button').boundingBox()]) {
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(360);
  }
});

test('an embedded step on another origin: the reader predicts and runs, the host hears the prediction and the answer', async ({ page }) => {
  test.setTimeout(STEP_MS * 2);
  await page.goto(`${HOST}/index.html`);
  await page.setContent(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Lesson host</title>` +
    `<link rel="icon" href="data:,">${RECORD_MESSAGES}</head><body>` +
    `<iframe id="step" src="${ISOLATED}/embed.html?lesson=1" style="width:700px;height:700px" title="Step 1"></iframe></body></html>`);
  const frame = page.frameLocator('#step');
  await expect(frame.locator('.lesson-title')).toContainText(`Step 1 of ${STEPS.length}`);
  // One step alone: no Back and Next, no claim or Run of the frame's own.
  await expect(frame.locator('.lesson-nav')).toHaveCount(0);
  await expect(frame.locator('#run')).toBeHidden();
  await frame.locator('.lesson-choice input').nth(2).check();
  await frame.locator('.lesson-actions button').click();
  await page.waitForFunction(() => window.received.some((m) => m.data?.type === 'prediction'), null, { timeout: STEP_MS });
  const { data } = await page.evaluate(() => window.received.find((m) => m.data?.type === 'prediction'));
  expect(parseMessage(data, { accept: FRAME_TYPES }).ok).toBe(true);
  expect(data).toMatchObject({ source: SOURCE, version: VERSION, step: 1, stepId: STEPS[0].id, predicted: 'one', id: null });
  expect(typeof data.correct).toBe('string');
  expect(data.text).toMatch(/^You predicted “About one wait: .+”\. Measured on this machine/);
  await expect(frame.locator('.lesson-answer')).toHaveText(data.text);
  // The host can run the step too (the reader's choice stays the prediction).
  await page.evaluate(([s, v]) => document.getElementById('step').contentWindow.postMessage({ source: s, version: v, type: 'run', id: 'again' }, '*'),
    [SOURCE, VERSION]);
  await page.waitForFunction(() => window.received.some((m) => m.data?.type === 'prediction' && m.data.id === 'again'), null, { timeout: STEP_MS });
});
