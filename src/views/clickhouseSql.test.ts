import { describe, expect, it } from 'vitest';
import type { DatasetSchema } from '../protocol/schema';
import { chIdent, chString, clickhouseRows, clickhouseSql } from './clickhouseSql';
import type { ViewDef } from './ViewDef';

const schema: DatasetSchema = {
  fields: [
    { name: 'country', type: 'text' },
    { name: 'ok', type: 'boolean' },
    { name: 'amount', type: 'float' },
  ],
};
const view: ViewDef = {
  id: 'v',
  name: 'v',
  dataset: 'd',
  groupBy: ['ok'],
  bucketMs: 60_000,
  measures: [
    { op: 'count', label: 'n' },
    { op: 'avg', field: 'amount', label: 'a' },
    { op: 'count_distinct', field: 'ok', label: 'd' },
  ],
  filters: [{ field: 'country', op: 'in', value: ["O'Brien", 'a\\b'] }],
};

describe('clickhouseSql', () => {
  it('writes the subset 18.16 and current ClickHouse share: literals escaped, no parameters, no FILTER', () => {
    expect(clickhouseSql(view, schema, 'ds_x', 10, 20)).toBe(
      "SELECT floor(ts / 60000) * 60000 AS k0, `ok` AS k1, count() AS s0, sum(toFloat64(`amount`)) AS s1, count(`amount`) AS s2, groupUniqArray(`ok`) AS s3 FROM `ds_x` WHERE seq > 10 AND seq <= 20 AND `country` IN ('O\\'Brien', 'a\\\\b') GROUP BY k0, k1",
    );
    expect(clickhouseSql({ ...view, groupBy: [], bucketMs: null, filters: [] }, schema, 't', 0, 5)).toMatch(/ HAVING count\(\) > 0$/);
  });

  it('escapes identifiers and strings, and refuses what is not a seq or a finite number', () => {
    expect(chIdent('a`b\\')).toBe('`a\\`b\\\\`');
    expect(chString("it's\n\0")).toBe("'it\\'s\\n\\0'");
    expect(() => clickhouseSql(view, schema, 't', -1, 5)).toThrow(/whole number/);
    expect(() => clickhouseSql({ ...view, filters: [{ field: 'amount', op: '>', value: Number.NaN }] }, schema, 't', 0, 5)).toThrow();
  });

  it("reads ClickHouse's rows back in DuckDB's shape, and refuses a row of another shape", () => {
    expect(clickhouseRows(view, schema, [[60000, 1, 3, 7.5, 2, [0, 1]]])).toEqual([[60000, true, 3, 7.5, 2, [false, true]]]);
    expect(() => clickhouseRows(view, schema, [[60000, 1, 3]])).toThrow(/3 columns, not 6/);
    expect(() => clickhouseRows(view, schema, [[60000, 2, 3, 7.5, 2, []]])).toThrow(/boolean/);
  });
});
