import { describe, expect, it } from 'vitest';
import { SHOP_SCHEMA } from '../protocol/shop';
import { shopBatch } from '../testing/events';
import { compileView, type Tally } from '../views/compileView';
import { BY_COUNTRY_VIEW, TOTALS_VIEW } from '../views/defaultViews';
import { reconcile } from './reconcile';

const tally = (view = BY_COUNTRY_VIEW, n = 300, seed = 1): Tally => {
  const t: Tally = new Map();
  compileView(view, SHOP_SCHEMA).add(t, shopBatch(n, seed));
  return t;
};

describe('reconcile', () => {
  it('finds no drift when both sides counted the same events', () => {
    const c = compileView(BY_COUNTRY_VIEW, SHOP_SCHEMA);
    const d = reconcile(c, tally(), tally());
    expect(d).toMatchObject({ driftKeys: 0, maxAbsDrift: 0, examples: [] });
    expect(d.keys).toBeGreaterThan(3);
  });

  it('shows the drift of a broken speed tally that lost events', () => {
    const c = compileView(TOTALS_VIEW, SHOP_SCHEMA);
    const batch = tally(TOTALS_VIEW, 300);
    const broken = tally(TOTALS_VIEW, 299); // the same seed, one event short
    const d = reconcile(c, batch, broken);
    expect(d.driftKeys).toBe(1);
    expect(d.examples[0]).toMatchObject({ measure: 'Events', batch: 300, speed: 299 });
  });

  it('counts a key only one side has as drift', () => {
    const c = compileView(BY_COUNTRY_VIEW, SHOP_SCHEMA);
    const batch = tally();
    const speed = new Map([...batch].slice(1));
    expect(reconcile(c, batch, speed).driftKeys).toBe(1);
  });
});
