import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { EventLog } from '../../log/EventLog';
import { LogDb } from '../../log/LogDb';
import { SHOP_SCHEMA } from '../../protocol/shop';
import { shopBatch } from '../../testing/events';
import { expectTalliesEqual } from '../../testing/tallies';
import { compileView, type Tally } from '../../views/compileView';
import { DEFAULT_VIEWS } from '../../views/defaultViews';
import { NodeDuckDbEngine } from '../testing/nodeDuckDbEngine';
import { BatchDispatcher } from './BatchDispatcher';

let n = 0;
async function setup() {
  const dbName = `batch-test-${n++}`;
  const log = new EventLog(new LogDb(dbName));
  await log.ensureDataset('shop', 'shop', SHOP_SCHEMA);
  const d = new BatchDispatcher(() => NodeDuckDbEngine.create());
  await d.init({ dbName });
  await d.setViews({ views: [...DEFAULT_VIEWS] });
  return { log, d };
}

function speedTally(viewIndex: number, batches: ReturnType<typeof shopBatch>[]): Tally {
  const c = compileView(DEFAULT_VIEWS[viewIndex]!, SHOP_SCHEMA);
  const t: Tally = new Map();
  for (const b of batches) c.add(t, b);
  return t;
}

describe('BatchDispatcher with real DuckDB', () => {
  it('recomputes every view over the whole log, equal to the speed tally of the same events', async () => {
    const { log, d } = await setup();
    const batches = [shopBatch(500, 1), shopBatch(300, 2), shopBatch(1, 3)];
    for (const b of batches) await log.append('shop', b);
    const r = await d.recompute();
    expect(r.datasets.shop).toEqual({ w: 801, loaded: 801 });
    expect(r.eventsLoaded).toBe(801);
    DEFAULT_VIEWS.forEach((v, i) => {
      const c = compileView(v, SHOP_SCHEMA);
      expectTalliesEqual(c.fromRows(r.views[v.id]!), speedTally(i, batches), v.id, { inexact: c.inexactParts, scale: 1e6 });
    });
  });

  it('loads only unseen segments, and a compacted segment across the loaded mark only in part', async () => {
    const { log, d } = await setup();
    const batches = Array.from({ length: 20 }, (_, i) => shopBatch(5, 10 + i));
    for (const b of batches.slice(0, 10)) await log.append('shop', b);
    const first = await d.recompute();
    expect(first.eventsLoaded).toBe(50);
    for (const b of batches.slice(10)) await log.append('shop', b);
    // Merges all 20 segments into one that straddles the 50 events batch already holds.
    expect(await log.compactTail('shop', { minRun: 16 })).toBe(20);
    const second = await d.recompute();
    expect(second.eventsLoaded).toBe(50);
    expect(second.datasets.shop).toEqual({ w: 100, loaded: 100 });
    const c = compileView(DEFAULT_VIEWS[0]!, SHOP_SCHEMA);
    expectTalliesEqual(c.fromRows(second.views.totals!), speedTally(0, batches), 'totals', { inexact: c.inexactParts, scale: 1e6 });
    // Rebuild from the log gives the same answer.
    const rebuilt = await d.rebuild();
    expect(rebuilt.eventsLoaded).toBe(100);
    expectTalliesEqual(c.fromRows(rebuilt.views.totals!), speedTally(0, batches), 'rebuilt totals', { inexact: c.inexactParts, scale: 1e6 });
  });

  it('an empty log yields empty views at W = 0', async () => {
    const { d } = await setup();
    const r = await d.recompute();
    expect(r.datasets.shop?.w).toBe(0);
    expect(r.views.totals).toEqual([]);
  });

  it('reports a view that does not compile and recomputes the others', async () => {
    const { log, d } = await setup();
    await log.append('shop', shopBatch(50, 4));
    const broken = { ...DEFAULT_VIEWS[0]!, id: 'broken', measures: [{ op: 'sum' as const, field: 'country', label: 's' }] };
    const { errors } = await d.setViews({ views: [...DEFAULT_VIEWS, broken] });
    expect(errors.broken).toMatch(/sum does not apply to text field "country"/);
    const r = await d.recompute();
    expect(r.views.broken).toBeUndefined();
    expect(r.views.totals).toHaveLength(1);
  });
});
