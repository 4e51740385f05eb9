import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { FakeIngestWorld, until } from '../ingest/testing/fakeIngest';
import { LogDb } from '../log/LogDb';
import type { ColumnBatch } from '../protocol/schema';
import { SHOP_SCHEMA } from '../protocol/shop';
import { shopBatch } from '../testing/events';
import { DEFAULT_VIEWS } from '../views/defaultViews';
import { BatchViewStore } from './BatchViewStore';
import { Pipeline, type PipelineSnapshot } from './Pipeline';
import { inProcessWorkers } from './testing/inProcessWorkers';

let n = 0;

function pipelineOn(dbName: string, world: FakeIngestWorld, engine?: Parameters<typeof inProcessWorkers>[1]) {
  const workers = inProcessWorkers(world, engine);
  const p = new Pipeline(workers, {
    dbName,
    streamUrl: 'ws://127.0.0.1:1/stream',
    views: [...DEFAULT_VIEWS],
    batchIntervalMs: 3_600_000, // the tests decide when batch runs
    batchViews: new BatchViewStore(new LogDb(dbName)),
  });
  return { p, workers };
}

/** The merged event count of the totals view, and its batch and speed parts. */
function totals(s: PipelineSnapshot): { merged: number; batch: number; speed: number } | null {
  const row = s.views.totals?.rows[0];
  if (!row) return null;
  return { merged: row.merged[0] ?? 0, batch: row.batch?.[0] ?? 0, speed: row.speed?.[0] ?? 0 };
}

/** A stream the test feeds, counting what it sent. */
async function stream(world: FakeIngestWorld) {
  await until(() => world.sockets.length > 0, 10_000, 'stream opened');
  const s = world.socket;
  s.hello([{ id: 'shop', schema: SHOP_SCHEMA }]);
  await until(() => s.subscribes().length > 0, 10_000, 'subscribed');
  let offset = s.subscribes()[s.subscribes().length - 1]!.fromOffset;
  let seed = 100 + offset;
  return {
    send: async (count: number): Promise<ColumnBatch> => {
      const b = shopBatch(count, seed++);
      s.events('shop', offset, b);
      offset += count;
      await until(() => s.acks('shop').includes(offset), 10_000, `ack ${offset}`);
      return b;
    },
    get sent() {
      return offset;
    },
  };
}

async function ready(p: Pipeline): Promise<void> {
  void p.start();
  await until(() => p.getSnapshot().phase !== 'starting', 30_000, 'pipeline ready');
  expect(p.getSnapshot().phase).toBe('ready');
}

describe('Pipeline with both real dispatchers over MessageChannels', () => {
  it('merges only a consistent pair: a freshly merged view is batch at W plus a speed snapshot based on that W', async () => {
    const world = new FakeIngestWorld();
    const { p } = pipelineOn(`pipeline-${n++}`, world);
    const fresh: string[] = [];
    let lastTotals: unknown = null;
    p.subscribe(() => {
      const s = p.getSnapshot();
      const v = s.views.totals;
      if (!v || v === lastTotals) return; // a view kept from its last consistent merge
      lastTotals = v;
      const speed = s.speed?.datasets.shop;
      const t = totals(s);
      // Every event is valid, so batch(seq <= W) + speed(W < seq <= last) counts exactly `last` events.
      if (v.w !== speed?.baseW || t?.merged !== speed?.lastSeq) fresh.push(`W ${v.w} vs speed base ${speed?.baseW}; merged ${t?.merged} vs last seq ${speed?.lastSeq}`);
    });
    await ready(p);
    const src = await stream(world);
    for (let i = 0; i < 6; i++) {
      await src.send(500 + i);
      const r = p.recomputeNow();
      await src.send(300);
      await r;
    }
    await until(() => totals(p.getSnapshot())?.merged === src.sent, 10_000, 'merged = sent');
    expect(fresh).toEqual([]);
    expect(p.getSnapshot().batch.recomputes).toBeGreaterThanOrEqual(7);
    p.dispose();
  }, 60_000);

  it('a failed recompute keeps the old batch views and W; the next one moves them', async () => {
    const world = new FakeIngestWorld();
    const { p } = pipelineOn(`pipeline-${n++}`, world);
    await ready(p);
    const src = await stream(world);
    await src.send(1000);
    await p.recomputeNow();
    // The merge waits for the speed snapshot based on the new W.
    await until(() => totals(p.getSnapshot())?.batch === 1000, 10_000, 'batch at W = 1000 merged');
    expect(p.getSnapshot().batch.w.shop).toBe(1000);
    await src.send(250);
    await p.failNextRecompute();
    await expect(p.recomputeNow()).rejects.toThrow(/injected failure/);
    const after = p.getSnapshot();
    expect(after.batch.w.shop).toBe(1000);
    expect(after.batch.error).toMatch(/injected failure/);
    expect(after.messages[0]?.text).toMatch(/recompute failed, batch views unchanged/);
    await until(() => totals(p.getSnapshot())?.merged === 1250, 10_000, 'speed carries the rest');
    expect(totals(p.getSnapshot())).toEqual({ merged: 1250, batch: 1000, speed: 250 });
    await p.recomputeNow();
    expect(p.getSnapshot().batch.w.shop).toBe(1250);
    expect(p.getSnapshot().batch.error).toBeNull();
    await until(() => totals(p.getSnapshot())?.batch === 1250, 10_000, 'batch has all');
    p.dispose();
  }, 60_000);

  it('coalesces "recompute now": calls while one runs share one more run', async () => {
    const world = new FakeIngestWorld();
    const { p } = pipelineOn(`pipeline-${n++}`, world);
    await ready(p);
    const src = await stream(world);
    await src.send(400);
    const start = p.getSnapshot().batch.recomputes;
    const calls = [p.recomputeNow(), p.recomputeNow(), p.recomputeNow(), p.recomputeNow(), p.recomputeNow()];
    const results = await Promise.all(calls);
    expect(p.getSnapshot().batch.recomputes - start).toBe(2);
    // The first call got the running recompute; the others its rerun, which saw everything sent.
    expect(results[4]).toBe(results[1]);
    expect(results[4]!.datasets.shop?.w).toBe(400);
    p.dispose();
  }, 60_000);

  it('after a reload serves the saved batch views at once, with the speed layer re-tallying past their W', async () => {
    const dbName = `pipeline-${n++}`;
    const world = new FakeIngestWorld();
    const first = pipelineOn(dbName, world);
    await ready(first.p);
    const src = await stream(world);
    await src.send(700);
    await first.p.recomputeNow(); // batch views saved at W = 700
    await src.send(90); // only in the log and the speed layer
    first.p.dispose();

    // The reloaded page's batch engine is slow to start: until it does, only the saved views can serve.
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const world2 = new FakeIngestWorld();
    const second = pipelineOn(dbName, world2, async (create) => {
      await gate;
      return create();
    });
    void second.p.start();
    await until(() => totals(second.p.getSnapshot()) !== null, 10_000, 'saved views served');
    const s = second.p.getSnapshot();
    expect(s.phase).toBe('starting');
    expect(s.batch.recomputes).toBe(0);
    expect(s.batch.w.shop).toBe(700);
    expect(totals(s)).toEqual({ merged: 790, batch: 700, speed: 90 });
    expect(s.messages.some((m) => /saved before the reload/.test(m.text))).toBe(true);
    release();
    await until(() => second.p.getSnapshot().phase === 'ready', 30_000, 'ready');
    expect(second.p.getSnapshot().batch.w.shop).toBe(790);
    await until(() => totals(second.p.getSnapshot())?.batch === 790, 10_000, 'recomputed');
    second.p.dispose();
  }, 60_000);

  it('tells its listeners once per speed snapshot', async () => {
    const world = new FakeIngestWorld();
    const { p, workers } = pipelineOn(`pipeline-${n++}`, world);
    await ready(p);
    const src = await stream(world);
    await src.send(100);
    await p.recomputeNow();
    await until(() => totals(p.getSnapshot())?.batch === 100, 10_000, 'first merge');
    let heard = 0;
    p.subscribe(() => heard++);
    const before = workers.snapshots;
    for (let i = 0; i < 5; i++) await src.send(10);
    await until(() => totals(p.getSnapshot())?.merged === 150, 10_000, 'merged 150');
    await new Promise((r) => setTimeout(r, 200));
    expect(workers.snapshots - before).toBeGreaterThanOrEqual(5);
    expect(heard).toBe(workers.snapshots - before);
    p.dispose();
  }, 60_000);

  it('dispose stops the schedule and the workers: later calls reject instead of hanging', async () => {
    const world = new FakeIngestWorld();
    const { p } = pipelineOn(`pipeline-${n++}`, world);
    await ready(p);
    p.dispose();
    await expect(p.recomputeNow()).rejects.toThrow(/stopped/);
    await expect(p.setSpeedFault(5)).rejects.toThrow(/stopped/);
  }, 60_000);

  it('cross-filters from cubes: once prepared, a value or a range shows exact filtered figures without a recompute, batch and speed parts both', async () => {
    const world = new FakeIngestWorld();
    const { p } = pipelineOn(`pipeline-${n++}`, world);
    await ready(p);
    const src = await stream(world);
    const sent: ColumnBatch[] = [await src.send(400)];
    await p.recomputeNow();
    await p.crossFilter.prepare('shop', 'by-country', { kind: 'value', field: 'country' });
    await p.crossFilter.prepare('shop', 'timeline', { kind: 'range', bucketMs: 10_000 });
    sent.push(await src.send(150)); // past W: only the speed layer holds these
    await until(() => p.getSnapshot().speed?.datasets.shop?.lastSeq === src.sent, 10_000, 'speed caught up');
    const recomputes = p.getSnapshot().batch.recomputes;
    const count = (keep: (b: ColumnBatch, i: number) => boolean) => sent.reduce((n, b) => n + b.ts.filter((_, i) => keep(b, i)).length, 0);

    await p.crossFilter.set({ kind: 'value', dataset: 'shop', field: 'country', value: 'DE', sourceViewId: 'by-country' });
    let s = p.getSnapshot();
    const twin = s.crossTwins.totals!;
    const row = s.views[twin.id]?.rows[0];
    expect(row?.merged[0]).toBe(count((b, i) => b.columns.country![i] === 'DE'));
    expect(row?.speed?.[0]).toBe(sent[1]!.columns.country!.filter((c) => c === 'DE').length);
    expect(s.batch.recomputes).toBe(recomputes);

    const from = 1_700_000_020_000;
    const to = 1_700_000_060_000;
    await p.crossFilter.set({ kind: 'range', dataset: 'shop', bucketMs: 10_000, from, to, sourceViewId: 'timeline' });
    s = p.getSnapshot();
    const inRange = count((b, i) => b.ts[i]! >= from && b.ts[i]! < to);
    expect(inRange).toBeGreaterThan(0);
    expect(s.views[s.crossTwins.totals!.id]?.rows[0]?.merged[0]).toBe(inRange);
    const de = s.views[s.crossTwins['by-country']!.id]?.rows.find((r) => r.key[0] === 'DE');
    expect(de?.merged[1]).toBe(count((b, i) => b.ts[i]! >= from && b.ts[i]! < to && b.columns.country![i] === 'DE'));
    expect(s.batch.recomputes).toBe(recomputes);

    // Cleared: the cards show their own views again; the cubes stay for the next filter.
    await p.crossFilter.set(null);
    expect(p.getSnapshot().crossTwins).toEqual({});
    expect(p.getSnapshot().viewDefs.some((v) => v.id.includes('~cube~'))).toBe(true);
    p.dispose();
  }, 60_000);
});
