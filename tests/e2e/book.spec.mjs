// The playground embedded in a chapter of a book built by mdBook (tests/e2e/book), read as a
// reader would: the reader presses Run inside the frame, and the host helper on the book's
// page hears the result (a run the host did not start: its id is null).
import { existsSync } from 'node:fs';
import { test, expect } from '@playwright/test';
import { BOOK, BOOK_FOLDER, ISOLATED, PORT_OFFSET, ROOT, watchForErrors } from './util.mjs';

// The chapter's snippet names the isolated server's port as CI runs it (offset 0).
test.skip(PORT_OFFSET !== 0, 'TEST_PORT_OFFSET moves the servers away from the port the chapter names');

test('a chapter built by mdBook: the reader’s own Run reaches the host helper’s onResult', async ({ page }) => {
  expect(existsSync(`${ROOT}/${BOOK_FOLDER}/cores.html`), 'the book is missing: run ./build.sh test (it builds tests/e2e/book)').toBe(true);
  const problems = watchForErrors(page);
  const warnings = [];
  page.on('console', (message) => { if (message.type() === 'warning') warnings.push(message.text()); });
  await page.goto(`${BOOK}/cores.html`);
  await expect(page.locator('main h1')).toHaveText('Computing needs cores');
  const frame = page.frameLocator('#playground-cpu');
  await expect(frame.locator('#run')).toBeEnabled({ timeout: 60_000 });
  await frame.locator('#run').click();
  await page.waitForFunction(() => window.bookResults?.length > 0, null, { timeout: 60_000 });
  const result = await page.evaluate(() => window.bookResults[0]);
  expect(result.id).toBeNull();
  expect(result.runs.map((r) => [r.label, r.status])).toEqual([['sequential', 'completed'], ['parallel', 'completed']]);
  await expect(page.locator('#reader-result')).toContainText(/The frame says: sequential \d+ ms, parallel \d+ ms\./);
  expect(warnings.filter((w) => w.startsWith('embedPlayground: ignored'))).toEqual([]);
  expect(problems).toEqual([]);
  expect(new URL(ISOLATED).port).toBe('8123'); // the port the chapter's snippet names
});
