import { describe, expect, it } from 'vitest';
import { dashboardViews } from '../ui/dashboardViews';
import { BY_COUNTRY_VIEW, DEFAULT_VIEWS, TIMELINE_VIEW, TOTALS_VIEW } from './defaultViews';
import { crossTwins, isCrossTwin } from './crossFilter';

const filter = { dataset: 'shop', field: 'country', value: 'DE', sourceViewId: BY_COUNTRY_VIEW.id };

describe('cross-filter twins', () => {
  it('filter every other view of the dataset, never the one the value was chosen in', () => {
    const twins = crossTwins(DEFAULT_VIEWS, filter);
    expect(twins.map((v) => v.id)).toEqual(['totals~cross', 'timeline~cross']);
    expect(twins.every((v) => isCrossTwin(v.id))).toBe(true);
    expect(twins[0]!.filters).toEqual([{ field: 'country', op: '=', value: 'DE' }]);
    expect(crossTwins(DEFAULT_VIEWS, { ...filter, value: null })[0]!.filters).toEqual([{ field: 'country', op: 'is null' }]);
    // Twins of twins are never made.
    expect(crossTwins([...DEFAULT_VIEWS, ...twins], filter)).toHaveLength(2);
  });

  it('the dashboard shows the twins in the places of their views, and the source view whole', () => {
    const all = [...DEFAULT_VIEWS, ...crossTwins(DEFAULT_VIEWS, filter)];
    const plain = dashboardViews(all, [], 'shop', null);
    expect([plain.tiles?.id, plain.timeline?.id, plain.breakdown?.id, plain.others.length]).toEqual([TOTALS_VIEW.id, TIMELINE_VIEW.id, BY_COUNTRY_VIEW.id, 0]);
    const crossed = dashboardViews(all, [], 'shop', filter);
    expect([crossed.tiles?.id, crossed.timeline?.id, crossed.breakdown?.id]).toEqual(['totals~cross', 'timeline~cross', BY_COUNTRY_VIEW.id]);
    expect(dashboardViews(all, [], 'other', filter).tiles).toBeUndefined();
  });
});
