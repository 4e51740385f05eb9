/**
 * Reading a time written as text, the same wherever the reader runs. `Date.parse` reads a
 * date-time without an offset in the machine's local zone (../shared/NOTES.md), so a body posted
 * to a server in New York and one in UTC would store different instants. Here a naive time is read
 * in the zone the caller names (a stream's declared zone, UTC by default), never the machine's.
 */

/** 2026-11-24, 2026-11-24T10:00, 2026-11-24 10:00:00.123456, with an optional Z or ±hh[:mm] offset. */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Whether `zone` is an IANA time zone name this runtime knows ("UTC", "Europe/Paris"). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The offset of `zone` from UTC at the instant `utcMs`, in ms (positive east of Greenwich). */
function zoneOffsetAt(zone: string, utcMs: number): number {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(zone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(utcMs)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return wall - Math.floor(utcMs / 1000) * 1000;
}

/**
 * The instant a wall-clock reading in `zone` names. In a repeated hour (clocks going back) the
 * earlier instant is taken; a reading in a skipped hour moves forward by the gap, as most
 * databases do.
 */
export function wallClockToUtc(wallMs: number, zone: string): number {
  if (zone === 'UTC' || zone === 'Etc/UTC') return wallMs;
  const first = wallMs - zoneOffsetAt(zone, wallMs);
  const second = wallMs - zoneOffsetAt(zone, first);
  const valid = [first, second].filter((t) => t + zoneOffsetAt(zone, t) === wallMs);
  // Both readings exist in a repeated hour; neither in a skipped one, where the later moves forward.
  return valid.length ? Math.min(...valid) : Math.max(first, second);
}

/**
 * The parts of an ISO-8601 date or date-time: its wall-clock reading as ms (as if in UTC), and its
 * offset in ms when the text carries one (null for a naive time). Null when it is not such a text
 * or names an impossible date (2026-02-30).
 */
export function parseIsoParts(text: string): { wallMs: number; offsetMs: number | null } | null {
  const m = ISO.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  if (date.getUTCDate() !== day) return null;
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000 + 1e-9) : 0;
  const wallMs = date.getTime() + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
  if (!zone) return { wallMs, offsetMs: null };
  if (zone === 'Z' || zone === 'z') return { wallMs, offsetMs: 0 };
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const oh = Number(digits.slice(0, 2));
  const om = Number(digits.slice(2) || '0');
  if (oh > 23 || om > 59) return null;
  return { wallMs, offsetMs: sign * (oh * 60 + om) * 60_000 };
}

/**
 * An event time given as text, in ms since the epoch: with an offset it is that instant; without
 * one it is a reading of `zone`'s clocks (UTC unless the stream names a zone). Null when the text
 * is not an ISO-8601 date or date-time.
 */
export function parseEventTimeText(text: string, zone = 'UTC'): number | null {
  const p = parseIsoParts(text);
  if (!p) return null;
  return p.offsetMs === null ? wallClockToUtc(p.wallMs, zone) : p.wallMs - p.offsetMs;
}
