/**
 * Works on a plane: the service worker saves the app (and both DuckDB builds), and with the server
 * stopped a reload opens the workbench with every dataset and view; file drop, SQL and export work;
 * no request leaves the origin; the stream says offline and, when the server returns, resumes where
 * the log ends. A new version is announced, not swapped in, and applying it keeps the data.
 * Every figure is computed here from the rows the test wrote, or taken from the server's own count.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { createServer, type RunningServer, type ServerOptions } from '../server/createServer';
import type { ShopStreamStats, StreamStats } from '../src/protocol/stream';
import { openConsole, runSql, smallResult, waitForTable } from './console/consoleUi';
import { dataValue, expect, test } from './fixtures';
import { addCountView, addFiles, cardOf, datasets, expectDataset, importFile, openApp, shot, viewCounts } from './files/importUi';
import { expectedSales, salesRows, sumOf } from './files/sales';
import { delimited } from './files/textFiles';
import { cachedFiles, copyOfDist, publishNewVersion, recordRequests, timeInstall, waitForOfflineReady } from './offline/offlineUi';

test.use({
  serviceWorkers: 'allow',
  serverOptions: { rate: 400, seed: 31 },
  // While the server is down: the socket's retries and the browser's own update check of sw.js. (In
  // the [value, options] form: Playwright takes a bare array whose second item is an object, as a
  // RegExp is, for that form and would drop the rest.)
  expectedConsoleErrors: [[/ERR_CONNECTION_REFUSED/, /WebSocket connection to .* failed/, /Failed to update a ServiceWorker/], { scope: 'test' }],
});

async function shopStats(url: string, action: 'pause' | null = null): Promise<ShopStreamStats> {
  const res = await fetch(`${url}/api/streams${action ? `/shop/${action}` : ''}`, { method: action ? 'POST' : 'GET' });
  const shop = ((await res.json()) as { streams: StreamStats[] }).streams.find((s) => s.id === 'shop');
  if (!shop?.breakdown) throw new Error('the server runs no demo stream');
  return shop as ShopStreamStats;
}

/** Rows the Datasets panel says `id` holds. */
const rowsOf = async (page: Page, id: string) => (await datasets(page))[id]?.rows;

async function importSales(page: Page, name: string, n: number, seed: number) {
  const rows = salesRows(n, seed);
  await addFiles(page, [{ name: `${name}.csv`, bytes: delimited(rows, ',') }]);
  const id = await importFile(page, `${name}.csv`, { eventTime: 'when', name });
  return { id, rows, expected: expectedSales(rows) };
}

/** Our own server (the fixture's port, a data directory), so it can stop and come back with its offsets. */
async function serverOfOurOwn(fixture: RunningServer, options: ServerOptions): Promise<RunningServer> {
  await fixture.close();
  return createServer({ ...options, port: fixture.port });
}

test('offline: a reload without the server opens every dataset and view; SQL, file drop and export work; the stream resumes exactly', async ({ page, server, serverOptions }) => {
  test.setTimeout(300_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'lwb-offline-'));
  const options = { ...serverOptions, staticDir: 'dist', dataDir };
  let live = await serverOfOurOwn(server, options);
  const origin = new URL(live.url).origin;
  const requests = recordRequests(page, origin);
  try {
    const installMs = await timeInstall(page);
    const t0 = Date.now();
    await openApp(page, live.url);
    const readyMs = await waitForOfflineReady(page, t0);
    const cached = await cachedFiles(page);
    const wasm = cached.filter((f) => f.path.endsWith('.wasm'));
    const mb = (sumOf(cached.map((f) => f.bytes)) / 1048576).toFixed(1);
    console.log(`[offline] precache: ${cached.length} files, ${mb} MB; install ${installMs()} ms; saved for offline use ${readyMs} ms after the page was opened`);
    for (const name of ['duckdb-coi', 'duckdb-eh', 'parquet_wasm_bg'])
      expect(
        wasm.some((f) => f.path.startsWith(`/assets/${name}-`)),
        `${name} precached`,
      ).toBe(true);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

    const sales = await importSales(page, 'sales', 500, 3);
    await addCountView(page, sales.id, 'city', 'sales by city');
    await expect.poll(() => viewCounts(page, 'sales by city')).toEqual(sales.expected.groups.city);
    // The stream: some events, then paused so the log holds exactly what the server sent.
    await expect.poll(() => rowsOf(page, 'shop')).toBeGreaterThan(800);
    const before = await shopStats(live.url, 'pause');
    await expect.poll(() => rowsOf(page, 'shop')).toBe(before.validEvents);

    await live.close();
    await page.getByTestId('dataset-picker').selectOption('shop');
    await expect(page.getByTestId('status-connection')).toHaveText('offline', { timeout: 30_000 });

    // The reload a person does on the plane: the service worker serves the page, isolated as before.
    await page.reload();
    await expect(page.getByRole('button', { name: 'New view' })).toBeEnabled();
    expect(await page.evaluate(() => ({ isolated: crossOriginIsolated, controlled: navigator.serviceWorker.controller !== null }))).toEqual({ isolated: true, controlled: true });
    await expect.poll(() => datasets(page).then((d) => Object.fromEntries(Object.values(d).map((r) => [r.name, r.rows])))).toEqual({ shop: before.validEvents, sales: 500 });
    await page.getByTestId('dataset-picker').selectOption('shop');
    await expect.poll(() => dataValue(page, 'kpi-events-merged')).toBe(before.validEvents);
    await expect(page.getByTestId('status-connection')).toHaveText('offline', { timeout: 30_000 });
    await expect(page.getByTestId('status-connection')).toHaveAttribute('data-offline', 'true');
    await expect(page.getByTestId('offline-banner')).toContainText('The stream server cannot be reached');
    await shot(page, 'offline-dashboard');
    await page.getByTestId('dataset-picker').selectOption(sales.id);
    await expectDataset(page, sales.id, sales.expected);
    await expect.poll(() => viewCounts(page, 'sales by city')).toEqual(sales.expected.groups.city);

    // Export works offline (parquet-wasm is precached): the whole log as Parquet.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`dataset-${sales.id}-parquet`).click()]);
    await expect(page.getByTestId(`dataset-${sales.id}-saved`)).toContainText('500 rows');
    expect(
      readFileSync((await download.path())!)
        .subarray(0, 4)
        .toString(),
    ).toBe('PAR1');

    // A file dropped offline.
    const more = await importSales(page, 'sales-more', 300, 4);
    await expectDataset(page, more.id, more.expected);

    // SQL over both, with answers computed here.
    await openConsole(page);
    await waitForTable(page, 'sales', 500);
    await waitForTable(page, 'shop', before.validEvents);
    await runSql(page, 'SELECT count(*) AS n, sum(qty) AS qty FROM sales');
    expect(await smallResult(page)).toEqual([['500', String(sumOf(sales.rows.qty))]]);
    await runSql(page, 'SELECT (SELECT count(*) FROM shop) AS shop, (SELECT count(*) FROM "sales-more") AS more');
    expect(await smallResult(page)).toEqual([[String(before.validEvents), '300']]);
    await page.keyboard.press('Escape');
    await shot(page, 'offline-console');
    await page.getByRole('tab', { name: 'Dashboard' }).click();
    await page.getByTestId('dataset-picker').selectOption(sales.id);
    await expect(page.getByTestId('status-connection')).toHaveText('offline');
    expect(requests.foreign(), 'requests that left the origin').toEqual([]);

    // The server returns (same port, same data): the stream resumes where the log ends, no duplicates.
    live = await createServer({ ...options, port: server.port });
    await page.getByTestId('dataset-picker').selectOption('shop');
    await expect(page.getByTestId('status-connection')).toHaveAttribute('data-value', 'open', { timeout: 30_000 });
    await expect(page.getByTestId('offline-banner')).toHaveCount(0);
    await expect.poll(() => rowsOf(page, 'shop')).toBeGreaterThan(before.validEvents + 400);
    const after = await shopStats(live.url, 'pause');
    expect(after.validEvents).toBeGreaterThan(before.validEvents);
    await expect.poll(() => rowsOf(page, 'shop'), { timeout: 60_000 }).toBe(after.validEvents);
    await page.getByTestId('recompute-now').click();
    await expect.poll(() => dataValue(page, 'status-w'), { timeout: 60_000 }).toBe(after.validEvents);
    await expect.poll(() => dataValue(page, 'kpi-events-merged')).toBe(after.validEvents);
    expect(requests.foreign(), 'requests that left the origin').toEqual([]);
  } finally {
    await live.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a new version is announced, not swapped in; Reload applies it and every dataset stays', async ({ page, server, serverOptions }) => {
  test.setTimeout(180_000);
  const dist = copyOfDist();
  const live = await serverOfOurOwn(server, { ...serverOptions, paused: true, staticDir: dist });
  try {
    await openApp(page, live.url);
    await waitForOfflineReady(page, Date.now());
    const sales = await importSales(page, 'sales', 200, 8);
    const version = () => page.evaluate(() => document.querySelector('meta[name="app-build"]')?.getAttribute('content') ?? 'first');

    publishNewVersion(dist, '2');
    // What the app does every half hour and when the tab becomes visible, now.
    await page.evaluate(async () => {
      await (await navigator.serviceWorker.getRegistration())?.update();
    });
    await expect(page.getByTestId('update-prompt')).toContainText('A new version is ready');
    // Announced only: the running page is still the first version, under the first service worker.
    expect(await version()).toBe('first');
    await expectDataset(page, sales.id, sales.expected);
    await cardOf(page, 'sales.csv').getByRole('button', { name: 'Dismiss' }).click();
    await shot(page, 'update-prompt');

    await Promise.all([page.waitForEvent('load'), page.getByTestId('update-reload').click()]);
    await expect.poll(version).toBe('2');
    await expect(page.getByRole('button', { name: 'New view' })).toBeEnabled();
    await expect(page.getByTestId('update-prompt')).toHaveCount(0);
    await page.getByTestId('dataset-picker').selectOption(sales.id);
    await expectDataset(page, sales.id, sales.expected);
  } finally {
    await live.close();
    rmSync(dist, { recursive: true, force: true });
  }
});

test('served without cross-origin isolation, the offline app runs the single-threaded DuckDB build', async ({ page, server, serverOptions }) => {
  test.setTimeout(180_000);
  const live = await serverOfOurOwn(server, { ...serverOptions, paused: true, isolation: false, staticDir: 'dist' });
  let closed = false;
  try {
    await openApp(page, live.url);
    await waitForOfflineReady(page, Date.now());
    const sales = await importSales(page, 'sales', 250, 9);
    await live.close();
    closed = true;
    await page.reload();
    await expect(page.getByRole('button', { name: 'New view' })).toBeEnabled();
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    await page.getByTestId('dataset-picker').selectOption(sales.id);
    await expectDataset(page, sales.id, sales.expected);
    await openConsole(page);
    await waitForTable(page, 'sales', 250);
    await runSql(page, 'SELECT count(*) AS n, sum(qty) AS qty FROM sales');
    expect(await smallResult(page)).toEqual([['250', String(sumOf(sales.rows.qty))]]);
  } finally {
    if (!closed) await live.close();
  }
});
