/**
 * Declared streams through the real app: the browser catching up four streams at once (its ingest
 * rate, summed), and freshness from a producer's POST to the figure on the dashboard.
 */
import type { Browser, Page } from '@playwright/test';
import { createServer } from '../server/createServer';
import { percentile } from './stats';

const SCHEMA = (k: number) => ({
  fields: [
    { name: `key${k}`, type: 'text' as const },
    { name: 'value', type: 'integer' as const },
    { name: 'score', type: 'float' as const },
  ],
});

const events = (k: number, n: number, from: number) => Array.from({ length: n }, (_, i) => ({ [`key${k}`]: `k${(from + i) % 50}`, value: (from + i) % 1000, score: ((from + i) % 97) / 8 }));

async function put(url: string, id: string, body: unknown): Promise<void> {
  const res = await fetch(`${url}/api/streams/${id}`, { method: 'PUT', body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`declare ${id}: HTTP ${res.status}`);
}

async function postEvents(url: string, id: string, body: unknown[]): Promise<{ firstOffset: number; lastOffset: number }> {
  const res = await fetch(`${url}/api/streams/${id}/events`, { method: 'POST', body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`post ${id}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as { firstOffset: number; lastOffset: number };
}

/** Sum of the Datasets panel's rows over `ids`. */
const rowsIn = (page: Page, ids: string[]) =>
  page.evaluate((ids) => ids.reduce((n, id) => n + Number(document.querySelector(`[data-testid="dataset-row"][data-id="${id}"]`)?.getAttribute('data-rows') ?? 0), 0), ids);

/**
 * Four streams of `perStream` events each, held by the server before the page opens: the time from
 * the first event durable in the page's log to the last, over all four at once.
 */
export async function fourStreamsRun(browser: Browser, distDir: string, perStream: number): Promise<{ eventsPerS: number }> {
  const server = await createServer({ staticDir: distDir, demo: false, replayBuffer: perStream + 1000 });
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  try {
    const ids = [0, 1, 2, 3].map((k) => `s${k}`);
    for (const [k, id] of ids.entries()) {
      await put(server.url, id, SCHEMA(k));
      for (let from = 0; from < perStream; from += 50_000) await postEvents(server.url, id, events(k, Math.min(50_000, perStream - from), from));
    }
    await page.goto(`${server.url}/?batchInterval=3600`);
    const total = 4 * perStream;
    const deadline = Date.now() + 600_000;
    let t0 = 0;
    for (;;) {
      const n = await rowsIn(page, ids);
      if (n > 0 && t0 === 0) t0 = Date.now();
      if (n >= total) break;
      if (Date.now() > deadline) throw new Error(`four streams stuck at ${n} of ${total}`);
      await page.waitForTimeout(50);
    }
    return { eventsPerS: (total / (Date.now() - t0)) * 1000 };
  } finally {
    await context.close();
    await server.close();
  }
}

/**
 * A producer POSTs `rate` events/s (a batch every 50 ms) to a declared stream; for each batch, the
 * time from the POST until the dataset's merged Events figure on the dashboard first includes it.
 */
export async function postFreshnessRun(browser: Browser, distDir: string, rate: number, seconds: number): Promise<{ p50: number; p99: number; samples: number }> {
  const server = await createServer({ staticDir: distDir, demo: false });
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  try {
    await put(server.url, 'live', SCHEMA(0));
    await postEvents(server.url, 'live', events(0, 1, 0));
    await page.goto(`${server.url}/?stream=live`);
    // The stream's starter views put an Events figure on its dashboard.
    await page.getByTestId('dataset-picker').selectOption('live');
    await page.getByTestId('kpi-events-merged').waitFor({ timeout: 120_000 });
    await page.evaluate(() => {
      const w = window as unknown as { __seen: [number, number][] };
      w.__seen = [];
      const el = document.querySelector('[data-testid="kpi-events-merged"]')!;
      new MutationObserver(() => w.__seen.push([Date.now(), Number(el.getAttribute('data-value'))])).observe(el, { attributes: true });
    });
    const perBatch = Math.max(1, Math.round(rate / 20));
    const sent: [number, number][] = []; // [POST start, events in the stream after it]
    const end = Date.now() + seconds * 1000;
    let next = Date.now();
    let from = 1;
    while (Date.now() < end) {
      const at = Date.now();
      const r = await postEvents(server.url, 'live', events(0, perBatch, from));
      from += perBatch;
      sent.push([at, r.lastOffset + 1]);
      next += 50;
      await new Promise((res) => setTimeout(res, Math.max(0, next - Date.now())));
    }
    await page.waitForTimeout(1_500);
    const seen = await page.evaluate(() => (window as unknown as { __seen: [number, number][] }).__seen);
    const lat: number[] = [];
    let j = 0;
    for (const [at, upto] of sent.slice(20)) {
      while (j < seen.length && seen[j]![1] < upto) j++;
      if (j >= seen.length) break;
      lat.push(seen[j]![0] - at);
    }
    if (lat.length < 10) throw new Error(`too few freshness samples: ${lat.length}`);
    return { p50: percentile(lat, 50), p99: percentile(lat, 99), samples: lat.length };
  } finally {
    await context.close();
    await server.close();
  }
}
