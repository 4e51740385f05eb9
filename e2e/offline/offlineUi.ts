/**
 * The offline app as the tests meet it: wait for the service worker to save the app, read what it
 * cached, record where the page's requests went, and make a "new version" of the built app.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { expect } from '../fixtures';

/** Waits for the first install to finish (every file cached, the page controlled); returns ms since `since`. */
export async function waitForOfflineReady(page: Page, since: number): Promise<number> {
  await expect(page.getByTestId('offline-ready')).toBeVisible({ timeout: 120_000 });
  const ms = Date.now() - since;
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  return ms;
}

/**
 * Times the service worker's install (from 'installing' until 'activated': the precache fetched and
 * stored) from the browser's own lifecycle events; call before the page opens.
 */
export async function timeInstall(page: Page): Promise<() => number | null> {
  const cdp = await page.context().newCDPSession(page);
  const at = new Map<string, number>();
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
    for (const v of versions) if (!at.has(v.status)) at.set(v.status, Date.now());
  });
  await cdp.send('ServiceWorker.enable');
  return () => {
    const from = at.get('installing');
    const to = at.get('activated');
    return from === undefined || to === undefined ? null : to - from;
  };
}

/** Every response in the page's Cache Storage: its path and body size. */
export async function cachedFiles(page: Page): Promise<{ path: string; bytes: number }[]> {
  return page.evaluate(async () => {
    const out: { path: string; bytes: number }[] = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const req of await cache.keys()) {
        const res = await cache.match(req);
        out.push({ path: new URL(req.url).pathname, bytes: res ? (await res.arrayBuffer()).byteLength : 0 });
      }
    }
    return out;
  });
}

/** Records every request the page (and its workers) makes; `foreign()` lists those not to `origin`. */
export function recordRequests(page: Page, origin: string): { all: string[]; foreign: () => string[] } {
  const all: string[] = [];
  // The context's requests: the page's, its workers' and the service worker's own.
  page.context().on('request', (r) => all.push(r.url()));
  page.on('websocket', (ws) => all.push(ws.url()));
  const own = (url: string) => {
    if (url.startsWith('data:') || url.startsWith('blob:')) return true;
    const u = new URL(url);
    return u.host === new URL(origin).host && (u.protocol === 'ws:' || u.origin === origin);
  };
  return { all, foreign: () => all.filter((u) => !own(u)) };
}

/**
 * A copy of the built app that a test may change: its own index.html, sw.js and other top-level
 * files, and the hashed (never changing, ~75 MB) assets linked rather than copied.
 */
export function copyOfDist(dist = 'dist'): string {
  const dir = mkdtempSync(join(tmpdir(), 'lwb-dist-'));
  for (const name of readdirSync(dist)) {
    const from = resolve(dist, name);
    if (statSync(from).isDirectory()) symlinkSync(from, join(dir, name), 'dir');
    else copyFileSync(from, join(dir, name));
  }
  return dir;
}

/**
 * Makes `dir` a new version of the app: index.html gains a build marker and sw.js a new revision
 * for it, as a rebuild with a changed page would. The browser sees a different sw.js and installs it.
 */
export function publishNewVersion(dir: string, build: string): void {
  const html = join(dir, 'index.html');
  writeFileSync(html, readFileSync(html, 'utf8').replace('<head>', `<head>\n    <meta name="app-build" content="${build}" />`));
  const sw = join(dir, 'sw.js');
  const before = readFileSync(sw, 'utf8');
  const after = before.replace(/(\{url:"index\.html",revision:")[0-9a-f]+"/, `$1${build}"`);
  if (after === before) throw new Error('sw.js: no precache entry for index.html to bump');
  writeFileSync(sw, after);
}
