import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { EventLog } from '../../log/EventLog';
import { LogDb } from '../../log/LogDb';
import { DAY_MS, eventsHeld, setRetentionPolicy } from '../../log/retention';
import { SHOP_SCHEMA } from '../../protocol/shop';
import { concatBatches, filterBatch, sliceBatch, type ColumnBatch } from '../../protocol/schema';
import { shopBatch } from '../../testing/events';
import { expectTalliesEqual } from '../../testing/tallies';
import { compileView, type Tally } from '../../views/compileView';
import { DEFAULT_VIEWS } from '../../views/defaultViews';
import { NodeDuckDbEngine } from '../testing/nodeDuckDbEngine';
import { BatchDispatcher } from './BatchDispatcher';
import type { RecomputeResult } from './protocol';

let n = 0;
async function setup() {
  const dbName = `retention-batch-${n++}`;
  const log = new EventLog(new LogDb(dbName));
  await log.ensureDataset('shop', 'shop', SHOP_SCHEMA);
  const tab = async () => {
    const d = new BatchDispatcher(() => NodeDuckDbEngine.create());
    await d.init({ dbName });
    await d.setViews({ views: [...DEFAULT_VIEWS] });
    return d;
  };
  return { log, tab };
}

/** `count` events a day apart from `t0` on, in a mixed order. */
function daily(count: number, seed: number, t0: number): ColumnBatch {
  const b = shopBatch(count, seed);
  return { ...b, ts: b.ts.map((_, i) => t0 + ((i * 37) % count) * DAY_MS) };
}

/** Every view of the recompute equals the speed path's tally of exactly `events`. */
function expectViewsOf(r: RecomputeResult, events: ColumnBatch) {
  for (const v of DEFAULT_VIEWS) {
    const c = compileView(v, SHOP_SCHEMA);
    const t: Tally = new Map();
    c.add(t, events);
    expectTalliesEqual(c.fromRows(r.views[v.id]!), t, v.id, { inexact: c.inexactParts, scale: 1e6 });
  }
}

describe('retention in the batch layer', () => {
  it('applies the policy at the published W in the writer: the views then count exactly the events kept', async () => {
    const { log, tab } = await setup();
    const d = await tab();
    const batches = [shopBatch(400, 1), shopBatch(400, 2), shopBatch(200, 3)];
    for (const b of batches) await log.append('shop', b);
    await d.recompute({ retain: true });
    await setRetentionPolicy(log.db, 'shop', { kind: 'events', events: 300 });
    // A tab that does not write the log leaves it alone.
    await d.recompute({ retain: false });
    expect(eventsHeld((await log.dataset('shop'))!)).toBe(1000);
    const r = await d.recompute({ retain: true });
    const all = concatBatches(SHOP_SCHEMA, batches);
    expect(r.datasets.shop).toEqual({ w: 1000, loaded: 1000 });
    expectViewsOf(r, sliceBatch(all, 700, 1000));
    // Events past the published W are the speed layer's: a cut never goes past it.
    const more = shopBatch(200, 4);
    await log.append('shop', more);
    await setRetentionPolicy(log.db, 'shop', { kind: 'events', events: 50 });
    const next = await d.recompute({ retain: true });
    expect(next.datasets.shop?.w).toBe(1200);
    expectViewsOf(next, more);
    const ds = (await log.dataset('shop'))!;
    expect(eventsHeld(ds)).toBe(200);
    expect(ds.retention?.runs.map((x) => [x.upToSeq, x.removed])).toEqual([
      [700, 700],
      [1000, 300],
    ]);
    // The next recompute is at W = 1200 and keeps the last 50; a rebuild from the log agrees.
    expectViewsOf(await d.recompute({ retain: true }), sliceBatch(more, 150, 200));
    expectViewsOf(await d.rebuild(), sliceBatch(more, 150, 200));
  });

  it('keeps the last N days of event time, old events removed wherever they sit', async () => {
    const { log, tab } = await setup();
    const d = await tab();
    const t0 = Date.UTC(2025, 0, 1);
    const batches = [daily(300, 1, t0), daily(300, 2, t0 + 100 * DAY_MS)];
    for (const b of batches) await log.append('shop', b);
    await d.recompute({ retain: true });
    await setRetentionPolicy(log.db, 'shop', { kind: 'days', days: 250 });
    const r = await d.recompute({ retain: true });
    const all = concatBatches(SHOP_SCHEMA, batches);
    const cut = Math.max(...all.ts) - 250 * DAY_MS;
    const kept = filterBatch(
      all,
      Uint8Array.from(all.ts, (t) => (t >= cut ? 1 : 0)),
    );
    expect(kept.count).toBeGreaterThan(0);
    expect(kept.count).toBeLessThan(600);
    expectViewsOf(r, kept);
  });

  it("brings another tab's engine cache to the log: each run in order as SQL, or a reload when runs were missed", async () => {
    const { log, tab } = await setup();
    const writer = await tab();
    const other = await tab();
    const batches = Array.from({ length: 6 }, (_, i) => shopBatch(100, 10 + i));
    for (const b of batches) await log.append('shop', b);
    await writer.recompute({ retain: true });
    await other.recompute();
    await setRetentionPolicy(log.db, 'shop', { kind: 'events', events: 450 });
    await writer.recompute({ retain: true });
    const all = concatBatches(SHOP_SCHEMA, batches);
    const r = await other.recompute();
    expect(r.eventsLoaded).toBe(0);
    expectViewsOf(r, sliceBatch(all, 150, 600));
    // The other tab's speed layer may still hold seq 151..; batch no longer has the events below the cut it reconciles against.
    expect((await other.reconcile({ ranges: { shop: { after: 100, upto: 600 } } })).views).toEqual({});
    // Runs the record no longer lists (it keeps the newest 20): the other tab reloads the table.
    await setRetentionPolicy(log.db, 'shop', { kind: 'events', events: 200 });
    await writer.recompute({ retain: true });
    await log.db.datasets.update('shop', (ds) => {
      ds.retention!.runs = ds.retention!.runs.slice(-1).map((x) => ({ ...x, n: 7 }));
      ds.retention!.lastRun = 7;
    });
    const reloaded = await other.recompute();
    expect(reloaded.eventsLoaded).toBe(200);
    expectViewsOf(reloaded, sliceBatch(all, 400, 600));
  });
});
