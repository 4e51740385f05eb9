/**
 * The issue-14 "done when", measured: the demo stream's dashboard over N events (100M with
 * --cluster-100m) whose batch layer is a two-shard ClickHouse cluster. History is backfilled
 * through the real server (20M at a time; each waits for the cluster loader), then a fresh tab
 * opens, starts at the cluster's W, takes batch from the cluster and tallies the live rest; the
 * merged count must equal the server's own count of the stream, or the run fails.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from '@playwright/test';
import { createServer } from '../server/createServer';
import type { StreamStats } from '../src/protocol/stream';
import { startClickHouseCluster } from '../src/testing/clickhouseServer';
import { num, waitFor } from './appScenarios';

export interface ClusterDashboardRun {
  /** Events per second from the first backfill request until the cluster's W covers them. */
  serverLoadEventsPerS: number;
  /** A fresh tab: from opening it until it shows the merged count of every event. */
  firstMergeMs: number;
  /** A recompute of the dashboard's views at W on the cluster, as the page timed it. */
  recomputeMs: number;
  events: number;
}

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
const clusterW = async (url: string) => (await json<{ datasets: Record<string, { w: number }> }>(`${url}/api/cluster`)).datasets.shop?.w ?? 0;
const produced = async (url: string) => (await json<{ streams: StreamStats[] }>(`${url}/api/streams`)).streams.find((s) => s.id === 'shop')!.produced;

export async function clusterDashboardRun(browser: Browser, distDir: string, events: number, log: (s: string) => void): Promise<ClusterDashboardRun | null> {
  const cluster = await startClickHouseCluster(2);
  if (!cluster) return null;
  const dataDir = mkdtempSync(join(tmpdir(), 'lwb-bench-cluster-'));
  const server = await createServer({ staticDir: distDir, paused: true, rate: 2_000, dataDir, cluster: { shards: cluster.nodes.map((n) => n.url), cluster: cluster.name } });
  const context = await browser.newContext({ serviceWorkers: 'block' });
  try {
    const t0 = Date.now();
    for (let done = 0; done < events; done += 20_000_000) {
      const n = Math.min(20_000_000, events - done);
      await json(`${server.url}/api/streams/shop/backfill?count=${n}&spanMs=86400000`, { method: 'POST' });
      log(`cluster dashboard: ${(done + n).toLocaleString('en-US')} events backfilled, W = ${(await clusterW(server.url)).toLocaleString('en-US')}`);
    }
    const whole = events - (events % 262_144);
    for (let end = Date.now() + 1_800_000; (await clusterW(server.url)) < whole; ) {
      if (Date.now() > end) throw new Error(`the cluster loader stopped at W = ${await clusterW(server.url)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const serverLoadEventsPerS = whole / ((Date.now() - t0) / 1000);
    // Live events on top: the speed layer's part.
    await json(`${server.url}/api/streams/shop/resume`, { method: 'POST' });
    const page = await context.newPage();
    const p0 = Date.now();
    await page.goto(`${server.url}/?stream=shop&batchInterval=3600`);
    await waitFor(page, 'kpi-events-batch', (v) => v >= whole, 600_000);
    await waitFor(page, 'kpi-events-merged', (v) => v > whole, 600_000);
    const firstMergeMs = Date.now() - p0;
    await json(`${server.url}/api/streams/shop/pause`, { method: 'POST' });
    const total = await produced(server.url);
    await waitFor(page, 'status-log', (v) => v === total, 120_000);
    const before = await num(page, 'status-recompute');
    await page.getByTestId('recompute-now').click();
    await waitFor(page, 'status-recompute', (v) => v > before, 600_000);
    const recomputeMs = await num(page, 'status-recompute-ms');
    const merged = await num(page, 'kpi-events-merged');
    if (merged !== total) throw new Error(`lost or double-counted events: merged ${merged}, the server produced ${total}`);
    log(`cluster dashboard: merged ${merged.toLocaleString('en-US')} = produced; batch W ${(await num(page, 'kpi-events-batch')).toLocaleString('en-US')}`);
    return { serverLoadEventsPerS, firstMergeMs, recomputeMs, events: total };
  } finally {
    await context.close();
    await server.close();
    await cluster.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
