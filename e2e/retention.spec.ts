/**
 * Retention, the only automatic way events leave the log: a policy set by keyboard in the Datasets
 * panel is applied by the next recompute, and the log, the dashboard and the SQL console then hold
 * exactly the events the test itself says the policy keeps; the runs show in the log's history and
 * survive a reload.
 */
import { addFiles, datasets, importFile, openApp, shot } from './files/importUi';
import { salesRows } from './files/sales';
import { delimited } from './files/textFiles';
import { openConsole, runSql, smallResult } from './console/consoleUi';
import { dataValue, expect, test } from './fixtures';

const DAY = 86_400_000;

test('retention: last N events, then last N days of event time, exact counts left everywhere, in the history, after a reload', async ({ page, server }) => {
  const rows = salesRows(2000, 57);
  await openApp(page, server.url);
  await addFiles(page, [{ name: 'keep.csv', bytes: delimited(rows, ',') }]);
  const id = await importFile(page, 'keep.csv', { eventTime: 'when', name: 'keep' });
  await page.getByTestId('dataset-picker').selectOption(id);
  await expect.poll(() => dataValue(page, 'kpi-events-merged')).toBe(rows.n);

  // What each policy keeps, worked out here from the rows the test wrote (log order is file order).
  const all = rows.when.map((_, i) => i);
  const lastEvents = all.slice(rows.n - 1200);
  const newest = Math.max(...lastEvents.map((i) => rows.when[i]!));
  const lastDays = lastEvents.filter((i) => rows.when[i]! >= newest - 12 * DAY);
  const qtyOf = (idx: number[]) => idx.reduce((n, i) => n + (rows.qty[i] ?? 0), 0);
  expect(lastDays.length).toBeGreaterThan(100);
  expect(lastDays.length).toBeLessThan(1200);

  const row = page.locator(`[data-testid="dataset-row"][data-id="${id}"]`);
  const retention = row.getByTestId('retention');
  await expect(retention).toContainText('Keeps everything');
  const setPolicy = async (kind: 'events' | 'days', n: number) => {
    await row.getByTestId('retention-edit').focus();
    await page.keyboard.press('Enter');
    await expect(row.getByTestId('retention-kind')).toBeFocused();
    await row.getByTestId('retention-kind').selectOption(kind);
    await row.getByTestId('retention-n').fill(String(n));
    await row.getByTestId('retention-n').press('Enter');
  };
  const expectHeld = async (idx: number[]) => {
    await expect.poll(() => datasets(page).then((d) => d[id]?.rows), { timeout: 30_000 }).toBe(idx.length);
    await expect.poll(() => dataValue(page, 'kpi-events-merged'), { timeout: 30_000 }).toBe(idx.length);
    expect(await dataValue(page, 'kpi-sum-of-qty-merged')).toBe(qtyOf(idx));
  };

  // A bad number is refused before anything is asked of the log.
  await row.getByTestId('retention-edit').click();
  await row.getByTestId('retention-kind').selectOption('days');
  await row.getByTestId('retention-n').fill('0');
  await expect(row.getByTestId('retention-save')).toBeDisabled();
  await expect(retention).toContainText('whole number of days');
  await row.getByRole('button', { name: 'Cancel' }).click();
  // Reopened, the form shows the policy in force, not what was typed and cancelled.
  await row.getByTestId('retention-edit').click();
  await expect(row.getByTestId('retention-kind')).toHaveValue('all');
  await page.keyboard.press('Escape');
  await expect(row.getByTestId('retention-edit')).toBeFocused();

  await setPolicy('events', 1200);
  await expect(retention).toContainText('Keeps the last 1,200 events');
  // The form closed, the keyboard is back on Change.
  await expect(row.getByTestId('retention-edit')).toBeFocused();
  await expectHeld(lastEvents);

  await setPolicy('days', 12);
  await expect(retention).toContainText('Keeps the last 12 days of event time');
  await expectHeld(lastDays);
  const d = (await datasets(page))[id]!;
  expect(d.minTs).toBe(Math.min(...lastDays.map((i) => rows.when[i]!)));
  expect(d.maxTs).toBe(newest);

  // The log's history: both runs, newest first, with what each removed.
  await retention.getByTestId('retention-history').locator('summary').click();
  await expect(retention.getByTestId('retention-run')).toHaveCount(2);
  expect(await retention.getByTestId('retention-run').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-removed'))))).toEqual([1200 - lastDays.length, 800]);
  await expect(retention).toHaveAttribute('data-removed', String(rows.n - lastDays.length));
  await page.getByTestId('datasets-panel').scrollIntoViewIfNeeded();
  await shot(page, 'retention-history');
  await page.getByTestId('datasets-panel').screenshot({ path: 'test-results/retention-panel.png' });

  // The SQL console reads the batch engine's copy of the log: it holds the same events.
  await openConsole(page);
  await runSql(page, 'SELECT count(*) AS n, sum(qty) AS q FROM keep');
  expect(await smallResult(page)).toEqual([[String(lastDays.length), String(qtyOf(lastDays))]]);

  // A reload reads the log again: the same events, the same policy and history.
  await page.reload();
  await page.getByRole('tab', { name: 'Dashboard' }).click();
  await page.getByTestId('dataset-picker').selectOption(id);
  await expectHeld(lastDays);
  await expect(page.locator(`[data-testid="dataset-row"][data-id="${id}"]`).getByTestId('retention')).toHaveAttribute('data-runs', '2');
});

test('retention on a live stream: the last N events kept while it streams, every hand-over reconciled, exact once it pauses', async ({ page, server, api }) => {
  await page.goto(`${server.url}/?batchInterval=2`);
  await expect.poll(() => dataValue(page, 'status-w')).toBeGreaterThan(0);
  const row = page.locator('[data-testid="dataset-row"][data-id="shop"]');
  await row.getByTestId('retention-edit').click();
  await row.getByTestId('retention-kind').selectOption('events');
  await row.getByTestId('retention-n').fill('1500');
  await row.getByTestId('retention-save').click();
  const retention = row.getByTestId('retention');
  // Runs go on at each recompute while events stream in (400 a second, a recompute every 2 s).
  await expect.poll(async () => Number(await retention.getAttribute('data-runs')), { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
  const [merged, batch, speed] = await page.evaluate(() => ['merged', 'batch', 'speed'].map((p) => Number(document.querySelector(`[data-testid="kpi-events-${p}"]`)?.getAttribute('data-value'))));
  expect(batch! + speed!).toBe(merged);
  const stats = await api.pause();
  // Once batch has reached the log's end, the next recompute keeps exactly the last 1,500.
  await expect.poll(() => datasets(page).then((d) => d.shop?.rows), { timeout: 30_000 }).toBe(1500);
  await expect.poll(() => dataValue(page, 'kpi-events-merged'), { timeout: 30_000 }).toBe(1500);
  await expect.poll(() => dataValue(page, 'status-log')).toBe(1500);
  expect(Number(await retention.getAttribute('data-removed'))).toBe(stats.produced - 1500);
  // Retention never made the speed layer and batch disagree at a hand-over.
  await expect(page.getByTestId('messages')).toContainText('Retention removed');
  await expect(page.getByTestId('messages')).not.toContainText('disagreed');
  await expect(page.getByTestId('messages')).not.toContainText('failed');
});
