/**
 * A stream whose batch layer is a two-shard ClickHouse cluster (issue 14): the server loads the
 * stream into the cluster in whole segments; the page starts its log where the cluster is, takes
 * batch from the cluster and tallies the rest itself; the merged figures equal what the test sent,
 * at every recompute, and the dashboard says where batch came from.
 */
import { expect, test } from '@playwright/test';
import { createServer, type RunningServer } from '../server/createServer';
import type { StreamDeclaration } from '../server/streams/declaration';
import { startClickHouseCluster, type ClickHouseCluster } from '../src/testing/clickhouseServer';
import { dataValue } from './fixtures';
import { openConsole, runSql, smallResult } from './console/consoleUi';

const ORDERS: StreamDeclaration = {
  id: 'orders',
  schema: {
    fields: [
      { name: 'item', type: 'text' },
      { name: 'qty', type: 'integer' },
    ],
  },
  timeZone: 'UTC',
};

let cluster: ClickHouseCluster | null = null;
let server: RunningServer | null = null;
test.beforeAll(async () => {
  cluster = await startClickHouseCluster(2);
});
test.afterAll(async () => {
  await server?.close();
  await cluster?.stop();
});

/** Posts `n` orders from number `from` on; returns their qty sum (the test's own figure). */
async function send(url: string, from: number, n: number): Promise<number> {
  const orders = Array.from({ length: n }, (_, k) => ({ item: `i${(from + k) % 5}`, qty: ((from + k) % 7) + 1 }));
  const res = await fetch(`${url}/api/streams/orders/events`, { method: 'POST', body: JSON.stringify(orders) });
  expect(res.status).toBe(200);
  return orders.reduce((s, o) => s + o.qty, 0);
}

async function clusterW(url: string): Promise<number> {
  const body = (await (await fetch(`${url}/api/cluster`)).json()) as { datasets: Record<string, { w: number }> };
  return body.datasets.orders?.w ?? -1;
}

test('a stream on a two-shard ClickHouse cluster: batch from the cluster, speed in the tab, merged exactly', async ({ browser }) => {
  test.skip(!cluster, 'clickhouse-server is not installed (.ci/run installs it)');
  const c = cluster!;
  server = await createServer({ staticDir: 'dist', demo: false, streams: [ORDERS], cluster: { shards: c.nodes.map((n) => n.url), cluster: c.name, segment: 500 } });
  const url = server.url;
  let count = 1_250;
  let qty = await send(url, 0, count);
  await expect.poll(() => clusterW(url)).toBe(1_000);

  const context = await browser.newContext({ serviceWorkers: 'block', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${url}/?batchInterval=3600&stream=orders`);
  await page.getByTestId('dataset-picker').selectOption('orders');
  // The tab's log began at the cluster's W: it read 250 events, and batch holds the cluster's 1,000.
  await expect.poll(() => dataValue(page, 'kpi-events-merged'), { timeout: 30_000 }).toBe(count);
  expect(await dataValue(page, 'kpi-sum-of-qty-merged')).toBe(qty);
  await expect(page.getByTestId('batch-source')).toContainText('ClickHouse, 2 shards, 1,000 events');
  expect(await dataValue(page, 'kpi-events-batch')).toBe(1_000);
  expect(await dataValue(page, 'kpi-events-speed')).toBe(250);

  // More events: the cluster loads two more segments; a recompute moves W there, merged stays exact.
  qty += await send(url, count, 1_000);
  count += 1_000;
  await expect.poll(() => clusterW(url)).toBe(2_000);
  await expect.poll(() => dataValue(page, 'kpi-events-merged'), { timeout: 30_000 }).toBe(count);
  await page.getByRole('button', { name: 'Recompute now' }).click();
  await expect.poll(() => dataValue(page, 'kpi-events-batch'), { timeout: 30_000 }).toBe(2_000);
  expect(await dataValue(page, 'kpi-events-merged')).toBe(count);
  expect(await dataValue(page, 'kpi-sum-of-qty-merged')).toBe(qty);
  await expect(page.getByTestId('batch-source')).toContainText('2,000 events');
  // The hand-over was reconciled against the cluster's answer for the same seqs.
  await expect(page.getByTestId('pipeline-diagram')).toContainText('last hand-over: no drift');
  await expect(page.getByText('disagreed')).toHaveCount(0);
  await page.getByTestId('pipeline-diagram').screenshot({ path: 'test-results/cluster-diagram.png' });

  // The next recompute drops from this tab the events the cluster holds (seq <= 2,000): the log keeps
  // the 250 past W, the dataset still counts every event, and the figures do not move.
  const row = page.locator('[data-testid="dataset-row"][data-id="orders"]');
  const bytesBefore = Number(await row.getAttribute('data-bytes'));
  await page.getByRole('button', { name: 'Recompute now' }).click();
  await expect.poll(async () => Number(await row.getAttribute('data-bytes'))).toBeLessThan(bytesBefore / 2);
  await expect(row).toHaveAttribute('data-rows', String(count));
  await expect(row.getByTestId('dataset-files')).toContainText('batch on ClickHouse');
  expect(await dataValue(page, 'kpi-events-merged')).toBe(count);
  expect(await dataValue(page, 'kpi-sum-of-qty-merged')).toBe(qty);

  // The console runs read-only ClickHouse SQL on the cluster, results in the same grid.
  await openConsole(page);
  await page.getByTestId('console-target').selectOption('cluster');
  await runSql(page, 'SELECT item, count() AS n, sum(qty) AS q FROM lw_orders GROUP BY item ORDER BY item');
  const first = Array.from({ length: 2_000 }, (_, k) => ({ item: `i${k % 5}`, qty: (k % 7) + 1 }));
  const expected = ['i0', 'i1', 'i2', 'i3', 'i4'].map((item) => {
    const mine = first.filter((o) => o.item === item);
    return [item, String(mine.length), String(mine.reduce((t, o) => t + o.qty, 0))];
  });
  expect(await smallResult(page)).toEqual(expected);
  await runSql(page, 'DROP TABLE lw_orders', 'failed');
  await expect(page.getByTestId('console-error')).toContainText('read-only');
  await runSql(page, 'SELECT count() FROM lw_orders');
  expect(await smallResult(page)).toEqual([['2000']]);
  await page.screenshot({ path: 'test-results/cluster-console.png' });
  expect(errors).toEqual([]);
  await context.close();
});
