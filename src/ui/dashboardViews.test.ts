import { describe, expect, it } from 'vitest';
import { DEFAULT_VIEWS } from '../views/defaultViews';
import { generateViews } from '../views/generatedViews';
import type { ViewDef } from '../views/ViewDef';
import { dashboardViews, slug } from './dashboardViews';
import { chooseDataset, knownDatasets } from './selectedDataset';

const shop = DEFAULT_VIEWS[0]!.dataset;
const sales = generateViews(
  'sales',
  {
    fields: [
      { name: 'region', type: 'text' },
      { name: 'paid', type: 'boolean' },
      { name: 'price', type: 'float' },
    ],
  },
  { minTs: 0, maxTs: 86_400_000, lowCardinalityText: ['region'] },
);
const user = (id: string, dataset: string, shape: Partial<ViewDef>): ViewDef => ({ id, name: id, dataset, groupBy: [], bucketMs: null, measures: [{ op: 'count', label: 'n' }], ...shape });

describe('dashboardViews', () => {
  it("places the demo stream's built-in views as before", () => {
    const mine = user('mine', shop, { groupBy: ['channel'] });
    const d = dashboardViews([...DEFAULT_VIEWS, ...sales, mine], ['mine'], shop);
    expect([d.tiles?.id, d.timeline?.id, d.breakdown?.id]).toEqual(['totals', 'timeline', 'by-country']);
    expect(d.others.map((v) => v.id)).toEqual(['mine']);
  });

  it("places a generated dataset's views by shape; its second breakdown is a card", () => {
    const d = dashboardViews([...DEFAULT_VIEWS, ...sales], [], 'sales');
    expect([d.tiles?.id, d.timeline?.id, d.breakdown?.id]).toEqual(['sales:totals', 'sales:timeline', 'sales:top-region']);
    expect(d.others.map((v) => v.id)).toEqual(['sales:top-paid']);
  });

  it("fills an empty place with the user's view of that shape, and leaves places empty with none", () => {
    const d = dashboardViews([user('u1', 'x', { bucketMs: 1000 }), user('u2', 'x', { groupBy: ['a', 'b'] })], ['u1', 'u2'], 'x');
    expect([d.tiles?.id, d.timeline?.id, d.breakdown?.id]).toEqual([undefined, 'u1', undefined]);
    expect(d.others.map((v) => v.id)).toEqual(['u2']);
    expect(dashboardViews(DEFAULT_VIEWS, [], null)).toEqual({ tiles: undefined, timeline: undefined, breakdown: undefined, others: [] });
  });
});

describe('chooseDataset', () => {
  it("keeps the user's choice when known, else the demo stream, else the first", () => {
    expect(chooseDataset(['a', shop, 'b'], 'b')).toBe('b');
    expect(chooseDataset(['a', shop], 'gone')).toBe(shop);
    expect(chooseDataset(['a', 'b'], null)).toBe('a');
    expect(chooseDataset([], 'a')).toBeNull();
  });

  it('takes the datasets the views name until the log reports its own', () => {
    expect(knownDatasets({ ingest: null, viewDefs: [...DEFAULT_VIEWS, ...sales] })).toEqual([shop, 'sales']);
  });
});

describe('slug', () => {
  it('makes test ids from labels', () => {
    expect(['Events', 'Revenue', 'Items', 'Sum of unit price (€)'].map(slug)).toEqual(['events', 'revenue', 'items', 'sum-of-unit-price-']);
  });
});
