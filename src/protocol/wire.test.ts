import { describe, expect, it } from 'vitest';
import { checkBatch, type ColumnBatch, type DatasetSchema } from './schema';
import { fromWire, toWire, type DictColumn, type DeltaTimes } from './wire';

const SCHEMA: DatasetSchema = {
  fields: [
    { name: 'country', type: 'text' },
    { name: 'amount', type: 'float' },
  ],
};

const batch: ColumnBatch = {
  count: 5,
  ts: [1_700_000_000_000, 1_700_000_000_010, 1_699_999_999_990, 1_700_000_000_010, 1_700_000_050_000],
  columns: { country: ['US', null, 'DE', 'US', 'ünï 🙂'], amount: [1.5, null, -2, 0, 1e12] },
};

/** Through JSON and back, as on the socket. */
const overTheWire = (b: ColumnBatch): unknown => JSON.parse(JSON.stringify(toWire(b)));

describe('wire encoding', () => {
  it('sends strings as a dictionary and times as deltas, and gives back the same batch', () => {
    const w = toWire(batch);
    expect(w.columns.country).toEqual({ dict: ['US', 'DE', 'ünï 🙂'], idx: [0, -1, 1, 0, 2] });
    expect(w.columns.amount).toBe(batch.columns.amount);
    expect((w.ts as DeltaTimes).delta).toEqual([0, 10, -10, 10, 50_000]);
    const back = fromWire(overTheWire(batch));
    expect(back).toEqual({ ok: true, batch });
  });

  it('is half the bytes of plain JSON for the demo stream', () => {
    const n = 1000;
    const b: ColumnBatch = {
      count: n,
      ts: Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i * 7),
      columns: { country: Array.from({ length: n }, (_, i) => ['US', 'DE', 'GB', 'FR'][i % 4]!), amount: Array.from({ length: n }, (_, i) => i / 4) },
    };
    expect(JSON.stringify(toWire(b)).length).toBeLessThan(JSON.stringify(b).length * 0.7);
  });

  it('sends a column plain when it is not all strings, and times plain when they are not integers', () => {
    const odd = { count: 2, ts: [1.5, 2], columns: { country: ['US', 7], amount: [1, 2] } } as unknown as ColumnBatch;
    const w = toWire(odd);
    expect(w.columns.country).toEqual(['US', 7]);
    expect(w.ts).toEqual([1.5, 2]);
    // ...and validation then rejects just the bad event.
    const back = fromWire(overTheWire(odd));
    if (!back.ok) throw new Error(back.error);
    const v = checkBatch(SCHEMA, back.batch);
    expect(v.ok && v.checked.rejected).toBe(1);
  });

  it('keeps a field named __proto__ a field', () => {
    const b = JSON.parse('{"count":1,"ts":[5],"columns":{"__proto__":{"dict":["x"],"idx":[0]}}}') as unknown;
    const back = fromWire(b);
    expect(back.ok && Object.keys((back.batch as ColumnBatch).columns)).toEqual(['__proto__']);
    expect(back.ok && Object.getOwnPropertyDescriptor((back.batch as ColumnBatch).columns, '__proto__')?.value).toEqual(['x']);
  });

  const hostile: [string, unknown, RegExp][] = [
    ['an index outside the dictionary', { count: 2, ts: [1, 2], columns: { country: { dict: ['US'], idx: [0, 1] } } }, /not in its dictionary/],
    ['a fractional index', { count: 1, ts: [1], columns: { country: { dict: ['US', 'DE'], idx: [0.5] } } }, /not in its dictionary/],
    ['a string index', { count: 1, ts: [1], columns: { country: { dict: ['US'], idx: ['0'] } } }, /not in its dictionary/],
    ['a dictionary of numbers', { count: 1, ts: [1], columns: { country: { dict: [1], idx: [0] } } }, /list of strings/],
    ['indices that disagree with count', { count: 2, ts: [1, 2], columns: { country: { dict: ['US'], idx: [0] } } }, /must hold 2 indices/],
    ['a time base that is not an integer', { count: 1, ts: { base: 'x', delta: [0] }, columns: {} }, /base must be an integer/],
    ['deltas that disagree with count', { count: 2, ts: { base: 1, delta: [0] }, columns: {} }, /must hold 2 deltas/],
  ];
  for (const [what, value, error] of hostile) {
    it(`refuses ${what} as unreadable`, () => {
      const r = fromWire(value);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error).toMatch(error);
    });
  }

  it('leaves a delta that is not a number for validation to reject, alone', () => {
    const r = fromWire({ count: 2, ts: { base: 1_700_000_000_000, delta: [0, '5'] }, columns: { country: { dict: ['US'], idx: [0, 0] }, amount: [1, 2] } });
    if (!r.ok) throw new Error(r.error);
    const v = checkBatch(SCHEMA, r.batch);
    expect(v.ok && v.checked.rejected).toBe(1);
    expect(v.ok && v.checked.keep).toEqual(new Uint8Array([1, 0]));
  });

  it('passes shapes it does not know on to validation unchanged', () => {
    expect(fromWire('nope')).toEqual({ ok: true, batch: 'nope' });
    const noCount = { ts: [1], columns: { country: ['US'] } };
    expect(fromWire(noCount)).toEqual({ ok: true, batch: noCount });
    const dict: DictColumn = { dict: [], idx: [] };
    expect(fromWire({ count: 0, ts: [], columns: { country: dict } })).toEqual({ ok: true, batch: { count: 0, ts: [], columns: { country: [] } } });
  });
});
