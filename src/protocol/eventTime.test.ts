// npm test runs this file again under TZ=America/New_York (test:tz): the expected values are built
// with Date.UTC, so any leak of the machine's zone fails them.
import { describe, expect, it } from 'vitest';
import { canonicalTimeZone, parseEventTimeText, DAY_MS, dateText, daysFromCivil, epochToMs, parseTimeText, utcToWall, wallText, wallToUtc, zoneOffsetMs } from './eventTime';

const H = 3_600_000;
const M = 60_000;
const naive = (ms: number) => ({ ms, zoned: false, dateOnly: false });
const zoned = (ms: number) => ({ ms, zoned: true, dateOnly: false });

describe('parseTimeText', () => {
  it.each([
    ['2026-11-24T10:00:00', naive(Date.UTC(2026, 10, 24, 10))],
    ['2026-11-24 10:00:00', naive(Date.UTC(2026, 10, 24, 10))],
    ['2026-11-24t10:00', naive(Date.UTC(2026, 10, 24, 10))],
    ['  2026-11-24 10:00:07  ', naive(Date.UTC(2026, 10, 24, 10, 0, 7))],
    ['2026-11-24 10:00:00.5', naive(Date.UTC(2026, 10, 24, 10, 0, 0, 500))],
    ['2026-11-24 10:00:00,25', naive(Date.UTC(2026, 10, 24, 10, 0, 0, 250))],
    ['2026-11-24 10:00:00.123456789', naive(Date.UTC(2026, 10, 24, 10, 0, 0, 123))],
    ['2026-11-24 23:59:59.999999', naive(Date.UTC(2026, 10, 24, 23, 59, 59, 999))],
    ['2024-02-29T00:00:00', naive(Date.UTC(2024, 1, 29))],
    ['1900-01-01 00:00:00', naive(Date.UTC(1900, 0, 1))],
  ])('reads the naive time %j as a wall-clock reading', (text, want) => {
    expect(parseTimeText(text)).toEqual(want);
  });

  it('reads a bare date as its midnight, marked as a date', () => {
    expect(parseTimeText('2026-11-24')).toEqual({ ms: Date.UTC(2026, 10, 24), zoned: false, dateOnly: true });
  });

  it.each([
    ['2026-11-24T10:00:00Z', Date.UTC(2026, 10, 24, 10)],
    ['2026-11-24T10:00:00z', Date.UTC(2026, 10, 24, 10)],
    ['2026-11-24 10:00:00 UTC', Date.UTC(2026, 10, 24, 10)],
    ['2026-11-24T10:00:00+02:00', Date.UTC(2026, 10, 24, 8)],
    ['2026-11-24T10:00:00+0200', Date.UTC(2026, 10, 24, 8)],
    ['2026-11-24 10:00:00+02', Date.UTC(2026, 10, 24, 8)],
    ['2026-11-24T10:00:00-05:30', Date.UTC(2026, 10, 24, 15, 30)],
    ['2026-11-24T10:00:00.250+05:45', Date.UTC(2026, 10, 24, 4, 15, 0, 250)],
    ['2026-11-24T01:00:00+05:00', Date.UTC(2026, 10, 23, 20)],
  ])('reads %j with its offset as the instant', (text, want) => {
    expect(parseTimeText(text)).toEqual(zoned(want));
  });

  it('reads years below 100 as themselves, not 1900 + year (the Date.UTC trap)', () => {
    const d = new Date(0);
    d.setUTCFullYear(50, 0, 1);
    expect(parseTimeText('0050-01-01')?.ms).toBe(d.getTime());
  });

  it.each([
    '',
    'abc',
    '10:00',
    '20261124',
    '2026/11/24',
    '2026-11-24T',
    '2026-2-3',
    '2026-02-29',
    '2026-04-31',
    '2026-13-01',
    '2026-00-10',
    '2026-11-24T24:00',
    '2026-11-24T10:60',
    '2026-11-24T10:00:60',
    '2026-11-24T10',
    '2026-11-24Z',
    '2026-11-24T10:00:00+24:00',
    '2026-11-24T10:00:00+02:60',
    '2026-11-24T10:00:00.',
    '2026-11-24T10:00:00.1234567891',
    '1764000000',
  ])('refuses %j', (text) => {
    expect(parseTimeText(text)).toBeNull();
  });
});

describe('epochToMs', () => {
  it.each([
    [1_764_000_000, 1_764_000_000_000],
    [1_764_000_000.5, 1_764_000_000_500],
    [99_999_999_999, 99_999_999_999_000],
    [1e11, 1e11],
    [1_764_000_000_123, 1_764_000_000_123],
    [1_764_000_000_123.9, 1_764_000_000_123],
    [-1e9, -1e12],
    [0, 0],
  ])('reads %d as %d ms', (n, want) => {
    expect(epochToMs(n)).toBe(want);
  });
});

describe('zones', () => {
  it('knows zone names and refuses others', () => {
    expect(canonicalTimeZone('UTC')).toBe('UTC');
    expect(canonicalTimeZone('Europe/Paris')).toBe('Europe/Paris');
    expect(canonicalTimeZone('Mars/Olympus_Mons')).toBeNull();
  });

  it('reads a wall-clock reading in a named zone, summer and winter', () => {
    expect(wallToUtc(Date.UTC(2026, 6, 1, 12), 'Europe/Paris')).toBe(Date.UTC(2026, 6, 1, 10));
    expect(wallToUtc(Date.UTC(2026, 0, 15, 12), 'Europe/Paris')).toBe(Date.UTC(2026, 0, 15, 11));
    expect(wallToUtc(Date.UTC(2026, 0, 15, 12), 'Asia/Kolkata')).toBe(Date.UTC(2026, 0, 15, 6, 30));
    expect(wallToUtc(Date.UTC(2026, 0, 15, 12), 'America/New_York')).toBe(Date.UTC(2026, 0, 15, 17));
    expect(wallToUtc(Date.UTC(2026, 0, 15, 12, 0, 0, 123), 'UTC')).toBe(Date.UTC(2026, 0, 15, 12, 0, 0, 123));
    expect(wallToUtc(Date.UTC(2026, 0, 15, 0, 0, 0, 7), 'Asia/Kathmandu')).toBe(Date.UTC(2026, 0, 14, 18, 15, 0, 7));
  });

  it('takes the earlier instant in a repeated hour and moves a skipped reading forward', () => {
    // New York: 2026-03-08 02:00 EST jumps to 03:00 EDT; 2026-11-01 02:00 EDT falls back to 01:00 EST.
    expect(wallToUtc(Date.UTC(2026, 2, 8, 2, 30), 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 7, 30));
    expect(wallToUtc(Date.UTC(2026, 2, 8, 1, 59), 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 6, 59));
    expect(wallToUtc(Date.UTC(2026, 2, 8, 3, 0), 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 7, 0));
    expect(wallToUtc(Date.UTC(2026, 10, 1, 1, 30), 'America/New_York')).toBe(Date.UTC(2026, 10, 1, 5, 30));
    expect(wallToUtc(Date.UTC(2026, 10, 1, 2, 30), 'America/New_York')).toBe(Date.UTC(2026, 10, 1, 7, 30));
    // Paris: 2026-03-29 02:00 CET jumps to 03:00 CEST.
    expect(wallToUtc(Date.UTC(2026, 2, 29, 2, 30), 'Europe/Paris')).toBe(Date.UTC(2026, 2, 29, 1, 30));
  });

  it('turns instants into wall-clock readings, both sides of a transition', () => {
    expect(utcToWall(Date.UTC(2026, 10, 1, 5, 30), 'America/New_York')).toBe(Date.UTC(2026, 10, 1, 1, 30));
    expect(utcToWall(Date.UTC(2026, 10, 1, 6, 30), 'America/New_York')).toBe(Date.UTC(2026, 10, 1, 1, 30));
    expect(utcToWall(Date.UTC(2026, 0, 1, 0, 0, 0, 5), 'Asia/Kolkata')).toBe(Date.UTC(2026, 0, 1, 5, 30, 0, 5));
  });

  it('gets the offset right inside an hour holding a transition, whichever minute is asked first', () => {
    // Lord Howe Island moves from +10:30 to +11:00 at 02:00 local, 2026-10-03T15:30Z: mid-way through a UTC hour.
    const before = Date.UTC(2026, 9, 3, 15, 29, 59, 999);
    const after = Date.UTC(2026, 9, 3, 15, 30);
    expect(zoneOffsetMs('Australia/Lord_Howe', after)).toBe(11 * H);
    expect(zoneOffsetMs('Australia/Lord_Howe', before)).toBe(10 * H + 30 * M);
    expect(zoneOffsetMs('Australia/Lord_Howe', Date.UTC(2026, 9, 3, 15, 0))).toBe(10 * H + 30 * M);
    expect(zoneOffsetMs('Australia/Lord_Howe', Date.UTC(2026, 9, 3, 16, 0))).toBe(11 * H);
    expect(zoneOffsetMs('Australia/Lord_Howe', Date.UTC(2026, 9, 3, 14, 59))).toBe(10 * H + 30 * M);
  });

  it('gives the same offset from the cache as computed fresh, over a year of hours', () => {
    const start = Date.UTC(2026, 0, 1);
    for (let t = start; t < start + 366 * DAY_MS; t += 7 * H + 13 * M) {
      const wall = utcToWall(t, 'Europe/London');
      const summer = wall - t === H;
      expect(summer).toBe(t >= Date.UTC(2026, 2, 29, 1) && t < Date.UTC(2026, 9, 25, 1));
      expect(wallToUtc(wall, 'Europe/London')).toBe(t);
    }
  });
});

describe('calendar', () => {
  it('counts days like Date.UTC does (for years Date.UTC gets right)', () => {
    for (const [y, m, d] of [
      [1970, 1, 1],
      [1969, 12, 31],
      [2000, 2, 29],
      [1900, 3, 1],
      [2200, 1, 1],
    ] as const)
      expect(daysFromCivil(y, m, d) * DAY_MS).toBe(Date.UTC(y, m - 1, d));
    expect(daysFromCivil(1900, 2, 29)).toBeNaN();
  });

  it('writes dates and wall-clock readings without a zone', () => {
    expect(dateText(0)).toBe('1970-01-01');
    expect(dateText(-1)).toBe('1969-12-31');
    expect(wallText(Date.UTC(2026, 10, 24, 10, 5, 7, 9))).toBe('2026-11-24 10:05:07.009');
  });
});

describe('parseEventTimeText', () => {
  it('reads a naive date-time as UTC by default, or in a named zone, and takes an offset as given', () => {
    expect(parseEventTimeText('2026-11-24T10:00:00')).toBe(Date.UTC(2026, 10, 24, 10));
    expect(parseEventTimeText('2026-11-24')).toBe(Date.UTC(2026, 10, 24));
    expect(parseEventTimeText('2026-11-24T10:00:00', 'America/New_York')).toBe(Date.UTC(2026, 10, 24, 15));
    expect(parseEventTimeText('2026-07-01T10:00:00', 'Asia/Kolkata')).toBe(Date.UTC(2026, 6, 1, 4, 30));
    expect(parseEventTimeText('2026-11-24T10:00:00+02:00', 'America/New_York')).toBe(Date.UTC(2026, 10, 24, 8));
    for (const bad of ['', 'yesterday', '2026-02-30', '24/11/2026', '1764000000000']) expect(parseEventTimeText(bad), bad).toBeNull();
  });
});
