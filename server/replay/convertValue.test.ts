import { describe, expect, it } from 'vitest';
import type { FieldType } from '../../src/protocol/schema';
import { Bad, toEventTime, toWire } from './convertValue';
import type { SourceKind } from './readRows';

const DAY = 86_400_000;
const why = (x: unknown) => (x instanceof Bad ? x.why : x);

describe('toWire', () => {
  it.each<[unknown, SourceKind, FieldType, unknown]>([
    // integer
    ['42', 'csv', 'integer', 42],
    [' -7 ', 'csv', 'integer', -7],
    ['007', 'csv', 'integer', 7],
    [42, 'json', 'integer', 42],
    [3.0, 'json', 'integer', 3],
    [9007199254740991n, 'integer', 'integer', 9007199254740991],
    [-9007199254740991n, 'integer', 'integer', -9007199254740991],
    // float
    ['2.5', 'csv', 'float', 2.5],
    ['-.5', 'csv', 'float', -0.5],
    ['1e3', 'csv', 'float', 1000],
    ['12', 'csv', 'float', 12],
    [12, 'json', 'float', 12],
    [12n, 'integer', 'float', 12],
    // boolean
    ['true', 'csv', 'boolean', true],
    ['FALSE', 'csv', 'boolean', false],
    ['1', 'csv', 'boolean', true],
    ['0', 'csv', 'boolean', false],
    [false, 'json', 'boolean', false],
    [1, 'json', 'boolean', true],
    // text
    ['a, "b"', 'csv', 'text', 'a, "b"'],
    [' padded ', 'csv', 'text', ' padded '],
    [12.5, 'json', 'text', '12.5'],
    [true, 'json', 'text', 'true'],
    [{ a: [1, 2] }, 'json', 'text', '{"a":[1,2]}'],
    [123n, 'integer', 'text', '123'],
    [19_000, 'date', 'text', '2022-01-08'],
    [Date.UTC(2026, 10, 24, 10, 5), 'timestamp', 'text', '2026-11-24 10:05:00.000'],
    [Date.UTC(2026, 10, 24, 10, 5), 'instant', 'text', '2026-11-24T10:05:00.000Z'],
    ['', 'json', 'text', ''],
    // date
    ['2026-11-24', 'csv', 'date', Date.UTC(2026, 10, 24) / DAY],
    ['2026-11-24 23:30:00', 'csv', 'date', Date.UTC(2026, 10, 24) / DAY],
    ['2026-11-24T23:30:00Z', 'csv', 'date', Date.UTC(2026, 10, 24) / DAY],
    [19_000, 'date', 'date', 19_000],
    [Date.UTC(2026, 10, 24, 23, 59), 'timestamp', 'date', Date.UTC(2026, 10, 24) / DAY],
    [Date.UTC(1969, 11, 31, 12), 'timestamp', 'date', -1],
    // timestamp: naive as is, an instant on the clocks of the zone (UTC here)
    ['2026-11-24 10:00:00', 'csv', 'timestamp', Date.UTC(2026, 10, 24, 10)],
    ['2026-11-24T10:00:00+02:00', 'csv', 'timestamp', Date.UTC(2026, 10, 24, 8)],
    ['2026-11-24', 'csv', 'timestamp', Date.UTC(2026, 10, 24)],
    ['1764000000', 'csv', 'timestamp', 1_764_000_000_000],
    [1_764_000_000_123, 'json', 'timestamp', 1_764_000_000_123],
    [Date.UTC(2026, 10, 24, 10), 'instant', 'timestamp', Date.UTC(2026, 10, 24, 10)],
    [19_000, 'date', 'timestamp', 19_000 * DAY],
  ])('%o from a %s column into %s is %o', (value, kind, type, want) => {
    expect(toWire(value, kind, type, 'UTC')).toEqual(want);
  });

  it.each<[unknown, SourceKind, FieldType]>([
    [null, 'json', 'integer'],
    [undefined, 'json', 'float'],
    ['', 'csv', 'text'],
    ['', 'csv', 'integer'],
    ['', 'json', 'integer'],
    [null, 'instant', 'timestamp'],
  ])('%o from a %s column into %s is missing (null)', (value, kind, type) => {
    expect(toWire(value, kind, type, 'UTC')).toBeNull();
  });

  it.each<[unknown, SourceKind, FieldType, string]>([
    ['ten', 'csv', 'integer', '"ten" is not an integer'],
    ['1.5', 'csv', 'integer', '"1.5" is not an integer'],
    [1.5, 'json', 'integer', '1.5 is not an integer'],
    ['9007199254740993', 'csv', 'integer', '9007199254740993 is beyond ±(2^53-1), the largest integer a stream holds exactly'],
    [9007199254740993n, 'integer', 'integer', '9007199254740993 is beyond ±(2^53-1), the largest integer a stream holds exactly'],
    [true, 'json', 'integer', 'true is not an integer'],
    [19_000, 'date', 'integer', 'a date is not an integer'],
    ['NaN', 'csv', 'float', '"NaN" is not a number'],
    ['1e999', 'csv', 'float', '1e999 is too large for a number'],
    ['1,5', 'csv', 'float', '"1,5" is not a number'],
    ['yes', 'csv', 'boolean', '"yes" is not true or false'],
    [2, 'json', 'boolean', '2 is not true or false'],
    ['24/11/2026', 'csv', 'date', '"24/11/2026" is not a date (like 2026-11-24)'],
    [20261124, 'json', 'date', '20261124 is not a date (like 2026-11-24)'],
    ['20261124', 'csv', 'date', '"20261124" is not a date (like 2026-11-24)'],
    ['soon', 'csv', 'timestamp', '"soon" is not a time (like 2026-11-24T10:00:00, 2026-11-24 10:00:00+01:00, 2026-11-24, or epoch seconds or ms)'],
  ])('refuses %o from a %s column into %s: %s', (value, kind, type, want) => {
    expect(why(toWire(value, kind, type, 'UTC'))).toBe(want);
  });

  it('reads an instant into a timestamp field on the clocks of the zone', () => {
    expect(toWire('2026-07-01T10:00:00Z', 'csv', 'timestamp', 'Europe/Paris')).toBe(Date.UTC(2026, 6, 1, 12));
    expect(toWire(Date.UTC(2026, 6, 1, 23), 'instant', 'date', 'Europe/Paris')).toBe(Date.UTC(2026, 6, 2) / DAY);
    // A naive reading stays as written, whatever the zone.
    expect(toWire('2026-07-01 10:00:00', 'csv', 'timestamp', 'Europe/Paris')).toBe(Date.UTC(2026, 6, 1, 10));
  });
});

describe('toEventTime', () => {
  it.each<[unknown, SourceKind, string, number]>([
    ['2026-11-24T10:00:00', 'csv', 'UTC', Date.UTC(2026, 10, 24, 10)],
    ['2026-11-24 10:00:00', 'csv', 'Asia/Kolkata', Date.UTC(2026, 10, 24, 4, 30)],
    ['2026-11-24T10:00:00', 'json', 'America/New_York', Date.UTC(2026, 10, 24, 15)],
    ['2026-11-24T10:00:00-03:00', 'csv', 'Asia/Kolkata', Date.UTC(2026, 10, 24, 13)],
    ['2026-11-24', 'csv', 'Europe/Paris', Date.UTC(2026, 10, 23, 23)],
    ['1764000000', 'csv', 'Europe/Paris', 1_764_000_000_000],
    [' 1764000000.25 ', 'csv', 'UTC', 1_764_000_000_250],
    [1_764_000_000, 'json', 'UTC', 1_764_000_000_000],
    [1_764_000_000_123, 'json', 'UTC', 1_764_000_000_123],
    [1_764_000_000n, 'integer', 'UTC', 1_764_000_000_000],
    [Date.UTC(2026, 10, 24, 10), 'instant', 'Asia/Kolkata', Date.UTC(2026, 10, 24, 10)],
    [Date.UTC(2026, 10, 24, 10), 'timestamp', 'Asia/Kolkata', Date.UTC(2026, 10, 24, 4, 30)],
    [Date.UTC(2026, 10, 24) / DAY, 'date', 'Asia/Kolkata', Date.UTC(2026, 10, 23, 18, 30)],
  ])('%o (%s column, naive times in %s) is %d', (value, kind, zone, want) => {
    expect(toEventTime(value, kind, zone)).toBe(want);
  });

  it.each<[unknown, SourceKind, string]>([
    ['', 'csv', 'the event time is missing'],
    ['  ', 'csv', 'the event time is missing'],
    [null, 'json', 'the event time is missing'],
    [true, 'json', 'true is not a time (like 2026-11-24T10:00:00, 2026-11-24 10:00:00+01:00, 2026-11-24, or epoch seconds or ms)'],
    ['yesterday', 'csv', '"yesterday" is not a time (like 2026-11-24T10:00:00, 2026-11-24 10:00:00+01:00, 2026-11-24, or epoch seconds or ms)'],
  ])('refuses %o from a %s column: %s', (value, kind, want) => {
    expect(why(toEventTime(value, kind, 'UTC'))).toBe(want);
  });
});
