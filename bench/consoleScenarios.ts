/**
 * The SQL console through the real app: how soon after a reload it answers over the whole log, a
 * group-by over it, and a million-row result scrolled by keyboard and wheel while the Long Tasks API
 * watches the main thread.
 */
import type { Browser, Page } from '@playwright/test';
import { createServer } from '../server/createServer';

const status = (page: Page) => page.getByTestId('console').getAttribute('data-status');

/** Runs `sql` from the editor (Ctrl+Enter) and waits for it to end; returns the end state and the wall time. */
async function runSql(page: Page, sql: string, timeout = 600_000): Promise<{ state: string; ms: number }> {
  const editor = page.getByRole('textbox', { name: 'SQL' });
  await editor.click();
  await page.keyboard.press('Control+a');
  await editor.fill(sql);
  const before = await page.getByTestId('console').getAttribute('data-query');
  const t0 = Date.now();
  await page.keyboard.press('Control+Enter');
  const end = t0 + timeout;
  for (;;) {
    const q = await page.getByTestId('console').getAttribute('data-query');
    const s = await status(page);
    if (q !== before && s !== 'running') return { state: s ?? '', ms: Date.now() - t0 };
    if (Date.now() > end) throw new Error(`${sql}: still ${s} after ${timeout} ms`);
    await page.waitForTimeout(10);
  }
}

const firstCell = (page: Page) => page.locator('[data-testid="result-row"][data-row="0"] [role=gridcell]').first().getAttribute('data-value');

export interface ConsoleOnLog {
  /** Reload until `SELECT count(*)` from the console answers `total` (DuckDB has the whole log). */
  queryableMs: number;
  /** A group-by over the whole log from the console, wall time from Ctrl+Enter to the result shown. */
  groupByMs: number[];
  /** The reload's first recompute (the whole log into a fresh DuckDB, then the views), and its loading part. */
  firstRecomputeMs: number;
  firstLoadMs: number;
}

/** On a page whose log holds `total` shop events: reload into the console, then group-bys. */
export async function consoleOnLog(page: Page, total: number): Promise<ConsoleOnLog> {
  await page.evaluate(() => {
    location.hash = '#sql';
  });
  const t0 = Date.now();
  await page.reload();
  await page.getByRole('textbox', { name: 'SQL' }).waitFor({ timeout: 180_000 });
  let queryableMs = Number.NaN;
  while (Number.isNaN(queryableMs)) {
    const r = await runSql(page, 'SELECT count(*) AS n FROM shop');
    if (r.state === 'done' && Number(await firstCell(page)) === total) queryableMs = Date.now() - t0;
    else if (Date.now() - t0 > 600_000) throw new Error('the console never answered over the whole log');
    else await page.waitForTimeout(50);
  }
  const hidden = async (id: string) => Number(await page.getByTestId(id).getAttribute('data-value'));
  const firstRecomputeMs = await hidden('status-recompute-ms');
  const firstLoadMs = await hidden('status-recompute-load-ms');
  const groupByMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await runSql(page, 'SELECT country, channel, count(*) AS n, sum(amount) AS revenue, avg(quantity) AS q FROM shop GROUP BY ALL ORDER BY revenue DESC');
    if (r.state !== 'done') throw new Error(`group-by ended ${r.state}`);
    groupByMs.push(r.ms);
  }
  return { queryableMs, groupByMs, firstRecomputeMs, firstLoadMs };
}

export interface ScrollRun {
  firstRowsMs: number;
  allRowsMs: number;
  longestTaskMs: number;
}

const LONG_TASKS = `
  window.__longest = 0;
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration); }).observe({ type: 'longtask', buffered: false });
`;

/** A 1,000,000-row, 4-column result: streamed in, then scrolled to its end and back. */
export async function consoleScrollRun(browser: Browser, distDir: string): Promise<ScrollRun> {
  const server = await createServer({ staticDir: distDir, rate: 0, paused: true });
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  try {
    await page.goto(`${server.url}/?stream=off&db=bench-console-${Date.now()}#sql`);
    await page.locator('[data-phase="ready"]').waitFor({ timeout: 180_000 });
    const r = await runSql(page, "SELECT range AS i, range * 1.5 AS x, 'row ' || range AS label, range % 7 = 0 AS flag FROM range(1000000)");
    if (r.state !== 'done') throw new Error(`1M rows ended ${r.state}`);
    const firstRowsMs = Number(await page.getByTestId('result-summary').getAttribute('data-first-ms'));
    await page.evaluate(LONG_TASKS);
    const grid = page.getByTestId('result-grid');
    await grid.focus();
    for (let i = 0; i < 100; i++) await page.keyboard.press('PageDown');
    await page.keyboard.press('Control+End');
    await grid.hover();
    for (let i = 0; i < 60; i++) await page.mouse.wheel(0, -40_000);
    for (let i = 0; i < 200; i++) await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Control+Home');
    await page.waitForTimeout(300);
    const longestTaskMs = await page.evaluate(() => (window as unknown as { __longest: number }).__longest);
    // The monitor itself is checked: a task of 120 ms made on purpose must be seen.
    await page.evaluate(() =>
      setTimeout(() => {
        const end = performance.now() + 120;
        while (performance.now() < end);
      }, 0),
    );
    await page.waitForTimeout(300);
    if ((await page.evaluate(() => (window as unknown as { __longest: number }).__longest)) < 100) throw new Error('the long-task monitor saw nothing');
    return { firstRowsMs, allRowsMs: r.ms, longestTaskMs };
  } finally {
    await context.close();
    await server.close();
  }
}
