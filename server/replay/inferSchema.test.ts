import { describe, expect, it } from 'vitest';
import { inferFields, jsonType, textType, widen } from './inferSchema';
import type { Row, SourceColumn } from './readRows';

const rows = (...values: unknown[][]): Row[] => values.map((v, i) => ({ line: i + 2, values: v }));
const csv = (...names: string[]): SourceColumn[] => names.map((name) => ({ name, kind: 'csv' }));

describe('textType', () => {
  it.each([
    ['42', 'integer'],
    ['-7', 'integer'],
    [' 12 ', 'integer'],
    ['0', 'integer'],
    ['007', 'text'],
    ['0.5', 'float'],
    ['-.5', 'float'],
    ['1e3', 'float'],
    ['00.5', 'text'],
    ['9007199254740993', 'text'],
    ['1e999', 'text'],
    ['true', 'boolean'],
    ['FALSE', 'boolean'],
    ['2026-11-24', 'date'],
    ['2026-11-24 10:00:00', 'timestamp'],
    ['2026-11-24T10:00:00+02:00', 'timestamp'],
    ['2026-02-30', 'text'],
    ['yes', 'text'],
    ['1,5', 'text'],
  ])('%j suggests %s', (value, type) => {
    expect(textType(value)).toBe(type);
  });

  it('finds nothing in an empty value', () => {
    expect(textType('')).toBeNull();
    expect(textType('   ')).toBeNull();
  });
});

describe('jsonType', () => {
  it.each([
    [42, 'integer'],
    [4.5, 'float'],
    [2 ** 60, 'float'],
    [true, 'boolean'],
    ['42', 'text'],
    ['2026-11-24', 'date'],
    ['2026-11-24T10:00:00Z', 'timestamp'],
    [{ a: 1 }, 'text'],
    [[1], 'text'],
  ])('%j suggests %s', (value, type) => {
    expect(jsonType(value)).toBe(type);
  });

  it('finds nothing in a missing value', () => {
    expect(jsonType(null)).toBeNull();
    expect(jsonType(undefined)).toBeNull();
    expect(jsonType('')).toBeNull();
  });
});

describe('widen', () => {
  it.each([
    [null, 'integer', 'integer'],
    ['integer', null, 'integer'],
    ['integer', 'float', 'float'],
    ['float', 'integer', 'float'],
    ['date', 'timestamp', 'timestamp'],
    ['integer', 'boolean', 'text'],
    ['date', 'integer', 'text'],
    ['text', 'integer', 'text'],
  ] as const)('%s and %s make %s', (a, b, want) => {
    expect(widen(a, b)).toBe(want);
  });
});

describe('inferFields', () => {
  it('guesses each column from the sample, leaving out the time column and renaming seq', () => {
    const sample = rows(
      ['2026-01-01T00:00:00Z', '/a', '12', '', 'true', '2026-01-01', '1', '00501'],
      ['2026-01-01T00:00:01Z', '/b', '13', '', 'false', '2026-01-01 10:00', '2.5', '10001'],
      ['2026-01-01T00:00:02Z', '', '', '', '', '', '3', '20001'],
    );
    const columns = csv('time', 'page', 'ms', 'empty', 'ok', 'day', 'seq', 'zip');
    expect(inferFields(columns, sample, 0)).toEqual({
      fields: [
        { name: 'page', type: 'text' },
        { name: 'ms', type: 'integer' },
        { name: 'empty', type: 'text' },
        { name: 'ok', type: 'boolean' },
        { name: 'day', type: 'timestamp' },
        { name: 'seq_', type: 'float' },
        { name: 'zip', type: 'text' },
      ],
      notes: ['column "seq" is sent as the field "seq_" (seq is the log\'s own)', 'column "empty" is empty in the first 3 rows: declared as text'],
    });
  });

  it('renames a ts column that is not the event time, past names already taken', () => {
    const columns = csv('when', 'TS', 'ts_');
    expect(inferFields(columns, rows(['2026-01-01', '1', '2']), 0).fields).toEqual([
      { name: 'TS__', type: 'integer' },
      { name: 'ts_', type: 'integer' },
    ]);
  });

  it('keeps every column when there is no time column', () => {
    expect(inferFields(csv('a', 'b'), rows(['1', 'x']), null).fields).toEqual([
      { name: 'a', type: 'integer' },
      { name: 'b', type: 'text' },
    ]);
  });

  it('takes typed columns as they are, an instant as a timestamp', () => {
    const columns: SourceColumn[] = [
      { name: 'at', kind: 'instant' },
      { name: 'n', kind: 'integer' },
      { name: 'd', kind: 'date' },
      { name: 'x', kind: 'float' },
      { name: 'label', kind: 'text' },
      { name: 'flag', kind: 'boolean' },
      { name: 'wall', kind: 'timestamp' },
    ];
    expect(inferFields(columns, [], null).fields.map((f) => f.type)).toEqual(['timestamp', 'integer', 'date', 'float', 'text', 'boolean', 'timestamp']);
  });

  it('reads NDJSON strings as text unless they are times', () => {
    const columns: SourceColumn[] = [
      { name: 'code', kind: 'json' },
      { name: 'n', kind: 'json' },
      { name: 'at', kind: 'json' },
    ];
    expect(inferFields(columns, rows(['42', 1, '2026-01-01T00:00:00Z'], ['43', 2.5, null]), null).fields).toEqual([
      { name: 'code', type: 'text' },
      { name: 'n', type: 'float' },
      { name: 'at', type: 'timestamp' },
    ]);
  });
});
