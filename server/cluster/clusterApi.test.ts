/**
 * The server with a two-shard ClickHouse cluster behind it: a declared stream's events reach the
 * cluster in whole segments, /api/cluster says W and where in the stream it is, and the views at W
 * equal what the test computes from the events it sent. A restart with the same --data-dir goes
 * on from the cluster's W; one without it is refused for the cluster, in plain words.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClickHouseCluster, type ClickHouseCluster } from '../../src/testing/clickhouseServer';
import type { ViewDef } from '../../src/views/ViewDef';
import { createServer, type RunningServer } from '../createServer';
import type { StreamDeclaration } from '../streams/declaration';

let cluster: ClickHouseCluster | null = null;
beforeAll(async () => {
  cluster = await startClickHouseCluster(2);
}, 90_000);
afterAll(async () => {
  await cluster?.stop();
});

const ORDERS: StreamDeclaration = {
  id: 'orders',
  schema: {
    fields: [
      { name: 'country', type: 'text' },
      { name: 'amount', type: 'float' },
    ],
  },
  timeZone: 'UTC',
};
const COUNTRIES = ['DE', "O'Hara", 'US', 'a\\b'];
const VIEW: ViewDef = {
  id: 'by-country',
  name: 'by country',
  dataset: 'orders',
  groupBy: ['country'],
  bucketMs: null,
  measures: [
    { op: 'count', label: 'n' },
    { op: 'sum', field: 'amount', label: 'amount' },
  ],
};

interface ClusterStatus {
  cluster: string | null;
  datasets: Record<string, { w: number; wOffset: number; readOffset: number; error: string | null }>;
}

async function status(url: string): Promise<ClusterStatus> {
  return (await (await fetch(`${url}/api/cluster`)).json()) as ClusterStatus;
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Sends `n` orders from `from` on; returns them, so the test can count them itself. */
async function send(url: string, from: number, n: number): Promise<{ country: string; amount: number }[]> {
  const events = Array.from({ length: n }, (_, k) => ({ country: COUNTRIES[(from + k) % COUNTRIES.length]!, amount: ((from + k) % 97) + 0.25, ts: 1_700_000_000_000 + (from + k) * 1000 }));
  for (let i = 0; i < n; i += 300) {
    const res = await fetch(`${url}/api/streams/orders/events`, { method: 'POST', body: JSON.stringify(events.slice(i, i + 300)) });
    expect(res.status).toBe(200);
  }
  return events.map(({ country, amount }) => ({ country, amount }));
}

function byCountry(events: readonly { country: string; amount: number }[]): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  for (const e of events) {
    const t = (out[e.country] ??= [0, 0]);
    t[0] += 1;
    t[1] += e.amount;
  }
  return out;
}

async function viewsAt(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${url}/api/cluster/orders/views`, { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('the server with a ClickHouse cluster as the batch layer', () => {
  it('loads a stream into the cluster and answers views at W exactly; restarts go on from the cluster; bad requests are refused', async (ctx) => {
    if (!cluster) return ctx.skip();
    const c = cluster;
    const dataDir = mkdtempSync(join(tmpdir(), 'lwb-cluster-'));
    const start = () => createServer({ demo: false, dataDir, streams: [ORDERS], cluster: { shards: c.nodes.map((n) => n.url), cluster: c.name, segment: 250 } });
    let server: RunningServer | null = await start();
    try {
      const sentA = await send(server.url, 0, 1_100);
      // Four whole segments of 250; the last 100 events wait for the fifth (a tab's speed layer holds them).
      const s = await until(
        () => status(server!.url),
        (x) => x.datasets.orders?.w === 1_000,
      );
      expect(s).toMatchObject({ cluster: c.name, datasets: { orders: { w: 1_000, wOffset: 1_000, readOffset: 1_100, error: null } } });
      const r = await viewsAt(server.url, { views: [VIEW] });
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ w: 1_000, upto: 1_000, shards: 2 });
      const rows = (r.json.views as Record<string, [string, number, number, number][]>)[VIEW.id]!;
      const got = Object.fromEntries(rows.map(([k, n, sum]) => [k, [n, sum]]));
      const want = byCountry(sentA.slice(0, 1_000));
      expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
      for (const [k, [n, sum]] of Object.entries(want)) {
        expect(got[k]![0]).toBe(n);
        expect(got[k]![1]).toBeCloseTo(sum, 6);
      }
      // The teaching time split at seq <= 900: events 0..899 at one per second, boundary one minute before the newest.
      const split = await fetch(`${server.url}/api/cluster/orders/timesplit`, { method: 'POST', body: JSON.stringify({ w: 900, bucketMs: 60_000 }) });
      const maxTs = 1_700_000_000_000 + 899_000;
      expect(await split.json()).toEqual({ maxTs, boundary: maxTs - 60_000, atOrBefore: 840, after: 60 });
      expect((await fetch(`${server.url}/api/cluster/orders/timesplit`, { method: 'POST', body: JSON.stringify({ w: 1_001, bucketMs: 60_000 }) })).status).toBe(400);
      expect((await fetch(`${server.url}/api/cluster/orders/timesplit`, { method: 'POST', body: JSON.stringify({ w: 10, bucketMs: 'x' }) })).status).toBe(400);
      // Refused, and said why.
      expect((await viewsAt(server.url, { views: [VIEW], upto: 1_001 })).status).toBe(400);
      expect((await viewsAt(server.url, { views: [{ ...VIEW, measures: [{ op: 'median', label: 'm' }] }] })).json.error).toMatch(/views\[0\].*unknown operator/);
      expect((await viewsAt(server.url, { nope: 1 })).status).toBe(400);
      expect((await fetch(`${server.url}/api/cluster/nope/views`, { method: 'POST', body: '{"views":[]}' })).status).toBe(404);

      // A restart with the same --data-dir: the cluster's W is read back and loading goes on from there.
      await server.close();
      server = await start();
      const sentB = await send(server.url, 1_100, 150);
      await until(
        () => status(server!.url),
        (x) => x.datasets.orders?.w === 1_250,
      );
      const all = await viewsAt(server.url, { views: [VIEW] });
      const rowsAll = (all.json.views as Record<string, [string, number, number, number][]>)[VIEW.id]!;
      const wantAll = byCountry([...sentA, ...sentB]);
      expect(rowsAll.reduce((n, row) => n + row[1], 0)).toBe(1_250);
      for (const [k, n] of rowsAll.map((row) => [row[0], row[1]] as const)) expect(n).toBe(wantAll[k]![0]);
      expect(await c.nodes[0]!.rows('SELECT count(), uniqExact(seq) FROM lw_orders')).toEqual([[1_250, 1_250]]);
    } finally {
      await server?.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
    // Without its data the stream starts its offsets over: the cluster is refused for it, in plain words.
    const lines: string[] = [];
    const fresh = await createServer({ demo: false, streams: [ORDERS], cluster: { shards: c.nodes.map((n) => n.url), cluster: c.name, segment: 250 }, log: (l) => lines.push(l) });
    try {
      expect(lines.join('\n')).toMatch(/another incarnation of stream orders/);
      expect((await status(fresh.url)).datasets.orders).toBeUndefined();
    } finally {
      await fresh.close();
    }
  }, 120_000);

  it('a stream declared again with a new field: the tables gain its column, NULL before, loaded after', async (ctx) => {
    if (!cluster) return ctx.skip();
    const c = cluster;
    const PARCELS: StreamDeclaration = { id: 'parcels', schema: { fields: [{ name: 'kg', type: 'float' }] }, timeZone: 'UTC' };
    const server = await createServer({ demo: false, streams: [PARCELS], cluster: { shards: c.nodes.map((n) => n.url), cluster: c.name, segment: 100 } });
    const post = async (events: unknown[]) => expect((await fetch(`${server.url}/api/streams/parcels/events`, { method: 'POST', body: JSON.stringify(events) })).status).toBe(200);
    const w = () =>
      until(
        () => status(server.url),
        (x) => (x.datasets.parcels?.w ?? 0) > 0,
      ).then((x) => x.datasets.parcels!);
    try {
      await post(Array.from({ length: 150 }, (_, k) => ({ kg: k })));
      await until(
        () => status(server.url),
        (x) => x.datasets.parcels?.w === 100,
      );
      const declared = await fetch(`${server.url}/api/streams/parcels`, {
        method: 'PUT',
        body: JSON.stringify({ fields: [...PARCELS.schema.fields, { name: 'zone', type: 'text' }], timeZone: 'UTC' }),
      });
      expect(((await declared.json()) as { widened: string[] }).widened).toEqual(['zone']);
      await post(Array.from({ length: 150 }, (_, k) => ({ kg: 1, zone: `z${k % 3}` })));
      await until(
        () => status(server.url),
        (x) => x.datasets.parcels?.w === 300,
      );
      expect((await w()).error).toBeNull();
      const byZone: ViewDef = {
        id: 'z',
        name: 'by zone',
        dataset: 'parcels',
        groupBy: ['zone'],
        bucketMs: null,
        measures: [
          { op: 'count', label: 'n' },
          { op: 'sum', field: 'kg', label: 'kg' },
        ],
      };
      const res = await fetch(`${server.url}/api/cluster/parcels/views`, { method: 'POST', body: JSON.stringify({ views: [byZone] }) });
      const rows = ((await res.json()) as { views: Record<string, [string | null, number, number][]> }).views.z!;
      // The first 150 events had no zone (NULL, as in a tab's log); then 50 each of z0, z1, z2 at 1 kg.
      const sumKg = Array.from({ length: 150 }, (_, k) => k).reduce((a, b) => a + b, 0);
      expect(Object.fromEntries(rows.map(([zone, n, kg]) => [String(zone), [n, kg]]))).toEqual({ null: [150, sumKg], z0: [50, 50], z1: [50, 50], z2: [50, 50] });
    } finally {
      await server.close();
    }
  }, 60_000);

  it('a shard down while more events arrive than the replay buffer holds, and the server restarted before it is loaded: the stream keeps them for the loader, and all are loaded once', async (ctx) => {
    if (!cluster) return ctx.skip();
    const c = cluster;
    const BURST: StreamDeclaration = { id: 'burst', schema: { fields: [{ name: 'v', type: 'integer' }] }, timeZone: 'UTC' };
    const dataDir = mkdtempSync(join(tmpdir(), 'lwb-cluster-burst-'));
    const start = () => createServer({ demo: false, dataDir, replayBuffer: 1_000, streams: [BURST], cluster: { shards: c.nodes.map((n) => n.url), cluster: c.name, segment: 100, heldEvents: 4_500 } });
    let server = await start();
    let down = false;
    try {
      await c.nodes[1]!.kill();
      down = true;
      // 5,000 events: five times the replay buffer, and far past the loader's own backlog of four segments.
      for (let i = 0; i < 5_000; i += 500) {
        const res = await fetch(`${server.url}/api/streams/burst/events`, { method: 'POST', body: JSON.stringify(Array.from({ length: 500 }, (_, k) => ({ v: i + k }))) });
        expect(res.status).toBe(200);
      }
      await until(
        () => status(server.url),
        (x) => x.datasets.burst?.w === 100,
      );
      // The server stops while the shard is down, and starts again once it is back (it checks every
      // shard at start): it keeps, from its file, what the loader still needs.
      await server.close();
      await c.nodes[1]!.start();
      down = false;
      server = await start();
      const s = await until(
        () => status(server.url),
        (x) => x.datasets.burst?.w === 5_000,
        60_000,
      );
      expect(s.datasets.burst!.error).toBeNull();
      expect(await c.nodes[0]!.rows('SELECT count(), uniqExact(seq), sum(v), min(off), max(off) FROM lw_burst')).toEqual([[5_000, 5_000, (4_999 * 5_000) / 2, 0, 4_999]]);
    } finally {
      await server.close();
      if (down) await c.nodes[1]!.start();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('a backfill of the demo stream far larger than the stream holds waits for the loader: every event reaches the cluster once', async (ctx) => {
    if (!cluster) return ctx.skip();
    const c = cluster;
    const server = await createServer({ paused: true, replayBuffer: 1_000, cluster: { shards: c.nodes.map((n) => n.url), cluster: c.name, segment: 500, heldEvents: 4_000 } });
    try {
      const res = await fetch(`${server.url}/api/streams/shop/backfill?count=30000&spanMs=60000`, { method: 'POST' });
      expect(await res.json()).toEqual({ first: 0, last: 29_999 });
      const s = await until(
        () => status(server.url),
        (x) => x.datasets.shop?.w === 30_000,
        60_000,
      );
      expect(s.datasets.shop!.error).toBeNull();
      expect(await c.nodes[0]!.rows('SELECT count(), uniqExact(seq), min(off), max(off) FROM lw_shop')).toEqual([[30_000, 30_000, 0, 29_999]]);
    } finally {
      await server.close();
    }
  }, 90_000);

  it('runs one read-only statement from the console on the cluster, and refuses anything else', async (ctx) => {
    if (!cluster) return ctx.skip();
    const server = await createServer({ demo: false, cluster: { shards: cluster.nodes.map((n) => n.url), cluster: cluster.name } });
    const sql = async (text: string) => {
      const res = await fetch(`${server.url}/api/cluster/sql`, { method: 'POST', body: JSON.stringify({ sql: text }) });
      return { status: res.status, body: (await res.json()) as { columns?: { name: string; type: string }[]; rows?: unknown[][]; error?: string } };
    };
    try {
      const ok = await sql('SELECT sum(number) AS s, count() AS n FROM (SELECT number FROM system.numbers LIMIT 10) -- a comment; DROP');
      expect(ok.status).toBe(200);
      expect(ok.body.columns).toEqual([
        { name: 's', type: 'UInt64' },
        { name: 'n', type: 'UInt64' },
      ]);
      expect(ok.body.rows).toEqual([[45, 10]]);
      for (const refused of [
        'INSERT INTO t VALUES (1)',
        'DROP TABLE lw_orders',
        '/* SELECT */ DROP TABLE x',
        '/* /* */ SELECT */ KILL QUERY WHERE 1',
        'KILL QUERY WHERE 1',
        'SELECT 1; DROP TABLE x',
        'SET readonly = 0',
        'SELECT 1 FORMAT CSV',
        '',
      ]) {
        expect((await sql(refused)).status, refused).toBe(422);
      }
      // ClickHouse's own readonly refuses what passes our check but writes or reaches out.
      const outside = await sql("SELECT * FROM url('http://127.0.0.1:9/x', CSV, 'a String')");
      expect(outside.status).toBe(400);
      expect((await sql('SELECT nope FROM system.one')).body.error).toMatch(/nope/);
    } finally {
      await server.close();
    }
  });

  it('refuses to start when the cluster is not what --clickhouse says', async (ctx) => {
    if (!cluster) return ctx.skip();
    await expect(createServer({ demo: false, cluster: { shards: [cluster.nodes[0]!.url], cluster: cluster.name } })).rejects.toThrow(/has 2 shards .* names 1/);
    await expect(createServer({ demo: false, cluster: { shards: cluster.nodes.map((n) => n.url), cluster: 'nope' } })).rejects.toThrow(/has 0 shards/);
  });
});
