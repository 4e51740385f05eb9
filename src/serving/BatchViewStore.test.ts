import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { RecomputeResult } from '../batch/worker/protocol';
import { LogDb } from '../log/LogDb';
import { SHOP_SCHEMA } from '../protocol/shop';
import { BY_COUNTRY_VIEW, TOTALS_VIEW } from '../views/defaultViews';
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
});
