/**
 * The SQL console and exports as a person meets them: DuckDB SQL over an imported dataset with
 * answers this test computes from the rows it wrote (never through DuckDB or the app), refused
 * writes, errors in place, temporary tables, history, a chart, a million-row result scrolled to its
 * end, cancel, hostile names, and a dataset exported as Parquet and imported back with the same
 * numbers and the same SELECT results, types included.
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { drawnRows, openConsole, resultColumns, runSql, smallResult, summary, typeSql, waitForTable } from './console/consoleUi';
import { expect, test } from './fixtures';
import { addFiles, expectDataset, importFile, openApp, shot } from './files/importUi';
import { CITIES, cents, expectedSales, isoText, salesRows, sumOf } from './files/sales';
import { delimited } from './files/textFiles';

test.use({ serverOptions: { rate: 400, seed: 7, paused: true }, permissions: ['clipboard-read', 'clipboard-write'] });

const HOSTILE = 'a"; DROP TABLE b; --';
const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;
/** A TIMESTAMP as the grid shows it, read back as ms (the grid trims trailing zeros of the fraction). */
const tsMs = (text: string | null | undefined) => (text === null || text === undefined ? Number.NaN : Date.parse(`${text.replace(' ', 'T')}Z`));

async function importSales(page: Page, n: number, seed: number, name: string) {
  const rows = salesRows(n, seed);
  const file = `${name}.csv`;
  await addFiles(page, [{ name: file, bytes: delimited(rows, ',') }]);
  const id = await importFile(page, file, { eventTime: 'when', name });
  return { rows, id };
}

async function clipboard(page: Page): Promise<string> {
  return page.evaluate(() => navigator.clipboard.readText());
}

test('the console answers over a dataset what the test computed, refuses writes, shows errors in place and keeps its history', async ({ page, server }) => {
  await openApp(page, server.url);
  const { rows } = await importSales(page, 600, 21, 'sales');
  await openConsole(page);
  await waitForTable(page, 'sales', 600);

  // Group-by: counts, exact integer sums, float sums to the cent.
  await runSql(page, 'SELECT city, count(*) AS n, sum(qty) AS qty, sum(price) AS price\nFROM sales\nGROUP BY city\nORDER BY city');
  expect(await resultColumns(page)).toEqual(['city VARCHAR', 'n BIGINT', 'qty DECIMAL(38,0)', 'price DOUBLE']);
  const cities = [...new Set(rows.city)].sort();
  const got = await smallResult(page);
  expect(got.map((r) => r[0])).toEqual(cities);
  for (const [i, city] of cities.entries()) {
    const idx = rows.city.flatMap((c, k) => (c === city ? [k] : []));
    expect(got[i]![1], city).toBe(String(idx.length));
    expect(got[i]![2], city).toBe(String(sumOf(idx.map((k) => rows.qty[k]!))));
    expect(Number(got[i]![3]).toFixed(2), city).toBe(cents(sumOf(idx.map((k) => rows.priceCents[k]!))));
  }
  await expect(page.getByTestId('console-coverage')).toContainText('sales: batch store as of W = 600; the speed layer holds 0 newer events');
  await shot(page, 'console-result');

  // Chart this: a bar per city.
  await page.getByTestId('chart-this').click();
  await expect(page.getByTestId('result-chart')).toHaveAttribute('data-points', String(cities.length));
  await expect(page.getByTestId('result-chart').locator('.recharts-bar-rectangle').first()).toBeVisible();
  await shot(page, 'console-chart');

  // NULLs, event-time range, the `when` timestamps exactly as stored.
  await runSql(page, 'SELECT count(*) FILTER (WHERE qty IS NULL) AS no_qty, min("when") AS first, max("when") AS last, min(ts) = min("when") AS ts_is_when FROM sales');
  const [noQty, first, last, same] = (await smallResult(page))[0]!;
  expect(Number(noQty)).toBe(rows.qty.filter((q) => q === null).length);
  expect(tsMs(first)).toBe(Math.min(...rows.when));
  expect(tsMs(last)).toBe(Math.max(...rows.when));
  expect(first).toBe(
    isoText(Math.min(...rows.when))
      .replace(/(\.\d*?)0+$/, '$1')
      .replace(/\.$/, ''),
  );
  expect(same).toBe('true');

  // A write to a dataset is refused in plain words; the editor keeps the text; nothing changed.
  await runSql(page, 'DELETE FROM sales WHERE qty < 0', 'failed');
  await expect(page.getByTestId('console-error')).toHaveAttribute('data-refused', 'true');
  await expect(page.getByTestId('console-error')).toContainText('read-only');
  await expect(page.getByRole('textbox', { name: 'SQL' })).toHaveText('DELETE FROM sales WHERE qty < 0');
  await shot(page, 'console-refused');
  await runSql(page, 'CREATE OR REPLACE VIEW sales AS SELECT 1 AS x', 'failed');
  await expect(page.getByTestId('console-error')).toHaveAttribute('data-refused', 'true');
  await runSql(page, "SELECT * FROM read_csv('/etc/passwd')", 'failed');
  await expect(page.getByTestId('console-error')).toContainText('read_csv');

  // DuckDB's own error, in place.
  await runSql(page, 'SELECT nope FROM sales', 'failed');
  await expect(page.getByTestId('console-error')).toHaveAttribute('data-refused', 'false');
  await expect(page.getByTestId('console-error')).toContainText('nope');
  await expect(page.getByRole('textbox', { name: 'SQL' })).toHaveText('SELECT nope FROM sales');
  await shot(page, 'console-error');

  // Temporary tables for one's own analysis; the dataset is untouched.
  await runSql(page, "CREATE TEMP TABLE two AS SELECT * FROM sales WHERE city IN ('Oslo', 'Lima');\nSELECT count(*) AS n FROM two");
  expect(await smallResult(page)).toEqual([[String(rows.city.filter((c) => c === 'Oslo' || c === 'Lima').length)]]);
  await runSql(page, 'INSERT INTO two SELECT * FROM sales LIMIT 5;\nDROP TABLE two;\nSELECT count(*) AS n FROM sales');
  expect(await smallResult(page)).toEqual([['600']]);

  // Saved and history survive a reload.
  await typeSql(page, 'SELECT city FROM sales LIMIT 3');
  await page.getByTestId('save-name').fill('three cities');
  await page.getByTestId('save-statement').click();
  await expect(page.getByTestId('saved-statements')).toContainText('three cities');
  await page.reload();
  await openConsole(page);
  await expect(page.getByTestId('saved-statements')).toContainText('three cities');
  await expect(page.getByTestId('history-entry').first()).toContainText('SELECT count(*) AS n FROM sales');
  await expect(page.getByTestId('history-entry').filter({ hasText: 'DELETE FROM sales' })).toContainText('failed');
  await waitForTable(page, 'sales', 600);
  await page.getByRole('button', { name: 'Run three cities' }).click();
  await expect(summary(page)).toHaveAttribute('data-rows', '3');
  expect(CITIES).toContain((await smallResult(page))[0]![0]);
});

test('a million-row result scrolls to its end by keyboard; Cancel stops a long query', async ({ page, server }) => {
  await openApp(page, server.url);
  await openConsole(page);
  await runSql(page, "SELECT range AS i, range * 2 AS twice, 'r' || range AS label, CASE WHEN range % 2 = 0 THEN NULL ELSE 'NULL' END AS maybe FROM range(1000000)");
  await expect(summary(page)).toHaveAttribute('data-rows', '1000000');
  await expect(page.getByTestId('result-grid')).toHaveAttribute('aria-rowcount', '1000001');
  await page.getByTestId('result-grid').focus();
  await page.keyboard.press('Control+End');
  await expect.poll(async () => (await drawnRows(page)).get(999_999) ?? null).toEqual(['999999', '1999998', 'r999999', 'NULL']);
  await expect(page.locator('#cell-999999-3')).toBeInViewport();
  await page.keyboard.press('ArrowUp');
  await expect.poll(async () => (await drawnRows(page)).get(999_998) ?? null).toEqual(['999998', '1999996', 'r999998', null]);
  await page.keyboard.press('Control+Home');
  await expect.poll(async () => (await drawnRows(page)).get(0) ?? null).toEqual(['0', '0', 'r0', null]);
  await shot(page, 'console-million');
  // Copy a cell and a row.
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Control+c');
  await expect.poll(() => clipboard(page)).toBe('r0');
  await page.getByTestId('copy-row').click();
  await expect.poll(() => clipboard(page)).toBe('0\t0\tr0\t');

  // A query that would run for minutes stops when asked, and the console goes on (on a fresh connection:
  // the temporary table made before is named as lost).
  await runSql(page, 'CREATE TEMP TABLE scratch AS SELECT 1 AS x');
  await typeSql(page, 'SELECT sum(a.range * b.range) AS s FROM range(300000) a CROSS JOIN range(300000) b');
  await page.getByTestId('console-run').click();
  await expect(summary(page)).toHaveAttribute('data-status', 'running');
  await page.waitForTimeout(500);
  await page.getByTestId('console-cancel').click();
  await expect(summary(page)).toHaveAttribute('data-status', 'cancelled', { timeout: 30_000 });
  await expect(summary(page)).toContainText('scratch');
  await runSql(page, 'SELECT 6 * 7 AS answer');
  expect(await smallResult(page)).toEqual([['42']]);
});

test('hostile names work as names; a dataset exported as Parquet comes back with the same numbers and the same SELECT results', async ({ page, server }) => {
  await openApp(page, server.url);
  // A dataset named like an injection, with a column named `count`.
  const n = 240;
  const csv = ['when,count,label', ...Array.from({ length: n }, (_, i) => `${isoText(Date.UTC(2024, 2, 1) + i * 60_000)},${(i * 7) % 13},"l${i % 5}"`)].join('\n');
  await addFiles(page, [{ name: 'hostile.csv', bytes: Buffer.from(`${csv}\n`) }]);
  await importFile(page, 'hostile.csv', { eventTime: 'when', name: HOSTILE });
  const { rows, id } = await importSales(page, 300, 5, 'sales');
  await openConsole(page);
  await waitForTable(page, HOSTILE, n);
  await runSql(page, `SELECT sum("count") AS "count", count(*) AS n FROM ${quoted(HOSTILE)}`);
  const expectedCount = Array.from({ length: n }, (_, i) => (i * 7) % 13).reduce((a, b) => a + b, 0);
  expect(await smallResult(page)).toEqual([[String(expectedCount), String(n)]]);

  // A query result as CSV: exactly the rows this test expects.
  await runSql(page, 'SELECT city, count(*) AS n FROM sales GROUP BY city ORDER BY city');
  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('result-csv').click()]);
  expect(csvDownload.suggestedFilename()).toMatch(/^query-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z\.csv$/);
  const byCity = [...new Set(rows.city)].sort().map((c) => `${c},${rows.city.filter((x) => x === c).length}`);
  expect(readFileSync((await csvDownload.path())!, 'utf8')).toBe(`city,n\n${byCity.join('\n')}\n`);

  // The whole log as Parquet, from the Datasets panel, with progress, then dropped back in.
  await page.getByRole('tab', { name: 'Dashboard' }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`dataset-${id}-parquet`).click()]);
  expect(download.suggestedFilename()).toMatch(/^sales-log-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z\.parquet$/);
  await expect(page.getByTestId(`dataset-${id}-saved`)).toContainText('300 rows');
  const bytes = readFileSync((await download.path())!);
  await addFiles(page, [{ name: 'sales-copy.parquet', bytes }]);
  const copyId = await importFile(page, 'sales-copy.parquet', { eventTime: 'ts_1', name: 'sales copy' });
  await expectDataset(page, copyId, expectedSales(rows));

  // The same SELECT results, types included: compared as the console copies them (TSV).
  await openConsole(page);
  await waitForTable(page, 'sales copy', 300);
  const everything = async (table: string) => {
    await runSql(page, `SELECT * FROM ${quoted(table)} ORDER BY seq`);
    await expect(summary(page)).toHaveAttribute('data-rows', '300');
    const columns = await resultColumns(page);
    await page.getByTestId('copy-all').click();
    await expect(page.getByRole('status').filter({ hasText: 'Copied the result as TSV' })).toBeVisible();
    return { columns, tsv: await clipboard(page) };
  };
  const original = await everything('sales');
  const copy = await everything('sales copy');
  expect(copy.columns).toEqual(['seq BIGINT', 'ts TIMESTAMP', 'when TIMESTAMP_MS', 'city VARCHAR', 'qty BIGINT', 'price DOUBLE', 'ok BOOLEAN']);
  expect(copy.columns).toEqual(original.columns);
  expect(copy.tsv.split('\n')).toHaveLength(302);
  expect(copy.tsv).toBe(original.tsv);
  await shot(page, 'console-round-trip');
});
