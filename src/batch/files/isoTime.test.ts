import { describe, expect, it } from 'vitest';
import { daysFromCivil, parseIsoDate, parseIsoDateTime, stringKind } from './isoTime';

describe('ISO dates and times', () => {
  it('counts days like Date.UTC does for full years', () => {
    for (const [y, m, d] of [
      [1970, 1, 1],
      [2024, 2, 29],
      [2000, 3, 1],
      [1900, 3, 1],
      [1969, 12, 31],
      [1600, 1, 1],
      [2400, 12, 31],
      [9999, 12, 31],
    ] as const) {
      expect(daysFromCivil(y, m, d)).toBe(Date.UTC(y, m - 1, d) / 86_400_000);
    }
    // Date.UTC maps years 0-99 to 1900-1999; ISO does not.
    expect(parseIsoDate('0001-01-01')).toBe(-719_162);
  });

  it('refuses days that do not exist', () => {
    for (const s of ['2023-02-29', '2024-13-01', '2024-04-31', '2024-00-10', '2024-1-5', '24-01-05', '2024-01-05x']) expect(parseIsoDate(s), s).toBeNaN();
  });

  it('reads date-times without offset as wall-clock readings, never local time', () => {
    expect(parseIsoDateTime('2024-01-31T10:00:00')).toEqual({ ms: Date.UTC(2024, 0, 31, 10), zoned: false });
    expect(parseIsoDateTime('2024-01-31 10:00:00.123')).toEqual({ ms: Date.UTC(2024, 0, 31, 10, 0, 0, 123), zoned: false });
    expect(parseIsoDateTime('2024-01-31T10:00')).toEqual({ ms: Date.UTC(2024, 0, 31, 10), zoned: false });
    expect(parseIsoDateTime('1969-12-31T23:59:59.9999999')).toEqual({ ms: -1, zoned: false });
  });

  it('converts date-times with Z or an offset to the UTC instant', () => {
    expect(parseIsoDateTime('2024-01-31T10:00:00Z')).toEqual({ ms: Date.UTC(2024, 0, 31, 10), zoned: true });
    expect(parseIsoDateTime('2024-01-31T10:00:00+02:00')).toEqual({ ms: Date.UTC(2024, 0, 31, 8), zoned: true });
    expect(parseIsoDateTime('2024-01-31T10:00:00.5-0530')).toEqual({ ms: Date.UTC(2024, 0, 31, 15, 30, 0, 500), zoned: true });
    expect(parseIsoDateTime('2024-01-31T01:00:00+05')).toEqual({ ms: Date.UTC(2024, 0, 30, 20), zoned: true });
  });

  it('refuses impossible times', () => {
    for (const s of ['2024-01-31T24:00:00', '2024-01-31T10:60', '2024-01-31T10:00:60', '2024-01-31T10:00:00+25:00', '2024-01-31T10', '2024-02-30T10:00']) expect(parseIsoDateTime(s), s).toBeNull();
  });

  it('classifies strings', () => {
    expect(['x', '2024-01-31', '2024-01-31T10:00:00', '2024-01-31T10:00:00Z', '2024-02-30', 'abcd-ef-ghij'].map(stringKind)).toEqual([0, 1, 2, 3, 0, 0]);
  });
});
