/**
 * Fixtures for every e2e test: a real server (the one `npm start` runs) on a free loopback port
 * serving the built app, and a page that fails the test on any console error, uncaught exception,
 * or request leaving the app's own origin (DuckDB must never reach for the internet).
 */
import { test as base, expect, type Page } from '@playwright/test';
import { createServer, type RunningServer, type ServerOptions } from '../server/createServer';
import type { ShopStreamStats, StreamStats } from '../src/protocol/stream';

export interface Fixtures {
  serverOptions: ServerOptions;
  /** What the guards saw: console errors, page errors, requests leaving the app's origin. */
  problems: string[];
  /** Another tab of the same browser profile (same origin storage), guarded like `page`. */
  openTab: () => Promise<Page>;
  /** Console errors a test causes on purpose (e.g. the browser's own message for a refused request while the server is down). */
  expectedConsoleErrors: RegExp[];
  server: RunningServer;
  api: {
    /** The demo (shop) stream's figures. */
    stats(): Promise<ShopStreamStats>;
    pause(): Promise<ShopStreamStats>;
    resume(): Promise<ShopStreamStats>;
    /** Every stream's figures. */
    all(): Promise<StreamStats[]>;
  };
}

export const test = base.extend<Fixtures>({
  serverOptions: [{ rate: 400, seed: 7 }, { option: true }],
  expectedConsoleErrors: [[], { option: true }],
  server: async ({ serverOptions }, use) => {
    const server = await createServer({ staticDir: 'dist', ...serverOptions });
    await use(server);
    await server.close();
  },
  api: async ({ server }, use) => {
    const all = async (method: 'GET' | 'POST' = 'GET', path = '/api/streams'): Promise<StreamStats[]> => {
      const res = await fetch(`${server.url}${path}`, { method });
      return ((await res.json()) as { streams: StreamStats[] }).streams;
    };
    const call = async (method: 'GET' | 'POST', path: string): Promise<ShopStreamStats> => {
      const shop = (await all(method, path)).find((s) => s.id === 'shop');
      if (!shop?.breakdown) throw new Error('the server runs no demo stream');
      return shop as ShopStreamStats;
    };
    await use({
      stats: () => call('GET', '/api/streams'),
      pause: () => call('POST', '/api/streams/shop/pause'),
      resume: () => call('POST', '/api/streams/shop/resume'),
      all: () => all(),
    });
  },
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixture's dependencies from this destructuring pattern
  problems: async ({}, use) => {
    await use([]);
  },
  page: async ({ page, server, expectedConsoleErrors, problems }, use, testInfo) => {
    watch(page, server.url, expectedConsoleErrors, problems);
    await use(page);
    if (testInfo.status !== testInfo.expectedStatus) {
      await testInfo.attach('dashboard-on-failure', { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' }).catch(() => {});
    }
    expect(problems, 'console errors or off-origin requests').toEqual([]);
  },
  openTab: async ({ page, server, expectedConsoleErrors, problems }, use) => {
    await use(async () => {
      const tab = await page.context().newPage();
      watch(tab, server.url, expectedConsoleErrors, problems);
      return tab;
    });
  },
});

/** Fails the test (through `problems`) on any console error, uncaught exception or off-origin request. */
function watch(page: Page, serverUrl: string, expectedConsoleErrors: RegExp[], problems: string[]): void {
  const origin = new URL(serverUrl).origin;
  page.on('console', (msg) => {
    if (msg.type() !== 'error' || expectedConsoleErrors.some((re) => re.test(msg.text()))) return;
    problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('request', (req) => {
    const url = req.url();
    if (url.startsWith('data:') || url.startsWith('blob:')) return;
    const u = new URL(url);
    const sameOrigin = u.origin === origin || `${u.protocol === 'ws:' ? 'http:' : 'https:'}//${u.host}` === origin;
    if (!sameOrigin) problems.push(`request left the app's origin: ${url}`);
  });
  page.on('websocket', (ws) => {
    if (new URL(ws.url()).host !== new URL(serverUrl).host) problems.push(`websocket to a foreign host: ${ws.url()}`);
  });
}

export { expect };

/** The raw number a dashboard element carries in data-value. */
export async function dataValue(page: Page, testId: string): Promise<number> {
  const v = await page.getByTestId(testId).getAttribute('data-value');
  return v === null || v === '' ? Number.NaN : Number(v);
}

export async function textValueOf(page: Page, testId: string): Promise<string> {
  return (await page.getByTestId(testId).getAttribute('data-value')) ?? '';
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
  await test.info().attach(name, { path: test.info().outputPath(`${name}.png`), contentType: 'image/png' });
}
