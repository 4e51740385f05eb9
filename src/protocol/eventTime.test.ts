import { describe, expect, it } from 'vitest';
import { isTimeZone, parseEventTimeText, parseIsoParts, wallClockToUtc } from './eventTime';

describe('parseEventTimeText', () => {
  it('reads a naive date-time as UTC by default, whatever the machine zone (run under two TZ values by npm test)', () => {
    expect(parseEventTimeText('2026-11-24T10:00:00')).toBe(Date.UTC(2026, 10, 24, 10));
    expect(parseEventTimeText('2026-11-24 10:00')).toBe(Date.UTC(2026, 10, 24, 10));
    expect(parseEventTimeText('2026-11-24')).toBe(Date.UTC(2026, 10, 24));
    expect(parseEventTimeText('2026-11-24T10:00:00.1234')).toBe(Date.UTC(2026, 10, 24, 10, 0, 0, 123));
  });

  it('takes an offset or Z as given', () => {
    expect(parseEventTimeText('2026-11-24T10:00:00Z')).toBe(Date.UTC(2026, 10, 24, 10));
    expect(parseEventTimeText('2026-11-24T10:00:00+02:00')).toBe(Date.UTC(2026, 10, 24, 8));
    expect(parseEventTimeText('2026-11-24T10:00:00-0530')).toBe(Date.UTC(2026, 10, 24, 15, 30));
    expect(parseEventTimeText('2026-11-24T10:00:00+05', 'Europe/Paris')).toBe(Date.UTC(2026, 10, 24, 5));
  });

  it('reads a naive time in a named zone, summer and winter', () => {
    expect(parseEventTimeText('2026-11-24T10:00:00', 'America/New_York')).toBe(Date.UTC(2026, 10, 24, 15));
    expect(parseEventTimeText('2026-07-01T10:00:00', 'America/New_York')).toBe(Date.UTC(2026, 6, 1, 14));
    expect(parseEventTimeText('2026-07-01T10:00:00', 'Asia/Kolkata')).toBe(Date.UTC(2026, 6, 1, 4, 30));
  });

  it('picks the earlier instant in a repeated hour and moves a skipped one forward', () => {
    // 2026-11-01 01:30 happens twice in New York (EDT then EST).
    expect(wallClockToUtc(Date.UTC(2026, 10, 1, 1, 30), 'America/New_York')).toBe(Date.UTC(2026, 10, 1, 5, 30));
    // 2026-03-08 02:30 does not exist there; it reads as 03:30 EDT.
    expect(wallClockToUtc(Date.UTC(2026, 2, 8, 2, 30), 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 7, 30));
  });

  it('refuses what is not a date or names an impossible one', () => {
    for (const bad of ['', 'yesterday', '2026-02-30', '2026-13-01', '2026-11-24T25:00', '24/11/2026', '2026-11-24T10:00:00+25:00', '1764000000000']) {
      expect(parseEventTimeText(bad), bad).toBeNull();
    }
    expect(parseIsoParts('2024-02-29')?.wallMs).toBe(Date.UTC(2024, 1, 29));
  });

  it('knows zone names', () => {
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
