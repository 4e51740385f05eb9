import { describe, expect, it } from 'vitest';
import type { FieldDef } from '../../src/protocol/schema';
import { chooseTimeColumn, ColumnMapper, fieldNameFor, fieldNamesOf } from './columns';
import type { SourceColumn } from './readRows';

const cols = (...names: string[]): SourceColumn[] => names.map((name) => ({ name, kind: 'csv' }));

describe('chooseTimeColumn', () => {
  it('takes the column --ts names, exactly first, else ignoring case', () => {
    expect(chooseTimeColumn('f.csv', cols('a', 'When', 'when'), 'when')).toBe(2);
    expect(chooseTimeColumn('f.csv', cols('a', 'When'), 'WHEN')).toBe(1);
  });

  it('refuses a --ts column the file lacks, listing the columns', () => {
    expect(() => chooseTimeColumn('f.csv', cols('a', 'b'), 'ts')).toThrow('f.csv has no column "ts" for --ts (its columns: a, b)');
  });

  it('guesses by name in order of preference, ignoring case', () => {
    expect(chooseTimeColumn('f.csv', cols('date', 'x', 'TS'))).toBe(2);
    expect(chooseTimeColumn('f.csv', cols('Date', 'Time'))).toBe(1);
    expect(chooseTimeColumn('f.csv', cols('a', 'Event_Time', 'datetime'))).toBe(2);
    expect(chooseTimeColumn('f.csv', cols('a', 'Event_Time'))).toBe(1);
    expect(chooseTimeColumn('f.csv', cols('a', 'DATE'))).toBe(1);
    expect(chooseTimeColumn('f.csv', cols('a', 'timestamps', 'created'))).toBeNull();
  });
});

describe('field names', () => {
  it("renames seq and ts, the log's own, past names taken", () => {
    expect(fieldNameFor('page', ['page'])).toBe('page');
    expect(fieldNameFor('seq', ['seq'])).toBe('seq_');
    expect(fieldNameFor('Seq', ['Seq', 'SEQ_'])).toBe('Seq__');
    expect(fieldNameFor('ts', ['ts', 'time'])).toBe('ts_');
  });

  it('leaves out the time column and notes renames', () => {
    expect(fieldNamesOf(cols('ts', 'seq', 'a'), 0)).toEqual({ names: [null, 'seq_', 'a'], notes: ['column "seq" is sent as the field "seq_" (seq is the log\'s own)'] });
  });
});

describe('ColumnMapper', () => {
  const fields: FieldDef[] = [
    { name: 'page', type: 'text' },
    { name: 'seq_', type: 'integer' },
    { name: 'when', type: 'timestamp' },
  ];

  it('maps columns to fields ignoring case, a renamed seq included; the time column feeds its namesake if any', () => {
    const m = new ColumnMapper('f.csv', 's', fields, cols('ts', 'PAGE', 'seq'), 0);
    expect([0, 1, 2].map((c) => m.fieldOf(c))).toEqual([-1, 0, 1]);
    const withField = new ColumnMapper('f.csv', 's', fields, cols('When', 'page'), 0);
    expect([0, 1].map((c) => withField.fieldOf(c))).toEqual([2, 0]);
  });

  it('refuses a column the stream lacks, naming it and the line where it came', () => {
    const m = new ColumnMapper('f.csv', 's', fields, cols('ts', 'page', 'referrer'), 0);
    expect(() => m.resolveAll()).toThrow('f.csv has the column "referrer", which the stream "s" does not have (its fields: page, seq_, when)');
    const late = new ColumnMapper('f.ndjson', 's', fields, cols('page', 'extra'), null);
    expect(late.fieldOf(0)).toBe(0);
    expect(() => late.fieldOf(1, ', line 7,')).toThrow('f.ndjson, line 7, has the column "extra", which the stream "s" does not have (its fields: page, seq_, when)');
  });

  it('refuses two columns that would be one field', () => {
    const m = new ColumnMapper('f.ndjson', 's', fields, cols('page', 'Page'), null);
    expect(() => m.resolveAll()).toThrow('f.ndjson: the columns "page" and "Page" would both be the field "page"');
  });
});
