/**
 * Your own streams, end to end: declared streams with their own schemas into their own datasets,
 * fed over HTTP, the producer socket and a replayed file; a broker upstream killed and restarted,
 * the server restarted; hostile producers refused while the others go on. Every total is computed
 * here from what was sent, and checked against the server's stats and the browser's numbers.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { JetStreamSource, jetStreamNames } from '../server/broker/JetStreamSource';
import { findNatsServer, type NatsServer, startNatsServer } from '../server/broker/natsServer';
import { createServer, type RunningServer } from '../server/createServer';
import { openConsole, runSql, smallResult, waitForTable } from './console/consoleUi';
import { datasets, shot } from './files/importUi';
import { dataValue, expect, test } from './fixtures';
import { declare, post, producerSocket, replay, type Sent, sent, streamRow, streamStats } from './streams/producers';

const CLICKS = {
  fields: [
    { name: 'page', type: 'text' as const },
    { name: 'ms', type: 'integer' as const },
  ],
};
const TEMPS = {
  fields: [
    { name: 'sensor', type: 'text' as const },
    { name: 'quarter_degrees', type: 'integer' as const },
    { name: 'celsius', type: 'float' as const },
  ],
  timeZone: 'Europe/Paris',
};
const ORDERS = {
  fields: [
    { name: 'item', type: 'text' as const },
    { name: 'qty', type: 'integer' as const },
  ],
};

const clicks = (k: number, from: number) => Array.from({ length: k }, (_, j) => ({ page: `/p${(from + j) % 7}`, ms: from + j }));
const rowsOf = async (page: Page, id: string) => (await datasets(page))[id]?.rows ?? -1;

/** Recomputes, then asks the console `sql` over the batch store once `table` holds `rows`. */
async function ask(page: Page, table: string, rows: number, sql: string): Promise<(string | null)[][]> {
  await openConsole(page);
  await waitForTable(page, table, rows);
  await runSql(page, sql);
  return smallResult(page);
}

test.describe('declared streams', () => {
  test.use({ serverOptions: { demo: false } });

  test('two schemas into two datasets over HTTP and the producer socket, plus a replayed file; pause and resume one', async ({ page, server }) => {
    const url = server.url;
    expect((await declare(url, 'clicks', CLICKS)).status).toBe(201);
    expect((await declare(url, 'temps', TEMPS)).status).toBe(201);
    await page.goto(`${url}/?batchInterval=3600&stream=clicks,temps,weather`);
    await expect(streamRow(page, 'clicks')).toHaveAttribute('data-state', 'on');
    await expect(streamRow(page, 'temps')).toHaveAttribute('data-state', 'on');

    const clicksSent = sent();
    for (let i = 0; i < 5; i++) expect((await post(url, 'clicks', clicks(1000, i * 1000), clicksSent)).status).toBe(200);
    const tempsSent = sent();
    const producer = await producerSocket(url);
    const batches = Array.from({ length: 10 }, (_, b) =>
      Array.from({ length: 500 }, (_, j) => ({ sensor: `s${j % 3}`, quarter_degrees: (b * 500 + j) % 400, celsius: ((b * 500 + j) % 400) / 4, ts: '2026-07-01T12:00:00' })),
    );
    await producer.publish('temps', batches, tempsSent);
    producer.close();

    // A file replayed as a live stream, naive times read as UTC; the stream is declared by the replay.
    const dir = mkdtempSync(join(tmpdir(), 'lwb-replay-'));
    const lines = ['station,temp,time'];
    let tempSum = 0;
    for (let i = 0; i < 2000; i++) {
      const t = (i * 7) % 35;
      tempSum += t;
      lines.push(`st${i % 5},${t},2026-11-24 ${String(10 + Math.floor(i / 3600)).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`);
    }
    writeFileSync(join(dir, 'weather.csv'), `${lines.join('\n')}\n`);
    const out = await replay([join(dir, 'weather.csv'), '--stream', 'weather', '--rate', '20000', '--server', url]);
    expect(out).toMatch(/Sent 2,?000 events to "weather"/);

    const stats = await streamStats(url);
    expect(stats.clicks!.totals).toMatchObject({ count: clicksSent.count, sums: { ms: clicksSent.sums.ms } });
    expect(stats.temps!.totals).toMatchObject({ count: 5000, sums: { quarter_degrees: tempsSent.sums.quarter_degrees } });
    expect(stats.weather!.totals).toMatchObject({ count: 2000, sums: { temp: tempSum }, minTs: Date.UTC(2026, 10, 24, 10) });

    await expect.poll(() => rowsOf(page, 'clicks')).toBe(5000);
    await expect.poll(() => rowsOf(page, 'temps')).toBe(5000);
    await expect.poll(() => rowsOf(page, 'weather')).toBe(2000);
    await shot(page, 'streams-panel');

    // Pause one stream: the others go on, it stays where it was; resumed, it continues exactly.
    await streamRow(page, 'clicks').getByRole('button', { name: 'Pause' }).click();
    await expect(streamRow(page, 'clicks')).toHaveAttribute('data-state', 'paused');
    await post(url, 'clicks', clicks(300, 5000), clicksSent);
    await post(url, 'weather', [{ station: 'st9', temp: 1, ts: '2026-11-24T11:00:00Z' }], null);
    await expect.poll(() => rowsOf(page, 'weather')).toBe(2001);
    expect(await rowsOf(page, 'clicks')).toBe(5000);
    await streamRow(page, 'clicks').getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => rowsOf(page, 'clicks')).toBe(5300);
    for (const id of ['clicks', 'temps', 'weather']) await expect(streamRow(page, id)).toHaveAttribute('data-state', 'on');
    // Each stream's dataset got starter views: its dashboard counts its own events, merged exactly.
    await page.getByTestId('dataset-picker').selectOption('clicks');
    await expect.poll(() => dataValue(page, 'kpi-events-merged')).toBe(5300);
    await expect.poll(() => dataValue(page, 'kpi-sum-of-ms-merged')).toBe(clicksSent.sums.ms);
    await shot(page, 'stream-dashboard');

    await page.getByTestId('recompute-now').click();
    expect(await ask(page, 'clicks', 5300, 'SELECT count(*) AS n, sum(ms) AS s FROM clicks')).toEqual([['5300', String(clicksSent.sums.ms)]]);
    // Naive times of the Paris stream: 12:00 in Paris in July is 10:00 UTC.
    expect(await ask(page, 'temps', 5000, 'SELECT count(*) AS n, sum(quarter_degrees) AS q, sum(celsius * 4)::BIGINT AS c, min(epoch_ms(ts)) AS t FROM temps')).toEqual([
      ['5000', String(tempsSent.sums.quarter_degrees), String(tempsSent.sums.quarter_degrees), String(Date.UTC(2026, 6, 1, 10))],
    ]);
    expect(await ask(page, 'weather', 2001, 'SELECT count(*) AS n, sum(temp) AS s, min(epoch_ms(ts)) AS t FROM weather')).toEqual([['2001', String(tempSum + 1), String(Date.UTC(2026, 10, 24, 10))]]);
  });

  test('a stream that gains a field widens its dataset: old events read NULL', async ({ page, server }) => {
    const url = server.url;
    await declare(url, 'clicks', CLICKS);
    await page.goto(`${url}/?batchInterval=3600`);
    await post(url, 'clicks', clicks(10, 0), null);
    await expect.poll(() => rowsOf(page, 'clicks')).toBe(10);
    expect((await declare(url, 'clicks', { fields: [...CLICKS.fields, { name: 'browser', type: 'text' }] })).status).toBe(200);
    await post(url, 'clicks', [{ page: '/x', ms: 1, browser: 'lynx' }], null);
    await expect.poll(() => rowsOf(page, 'clicks')).toBe(11);
    await expect(page.getByTestId('messages')).toContainText('stream clicks gained the field browser');
    await page.getByTestId('recompute-now').click();
    expect(await ask(page, 'clicks', 11, 'SELECT count(*) AS n, count(browser) AS b, max(browser) AS m FROM clicks')).toEqual([['11', '1', 'lynx']]);
  });
});

test.describe('hostile producers', () => {
  test.use({ serverOptions: { demo: false, token: 'letmein', maxEventsPerSecond: 5000, streams: [{ id: 'clicks', schema: CLICKS, timeZone: 'UTC' }] } });

  test('are refused and change nothing, while the good producer and the dashboard go on', async ({ page, server }) => {
    const url = server.url;
    const auth = { authorization: 'Bearer letmein' };
    await page.goto(`${url}/?batchInterval=3600`);
    const good = sent();
    expect((await post(url, 'clicks', clicks(1000, 0), good, auth)).status).toBe(200);
    expect((await post(url, 'clicks', clicks(10, 0), null, { authorization: 'Bearer guess' })).status).toBe(401);
    expect((await post(url, 'clicks', clicks(10, 0), null)).status).toBe(401);
    expect((await declare(url, 'evil', CLICKS)).status).toBe(401);
    expect((await post(url, 'clicks', [{ page: '/a', ms: 'lots' }], null, auth)).status).toBe(422);
    expect((await post(url, 'nope', clicks(1, 0), null, auth)).status).toBe(404);
    await expect(producerSocket(url)).rejects.toThrow(/401/);
    // A flood: past 5,000 events a second from one producer, refused whole.
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await post(url, 'clicks', clicks(1000, 1000 + i * 1000), good, auth)).status);
    expect(statuses).toContain(429);
    // 50 MB in one body: refused (413, or the connection cut once it is far past the limit).
    const big = await fetch(`${url}/api/streams/clicks/events`, { method: 'POST', body: 'x'.repeat(50 * 1024 * 1024), headers: auth }).then(
      (r) => r.status,
      () => 'cut',
    );
    expect([413, 'cut']).toContain(big);
    await new Promise((r) => setTimeout(r, 1200)); // the flood's second is over
    expect((await post(url, 'clicks', clicks(500, 50_000), good, auth)).status).toBe(200);

    const stats = await streamStats(url);
    expect(Object.keys(stats)).toEqual(['clicks']);
    expect(stats.clicks!.totals).toMatchObject({ count: good.count, sums: { ms: good.sums.ms } });
    await expect.poll(() => rowsOf(page, 'clicks')).toBe(good.count);
  });
});

test.describe('a broker upstream (NATS JetStream)', () => {
  test.skip(!findNatsServer(), 'needs the Debian package nats-server (.ci/run installs it)');
  let nats: NatsServer;
  test.beforeAll(async () => {
    nats = await startNatsServer();
  });
  test.afterAll(async () => {
    await nats?.stop();
  });
  // `nats` is read when a server starts, after beforeAll.
  const brokerServer = { demo: false, streams: [{ id: 'orders', schema: ORDERS, timeZone: 'UTC' }], broker: (id: string) => new JetStreamSource({ servers: nats.url, ...jetStreamNames(id) }) };
  test.use({ serverOptions: brokerServer });
  // The [value, options] form: a bare list of two RegExps reads as a value and its options (a RegExp is an object).
  test.use({ expectedConsoleErrors: [[/WebSocket connection to .* failed/, /ERR_CONNECTION_REFUSED/], { scope: 'test' }] });

  test('the broker killed and restarted mid-stream, then the server restarted: exact counts', async ({ page, server }) => {
    let url = server.url;
    let restarted: RunningServer | null = null;
    try {
      await page.goto(`${url}/?batchInterval=3600`);
      await expect(streamRow(page, 'orders')).toHaveAttribute('data-state', 'on');
      const total: Sent = sent();
      /** Posts a batch until the server takes it; the same key each time, so a half-stored try is not doubled. */
      const publish = async (i: number) => {
        const events = Array.from({ length: 200 }, (_, j) => ({ item: `i${j % 9}`, qty: (i * 200 + j) % 13 }));
        const deadline = Date.now() + 60_000;
        for (;;) {
          const status = await post(url, 'orders', events, null, { 'idempotency-key': `batch-${i}` }).then(
            (r) => r.status,
            () => 0,
          );
          if (status === 200) break;
          if (Date.now() > deadline) throw new Error(`batch ${i} not taken: ${status}`);
          await new Promise((r) => setTimeout(r, 200));
        }
        total.count += events.length;
        total.sums.qty = (total.sums.qty ?? 0) + events.reduce((n, e) => n + e.qty, 0);
      };
      for (let i = 0; i < 10; i++) await publish(i);
      await nats.kill();
      const during = publish(10); // waits out the broker's absence
      await new Promise((r) => setTimeout(r, 1500));
      await nats.restart();
      await during;
      for (let i = 11; i < 20; i++) await publish(i);
      await expect.poll(() => rowsOf(page, 'orders')).toBe(total.count);

      await server.close();
      restarted = await createServer({ staticDir: 'dist', ...brokerServer, port: server.port });
      url = restarted.url;
      for (let i = 20; i < 30; i++) await publish(i);
      await expect.poll(() => rowsOf(page, 'orders'), { timeout: 60_000 }).toBe(total.count);
      const stats = await streamStats(url);
      expect(stats.orders).toMatchObject({ produced: total.count, validEvents: total.count, totals: { count: total.count, sums: { qty: total.sums.qty } } });
      await page.getByTestId('recompute-now').click();
      expect(await ask(page, 'orders', total.count, 'SELECT count(*) AS n, sum(qty) AS q, count(DISTINCT seq) AS d FROM orders')).toEqual([
        [String(total.count), String(total.sums.qty), String(total.count)],
      ]);
    } finally {
      await restarted?.close();
    }
  });
});
