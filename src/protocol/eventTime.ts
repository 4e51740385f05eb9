/**
 * Times written as text, read the same on every machine. `Date.parse("2026-11-24T10:00:00")` reads
 * a naive time in the machine's zone (and a bare date in UTC), so the same body posted to a server
 * in New York and to one in UTC, or replayed from either, would store different instants
 * (../shared/NOTES.md). Here the parts are parsed by hand and a naive time is read in the zone the
 * caller names: a stream's declared zone, the replay's `--time-zone`, UTC by default.
 */

export const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Below this an epoch number is taken for seconds (1e11 s is the year 5138; 1e11 ms is 1973-03-03). */
export const EPOCH_SECONDS_BELOW = 1e11;

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil), or NaN for
 * no such day. Not Date.UTC: it maps years 0..99 to 1900..1999.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  if (month < 1 || month > 12 || day < 1 || day > (month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]!)) return Number.NaN;
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** A time read from text: `ms` is the instant when it carried an offset, else the wall-clock reading as ms since 1970-01-01T00:00. */
export interface ParsedTime {
  ms: number;
  /** It carried `Z` or an offset, so `ms` is an instant. */
  zoned: boolean;
  /** It was a bare date. */
  dateOnly: boolean;
}

// 2026-11-24, 2026-11-24T10:00, 2026-11-24 10:00:00.123456789, optionally followed by Z, UTC, ±hh, ±hhmm or ±hh:mm.
const TIME_TEXT = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)? ?(Z|z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/;

/** Reads an ISO-8601 date or date-time (`T` or a space between), or null when it is not one or names no real time (2026-02-30, 24:00). */
export function parseTimeText(text: string): ParsedTime | null {
  const m = TIME_TEXT.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const days = daysFromCivil(Number(y), Number(mo), Number(d));
  const hour = Number(h ?? 0);
  const minute = Number(mi ?? 0);
  const second = Number(s ?? 0);
  if (Number.isNaN(days) || hour > 23 || minute > 59 || second > 59) return null;
  if (h === undefined && zone !== undefined) return null; // "2026-11-24Z" is no ISO form; refusing beats guessing
  // Digits beyond ms are cut (times are whole ms), which for a positive fraction is rounding toward -inf.
  const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
  const wall = days * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
  if (zone === undefined) return { ms: wall, zoned: false, dateOnly: h === undefined };
  const offset = offsetTextMs(zone);
  return Number.isNaN(offset) ? null : { ms: wall - offset, zoned: true, dateOnly: false };
}

/** `Z`, `+05:30`, `-0800`, `+01` in ms, or NaN for an hour over 23 or minutes over 59. */
function offsetTextMs(zone: string): number {
  if (zone === 'Z' || zone === 'z' || zone === 'UTC' || zone === 'GMT') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || '0');
  return hours > 23 || minutes > 59 ? Number.NaN : sign * (hours * 60 + minutes) * 60_000;
}

/** An epoch number in ms: seconds when its magnitude is below 1e11, ms otherwise; sub-ms parts floored. */
export function epochToMs(n: number): number {
  return Math.floor(Math.abs(n) < EPOCH_SECONDS_BELOW ? n * 1000 : n);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(zone, f);
  }
  return f;
}

/** The zone's canonical name when this runtime knows it ("utc" → "UTC", "Asia/Calcutta" → "Asia/Kolkata" or as ICU has it), else null. */
export function canonicalTimeZone(zone: string): string | null {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

const isUtc = (zone: string) => zone === 'UTC' || zone === 'Etc/UTC' || zone === 'GMT' || zone === 'Etc/GMT';

function offsetFromParts(zone: string, utcMs: number): number {
  const p: Record<string, string> = {};
  for (const part of formatterOf(zone).formatToParts(utcMs)) p[part.type] = part.value;
  const wall = daysFromCivil(Number(p.year), Number(p.month), Number(p.day)) * DAY_MS + ((Number(p.hour) * 60 + Number(p.minute)) * 60 + Number(p.second)) * 1000;
  // Intl shows whole seconds: compare with the instant's whole second.
  return wall - Math.floor(utcMs / 1000) * 1000;
}

/** Offsets per zone per UTC hour: formatToParts costs microseconds, and a replay asks once per event. */
const offsetCache = new Map<string, Map<number, number>>();
const MAX_CACHED_HOURS = 100_000;

/** The offset of `zone` from UTC at the instant `utcMs`, in ms (positive east of Greenwich). */
export function zoneOffsetMs(zone: string, utcMs: number): number {
  if (isUtc(zone)) return 0;
  let byHour = offsetCache.get(zone);
  if (!byHour) offsetCache.set(zone, (byHour = new Map()));
  const hour = Math.floor(utcMs / HOUR_MS);
  const cached = byHour.get(hour);
  if (cached !== undefined) return cached;
  const start = offsetFromParts(zone, hour * HOUR_MS);
  // An hour holding a transition is not cached: its offset depends on the minute (no zone changes twice in an hour).
  if (offsetFromParts(zone, hour * HOUR_MS + HOUR_MS - 1) !== start) return offsetFromParts(zone, utcMs);
  if (byHour.size >= MAX_CACHED_HOURS) byHour.clear();
  byHour.set(hour, start);
  return start;
}

/** The wall-clock reading of `zone` at the instant `utcMs`, as ms since 1970-01-01T00:00. */
export function utcToWall(utcMs: number, zone: string): number {
  return utcMs + zoneOffsetMs(zone, utcMs);
}

/**
 * The instant a wall-clock reading of `zone` names. In a repeated hour (clocks going back) the
 * earlier instant is taken; a reading in a skipped hour is read with the offset before the gap, so
 * 02:30 on a spring-forward night is 03:30 (what Temporal's "compatible" and PostgreSQL do).
 * Assumes no two transitions within a day of each other, true of every zone since 1900.
 */
export function wallToUtc(wallMs: number, zone: string): number {
  if (isUtc(zone)) return wallMs;
  const before = zoneOffsetMs(zone, wallMs - DAY_MS);
  const after = zoneOffsetMs(zone, wallMs + DAY_MS);
  const early = wallMs - before;
  const late = wallMs - after;
  const earlyFits = zoneOffsetMs(zone, early) === before;
  const lateFits = zoneOffsetMs(zone, late) === after;
  if (earlyFits && lateFits) return Math.min(early, late);
  if (earlyFits) return early;
  if (lateFits) return late;
  return wallMs - before;
}

/** `2026-11-24` for days since 1970-01-01. */
export function dateText(days: number): string {
  return new Date(days * DAY_MS).toISOString().slice(0, 10);
}

/** `2026-11-24 10:00:00.000` for a wall-clock reading in ms (shown as stored: no zone is applied). */
export function wallText(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23).replace('T', ' ');
}

/**
 * An event time given as text, in ms since the epoch: with an offset it is that instant; without
 * one it is a reading of `zone`'s clocks. Null when the text is not an ISO-8601 date or date-time.
 */
export function parseEventTimeText(text: string, zone = 'UTC'): number | null {
  const t = parseTimeText(text);
  if (!t) return null;
  return t.zoned ? t.ms : wallToUtc(t.ms, zone);
}
