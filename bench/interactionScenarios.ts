/**
 * How the dashboard answers a person: keys typed into a field while the log ingests at full rate
 * (input delay: from the key event to its handler), and cross-filter interactions on a large
 * dataset (a click on a breakdown bar, a range brushed on the timeline) until every other card
 * shows the filtered figures. Real app, server, DuckDB-WASM and IndexedDB in headless Chromium.
 */
import type { Browser, Page } from '@playwright/test';
import { createServer } from '../server/createServer';
import { percentile } from './stats';

export interface InteractionRun {
  /** Per key typed while ingesting at full rate: handler start minus the event's time stamp. */
  inputDelaysMs: number[];
  /** Per cross-filter interaction: the pointer's release (the gesture done) to the frame where every other card shows the filter. */
  clickMs: number[];
  brushMs: number[];
  /** The first activation of each chart (building its cubes: one recompute). */
  prepareMs: number;
}

const num = async (page: Page, testId: string): Promise<number> => Number((await page.getByTestId(testId).getAttribute('data-value')) ?? Number.NaN);

async function until(what: string, ms: number, pred: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Key delays, recorded by a capturing listener that runs before the app's own. */
const KEY_MONITOR = `
  window.__keyDelays = [];
  addEventListener('keydown', (e) => window.__keyDelays.push(performance.now() - e.timeStamp), { capture: true });
`;

/**
 * The watcher, as text: tsx would wrap named functions in a page.evaluate callback in a helper the
 * page does not have.
 */
const WATCHER = `(source) => {
  const before = new Set([...document.querySelectorAll('[data-view-id]')].map((e) => e.getAttribute('data-view-id')));
  window.__ix = { start: null, ms: null };
  addEventListener('pointerup', (e) => { if (window.__ix.start === null) window.__ix.start = e.timeStamp; }, { capture: true, once: true });
  const shown = () => {
    const cards = [...document.querySelectorAll('[data-view-id]')].filter((e) => e.getAttribute('data-view-id') !== source);
    return cards.length > 0 && cards.every((e) => {
      const id = e.getAttribute('data-view-id') || '';
      return id.includes('~cross') && !before.has(id) && e.getAttribute('data-ready') === 'true';
    });
  };
  const check = () => {
    if (window.__ix.start !== null && shown()) window.__ix.ms = performance.now() - window.__ix.start;
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}`;

/**
 * Arms a watcher, then the caller's pointer gesture: resolves to the time from the pointer going
 * up to the first animation frame in which every card but the source shows a filtered twin it
 * did not show before, with its figures.
 */
async function timed(page: Page, sourceViewId: string, gesture: () => Promise<void>): Promise<number> {
  await page.evaluate(`(${WATCHER})(${JSON.stringify(sourceViewId)})`);
  await gesture();
  let ms: number | null = null;
  await until('the other cards to show the filter', 120_000, async () => {
    ms = await page.evaluate(() => (window as unknown as { __ix: { ms: number | null } }).__ix.ms);
    return ms !== null;
  });
  return ms!;
}

/** The middle-bottom of the nth element: read from the live DOM at once (live charts replace their bars as they redraw). */
async function center(page: Page, selector: string, index: number): Promise<{ x: number; y: number }> {
  const b = await page.evaluate(
    `(() => { const r = document.querySelectorAll(${JSON.stringify(selector)})[${index}]?.getBoundingClientRect(); return r ? { x: r.x, y: r.y, w: r.width, h: r.height } : null; })()`,
  );
  if (!b) throw new Error(`no ${selector} #${index}`);
  const r = b as { x: number; y: number; w: number; h: number };
  return { x: r.x + r.w / 2, y: r.y + r.h - 2 };
}

export async function interactionRun(browser: Browser, distDir: string, events: number, gestures: number): Promise<InteractionRun> {
  const server = await createServer({ staticDir: distDir, rate: 0, paused: true, replayBuffer: events + 100_000, diagnostics: true });
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, serviceWorkers: 'block' });
  const page = await context.newPage();
  try {
    await page.addInitScript(KEY_MONITOR);
    await page.goto(`${server.url}/?batchInterval=3600`);
    await page.getByRole('button', { name: 'New view' }).waitFor();
    await until('the first recompute', 120_000, async () => (await page.getByTestId('recompute-now').isEnabled()) && (await num(page, 'status-recompute')) >= 1);

    // Full-rate ingest of an hour of history, while a person types a view's name.
    await page.getByRole('button', { name: 'New view' }).click();
    const field = page.getByLabel('View name');
    await field.focus();
    await page.evaluate(() => ((window as unknown as { __keyDelays: number[] }).__keyDelays.length = 0));
    const res = await fetch(`${server.url}/api/streams/shop/backfill?count=${events}&spanMs=3600000`, { method: 'POST' });
    if (!res.ok) throw new Error(`backfill: HTTP ${res.status}`);
    for (let i = 0; i < 2_000 && (await num(page, 'status-log')) < events; i++) {
      await page.keyboard.type('abcdefghij', { delay: 30 });
      await field.fill('');
    }
    const inputDelaysMs = await page.evaluate(() => (window as unknown as { __keyDelays: number[] }).__keyDelays);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await until('the log to hold every event', 600_000, async () => (await num(page, 'status-log')) >= events);
    await page.getByTestId('recompute-now').click();
    await until('batch to reach the log', 600_000, async () => (await num(page, 'status-w')) >= events);

    // First activation of each chart builds its cubes (a recompute); timed apart from the gestures.
    const recomputes = await num(page, 'status-recompute');
    const p0 = Date.now();
    await page.getByTestId('breakdown').locator('.live-bars svg').hover();
    await page.getByTestId('timeline-chart').hover();
    const idle = async () => (await num(page, 'status-recompute-running')) === 0;
    await until('the cubes', 600_000, async () => (await num(page, 'status-recompute')) >= recomputes + 1 && (await idle()));
    // The second chart's cubes may follow in a recompute of their own.
    await page.waitForTimeout(1_500);
    await until('the cubes', 600_000, idle);
    const prepareMs = Date.now() - p0;

    const breakdownId = (await page.getByTestId('breakdown').getAttribute('data-view-id'))!;
    const timelineId = (await page.getByTestId('timeline').getAttribute('data-view-id'))!;
    const clickMs: number[] = [];
    const brushMs: number[] = [];
    const bars = '[data-testid="breakdown"] .bar-rect.batch';
    const buckets = '[data-testid="timeline"] .bar-rect.batch';
    await page.getByTestId('timeline').scrollIntoViewIfNeeded();
    for (let i = 0; i < gestures; i++) {
      // A bar of the breakdown: each click another country than the last.
      const bar = await center(page, bars, i % Math.min(5, await page.locator(bars).count()));
      clickMs.push(await timed(page, breakdownId, () => page.mouse.click(bar.x - 20, bar.y - 6)));
      await page.getByTestId('cross-filter-banner').getByRole('button', { name: 'Show all' }).click();
      // A range of the timeline: a different span each time.
      const n = await page.locator(buckets).count();
      const a = await center(page, buckets, (3 * i) % Math.max(1, n - 12));
      const b = await center(page, buckets, ((3 * i) % Math.max(1, n - 12)) + 4 + (i % 7));
      brushMs.push(
        await timed(page, timelineId, async () => {
          await page.mouse.move(a.x, a.y);
          await page.mouse.down();
          await page.mouse.move(b.x, b.y, { steps: 4 });
          await page.mouse.up();
        }),
      );
      await page.getByTestId('range-clear').click();
    }
    return { inputDelaysMs, clickMs, brushMs, prepareMs };
  } finally {
    await context.close();
    await server.close();
  }
}

export const p95 = (xs: number[]) => percentile(xs, 95);
export const p99 = (xs: number[]) => percentile(xs, 99);
