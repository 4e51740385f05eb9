/**
 * The cluster batch layer's writer and reader against a real two-shard ClickHouse cluster on
 * loopback (two server processes, a Distributed table over MergeTree shards, no ZooKeeper): exact
 * views at W, a shard killed and restarted mid-load and a half-written segment with exact counts
 * after, a restarted server continuing from what the shards hold, hostile values, and the dialect
 * fuzz against the cluster. Expected figures come from the speed path's own tally of the events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sliceBatch, type ColumnBatch, type DatasetSchema } from '../../src/protocol/schema';
import { SHOP_SCHEMA } from '../../src/protocol/shop';
import { startClickHouseCluster, type ClickHouseCluster } from '../../src/testing/clickhouseServer';
import { seeded, shopBatch } from '../../src/testing/events';
import { expectTalliesEqual } from '../../src/testing/tallies';
import { compileView, type Tally } from '../../src/views/compileView';
import { DEFAULT_VIEWS } from '../../src/views/defaultViews';
import { randomEvents, randomSchema, randomView } from '../../src/views/testing/randomViews';
import type { ViewDef } from '../../src/views/ViewDef';
import { ClickHouseClient } from './ClickHouseClient';
import { ClusterDataset } from './ClusterDataset';
import { clusterViewRows } from './clusterViews';
import { tsvRows } from './tsvRows';

let cluster: ClickHouseCluster | null = null;
beforeAll(async () => {
  cluster = await startClickHouseCluster(2);
  if (!cluster) console.warn('clickhouse-server is not installed: the cluster suite is skipped (.ci/run installs it)');
}, 90_000);
afterAll(async () => {
  await cluster?.stop();
});

const clients = (c: ClickHouseCluster) => c.nodes.map((n) => new ClickHouseClient({ url: n.url, timeoutMs: 10_000 }));
const dataset = (c: ClickHouseCluster, id: string, schema: DatasetSchema, segment: number) => new ClusterDataset({ shards: clients(c), cluster: c.name, segment }, id, schema);

/**
 * Feeds events `from..` in uneven chunks, as a stream delivers them; with `gapAt`, five offsets that
 * carry no event (a refused message) come before event `gapAt`, so offsets run 5 ahead of seqs after it.
 */
function feed(ds: ClusterDataset, events: ColumnBatch, from = 0, gapAt = Number.POSITIVE_INFINITY): void {
  const offsetOf = (i: number) => (i >= gapAt ? i + 5 : i);
  for (let at = from, k = 0; at < events.count; k++) {
    if (at === gapAt) ds.take(gapAt, 5, null);
    const end = Math.min(events.count, at + 1 + ((k * 389) % 700), at < gapAt ? gapAt : Number.POSITIVE_INFINITY);
    ds.take(offsetOf(at), end - at, sliceBatch(events, at, end));
    at = end;
  }
}

function expectViews(c: ReturnType<typeof compileView>, rows: Tally, events: ColumnBatch, what: string, scale = 1e7) {
  const t: Tally = new Map();
  c.add(t, events);
  expectTalliesEqual(rows, t, what, { inexact: c.inexactParts, scale });
}

async function shardCounts(c: ClickHouseCluster, table: string): Promise<number[]> {
  return Promise.all(c.nodes.map(async (n) => Number((await n.rows(`SELECT count() FROM ${table}`))[0]![0])));
}

describe('a dataset whose batch layer is a two-shard ClickHouse cluster', () => {
  it('loads whole segments over both shards; every view at W equals the speed tally of seqs 1..W', async (ctx) => {
    if (!cluster) return ctx.skip();
    const ds = dataset(cluster, 'shop_a', SHOP_SCHEMA, 500);
    await ds.open();
    const events = shopBatch(5_123, 1);
    feed(ds, events);
    expect(await ds.load()).toMatchObject({ segments: 10, events: 5_000 });
    expect(ds.watermark).toBe(5_000);
    expect(ds.nextOffset).toBe(5_123);
    expect(await shardCounts(cluster, ds.local)).toEqual([2_500, 2_500]);
    const r = await clusterViewRows(ds, DEFAULT_VIEWS, 5_000);
    expect(r.shards).toBe(2);
    for (const v of DEFAULT_VIEWS) expectViews(compileView(v, SHOP_SCHEMA), compileView(v, SHOP_SCHEMA).fromRows(r.views[v.id]!), sliceBatch(events, 0, 5_000), v.id);
    // A range inside W, as a hand-over reconciles it.
    const part = await clusterViewRows(ds, DEFAULT_VIEWS, 3_000, 1_250);
    const c = compileView(DEFAULT_VIEWS[0]!, SHOP_SCHEMA);
    expectViews(c, c.fromRows(part.views[DEFAULT_VIEWS[0]!.id]!), sliceBatch(events, 1_250, 3_000), 'range');
    await expect(clusterViewRows(ds, DEFAULT_VIEWS, 5_001)).rejects.toThrow(/past what the cluster holds whole/);
    // Another segment size or shard count would place segments twice: refused, in plain words.
    await expect(dataset(cluster, 'shop_a', SHOP_SCHEMA, 1_000).open()).rejects.toThrow(/loaded in segments of 500 events, not 1000/);
    await expect(new ClusterDataset({ shards: clients(cluster).slice(0, 1), cluster: cluster.name, segment: 500 }, 'shop_a', SHOP_SCHEMA).open()).rejects.toThrow(/over 2 shards, not 1/);
  });

  it('a shard killed mid-load, a half segment left behind, the server restarted: loads resume, nothing doubled or lost', async (ctx) => {
    if (!cluster) return ctx.skip();
    const events = shopBatch(4_000, 2);
    const ds = dataset(cluster, 'shop_b', SHOP_SCHEMA, 400);
    await ds.open();
    feed(ds, sliceBatch(events, 0, 1_000), 0);
    await ds.load();
    expect(ds.watermark).toBe(800);
    expect(ds.watermarkOffset).toBe(800);
    // Shard 2 holds the odd segments: with it down, W stops before segment 3 (seq 1201..1600).
    await cluster.nodes[1]!.kill();
    feed(ds, events, 1_000, 2_500);
    await expect(ds.load()).rejects.toThrow(/segment 3 \(seq 1201\.\.1600\) not loaded/);
    expect(ds.watermark).toBe(1_200);
    expect(ds.lastError).toMatch(/cannot be reached/);
    await expect(clusterViewRows(ds, DEFAULT_VIEWS, 1_200)).rejects.toThrow();
    await cluster.nodes[1]!.start();
    // Half of segment 3 written by a load that died midway: the reload replaces it.
    const half = compileView(DEFAULT_VIEWS[0]!, SHOP_SCHEMA);
    await cluster.nodes[1]!.run(
      `INSERT INTO ${ds.local} FORMAT TabSeparated`,
      tsvRows(
        SHOP_SCHEMA,
        sliceBatch(events, 1_200, 1_400),
        1_201,
        Array.from({ length: 200 }, (_, i) => 1_200 + i),
      ),
    );
    // The server restarts: a new writer reads W back from the shards and asks for events from there.
    const again = dataset(cluster, 'shop_b', SHOP_SCHEMA, 400);
    await again.open();
    expect(again.watermark).toBe(1_200);
    expect(again.nextOffset).toBe(1_200);
    feed(again, events, 1_200, 2_500);
    await again.load();
    expect(again.watermark).toBe(4_000);
    // Seqs stay dense over the events; the offsets skip the gap's five.
    expect(again.watermarkOffset).toBe(4_005);
    const reopened = dataset(cluster, 'shop_b', SHOP_SCHEMA, 400);
    await reopened.open();
    expect([reopened.watermark, reopened.watermarkOffset]).toEqual([4_000, 4_005]);
    expect(await shardCounts(cluster, again.local)).toEqual([2_000, 2_000]);
    const r = await clusterViewRows(again, DEFAULT_VIEWS, 4_000);
    expectViews(half, half.fromRows(r.views[DEFAULT_VIEWS[0]!.id]!), events, 'after the kill and restart');
    expect(await cluster.nodes[0]!.rows(`SELECT count(), uniqExact(seq), min(seq), max(seq) FROM ${again.distributed}`)).toEqual([[4_000, 4_000, 1, 4_000]]);
  }, 90_000);

  it('a hostile field name and filter values stay a name and values on the cluster', async (ctx) => {
    if (!cluster) return ctx.skip();
    const name = 'a`; DROP TABLE x; --\\';
    const schema: DatasetSchema = {
      fields: [
        { name, type: 'float' },
        { name: 'who', type: 'text' },
      ],
    };
    const texts = ["a'; --", 'b\\', "x\\' OR 1=1 --", 'tab\there', 'nul\0byte', 'line\nbreak'];
    const events: ColumnBatch = { count: 6, ts: [1, 2, 3, 4, 5, 6], columns: { [name]: [1, 2, 4, 8, 16, null], who: texts } };
    const ds = dataset(cluster, 'hostile', schema, 3);
    await ds.open();
    feed(ds, events);
    await ds.load();
    for (const [i, value] of texts.entries()) {
      const view: ViewDef = {
        id: 'v',
        name: 'v',
        dataset: 'hostile',
        groupBy: ['who'],
        bucketMs: null,
        measures: [{ op: 'sum', field: name, label: 's' }],
        filters: [{ field: 'who', op: '=', value }],
      };
      const c = compileView(view, schema);
      const r = await clusterViewRows(ds, [view], 6);
      expectViews(c, c.fromRows(r.views.v!), sliceBatch(events, i, i + 1), JSON.stringify(value), 64);
    }
    expect(await shardCounts(cluster, ds.local)).toEqual([3, 3]);
  });

  it('the dialect fuzz on the cluster: merge(cluster batch(seq <= W), speed(seq > W)) equals the speed tally of all', async (ctx) => {
    if (!cluster) return ctx.skip();
    for (let seed = 1; seed <= 25; seed++) {
      const r = seeded(seed);
      const schema = randomSchema(r);
      const n = 1 + Math.floor(r() * 300);
      const events = randomEvents(r, schema, n);
      const view = randomView(r, schema, events);
      const ds = dataset(cluster, `fuzz_${seed}`, schema, 1 + Math.floor(r() * 60));
      await ds.open();
      feed(ds, events);
      await ds.load();
      const c = compileView(view, schema);
      let scale = 1;
      for (const f of schema.fields) if (f.type === 'float') for (const v of events.columns[f.name]!) scale += Math.abs((v as number | null) ?? 0);
      const merged: Tally = new Map();
      c.mergeInto(merged, c.fromRows((await clusterViewRows(ds, [view], ds.watermark)).views.v!));
      c.add(merged, sliceBatch(events, ds.watermark, n));
      const all: Tally = new Map();
      c.add(all, events);
      try {
        expectTalliesEqual(merged, all, `seed ${seed}, W = ${ds.watermark} of ${n}`, { inexact: c.inexactParts, scale });
      } catch (e) {
        throw new Error(`cluster fuzz seed ${seed}\nview: ${JSON.stringify(view)}\nschema: ${JSON.stringify(schema)}\n${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }, 120_000);
});
