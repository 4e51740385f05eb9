/**
 * Storage the user can trust: the Datasets panel says what the datasets take, what the site uses of
 * its quota (as the browser reports it), whether the browser keeps the data, and warns before the
 * quota runs out (a quota made small through the DevTools protocol, as a nearly full disk would).
 */
import { expect, test } from './fixtures';

test('storage: use and quota as the browser says, asking to keep the data, a warning before it is full', async ({ page, server }) => {
  await page.goto(`${server.url}/?batchInterval=3600`);
  const summary = page.getByTestId('storage-summary');
  await expect(summary).toBeVisible();
  const estimate = await page.evaluate(() => navigator.storage.estimate());
  expect(Number(await summary.getAttribute('data-quota'))).toBe(estimate.quota);
  expect(Number(await summary.getAttribute('data-usage'))).toBeGreaterThan(0);
  await expect(summary).toContainText('of the');
  // Headless Chromium does not grant persistence: the page says so in plain words, and that the data stays.
  await expect(summary).toHaveAttribute('data-persisted', 'false');
  await page.getByTestId('storage-keep').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('datasets-panel')).toContainText('the browser did not grant it');
  await expect(page.getByTestId('storage-warning')).toHaveCount(0);

  // A quota just above what the site uses: the warning says what happens when it is full.
  const cdp = await page.context().newCDPSession(page);
  const usage = (await page.evaluate(() => navigator.storage.estimate())).usage ?? 0;
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.url, quotaSize: Math.ceil(usage / 0.9) });
  await page.reload();
  await expect(page.getByTestId('storage-warning')).toContainText('% full. When it is full the live streams pause', { timeout: 20_000 });
  await page.getByTestId('datasets-panel').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/storage-warning.png' });
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: server.url });
});
