import { describe, expect, it } from 'vitest';
import type { FieldDef } from '../../src/protocol/schema';
import { ColumnMapper } from './columns';
import type { Row, SourceColumn } from './readRows';
import { EventMaker, type EventMakerOptions } from './toEvents';

const fields: FieldDef[] = [
  { name: 'page', type: 'text' },
  { name: 'ms', type: 'integer' },
  { name: 'country', type: 'text' },
];
const columns: SourceColumn[] = ['time', 'page', 'ms'].map((name) => ({ name, kind: 'csv' }));
const NOW = Date.UTC(2026, 5, 1, 12);

function maker(over: Partial<EventMakerOptions> = {}): EventMaker {
  const o = { file: 'f.csv', unit: 'line' as const, fields, columns, timeColumn: 0, zone: 'UTC', shift: false, ...over };
  return new EventMaker({ ...o, mapper: new ColumnMapper(o.file, 's', o.fields, o.columns, o.timeColumn) });
}
const rows = (...values: unknown[][]): Row[] => values.map((v, i) => ({ line: i + 2, values: v }));
const plain = (events: object[]) => events.map((e) => ({ ...e }));

describe('EventMaker', () => {
  it('makes an event per row: ts, every field, null where the file has nothing', () => {
    const made = maker().make(rows(['2026-01-01 10:00:00', '/a', '12'], ['2026-01-01T10:00:01Z', '', '']), NOW);
    expect(plain(made.events)).toEqual([
      { ts: Date.UTC(2026, 0, 1, 10), page: '/a', ms: 12, country: null },
      { ts: Date.UTC(2026, 0, 1, 10, 0, 1), page: null, ms: null, country: null },
    ]);
    expect(made.lines).toEqual([2, 3]);
    expect(Object.getPrototypeOf(made.events[0])).toBeNull();
  });

  it('reads naive times in the zone given', () => {
    const made = maker({ zone: 'America/New_York' }).make(rows(['2026-01-01 10:00:00', '/a', '1']), NOW);
    expect(made.events[0]!.ts).toBe(Date.UTC(2026, 0, 1, 15));
  });

  it('stamps events with the time they are made when there is no time column', () => {
    const m = maker({ columns: columns.slice(1), timeColumn: null });
    expect(plain(m.make(rows(['/a', '1']), NOW).events)).toEqual([{ ts: NOW, page: '/a', ms: 1, country: null }]);
  });

  it('shifts so that the first event of each pass is now, keeping the gaps', () => {
    const m = maker({ shift: true });
    const first = m.make(rows(['2026-01-01 10:00:00', '/a', '1'], ['2026-01-01 10:00:05', '/b', '2']), NOW);
    expect(first.events.map((e) => e.ts)).toEqual([NOW, NOW + 5000]);
    const later = m.make(rows(['2026-01-01 10:01:00', '/c', '3']), NOW + 100);
    expect(later.events.map((e) => e.ts)).toEqual([NOW + 60_000]);
    m.newPass();
    expect(m.make(rows(['2026-01-01 10:00:00', '/a', '1']), NOW + 999).events.map((e) => e.ts)).toEqual([NOW + 999]);
  });

  it('keeps a field named __proto__ as a field', () => {
    const odd: FieldDef[] = [{ name: '__proto__', type: 'integer' }];
    const m = maker({ fields: odd, columns: [{ name: '__proto__', kind: 'csv' }], timeColumn: null });
    const ev = m.make(rows(['5']), NOW).events[0]!;
    expect(JSON.stringify(ev)).toBe(`{"ts":${NOW},"__proto__":5}`);
  });

  it('stops at a value that does not convert, naming the line and column', () => {
    expect(() => maker().make(rows(['2026-01-01 10:00:00', '/a', '1'], ['2026-01-01 10:00:00', '/b', 'fast']), NOW)).toThrow('f.csv, line 3: column "ms": "fast" is not an integer');
    expect(() => maker().make(rows(['', '/a', '1']), NOW)).toThrow('f.csv, line 2: time column "time": the event time is missing');
    expect(() => maker({ timeColumnGuessed: true }).make(rows(['14:00', '/a', '1']), NOW)).toThrow(
      'f.csv, line 2: time column "time": "14:00" is not a time (like 2026-11-24T10:00:00, 2026-11-24 10:00:00+01:00, 2026-11-24, or epoch seconds or ms) (the column was taken for the event time by its name; name another with --ts)',
    );
    expect(() => maker().make(rows(['1850-01-01', '/a', '1']), NOW)).toThrow('f.csv, line 2: the event time 1850-01-01T00:00:00.000Z is outside 1900..2200, the times a stream takes');
    expect(() => maker({ unit: 'row' }).make(rows(['100000000000000000', '/a', '1']), NOW)).toThrow(
      'f.csv, row 2: the event time 100000000000000000 ms since 1970 is outside 1900..2200, the times a stream takes',
    );
  });

  it('refuses a column first seen on a later NDJSON line when the stream lacks it', () => {
    const live: SourceColumn[] = [{ name: 'page', kind: 'json' }];
    const m = maker({ columns: live, timeColumn: null });
    expect(m.make(rows(['/a']), NOW).events.length).toBe(1);
    live.push({ name: 'referrer', kind: 'json' });
    expect(() => m.make([{ line: 9, values: ['/b', 'x'] }], NOW)).toThrow('f.csv, line 9, has the column "referrer", which the stream "s" does not have (its fields: page, ms, country)');
  });
});
