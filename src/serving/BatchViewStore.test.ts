import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { RecomputeResult } from '../batch/worker/protocol';
import { LogDb } from '../log/LogDb';
import { SHOP_SCHEMA } from '../protocol/shop';
import { BY_COUNTRY_VIEW, TIMELINE_VIEW, TOTALS_VIEW } from '../views/defaultViews';
import { BatchViewStore } from './BatchViewStore';

const result = (w: number): RecomputeResult => ({
  datasets: { shop: { w, loaded: w } },
  schemas: { shop: SHOP_SCHEMA },
  views: { totals: [[BigInt(w), 12.5, BigInt(w), 3, BigInt(w)]], 'by-country': [['US', 12.5, BigInt(w), BigInt(w)]] },
  startedAt: 0,
  loadMs: 0,
  queryMs: 0,
  totalMs: 0,
  segmentsLoaded: 0,
  eventsLoaded: 0,
});

describe('BatchViewStore', () => {
  it('gives back the last published views with their W', async () => {
    const store = new BatchViewStore(new LogDb('bvs-1'));
    await store.save(result(10), [TOTALS_VIEW, BY_COUNTRY_VIEW]);
    await store.save(result(20), [TOTALS_VIEW, BY_COUNTRY_VIEW]);
    const got = await store.load([TOTALS_VIEW, BY_COUNTRY_VIEW]);
    expect(got?.w).toEqual({ shop: 20 });
    expect(got?.rows.totals).toEqual([[20n, 12.5, 20n, 3, 20n]]);
    expect(got?.schemas.shop).toEqual(SHOP_SCHEMA);
  });

  it('does not serve a view whose definition changed since', async () => {
    const store = new BatchViewStore(new LogDb('bvs-2'));
    await store.save(result(10), [TOTALS_VIEW, BY_COUNTRY_VIEW]);
    const changed = { ...BY_COUNTRY_VIEW, groupBy: ['channel'] };
    const got = await store.load([TOTALS_VIEW, changed]);
    expect(Object.keys(got?.rows ?? {})).toEqual(['totals']);
    expect(await store.load([changed])).toBeNull();
  });

  it.each([
    ['rows that are not rows', { rows: 'x' }],
    ['a row holding an object', { rows: [[{ n: 1 }]] }],
    ['a row holding a list of lists', { rows: [[[['US']]]] }],
    ['a negative W', { w: -1 }],
    ['a fractional W', { w: 2.5 }],
    ['a W as text', { w: '20' }],
    [
      'a schema with a field twice',
      {
        schema: {
          fields: [
            { name: 'a', type: 'float' },
            { name: 'A', type: 'float' },
          ],
        },
      },
    ],
    ['a schema of the wrong shape', { schema: { fields: 'country' } }],
    ['no definition', { def: undefined }],
  ])('passes over a damaged record (%s) and serves the rest', async (_, damage) => {
    const db = new LogDb(`bvs-damaged-${_}`);
    const store = new BatchViewStore(db);
    await store.save(result(20), [TOTALS_VIEW, BY_COUNTRY_VIEW]);
    const record = await db.batchViews.get('by-country');
    await db.batchViews.put({ ...record!, ...(damage as object) });
    const got = await store.load([TOTALS_VIEW, BY_COUNTRY_VIEW]);
    expect(got?.w).toEqual({ shop: 20 });
    expect(Object.keys(got?.rows ?? {})).toEqual(['totals']);
    expect(await store.load([BY_COUNTRY_VIEW])).toBeNull();
  });

  it('keeps count-distinct lists, bigints and nulls in rows', async () => {
    const store = new BatchViewStore(new LogDb('bvs-values'));
    const r = result(5);
    r.views.timeline = [[1_700_000_000_000, 5n, null, ['US', 3, null]]];
    await store.save(r, [TIMELINE_VIEW]);
    expect((await store.load([TIMELINE_VIEW]))?.rows.timeline).toEqual([[1_700_000_000_000, 5n, null, ['US', 3, null]]]);
  });
});
