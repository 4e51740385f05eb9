import { describe, expect, it } from 'vitest';
import type { DatasetSchema } from '../protocol/schema';
import { compileView } from './compileView';
import { chooseBucketMs, generateViews } from './generatedViews';
import { BUCKETS } from './ViewDef';

const SALES: DatasetSchema = {
  fields: [
    { name: 'region', type: 'text' },
    { name: 'note', type: 'text' },
    { name: 'units', type: 'integer' },
    { name: 'price', type: 'float' },
    { name: 'sold_on', type: 'date' },
    { name: 'paid', type: 'boolean' },
    { name: 'a', type: 'float' },
    { name: 'b', type: 'integer' },
    { name: 'c', type: 'float' },
  ],
};
const DAY = 86_400_000;
const YEAR_2024 = { minTs: Date.UTC(2024, 0, 1), maxTs: Date.UTC(2024, 11, 31) };

describe('generateViews', () => {
  const views = generateViews('sales', SALES, { ...YEAR_2024, lowCardinalityText: ['region'] });

  it('makes totals, a timeline and breakdowns with ids from the dataset id', () => {
    expect(views.map((v) => v.id)).toEqual(['sales:totals', 'sales:timeline', 'sales:top-region', 'sales:top-paid']);
    expect(views.every((v) => v.dataset === 'sales')).toBe(true);
  });

  it('totals count events and sum up to four numeric fields, in schema order', () => {
    const totals = views[0]!;
    expect(totals).toMatchObject({ groupBy: [], bucketMs: null, name: 'Totals' });
    expect(totals.measures).toEqual([
      { op: 'count', label: 'Events' },
      { op: 'sum', field: 'units', label: 'Sum of units' },
      { op: 'sum', field: 'price', label: 'Sum of price' },
      { op: 'sum', field: 'a', label: 'Sum of a' },
      { op: 'sum', field: 'b', label: 'Sum of b' },
    ]);
  });

  it('counts per time bucket sized to the event-time range', () => {
    const timeline = views[1]!;
    expect(timeline.bucketMs).toBe(7 * DAY); // 365 days / 7 days = 52 buckets
    expect(timeline.groupBy).toEqual([]);
    expect(timeline.measures[0]).toEqual({ op: 'count', label: 'Events' });
    expect(timeline.name).toBe('Events per 7 days');
  });

  it('breaks down by the low-cardinality text fields and booleans, at most two, never by other text', () => {
    expect(views[2]).toMatchObject({ groupBy: ['region'], bucketMs: null });
    expect(views[2]!.measures).toEqual([
      { op: 'count', label: 'Events' },
      { op: 'sum', field: 'units', label: 'Sum of units' },
    ]);
    expect(views[3]).toMatchObject({ groupBy: ['paid'] });
    const three = generateViews('s', { fields: [...SALES.fields, { name: 'z', type: 'text' }] }, { ...YEAR_2024, lowCardinalityText: ['z', 'note', 'region'] });
    expect(three.filter((v) => v.groupBy.length === 1).map((v) => v.groupBy[0])).toEqual(['region', 'note']);
  });

  it('gives views every layer accepts', () => {
    for (const v of views) expect(() => compileView(v, SALES)).not.toThrow();
  });

  it('is deterministic', () => {
    expect(generateViews('sales', SALES, { ...YEAR_2024, lowCardinalityText: ['region'] })).toEqual(views);
  });

  it('makes do with a schema without numbers or groupable fields, and an empty dataset', () => {
    const bare = generateViews('t', { fields: [{ name: 'msg', type: 'text' }] }, { minTs: null, maxTs: null, lowCardinalityText: [] });
    expect(bare.map((v) => v.id)).toEqual(['t:totals', 't:timeline']);
    expect(bare.map((v) => v.measures.length)).toEqual([1, 1]);
    expect(bare[1]!.bucketMs).toBe(3_600_000);
    for (const v of bare) expect(() => compileView(v, { fields: [{ name: 'msg', type: 'text' }] })).not.toThrow();
  });
});

describe('chooseBucketMs', () => {
  const count = (span: number) => span / chooseBucketMs(0, span);

  it('cuts a range into roughly 20 to 150 buckets', () => {
    for (const span of [30_000, 5 * 60_000, 2 * 3_600_000, DAY, 3 * DAY, 14 * DAY, 90 * DAY, 3 * 365 * DAY, 10 * 365 * DAY, 30 * 365 * DAY]) {
      expect(count(span), `span ${span}`).toBeGreaterThanOrEqual(20);
      expect(count(span), `span ${span}`).toBeLessThanOrEqual(150);
    }
  });

  it('keeps to the widths users are offered, at the ends too', () => {
    expect(chooseBucketMs(5, 5)).toBe(BUCKETS[0]!.ms);
    expect(chooseBucketMs(0, 200 * 365 * DAY)).toBe(BUCKETS[BUCKETS.length - 1]!.ms);
    expect(chooseBucketMs(0, 10 * 60_000)).toBe(10_000);
  });
});
