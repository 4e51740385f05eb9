/**
 * Storage the user can trust: the Datasets panel says what the datasets take, what the site uses of
 * its quota (as the browser reports it) and whether the browser keeps the data. (The warning before
 * the quota runs out is unit-tested in src/log/storage.test.ts: the DevTools protocol's quota
 * override does not reach a Playwright context, and filling ~10 GB is no test.)
 */
import { expect, test } from './fixtures';

test('storage: use and quota as the browser says, and asking to keep the data, by keyboard', async ({ page, server }) => {
  await page.goto(`${server.url}/?batchInterval=3600`);
  const summary = page.getByTestId('storage-summary');
  await expect(summary).toBeVisible();
  const estimate = await page.evaluate(() => navigator.storage.estimate());
  expect(Number(await summary.getAttribute('data-quota'))).toBe(estimate.quota);
  expect(Number(await summary.getAttribute('data-usage'))).toBeGreaterThan(0);
  await expect(summary).toContainText('it allows this site');
  // Headless Chromium does not grant persistence: the page says so in plain words, and that the data stays.
  await expect(summary).toHaveAttribute('data-persisted', 'false');
  await page.getByTestId('storage-keep').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('storage-refused')).toContainText('The browser did not grant it');
  await expect(page.getByTestId('storage-warning')).toHaveCount(0);
  await page.getByTestId('datasets-panel').scrollIntoViewIfNeeded();
  await page.getByTestId('datasets-panel').screenshot({ path: 'test-results/storage-panel.png' });
});
