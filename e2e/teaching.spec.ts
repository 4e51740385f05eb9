/**
 * Teaching controls with exact numbers: rebuilding the batch store from the log reloads every event
 * and changes no figure, because the log is the only truth.
 */
import { dataValue, expect, test, textValueOf } from './fixtures';

test('rebuild the batch store from the log: every event loaded again, the same exact totals', async ({ page, server, api }) => {
  await page.goto(`${server.url}/?batchInterval=3600`);
  await expect(page.getByTestId('recompute-now')).toBeEnabled();
  await expect.poll(() => dataValue(page, 'status-log')).toBeGreaterThan(500);
  const s = await api.pause();
  await expect.poll(() => dataValue(page, 'status-log')).toBe(s.produced);
  const recomputes = await dataValue(page, 'status-recompute');
  await page.getByTestId('recompute-now').click();
  await expect.poll(() => dataValue(page, 'status-recompute')).toBeGreaterThan(recomputes);
  await expect.poll(() => dataValue(page, 'status-w')).toBe(s.produced);
  // Nothing new: a recompute loads nothing.
  const again = await dataValue(page, 'status-recompute');
  await page.getByTestId('recompute-now').click();
  await expect.poll(() => dataValue(page, 'status-recompute')).toBeGreaterThan(again);
  expect(await dataValue(page, 'status-recompute-loaded')).toBe(0);
  // A rebuild loads the whole log again, and every figure stays what it was.
  const before = await dataValue(page, 'status-recompute');
  await page.locator('details.experiments summary').click();
  await page.getByTestId('rebuild-batch').click();
  await expect.poll(() => dataValue(page, 'status-recompute')).toBeGreaterThan(before);
  expect(await dataValue(page, 'status-recompute-loaded')).toBe(s.produced);
  expect(await dataValue(page, 'kpi-events-batch')).toBe(s.produced);
  expect(await textValueOf(page, 'kpi-revenue-merged')).toBe(s.amountTotal.toFixed(2));
  await expect(page.locator('[data-testid="handover"][data-ok="false"]')).toHaveCount(0);
});
