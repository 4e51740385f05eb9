import { describe, expect, it } from 'vitest';
import { SHOP_SCHEMA } from '../protocol/shop';
import { filterBatch } from '../protocol/schema';
import { shopBatch } from '../testing/events';
import { expectTalliesEqual } from '../testing/tallies';
import { dashboardViews } from '../ui/dashboardViews';
import { compileView, type Tally } from './compileView';
import { type CrossFilter, type CrossPlan, crossPlans, cubesFor, isCrossView, isCube } from './crossFilter';
import { BY_COUNTRY_VIEW, DEFAULT_VIEWS, TIMELINE_VIEW, TOTALS_VIEW } from './defaultViews';
import type { ViewDef } from './ViewDef';

const byCountry: CrossFilter = { kind: 'value', dataset: 'shop', field: 'country', value: 'DE', sourceViewId: BY_COUNTRY_VIEW.id };
const brushed: CrossFilter = { kind: 'range', dataset: 'shop', bucketMs: 10_000, from: 1_700_000_020_000, to: 1_700_000_070_000, sourceViewId: TIMELINE_VIEW.id };
/** A view with a coarser bucket, a group-by and every kind of measure, to be filtered too. */
const PER_MINUTE: ViewDef = {
  id: 'per-minute',
  name: 'Per minute',
  dataset: 'shop',
  groupBy: ['channel'],
  bucketMs: 60_000,
  measures: [
    { op: 'count', label: 'n' },
    { op: 'avg', field: 'amount', label: 'avg' },
    { op: 'min', field: 'amount', label: 'min' },
    { op: 'max', field: 'quantity', label: 'max' },
    { op: 'count_distinct', field: 'product', label: 'products' },
  ],
};
const VIEWS = [...DEFAULT_VIEWS, PER_MINUTE];
const always = () => true;

const tallyOf = (v: ViewDef, events = shopBatch(3000, 7)): Tally => {
  const t: Tally = new Map();
  compileView(v, SHOP_SCHEMA).add(t, events);
  return t;
};

/** The twin as the cube projects it: the cube computed over all events, then its groups projected. */
function projected(plan: CrossPlan): Tally {
  const into = compileView(plan.twin, SHOP_SCHEMA);
  const out: Tally = new Map();
  for (const g of tallyOf(plan.cube!.def).values()) {
    const key = plan.cube!.project(g.key);
    if (key) into.mergeGroup(out, key, g.state);
  }
  return out;
}

describe('cross-filter plans', () => {
  it('a value filter is answered from a cube of every other view, exactly as the filtered view computed directly', () => {
    const plans = crossPlans(VIEWS, byCountry, 't1', always);
    expect(plans.map((p) => p.target.id)).toEqual([TOTALS_VIEW.id, TIMELINE_VIEW.id, PER_MINUTE.id]);
    for (const p of plans) {
      expect(isCube(p.cube!.def.id) && isCrossView(p.twin.id)).toBe(true);
      expect(p.twin.filters).toEqual([{ field: 'country', op: '=', value: 'DE' }]);
      // The filtered view computed directly: its own filter, over all events.
      const c = compileView(p.twin, SHOP_SCHEMA);
      expectTalliesEqual(projected(p), tallyOf(p.twin), p.target.id, { inexact: c.inexactParts });
    }
    // No value: the null key; the filter carries `is null`.
    const nulls = crossPlans(VIEWS, { ...byCountry, value: null }, 't2', always);
    expect(nulls[0]!.twin.filters).toEqual([{ field: 'country', op: 'is null' }]);
    expectTalliesEqual(projected(nulls[0]!), tallyOf(nulls[0]!.twin), 'nulls', { inexact: compileView(TOTALS_VIEW, SHOP_SCHEMA).inexactParts });
  });

  it('a brushed range is answered from cubes by time, equal to the views over only the events in range', () => {
    const events = shopBatch(3000, 7);
    const keep = Uint8Array.from(events.ts, (t) => (t >= brushed.from && t < brushed.to ? 1 : 0));
    const inRange = filterBatch(events, keep);
    const plans = crossPlans(VIEWS, brushed, 't3', always);
    expect(plans.map((p) => p.target.id)).toEqual([TOTALS_VIEW.id, BY_COUNTRY_VIEW.id, PER_MINUTE.id]);
    for (const p of plans) {
      const c = compileView(p.target, SHOP_SCHEMA);
      const direct: Tally = new Map();
      c.add(direct, inRange);
      expectTalliesEqual(projected(p), direct, p.target.id, { inexact: c.inexactParts });
    }
  });

  it('a view with the range’s own bucket is its own cube; a bucket the range’s does not divide is left unfiltered', () => {
    const fine: ViewDef = { ...TIMELINE_VIEW, id: 'fine', bucketMs: 1_000 };
    const odd: ViewDef = { ...TIMELINE_VIEW, id: 'odd', bucketMs: 15_000 };
    const other: ViewDef = { ...TIMELINE_VIEW, id: 'other-timeline' };
    const plans = crossPlans([...VIEWS, fine, odd, other], brushed, 't', always);
    expect(plans.find((p) => p.target.id === 'other-timeline')!.cube!.def).toBe(other);
    expect(plans.some((p) => p.target.id === 'fine' || p.target.id === 'odd')).toBe(false);
    expect(cubesFor([...VIEWS, other], 'shop', TIMELINE_VIEW.id, { kind: 'range', bucketMs: 10_000 }, always).map((c) => c.id)).toEqual([
      'totals~cube~t:10000',
      'by-country~cube~t:10000',
      'per-minute~cube~t:10000',
    ]);
  });

  it('a cube too large to keep: a value filter falls back to a twin both layers compute; a range leaves the card unfiltered', () => {
    const plans = crossPlans(VIEWS, byCountry, 't', (_c, target) => target.id !== PER_MINUTE.id);
    expect(plans.find((p) => p.target.id === PER_MINUTE.id)!.cube).toBeUndefined();
    expect(crossPlans(VIEWS, brushed, 't', (_c, target) => target.id !== PER_MINUTE.id).some((p) => p.target.id === PER_MINUTE.id)).toBe(false);
  });

  it('twins name their filter, and the dashboard shows them in the places of their views, the source view whole', () => {
    const plans = crossPlans(DEFAULT_VIEWS, byCountry, '5', always);
    expect(plans.map((p) => p.twin.id)).toEqual(['totals~cross5', 'timeline~cross5']);
    const twins = Object.fromEntries(plans.map((p) => [p.target.id, p.twin]));
    const cubes = plans.map((p) => p.cube!.def);
    const all = [...DEFAULT_VIEWS, ...cubes];
    const plain = dashboardViews(all, [], 'shop', null, twins);
    expect([plain.tiles?.id, plain.timeline?.id, plain.breakdown?.id, plain.others.length]).toEqual([TOTALS_VIEW.id, TIMELINE_VIEW.id, BY_COUNTRY_VIEW.id, 0]);
    const crossed = dashboardViews(all, [], 'shop', byCountry, twins);
    expect([crossed.tiles?.id, crossed.timeline?.id, crossed.breakdown?.id]).toEqual(['totals~cross5', 'timeline~cross5', BY_COUNTRY_VIEW.id]);
    expect(dashboardViews(all, [], 'other', byCountry, twins).tiles).toBeUndefined();
  });
});
