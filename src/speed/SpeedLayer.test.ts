import { describe, expect, it } from 'vitest';
import { SHOP_SCHEMA } from '../protocol/shop';
import { concatBatches } from '../protocol/schema';
import { shopBatch } from '../testing/events';
import { expectTalliesEqual } from '../testing/tallies';
import { compileView, type Tally } from '../views/compileView';
import { DEFAULT_VIEWS } from '../views/defaultViews';
import { SpeedLayer } from './SpeedLayer';

const views = DEFAULT_VIEWS.map((v) => compileView(v, SHOP_SCHEMA));

function tallyOf(viewIndex: number, batches: ReturnType<typeof shopBatch>[]): Tally {
  const t: Tally = new Map();
  views[viewIndex]!.add(t, concatBatches(SHOP_SCHEMA, batches));
  return t;
}

function layerWith(batches: ReturnType<typeof shopBatch>[], base = 0) {
  const s = new SpeedLayer();
  s.setViews(views);
  s.reset('shop', base);
  let seq = base + 1;
  for (const b of batches) {
    s.add('shop', seq, b, 1000 + seq);
    seq += b.count;
  }
  return s;
}

describe('SpeedLayer', () => {
  const batches = [shopBatch(40, 1), shopBatch(25, 2), shopBatch(60, 3)];

  it('tallies every appended event once, per view', () => {
    const snap = layerWith(batches).snapshot();
    views.forEach((v, i) => {
      expectTalliesEqual(snap.views[v.view.id]!, tallyOf(i, batches), v.view.id, { inexact: v.inexactParts, scale: 1e6 });
    });
    expect(snap.datasets.shop).toMatchObject({ baseW: 0, lastSeq: 125, events: 125, chunks: 3, oldestAppendedAt: 1001 });
  });

  it('hands over exactly the events up to W and keeps the rest', () => {
    const s = layerWith(batches);
    const { handedOver, events, straddled } = s.dropUpTo('shop', 65);
    expect(events).toBe(65);
    expect(straddled).toBe(false);
    views.forEach((v, i) => {
      expectTalliesEqual(handedOver.get(v.view.id)!, tallyOf(i, batches.slice(0, 2)), `handed over ${v.view.id}`, { inexact: v.inexactParts, scale: 1e6 });
      expectTalliesEqual(s.snapshot().views[v.view.id]!, tallyOf(i, batches.slice(2)), `kept ${v.view.id}`, { inexact: v.inexactParts, scale: 1e6 });
    });
    expect(s.snapshot().datasets.shop).toMatchObject({ baseW: 65, events: 60, oldestAppendedAt: 1066 });
  });

  it('says when W falls inside a chunk, which it cannot split', () => {
    const s = layerWith(batches);
    expect(s.dropUpTo('shop', 50).straddled).toBe(true);
  });

  it('ignores events batch already covers', () => {
    const s = new SpeedLayer();
    s.setViews(views);
    s.reset('shop', 100);
    s.add('shop', 51, shopBatch(50, 9), 0);
    expect(s.snapshot().datasets.shop?.events).toBe(0);
  });

  it('knows the last seq it has seen, past a hand-over too (where a follower tab resumes tailing)', () => {
    const s = layerWith(batches, 10);
    expect(s.endOf('shop')).toBe(135);
    s.dropUpTo('shop', 135);
    expect(s.endOf('shop')).toBe(135);
    s.dropUpTo('shop', 500); // batch saw more of the log than this tab has tallied
    expect(s.endOf('shop')).toBe(500);
    expect(new SpeedLayer().endOf('nothing')).toBe(0);
  });
});
