/**
 * The batch layer on a two-shard ClickHouse cluster (issue 14), beside `recompute_10m_ms` on
 * DuckDB-WASM: load rate through the server's own loader (ClusterDataset: whole segments, TSV over
 * HTTP, one shard per segment) and five views recomputed at W over the Distributed table. Both shards
 * run on this machine's two cores, so the figures are a floor, not what a real cluster gives.
 */
import { SHOP_SCHEMA } from '../src/protocol/shop';
import { startClickHouseCluster } from '../src/testing/clickhouseServer';
import { shopBatch } from '../src/testing/events';
import { DEFAULT_VIEWS } from '../src/views/defaultViews';
import type { ViewDef } from '../src/views/ViewDef';
import { ClickHouseClient } from '../server/cluster/ClickHouseClient';
import { ClusterDataset } from '../server/cluster/ClusterDataset';
import { clusterViewRows } from '../server/cluster/clusterViews';
import { median, metric, type Metric } from './stats';

/** Five views, as the DuckDB recompute benchmark has: the defaults and two more. */
const VIEWS: ViewDef[] = [
  ...DEFAULT_VIEWS,
  { id: 'products', name: 'products', dataset: 'shop', groupBy: ['product'], bucketMs: null, measures: [{ op: 'count_distinct', field: 'country', label: 'countries' }] },
  { id: 'channels', name: 'channels', dataset: 'shop', groupBy: ['channel'], bucketMs: null, measures: [{ op: 'avg', field: 'amount', label: 'avg' }] },
];

const SEGMENT = 1_000_000;

interface ClusterRun {
  loadEventsPerS: number;
  recomputeMs: number;
}

async function clusterRun(events: number, log: (s: string) => void): Promise<ClusterRun | null> {
  const cluster = await startClickHouseCluster(2);
  if (!cluster) return null;
  try {
    const ds = new ClusterDataset({ shards: cluster.nodes.map((n) => new ClickHouseClient({ url: n.url, timeoutMs: 600_000 })), cluster: cluster.name, segment: SEGMENT }, 'shop', SHOP_SCHEMA);
    await ds.open('bench');
    // The stream's events are made beforehand in a few distinct blocks: only the loader is timed.
    const blocks = [1, 2, 3, 4].map((seed) => shopBatch(SEGMENT, seed));
    let loadMs = 0;
    for (let s = 0; s * SEGMENT < events; s++) {
      ds.take(s * SEGMENT, SEGMENT, blocks[s % blocks.length]!);
      const t0 = performance.now();
      await ds.load();
      loadMs += performance.now() - t0;
      if (s % 10 === 9) log(`cluster: ${ds.watermark.toLocaleString('en-US')} events loaded`);
    }
    const times: number[] = [];
    for (let i = 0; i < 3; i++) times.push((await clusterViewRows(ds, VIEWS, ds.watermark)).ms);
    return { loadEventsPerS: ds.watermark / (loadMs / 1000), recomputeMs: median(times) };
  } finally {
    await cluster.stop();
  }
}

export async function clusterRuns(opts: { runs: number; quick: boolean; big: boolean; log: (s: string) => void }): Promise<Record<string, Metric>> {
  const sizes: [string, number][] = [[opts.quick ? '1m' : '10m', opts.quick ? 1_000_000 : 10_000_000]];
  if (opts.big) sizes.push(['100m', 100_000_000]);
  const out: Record<string, Metric> = {};
  const load: number[] = [];
  for (const [label, n] of sizes) {
    const rec: number[] = [];
    for (let i = 0; i < (n >= 100_000_000 ? 1 : opts.runs); i++) {
      opts.log(`cluster run ${i + 1}: ${n.toLocaleString('en-US')} events on two shards`);
      const r = await clusterRun(n, opts.log);
      if (!r) {
        opts.log('clickhouse-server is not installed: no cluster figures');
        return out;
      }
      opts.log(JSON.stringify(r));
      load.push(r.loadEventsPerS);
      rec.push(r.recomputeMs);
    }
    out[`cluster_recompute_${label}_ms`] = metric(rec, 'ms', { note: `5 views at W over ${label} events, Distributed table over 2 local shards` });
  }
  out.cluster_load_events_per_s = metric(load, 'events/s', { note: 'the server loader: whole 1,000,000-event segments as TSV, one shard each' });
  return out;
}
