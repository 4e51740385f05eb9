import { chromium } from '@playwright/test';
import { createServer } from '../server/createServer';
const N = 300000;
const server = await createServer({ staticDir: '/tmp/distdbg', rate: 0, paused: true, replayBuffer: 400000 });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu'] });
const page = await browser.newPage();
await page.goto(`${server.url}/`);
await page.waitForFunction(() => document.querySelector('[data-testid="recompute-now"]:not([disabled])'));
await page.waitForTimeout(1500);
const cdp = await page.context().newCDPSession(page);
const events: any[] = [];
cdp.on('Tracing.dataCollected', (d: any) => events.push(...d.value));
const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline,v8.execute', transferMode: 'ReportEvents' });
await fetch(`${server.url}/api/streams/shop/backfill?count=${N}&spanMs=3600000`, { method: 'POST' });
await page.waitForFunction((n) => Number(document.querySelector('[data-testid="status-log"]')?.getAttribute('data-value')) >= n, N, { timeout: 120000 });
await page.click('[data-testid="recompute-now"]');
await page.waitForTimeout(2000);
await cdp.send('Tracing.end'); await done;
const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
const tid = main?.tid; const pid = main?.pid;
const tasks = events.filter((e) => e.pid === pid && e.tid === tid && e.name === 'RunTask' && e.dur > 40000).sort((a, b) => b.dur - a.dur).slice(0, 6);
for (const t of tasks) {
  const inner = events.filter((e) => e.pid === pid && e.tid === tid && e.ts >= t.ts && e.ts <= t.ts + t.dur && e.dur > 3000 && e.name !== 'RunTask');
  console.log(`TASK ${(t.dur / 1000).toFixed(0)} ms`);
  for (const e of inner.slice(0, 12)) console.log(`   ${(e.dur / 1000).toFixed(0).padStart(5)} ms ${e.name} ${e.args?.data?.functionName ?? ''} ${e.args?.data?.type ?? ''} ${(e.args?.data?.url ?? '').split('/').pop()}:${e.args?.data?.lineNumber ?? ''}`);
}
await browser.close(); await server.close();
