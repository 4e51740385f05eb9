import { describe, expect, it } from 'vitest';
import type { BatchClient } from '../batch/BatchClient';
import { filterBatch } from '../protocol/schema';
import { SHOP_SCHEMA } from '../protocol/shop';
import { shopBatch } from '../testing/events';
import { compileView, type SqlRow, type Tally } from '../views/compileView';
import { BY_COUNTRY_VIEW, TOTALS_VIEW } from '../views/defaultViews';
import { type HandedOver, reconcileOne } from './handOver';

const views = [compileView(TOTALS_VIEW, SHOP_SCHEMA), compileView(BY_COUNTRY_VIEW, SHOP_SCHEMA)];
const events = shopBatch(200, 3);

/** View i's tally of the events, of those `keep` lets through when given (a lossy speed layer). */
function tally(i: number, keep?: (k: number) => boolean): Tally {
  const t: Tally = new Map();
  views[i]!.add(t, filterBatch(events, keep ? Uint8Array.from({ length: events.count }, (_, k) => (keep(k) ? 1 : 0)) : null));
  return t;
}

/** Batch's answer as SQL rows, built from a tally the way DuckDB returns them (keys, then state parts). */
function rows(t: Tally): SqlRow[] {
  return [...t.values()].map((g) => [...g.key, ...g.state.map((p) => (typeof p === 'number' ? p : [...p]))]);
}

/** A batch worker that answers `reconcile` with the given rows per view, or fails. */
function batch(answer: Record<string, SqlRow[]> | Error, asked: unknown[] = []): BatchClient {
  return {
    call: async (type: string, data: unknown) => {
      asked.push({ type, data });
      if (answer instanceof Error) throw answer;
      return { views: answer };
    },
  } as unknown as BatchClient;
}

const handed = (tallies: Record<string, Tally>): HandedOver => ({ dataset: 'shop', w: 200, fromSeq: 0, events: 200, tallies });

describe('reconcileOne', () => {
  it('records a clean hand-over when speed and batch agree, asking batch for exactly the range handed over', async () => {
    const asked: unknown[] = [];
    const r = await reconcileOne(batch({ totals: rows(tally(0)), 'by-country': rows(tally(1)) }, asked), views, handed({ totals: tally(0), 'by-country': tally(1) }));
    expect(asked).toEqual([{ type: 'reconcile', data: { ranges: { shop: { after: 0, upto: 200 } } } }]);
    expect(r.problem).toBeNull();
    expect(r.handover).toMatchObject({ dataset: 'shop', fromSeq: 0, toSeq: 200, events: 200, ok: true });
    expect(r.handover?.views.map((v) => v.driftKeys)).toEqual([0, 0]);
  });

  it('names the views that drifted when the speed layer lost events', async () => {
    const lossy = (k: number) => k % 10 !== 0;
    const r = await reconcileOne(batch({ totals: rows(tally(0)), 'by-country': rows(tally(1)) }), views, handed({ totals: tally(0, lossy), 'by-country': tally(1, lossy) }));
    expect(r.handover?.ok).toBe(false);
    expect(r.handover?.views[0]).toMatchObject({ viewId: 'totals', keys: 1, driftKeys: 1 });
    expect(r.problem).toMatch(/disagreed with batch on seq 1\.\.200 \(Totals, Revenue by country\)/);
  });

  it('says so when batch cannot answer, and skips a hand-over of no events', async () => {
    const failed = await reconcileOne(batch(new Error('seq 200 is not loaded')), views, handed({}));
    expect(failed).toEqual({ handover: null, problem: 'reconciliation of seq 1..200 failed: seq 200 is not loaded' });
    const asked: unknown[] = [];
    expect(await reconcileOne(batch({}, asked), views, { ...handed({}), w: 0 })).toEqual({ handover: null, problem: null });
    expect(asked).toEqual([]);
  });
});
