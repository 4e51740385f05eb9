/**
 * Faults the live path must survive without losing or double-counting an event. Each test ends the
 * same way: pause the stream, let the log catch up, recompute, and check that
 * events in the log = events the server sent (valid ones) = the merged total, revenue to the cent.
 * `npm run test:faults` runs this file; the per-fault counts go to test-results/fault-counts.json.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { createServer } from '../server/createServer';
import type { StreamStats } from '../src/protocol/stream';
import { expect, test, textValueOf, dataValue, type Fixtures } from './fixtures';

test.use({ serverOptions: { rate: 2_000, seed: 11, faults: true } });

async function open(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/?batchInterval=3600`);
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-value', 'open');
  await expect(page.getByTestId('recompute-now')).toBeEnabled();
}

async function post(url: string, path: string, body?: string): Promise<void> {
  const res = await fetch(`${url}${path}`, { method: 'POST', ...(body !== undefined ? { body } : {}) });
  expect(res.ok, `${path}: HTTP ${res.status}`).toBe(true);
}

/** Pauses, waits for the log, recomputes; checks log = sent = merged, exactly; records the counts. */
async function expectExactlyOnce(page: Page, api: Fixtures['api'], fault: string, rejected = 0): Promise<StreamStats> {
  const s = await api.pause();
  await expect.poll(() => dataValue(page, 'status-log'), { timeout: 60_000 }).toBe(s.validEvents);
  expect(s.produced - s.validEvents).toBe(rejected);
  await page.getByTestId('recompute-now').click();
  await expect.poll(() => dataValue(page, 'status-w'), { timeout: 60_000 }).toBe(s.validEvents);
  await expect.poll(() => dataValue(page, 'kpi-events-merged')).toBe(s.validEvents);
  expect(await textValueOf(page, 'kpi-revenue-merged')).toBe(s.amountTotal.toFixed(2));
  if (rejected > 0) expect(await dataValue(page, 'status-rejected')).toBe(rejected);
  const row = { fault, sent: s.produced, validSent: s.validEvents, logged: await dataValue(page, 'status-log'), counted: await dataValue(page, 'kpi-events-merged'), rejected };
  mkdirSync('test-results', { recursive: true });
  appendFileSync('test-results/fault-counts.json', `${JSON.stringify(row)}\n`);
  console.log(`[fault] ${JSON.stringify(row)}`);
  return s;
}

test.describe('faults', () => {
  test('socket dropped mid-message, three times', async ({ page, server, api }) => {
    await open(page, server.url);
    for (let i = 0; i < 3; i++) {
      await expect.poll(() => dataValue(page, 'status-log')).toBeGreaterThan(1000 * (i + 1));
      await post(server.url, '/api/faults/drop-connections');
      await expect(page.getByTestId('status-connection')).toHaveAttribute('data-value', 'open');
    }
    await expectExactlyOnce(page, api, 'socket dropped x3');
  });

  test.describe('server down', () => {
    // The stats poll can race the socket close and be refused by the stopped server; Chromium logs that itself.
    test.use({ expectedConsoleErrors: [/net::ERR_CONNECTION_REFUSED/] });
    test('server restarted: it resumes its offsets from disk', async ({ page, server, serverOptions }) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'lwb-e2e-'));
      // A server of our own with a data directory, on the same port across the restart.
      await server.close();
      let s1 = await createServer({ ...serverOptions, staticDir: 'dist', dataDir, port: server.port });
      await open(page, s1.url);
      await expect.poll(() => dataValue(page, 'status-log')).toBeGreaterThan(2000);
      await s1.close();
      await expect(page.getByTestId('status-connection')).toHaveAttribute('data-value', 'backoff');
      s1 = await createServer({ ...serverOptions, staticDir: 'dist', dataDir, port: server.port });
      await expect(page.getByTestId('status-connection')).toHaveAttribute('data-value', 'open', { timeout: 30_000 });
      const api = {
        pause: async () => ((await (await fetch(`${s1.url}/api/streams/shop/pause`, { method: 'POST' })).json()) as { streams: StreamStats[] }).streams[0]!,
      } as Fixtures['api'];
      await expect.poll(() => dataValue(page, 'status-log')).toBeGreaterThan(4000);
      await expectExactlyOnce(page, api, 'server restarted');
      await s1.close();
      rmSync(dataDir, { recursive: true, force: true });
    });
  });

  test('tab reloaded mid-stream, twice', async ({ page, server, api }) => {
    await open(page, server.url);
    for (let i = 0; i < 2; i++) {
      await expect.poll(() => dataValue(page, 'status-log')).toBeGreaterThan(1500 * (i + 1));
      await page.reload();
      await expect(page.getByTestId('status-connection')).toHaveAttribute('data-value', 'open');
      // The old page's worker may hold the writer lock for a moment; that is not another tab.
      await expect(page.getByTestId('messages')).not.toContainText('open in another tab');
    }
    await expectExactlyOnce(page, api, 'tab reloaded x2');
  });

  test('ingest and batch workers killed and restarted', async ({ page, server, api }) => {
    await open(page, server.url);
    await page.getByText('Experiments').click();
    await expect.poll(() => dataValue(page, 'status-log')).toBeGreaterThan(1500);
    await page.getByTestId('restart-ingest').click();
    await expect(page.getByTestId('messages')).toContainText('ingest worker restarted');
    await expect.poll(() => dataValue(page, 'status-log')).toBeGreaterThan(3000);
    await page.getByTestId('restart-batch').click();
    await expect(page.getByTestId('messages')).toContainText('batch worker restarted');
    await expectExactlyOnce(page, api, 'ingest + batch worker restarted');
  });

  test('IndexedDB quota exceeded: the stream pauses, the user is told, it resumes when space is freed', async ({ page, server, api }) => {
    await open(page, server.url);
    await expect.poll(() => dataValue(page, 'status-log')).toBeGreaterThan(500);
    const origin = new URL(server.url).origin;
    const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 64 * 1024 });
    await expect(page.getByTestId('messages')).toContainText(/Quota/i, { timeout: 30_000 });
    const stuck = await dataValue(page, 'status-log');
    await page.waitForTimeout(1000);
    expect(await dataValue(page, 'status-log')).toBeLessThanOrEqual(stuck + 20_000);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin });
    await expect.poll(() => dataValue(page, 'status-log'), { timeout: 30_000 }).toBeGreaterThan(stuck + 2000);
    await expectExactlyOnce(page, api, 'quota exceeded, then freed');
  });

  test('a recompute failing halfway leaves the old batch views and W', async ({ page, server, api }) => {
    await open(page, server.url);
    await page.getByText('Experiments').click();
    await expect.poll(() => dataValue(page, 'status-log')).toBeGreaterThan(1000);
    const w0 = await dataValue(page, 'status-w');
    const batch0 = await dataValue(page, 'kpi-events-batch');
    await page.getByTestId('fail-next-recompute').click();
    await page.getByTestId('recompute-now').click();
    await expect(page.getByTestId('batch-error')).toContainText('injected failure halfway');
    expect(await dataValue(page, 'status-w')).toBe(w0);
    expect(await dataValue(page, 'kpi-events-batch')).toBe(batch0);
    await expectExactlyOnce(page, api, 'recompute failed halfway, then recomputed');
  });
});

test.describe('replay buffer', () => {
  // Paused until the page is there, so that the client's source starts at offset 0.
  test.use({ serverOptions: { rate: 2_000, seed: 12, faults: true, replayBuffer: 1_000, paused: true } });

  test('a client away longer than the replay buffer is told the size of the gap; nothing is silently skipped', async ({ page, server, api }) => {
    await open(page, server.url);
    await api.resume();
    await page.getByText('Experiments').click();
    await expect.poll(() => dataValue(page, 'status-log')).toBeGreaterThan(500);
    await page.getByTestId('toggle-stream').click();
    await expect(page.getByTestId('status-connection')).toHaveAttribute('data-value', 'stopped');
    const away = await dataValue(page, 'status-log');
    await expect.poll(async () => (await api.stats()).produced).toBeGreaterThan(away + 3_000);
    await page.getByTestId('toggle-stream').click();
    await expect(page.getByTestId('status-gap')).toBeVisible();
    await expect(page.getByTestId('messages')).toContainText('no longer holds');
    const s = await api.pause();
    await expect.poll(() => dataValue(page, 'status-log')).toBe(s.produced - (await dataValue(page, 'status-gap')));
    const gap = await dataValue(page, 'status-gap');
    expect(gap).toBeGreaterThan(0);
    await expect(page.getByTestId('messages')).toContainText(`no longer holds ${gap} events`);
    await page.getByTestId('recompute-now').click();
    await expect.poll(() => dataValue(page, 'kpi-events-merged')).toBe(s.produced - gap);
    const row = { fault: 'away past the replay buffer', sent: s.produced, lostAtSource: gap, logged: await dataValue(page, 'status-log'), counted: await dataValue(page, 'kpi-events-merged') };
    appendFileSync('test-results/fault-counts.json', `${JSON.stringify(row)}\n`);
  });
});

test.describe('hostile input from the stream', () => {
  test('invalid events, unreadable, miscoded and oversized messages, floods, unknown types: rejected, counted, nothing else lost', async ({ page, server, api }) => {
    await open(page, server.url);
    await expect.poll(() => dataValue(page, 'status-log')).toBeGreaterThan(500);
    // Six events, each wrong in its own way: types, missing time, far future and past.
    const batch = {
      count: 6,
      ts: [Date.now(), null, 9e15, -9e15, Date.now(), Date.now()],
      columns: {
        country: ['US', 'US', 'US', 'US', 42, 'DE'],
        product: ['Cap', 'Cap', 'Cap', 'Cap', 'Cap', 'Cap'],
        channel: ['web', 'web', 'web', 'web', 'web', 'web'],
        amount: [1, 1, 1, 1, 1, 'ten'],
        quantity: ['one', 1, 1, 1, 1, 1],
      },
    };
    await post(server.url, '/api/faults/publish-raw', JSON.stringify(batch));
    await post(server.url, '/api/faults/publish-unreadable?count=7');
    await post(server.url, '/api/faults/publish-unreadable?count=3&bytes=50000000');
    await post(server.url, '/api/faults/publish-miscoded?count=5');
    await post(server.url, '/api/faults/raw?repeat=3000', '{"type":"surprise"}');
    await post(server.url, '/api/faults/raw', 'not json {');
    await expect(page.getByTestId('messages')).toContainText('unreadable message');
    await expect(page.getByTestId('messages')).toContainText('invalid event');
    await expectExactlyOnce(page, api, 'hostile stream input', 6 + 7 + 3 + 5);
    await expect(page.getByTestId('status-connection')).toHaveAttribute('data-value', 'open');
  });

  test('a server speaking another protocol version is refused, and the user told', async ({ page, server }) => {
    await open(page, server.url);
    await post(server.url, '/api/faults/raw', '{"type":"hello","protocolVersion":99,"streams":[]}');
    await expect(page.getByTestId('messages')).toContainText('server speaks protocol 99');
    await expect(page.getByTestId('status-connection')).toHaveAttribute('data-value', 'stopped');
  });

  test('field values holding HTML or script are shown as text, never run', async ({ page, server, api }) => {
    await open(page, server.url);
    const evil = { country: '<img src=x onerror="window.__xss=1">', product: '<script>window.__xss=2</script>', channel: 'web', amount: 3.5, quantity: 1 };
    const res = await fetch(`${server.url}/api/streams/shop/events`, { method: 'POST', body: JSON.stringify([evil]) });
    expect(res.status).toBe(200);
    await expectExactlyOnce(page, api, 'HTML in field values');
    // recharts lays tick text out word by word; the characters are there, as text.
    await expect(page.getByTestId('breakdown')).toContainText('<img');
    await expect(page.getByTestId('breakdown')).toContainText('__xss=1');
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  });
});
