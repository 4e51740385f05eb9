/**
 * Benchmarks through the real app: the built dashboard in headless Chromium, the real server,
 * real DuckDB-WASM and IndexedDB. Each function is one run of one scenario.
 */
import type { Browser, Page } from '@playwright/test';
import { createServer } from '../server/createServer';
import { consoleOnLog } from './consoleScenarios';
import type { StreamStats } from '../src/protocol/stream';
import { percentile } from './stats';

export const num = async (page: Page, testId: string): Promise<number> => {
  const v = await page.getByTestId(testId).getAttribute('data-value');
  return v === null || v === '' ? Number.NaN : Number(v);
};

export async function waitFor(page: Page, testId: string, pred: (v: number) => boolean, timeoutMs: number): Promise<number> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await num(page, testId);
    if (pred(v)) return Date.now();
    if (Date.now() > end) throw new Error(`${testId} stuck at ${v}`);
    await page.waitForTimeout(50);
  }
}

/**
 * Records the main thread's longest task as the Long Tasks API reports it (__longest), and the
 * largest gap between turns of a MessageChannel loop (__gap: how long a new task had to wait).
 */
const LONGEST_TASK_MONITOR = `
  window.__longest = 0;
  window.__gap = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.duration > window.__longest) window.__longest = e.duration;
  }).observe({ type: 'longtask', buffered: true });
  (() => {
    const ch = new MessageChannel();
    let last = performance.now();
    ch.port1.onmessage = () => {
      const now = performance.now();
      if (now - last > window.__gap) window.__gap = now - last;
      last = now;
      setTimeout(() => ch.port2.postMessage(0), 0);
    };
    ch.port2.postMessage(0);
  })();
`;

async function post(url: string, path: string): Promise<StreamStats> {
  const res = await fetch(`${url}${path}`, { method: 'POST' });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  const body = (await res.json()) as { streams?: StreamStats[] };
  return body.streams?.[0] ?? ((await (await fetch(`${url}/api/streams`)).json()) as { streams: StreamStats[] }).streams[0]!;
}

async function addView(page: Page, name: string, build: () => Promise<void>): Promise<void> {
  await page.getByRole('button', { name: 'New view' }).click();
  await page.getByLabel('View name').fill(name);
  await build();
  await page.getByRole('button', { name: 'Add view' }).click();
  await page.locator(`[data-testid="view-card"][data-view-name="${name}"]`).waitFor();
}

export interface PipelineRun {
  ingestEventsPerS: number;
  longestTaskMs: number;
  longestWaitMs: number;
  recomputeMs: number;
  reloadMs: number;
  wasmMemoryMb: number;
  jsHeapMb: number;
  /** Reload until the SQL console answers over the whole log. */
  queryableMs: number;
  /** Group-bys over the whole log from the console (wall time, three in a row). */
  groupByMs: number[];
  firstRecomputeMs: number;
  firstLoadMs: number;
}

/**
 * A backfilled log of `events` flows over the WebSocket into a fresh tab (durable log + speed tally);
 * then a recompute of the five views after a further 10k events; then a reload until batch views show.
 */
export async function pipelineRun(browser: Browser, distDir: string, events: number, isolation = true): Promise<PipelineRun> {
  const server = await createServer({ staticDir: distDir, rate: 0, paused: true, replayBuffer: events + 100_000, diagnostics: true, isolation });
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  try {
    await page.addInitScript(LONGEST_TASK_MONITOR);
    // The default recompute interval (10 s): ingest runs while batch recomputes, as in real use.
    await page.goto(`${server.url}/`);
    await page.getByRole('button', { name: 'New view' }).waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="recompute-now"]:not([disabled])'));
    // Two user views beside the three built-in ones: five views for batch to recompute.
    await addView(page, 'bench: by product and channel', async () => {
      await page.getByLabel('Group by product').check();
      await page.getByLabel('Group by channel').check();
      await page.getByLabel('Measure 1', { exact: true }).selectOption('avg');
      await page.getByLabel('Measure 1 field').selectOption('amount');
      await page.getByRole('button', { name: 'Add measure' }).click();
      await page.getByLabel('Measure 2', { exact: true }).selectOption('max');
      await page.getByLabel('Measure 2 field').selectOption('quantity');
    });
    await addView(page, 'bench: per minute by country', async () => {
      await page.getByLabel('Group by country').check();
      await page.getByLabel('Time bucket').selectOption({ label: '1 min' });
    });
    await page.evaluate(() => {
      const w = window as unknown as { __longest: number; __gap: number };
      w.__longest = 0;
      w.__gap = 0;
    });

    // An hour of history: 360 ten-second buckets, 900 minute x country groups.
    await post(server.url, `/api/streams/shop/backfill?count=${events}&spanMs=3600000`);
    const t0 = await waitFor(page, 'status-log', (v) => v > 0, 60_000);
    const t1 = await waitFor(page, 'status-log', (v) => v >= events, 600_000);
    const ingestEventsPerS = (events / (t1 - t0)) * 1000;
    // Catch batch up with the log; then the steady state: 10k new events, five views.
    await page.getByTestId('pause-batch').check();
    await page.getByTestId('recompute-now').click();
    await waitFor(page, 'status-w', (v) => v === events, 600_000);
    await post(server.url, '/api/streams/shop/backfill?count=10000&spanMs=60000');
    const total = events + 10_000;
    await waitFor(page, 'status-log', (v) => v === total, 60_000);
    const before = await num(page, 'status-recompute');
    await page.getByTestId('recompute-now').click();
    await waitFor(page, 'status-recompute', (v) => v > before, 600_000);
    const recomputeMs = await num(page, 'status-recompute-ms');
    const { longestTaskMs, longestWaitMs } = await page.evaluate(() => {
      const w = window as unknown as { __longest: number; __gap: number };
      return { longestTaskMs: w.__longest, longestWaitMs: w.__gap };
    });
    const merged = await num(page, 'kpi-events-merged');
    if (merged !== total) throw new Error(`lost or double-counted events: merged ${merged}, sent ${total}`);

    const r0 = Date.now();
    await page.reload();
    await waitFor(page, 'kpi-events-batch', (v) => v === total, 600_000);
    const reloadMs = Date.now() - r0;
    // The reload's first recompute reloads the whole log into DuckDB: at 10M events on a busy machine that is minutes.
    await waitFor(page, 'status-duckdb-memory', (v) => v > 0, 180_000);
    const wasmMemoryMb = (await num(page, 'status-duckdb-memory')) / 1048576;
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const metrics = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
    const jsHeapMb = (metrics.metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? Number.NaN) / 1048576;
    return { ingestEventsPerS, longestTaskMs, longestWaitMs, recomputeMs, reloadMs, wasmMemoryMb, jsHeapMb, ...(await consoleOnLog(page, total)) };
  } finally {
    await context.close();
    await server.close();
  }
}

/**
 * Freshness at a steady rate: for each batch the server published, the time until the merged total
 * on the dashboard (the figure the charts draw from) first includes it.
 */
export async function freshnessRun(browser: Browser, distDir: string, rate: number, seconds: number): Promise<{ p50: number; p99: number; samples: number; longestTaskMs: number }> {
  const server = await createServer({ staticDir: distDir, rate, paused: true, diagnostics: true, tickMs: 20 });
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  try {
    await page.addInitScript(LONGEST_TASK_MONITOR);
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => document.querySelector('[data-testid="recompute-now"]:not([disabled])'));
    await page.evaluate(() => {
      const w = window as unknown as { __seen: [number, number][] };
      w.__seen = [];
      const el = document.querySelector('[data-testid="kpi-events-merged"]')!;
      new MutationObserver(() => w.__seen.push([Date.now(), Number(el.getAttribute('data-value'))])).observe(el, { attributes: true });
    });
    await post(server.url, '/api/streams/shop/resume');
    await page.waitForTimeout(2_000); // warm-up
    await page.evaluate(() => ((window as unknown as { __longest: number }).__longest = 0));
    const from = Date.now();
    await page.waitForTimeout(seconds * 1000);
    const to = Date.now();
    await post(server.url, '/api/streams/shop/pause');
    await page.waitForTimeout(1_000);
    const seen = await page.evaluate(() => (window as unknown as { __seen: [number, number][] }).__seen);
    const longestTaskMs = await page.evaluate(() => (window as unknown as { __longest: number }).__longest);
    const { publishes } = (await (await fetch(`${server.url}/api/streams/shop/publishes`)).json()) as { publishes: [number, number, number][] };
    const lat: number[] = [];
    let j = 0;
    for (const [first, count, at] of publishes) {
      if (at < from || at > to) continue;
      while (j < seen.length && seen[j]![1] < first + count) j++;
      if (j >= seen.length) break;
      lat.push(seen[j]![0] - at);
    }
    if (lat.length < 10) throw new Error(`too few freshness samples: ${lat.length}`);
    return { p50: percentile(lat, 50), p99: percentile(lat, 99), samples: lat.length, longestTaskMs };
  } finally {
    await context.close();
    await server.close();
  }
}
