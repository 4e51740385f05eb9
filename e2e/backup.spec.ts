/**
 * Back up and restore a whole workspace: a live stream's dataset and a file's (with a retention
 * policy), their views and a saved console statement go into one file; a fresh browser profile
 * refuses a cut copy of it and changes nothing, then restores the whole file by keyboard with the
 * same numbers, which the test works out itself, and the stream resumes exactly where the restored
 * log ends.
 */
import { readFileSync } from 'node:fs';
import { openConsole, runSql, smallResult, typeSql } from './console/consoleUi';
import { addFiles, datasets, importFile, openApp, shot } from './files/importUi';
import { salesRows } from './files/sales';
import { delimited } from './files/textFiles';
import { dataValue, expect, test, textValueOf } from './fixtures';

test('backup, then a fresh profile: a cut backup refused, the whole one restored with the same numbers, and the stream resumes where the log ends', async ({ page, server, api, browser }) => {
  test.setTimeout(240_000);
  const rows = salesRows(1500, 73);
  const kept = rows.qty.slice(500);
  const qtyKept = kept.reduce<number>((n, q) => n + (q ?? 0), 0);

  // The workspace: the demo stream (paused, so its count is known) and a file kept to its last 1,000 rows.
  await openApp(page, server.url);
  await expect.poll(() => datasets(page).then((d) => d.shop?.rows ?? 0)).toBeGreaterThan(300);
  const paused = await api.pause();
  await expect.poll(() => datasets(page).then((d) => d.shop?.rows)).toBe(paused.produced);
  await addFiles(page, [{ name: 'sales.csv', bytes: delimited(rows, ',') }]);
  const id = await importFile(page, 'sales.csv', { eventTime: 'when', name: 'sales' });
  const salesRow = page.locator(`[data-testid="dataset-row"][data-id="${id}"]`);
  await salesRow.getByTestId('retention-edit').click();
  await salesRow.getByTestId('retention-kind').selectOption('events');
  await salesRow.getByTestId('retention-n').fill('1000');
  await salesRow.getByTestId('retention-save').click();
  await expect.poll(() => datasets(page).then((d) => d[id]?.rows), { timeout: 30_000 }).toBe(1000);
  await openConsole(page);
  await typeSql(page, 'SELECT city, count(*) AS n FROM sales GROUP BY city ORDER BY city');
  await page.getByTestId('save-name').fill('sales by city');
  await page.getByTestId('save-statement').click();
  await expect(page.getByTestId('saved-statements')).toContainText('sales by city');
  await page.getByRole('tab', { name: 'Dashboard' }).click();

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('backup-start').click()]);
  expect(download.suggestedFilename()).toMatch(/^workspace-.*\.lwb$/);
  const file = test.info().outputPath('workspace.lwb');
  await download.saveAs(file);
  await expect(page.getByTestId('backup-result')).toHaveAttribute('data-ok', 'true');
  await expect(page.getByTestId('backup-result')).toContainText(`${(paused.produced + 1000).toLocaleString('en-US')} events`);

  // A fresh profile, not reading the stream yet: its workspace is empty.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
  const fresh = await context.newPage();
  await fresh.goto(`${server.url}/?batchInterval=3600&stream=off`);
  await expect(fresh.getByTestId('datasets-panel')).toBeVisible();
  const result = fresh.getByTestId('backup-result');

  // A cut backup: refused with the reason, nothing written.
  const bytes = readFileSync(file);
  await fresh.getByTestId('restore-input').setInputFiles({ name: 'cut.lwb', mimeType: 'application/zip', buffer: bytes.subarray(0, Math.floor(bytes.length * 0.7)) });
  await expect(result).toHaveAttribute('data-ok', 'false');
  await expect(result).toContainText('cut short');
  await expect(fresh.getByTestId('dataset-row')).toHaveCount(0);

  // The whole file, by keyboard: the button opens the file picker.
  const [chooser] = await Promise.all([
    fresh.waitForEvent('filechooser'),
    (async () => {
      await fresh.getByTestId('restore-start').focus();
      await fresh.keyboard.press('Enter');
    })(),
  ]);
  await chooser.setFiles(file);
  await expect(result).toHaveAttribute('data-ok', 'true', { timeout: 60_000 });
  await expect.poll(() => datasets(fresh).then((d) => [d.shop?.rows, d[id]?.rows])).toEqual([paused.produced, 1000]);
  // Restored right after the page opened: the recompute it asks for waits for DuckDB to start.
  await expect(fresh.getByTestId('messages')).toContainText('restored 2 datasets');
  await expect(fresh.getByTestId('messages')).not.toContainText('failed');
  const salesAgain = fresh.locator(`[data-testid="dataset-row"][data-id="${id}"]`);
  await expect(salesAgain.getByTestId('retention')).toContainText('Keeps the last 1,000 events');

  // The same numbers on the dashboard, from the restored views.
  await fresh.getByTestId('dataset-picker').selectOption(id);
  await expect.poll(() => dataValue(fresh, 'kpi-events-merged'), { timeout: 30_000 }).toBe(1000);
  expect(await dataValue(fresh, 'kpi-sum-of-qty-merged')).toBe(qtyKept);
  await fresh.getByTestId('dataset-picker').selectOption('shop');
  await expect.poll(() => dataValue(fresh, 'kpi-events-merged'), { timeout: 30_000 }).toBe(paused.produced);
  expect(await textValueOf(fresh, 'kpi-revenue-merged')).toBe(paused.amountTotal.toFixed(2));
  await fresh.getByTestId('datasets-panel').scrollIntoViewIfNeeded();
  await shot(fresh, 'backup-restored');
  await fresh.getByTestId('datasets-panel').screenshot({ path: 'test-results/backup-restored.png' });

  // The saved statement came too, and SQL sees the restored events.
  await openConsole(fresh);
  await expect(fresh.getByTestId('saved-statements')).toContainText('sales by city');
  await runSql(fresh, 'SELECT count(*) AS n, sum(qty) AS q FROM sales');
  expect(await smallResult(fresh)).toEqual([['1000', String(qtyKept)]]);

  // Reading the stream again: it resumes at the restored log's end, no event twice or missing.
  await fresh.goto(`${server.url}/?batchInterval=3600`);
  await api.resume();
  await expect.poll(() => datasets(fresh).then((d) => d.shop?.rows ?? 0), { timeout: 30_000 }).toBeGreaterThan(paused.produced + 200);
  const after = await api.pause();
  await expect.poll(() => datasets(fresh).then((d) => d.shop?.rows), { timeout: 30_000 }).toBe(after.produced);
  await fresh.getByTestId('dataset-picker').selectOption('shop');
  await expect.poll(() => dataValue(fresh, 'kpi-events-merged'), { timeout: 30_000 }).toBe(after.produced);
  expect(await textValueOf(fresh, 'kpi-revenue-merged')).toBe(after.amountTotal.toFixed(2));
  await context.close();
});
