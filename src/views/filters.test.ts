import { describe, expect, it } from 'vitest';
import { SHOP_SCHEMA } from '../protocol/shop';
import { compileView, validateView } from './compileView';
import { compareCodePoints } from './filters';
import type { ViewDef } from './ViewDef';

const base: ViewDef = { id: 'v', name: 'v', dataset: 'shop', groupBy: [], bucketMs: null, measures: [{ op: 'count', label: 'n' }] };

describe('view validation', () => {
  it.each([
    [{ measures: [] }, /add at least one measure/],
    [{ groupBy: ['nope'] }, /unknown group-by field "nope"/],
    [{ measures: [{ op: 'sum', field: 'country', label: 's' }] }, /sum does not apply to text field "country"/],
    [{ measures: [{ op: 'sum', label: 's' }] }, /sum needs a field/],
    [{ measures: [{ op: 'avg', field: 'nope', label: 's' }] }, /unknown field "nope"/],
    [{ bucketMs: -5 }, /time bucket/],
    [{ filters: [{ field: 'amount', op: '=', value: 'ten' }] }, /"amount" is a float field; "ten" does not fit it/],
    [{ filters: [{ field: 'country', op: 'in', value: [] }] }, /needs at least one value/],
    [{ filters: [{ field: 'nope', op: 'is null' }] }, /unknown field "nope"/],
  ] as [Partial<ViewDef>, RegExp][])('refuses %j', (patch, message) => {
    expect(() => validateView({ ...base, ...patch }, SHOP_SCHEMA)).toThrow(message);
  });

  it('binds filter values instead of splicing them into SQL', () => {
    const q = compileView({ ...base, filters: [{ field: 'country', op: 'in', value: ["x') OR 1=1 --", 'DE'] }] }, SHOP_SCHEMA).sql('t', 0, 10);
    expect(q.text).toContain('"country" IN (?, ?)');
    expect(q.text).not.toContain('OR 1=1');
    expect(q.params).toEqual(["x') OR 1=1 --", 'DE']);
  });
});

describe('compareCodePoints', () => {
  it('orders by code point, as UTF-8 bytes do, not by UTF-16 units', () => {
    // U+FF5E is one UTF-16 unit above the surrogates of U+1F642; by code point it is below.
    expect('\uFF5E' < '🙂').toBe(false);
    expect(compareCodePoints('\uFF5E', '🙂')).toBeLessThan(0);
    expect(compareCodePoints('a', 'ab')).toBeLessThan(0);
    expect(compareCodePoints('b', 'a')).toBeGreaterThan(0);
    expect(compareCodePoints('🙂x', '🙂x')).toBe(0);
  });
});
