/**
 * ISO 8601 dates and date-times in JSON strings, parsed by hand: Date.parse reads a date-time without
 * an offset as the machine's local time (and a bare date as UTC), so the viewer's zone would leak
 * into the data. Here a date-time without an offset is a wall-clock reading, stored as is
 * (ms since 1970-01-01T00:00 of that clock); one with `Z` or an offset is converted to the UTC instant.
 * Fractions beyond ms are truncated toward -inf (10:00:00.9999 is 10:00:00.999).
 */

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil), or NaN if no such day. */
export function daysFromCivil(year: number, month: number, day: number): number {
  if (month < 1 || month > 12 || day < 1 || day > (month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]!)) return Number.NaN;
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** `2024-01-31` as days since 1970-01-01, or NaN. */
export function parseIsoDate(s: string): number {
  const m = DATE.exec(s);
  return m ? daysFromCivil(+m[1]!, +m[2]!, +m[3]!) : Number.NaN;
}

export interface IsoDateTime {
  ms: number;
  /** It carried `Z` or an offset: `ms` is the UTC instant. */
  zoned: boolean;
}

/** `2024-01-31T10:00:00.123`, `2024-01-31 10:00`, `2024-01-31T10:00:00+02:00`: ms since 1970-01-01, or null. */
export function parseIsoDateTime(s: string): IsoDateTime | null {
  const m = DATE_TIME.exec(s);
  if (!m) return null;
  const days = daysFromCivil(+m[1]!, +m[2]!, +m[3]!);
  const h = +m[4]!;
  const min = +m[5]!;
  const sec = m[6] === undefined ? 0 : +m[6];
  if (Number.isNaN(days) || h > 23 || min > 59 || sec > 59) return null;
  const frac = m[7] === undefined ? 0 : +m[7].slice(0, 3).padEnd(3, '0');
  let ms = days * DAY_MS + h * 3_600_000 + min * 60_000 + sec * 1000 + frac;
  if (m[8]) return { ms, zoned: true };
  if (m[9]) {
    const oh = +m[10]!;
    const om = m[11] === undefined ? 0 : +m[11];
    if (oh > 23 || om > 59) return null;
    ms -= (m[9] === '-' ? -1 : 1) * (oh * 3_600_000 + om * 60_000);
    return { ms, zoned: true };
  }
  return { ms, zoned: false };
}

/** What a string is, for type inference: 0 other text, 1 a date, 2 a date-time without offset, 3 one with. */
export type StringKind = 0 | 1 | 2 | 3;

export function stringKind(s: string): StringKind {
  // Most strings are not dates: test the cheap shape before the regular expressions.
  if (s.length < 10 || s.length > 40 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return 0;
  if (s.length === 10) return Number.isNaN(parseIsoDate(s)) ? 0 : 1;
  const t = parseIsoDateTime(s);
  return t === null ? 0 : t.zoned ? 3 : 2;
}
