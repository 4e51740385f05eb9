import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDuckDbEngine } from '../batch/testing/nodeDuckDbEngine';
import { encodeSegment } from '../log/segmentCodec';
import { SHOP_SCHEMA } from '../protocol/shop';
import { sliceBatch } from '../protocol/schema';
import { seeded, shopBatch } from '../testing/events';
import { expectTalliesEqual } from '../testing/tallies';
import { compileView, type Tally } from '../views/compileView';
import { DEFAULT_VIEWS, TIMELINE_VIEW } from '../views/defaultViews';
import { mergeView } from './mergeView';

let engine: NodeDuckDbEngine;
const all = shopBatch(2_000, 11);
beforeAll(async () => {
  engine = await NodeDuckDbEngine.create();
  await engine.appendArrow('events', encodeSegment(SHOP_SCHEMA, all, 1));
});

describe('mergeView: batch(prefix) + speed(suffix) = everything', () => {
  it('holds for every default view at random cut points W', async () => {
    const rand = seeded(5);
    for (let trial = 0; trial < 8; trial++) {
      const w = Math.floor(rand() * (all.count + 1));
      for (const v of DEFAULT_VIEWS) {
        const c = compileView(v, SHOP_SCHEMA);
        const q = c.sql('events', 0, w);
        const batch = c.fromRows((await engine.query(q.text, q.params)).rows);
        const speed: Tally = new Map();
        c.add(speed, sliceBatch(all, w, all.count));
        const everything: Tally = new Map();
        c.add(everything, all);
        const merged = mergeView(c, batch, speed, w);
        const mergedTally: Tally = new Map();
        c.mergeInto(mergedTally, batch);
        c.mergeInto(mergedTally, speed);
        expectTalliesEqual(mergedTally, everything, `${v.id} at W=${w}`, { inexact: c.inexactParts, scale: 2e6 });
        expect(merged.rows).toHaveLength(everything.size);
        // Each row keeps its parts, and the parts add up (count is exact).
        if (v.measures[0]!.op === 'count') {
          for (const r of merged.rows) expect((r.batch?.[0] ?? 0) + (r.speed?.[0] ?? 0)).toBe(r.merged[0]);
        }
      }
    }
  });

  it('puts the boundary at the first bucket with any speed contribution', () => {
    const c = compileView(TIMELINE_VIEW, SHOP_SCHEMA);
    const speed: Tally = new Map();
    c.add(speed, { count: 2, ts: [35_500, 61_000], columns: { country: ['US', 'DE'], product: ['a', 'b'], channel: ['web', 'web'], amount: [1, 2], quantity: [1, 1] } });
    const batch: Tally = new Map();
    c.add(batch, { count: 1, ts: [5_000], columns: { country: ['US'], product: ['a'], channel: ['web'], amount: [3], quantity: [1] } });
    const m = mergeView(c, batch, speed, 1);
    expect(m.boundary).toBe(30_000);
    expect(m.rows.map((r) => r.key[0])).toEqual([0, 30_000, 60_000]);
    expect(m.rows[0]).toMatchObject({ batch: [1, 3], speed: null, merged: [1, 3] });
    expect(mergeView(c, batch, new Map(), 1).boundary).toBeNull();
  });
});
