/**
 * ISO 8601 dates and date-times in JSON strings, parsed by hand: Date.parse reads a date-time without
 * an offset as the machine's local time (and a bare date as UTC), so the viewer's zone would leak
 * into the data. Here a date-time without an offset is a wall-clock reading, stored as is
 * (ms since 1970-01-01T00:00 of that clock); one with `Z` or an offset is converted to the UTC instant.
 * Fractions beyond ms are truncated toward -inf (10:00:00.9999 is 10:00:00.999).
 */
import { daysFromCivil } from '../../protocol/eventTime';

/** The one calendar rule (src/protocol/eventTime.ts), named here for this module's callers. */
export { daysFromCivil };

const DAY_MS = 86_400_000;

/** The number of the `n` ASCII digits at `at`, or NaN. Parsed by hand: a regular expression allocates its match per value. */
function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return Number.NaN;
    v = v * 10 + c;
  }
  return v;
}

/** Days of the `YYYY-MM-DD` at the start of `s`, or NaN. */
function datePart(s: string): number {
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return Number.NaN;
  return daysFromCivil(digits(s, 0, 4), digits(s, 5, 2), digits(s, 8, 2));
}

/** `2024-01-31` as days since 1970-01-01, or NaN. */
export function parseIsoDate(s: string): number {
  return s.length === 10 ? datePart(s) : Number.NaN;
}

export interface IsoDateTime {
  ms: number;
  /** It carried `Z` or an offset: `ms` is the UTC instant. */
  zoned: boolean;
}

/**
 * Reads `2024-01-31T10:00:00.123`, `2024-01-31 10:00`, `2024-01-31T10:00:00+02:00` (or `Z`, `+0200`,
 * `+02`) into `out`: ms since 1970-01-01 and whether it had an offset. False if `s` is none of these.
 * Fills a caller's object so that a column of a million times allocates nothing.
 */
export function readIsoDateTime(s: string, out: IsoDateTime): boolean {
  const n = s.length;
  if (n < 16) return false;
  const t = s.charCodeAt(10);
  if ((t !== 84 && t !== 116 && t !== 32) || s.charCodeAt(13) !== 58) return false;
  const days = datePart(s);
  const h = digits(s, 11, 2);
  const min = digits(s, 14, 2);
  let sec = 0;
  let frac = 0;
  let i = 16;
  if (i < n && s.charCodeAt(i) === 58) {
    sec = digits(s, i + 1, 2);
    i += 3;
    const c = s.charCodeAt(i);
    if (i < n && (c === 46 || c === 44)) {
      let k = i + 1;
      // Digits past the third are dropped: truncation toward -inf, as the fraction only adds.
      for (let place = 100; k < n && k < i + 10; k++, place /= 10) {
        const d = s.charCodeAt(k) - 48;
        if (d < 0 || d > 9) break;
        if (place >= 1) frac += d * place;
      }
      if (k === i + 1) return false;
      i = k;
    }
  }
  if (!(h <= 23 && min <= 59 && sec <= 59) || Number.isNaN(days)) return false;
  let ms = days * DAY_MS + h * 3_600_000 + min * 60_000 + sec * 1000 + frac;
  out.zoned = i < n;
  if (i < n) {
    const c = s.charCodeAt(i);
    if (c === 90 || c === 122) {
      if (i + 1 !== n) return false;
    } else if (c === 43 || c === 45) {
      const oh = digits(s, i + 1, 2);
      let om = 0;
      let end = i + 3;
      if (end < n) {
        if (s.charCodeAt(end) === 58) end++;
        om = digits(s, end, 2);
        end += 2;
      }
      if (end !== n || !(oh <= 23 && om <= 59)) return false;
      ms -= (c === 45 ? -1 : 1) * (oh * 3_600_000 + om * 60_000);
    } else return false;
  }
  out.ms = ms;
  return true;
}

/** readIsoDateTime as a value, or null (for tests and one-off use). */
export function parseIsoDateTime(s: string): IsoDateTime | null {
  const out: IsoDateTime = { ms: 0, zoned: false };
  return readIsoDateTime(s, out) ? out : null;
}

/** What a string is, for type inference: 0 other text, 1 a date, 2 a date-time without offset, 3 one with. */
export type StringKind = 0 | 1 | 2 | 3;

const scratch: IsoDateTime = { ms: 0, zoned: false };

export function stringKind(s: string): StringKind {
  if (s.length < 10 || s.length > 40 || s.charCodeAt(4) !== 45) return 0;
  if (s.length === 10) return Number.isNaN(datePart(s)) ? 0 : 1;
  return !readIsoDateTime(s, scratch) ? 0 : scratch.zoned ? 3 : 2;
}
