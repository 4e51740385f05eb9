/**
 * The whole pipeline, as a user sees it: live stream -> log -> batch + speed -> merged dashboard,
 * with exact totals checked against what the server says it sent.
 */
import { expect, screenshot, test, textValueOf, dataValue } from './fixtures';

test('merged totals equal what the server sent; recompute moves W to the log end; reload keeps the log', async ({ page, server, api }) => {
  // A long interval: this test decides when batch runs.
  await page.goto(`${server.url}/?batchInterval=3600`);
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-value', 'open');
  await expect.poll(() => dataValue(page, 'status-log')).toBeGreaterThan(300);

  // Before any recompute past startup, the events live in the speed layer, and the boundary shows.
  await expect.poll(() => dataValue(page, 'kpi-events-speed')).toBeGreaterThan(0);
  await expect(page.getByTestId('boundary')).not.toHaveAttribute('data-value', '');
  await screenshot(page, 'dashboard-streaming');

  const sent = await api.pause();
  const stats = await api.stats();
  expect(stats.produced).toBe(sent.produced);
  expect(stats.produced).toBeGreaterThan(300);

  // Every event the server sent reaches the log exactly once, and the merged view counts it once.
  await expect.poll(() => dataValue(page, 'status-log')).toBe(stats.produced);
  await expect.poll(() => dataValue(page, 'kpi-events-merged')).toBe(stats.produced);
  expect(await textValueOf(page, 'kpi-revenue-merged')).toBe(stats.amountTotal.toFixed(2));
  expect(await dataValue(page, 'kpi-items-merged')).toBe(stats.quantityTotal);

  // Recompute now: W moves to the log's end, the speed layer hands everything over to batch.
  await page.getByTestId('recompute-now').click();
  await expect.poll(() => dataValue(page, 'status-w')).toBe(stats.produced);
  await expect.poll(() => dataValue(page, 'kpi-events-batch')).toBe(stats.produced);
  expect(await dataValue(page, 'kpi-events-speed')).toBe(0);
  expect(await dataValue(page, 'kpi-events-merged')).toBe(stats.produced);
  expect(await textValueOf(page, 'kpi-revenue-batch')).toBe(stats.amountTotal.toFixed(2));
  expect(await dataValue(page, 'status-lag')).toBe(0);
  await expect(page.getByTestId('boundary')).toHaveAttribute('data-value', '');
  await screenshot(page, 'dashboard-after-recompute');

  // Reload: the saved batch views are served at once, the log is still there, batch recomputes it.
  await page.reload();
  await expect(page.getByTestId('messages')).toContainText('batch views saved before the reload');
  await expect.poll(() => dataValue(page, 'kpi-events-merged')).toBe(stats.produced);
  expect(await textValueOf(page, 'kpi-revenue-merged')).toBe(stats.amountTotal.toFixed(2));
  expect(await dataValue(page, 'status-w')).toBe(stats.produced);
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-value', 'open');

  // The stream resumes where the log ends.
  await api.resume();
  await expect.poll(() => dataValue(page, 'status-log')).toBeGreaterThan(stats.produced + 100);
  const after = await api.pause();
  await expect.poll(() => dataValue(page, 'kpi-events-merged')).toBe(after.produced);
  expect(await textValueOf(page, 'kpi-revenue-merged')).toBe(after.amountTotal.toFixed(2));
  await screenshot(page, 'dashboard-after-reload');
});

test('the batch layer recomputes on its own and the boundary moves right', async ({ page, server }) => {
  await page.goto(`${server.url}/?batchInterval=2`);
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-value', 'open');
  // The first W waits for DuckDB to start (the default expect timeout); later ones only for the 2 s interval.
  await expect.poll(() => dataValue(page, 'status-w')).toBeGreaterThan(0);
  const w1 = await dataValue(page, 'status-w');
  const recomputes1 = await dataValue(page, 'status-recompute');
  await expect.poll(() => dataValue(page, 'status-w'), { timeout: 15_000 }).toBeGreaterThan(w1);
  expect(await dataValue(page, 'status-recompute')).toBeGreaterThan(recomputes1);
  // Merged = batch + speed at every instant, whatever the split (read in one go: the values are live).
  const [merged, batch, speed] = await page.evaluate(() => ['merged', 'batch', 'speed'].map((p) => Number(document.querySelector(`[data-testid="kpi-events-${p}"]`)?.getAttribute('data-value'))));
  expect(batch! + speed!).toBe(merged);
});
