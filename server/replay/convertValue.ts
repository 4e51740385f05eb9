/**
 * A file's value into the wire form of a field (VALUE_FORM in src/protocol/fieldRules.ts) or into an
 * event time. A value that cannot be converted is a Bad, not an exception: converting runs per value
 * and the caller adds the line and the column to the message.
 */
import { shown } from '../../src/protocol/fieldRules';
import type { FieldType } from '../../src/protocol/schema';
import { DAY_MS, dateText, epochToMs, parseTimeText, utcToWall, wallText, wallToUtc } from '../../src/protocol/eventTime';
import type { SourceKind } from './readRows';

export type Wire = number | string | boolean | null;

/** Why a value cannot be converted, e.g. `"ten" is not an integer`. */
export class Bad {
  constructor(readonly why: string) {}
}

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const BEYOND = 'beyond ±(2^53-1), the largest integer a stream holds exactly';

/** Typed Parquet kinds whose numbers mean times, not quantities. */
const isTimeKind = (kind: SourceKind) => kind === 'date' || kind === 'timestamp' || kind === 'instant';

function toInteger(v: unknown, kind: SourceKind): Wire | Bad {
  if (isTimeKind(kind)) return new Bad(`a ${kind === 'date' ? 'date' : 'time'} is not an integer`);
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : new Bad(Number.isInteger(v) ? `${v} is ${BEYOND}` : `${v} is not an integer`);
  if (typeof v === 'bigint') return v >= -(2n ** 53n - 1n) && v <= 2n ** 53n - 1n ? Number(v) : new Bad(`${v} is ${BEYOND}`);
  if (typeof v === 'string' && INTEGER.test(v.trim())) {
    const n = Number(v.trim());
    return Number.isSafeInteger(n) ? n : new Bad(`${v.trim()} is ${BEYOND}`);
  }
  return new Bad(`${shown(v)} is not an integer`);
}

function toFloat(v: unknown, kind: SourceKind): Wire | Bad {
  if (isTimeKind(kind)) return new Bad(`a ${kind === 'date' ? 'date' : 'time'} is not a number`);
  if (typeof v === 'number') return Number.isFinite(v) ? v : new Bad(`${v} is not a finite number`);
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && NUMBER.test(v.trim())) {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : new Bad(`${v.trim()} is too large for a number`);
  }
  return new Bad(`${shown(v)} is not a number`);
}

function toBoolean(v: unknown): Wire | Bad {
  if (typeof v === 'boolean') return v;
  if (v === 1 || v === 0 || v === 1n || v === 0n) return v === 1 || v === 1n;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'true' || s === '1') return true;
    if (s === 'false' || s === '0') return false;
  }
  return new Bad(`${shown(v)} is not true or false`);
}

function toText(v: unknown, kind: SourceKind): Wire | Bad {
  if (typeof v === 'string') return v;
  if (kind === 'date' && typeof v === 'number') return dateText(v);
  if (kind === 'timestamp' && typeof v === 'number') return wallText(v);
  if (kind === 'instant' && typeof v === 'number') return new Date(v).toISOString();
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  // A nested NDJSON value: its JSON, the one text that says what it held.
  return JSON.stringify(v);
}

/** A time from text or a number: the instant (epoch numbers, text with an offset) or the wall-clock reading (naive text). */
function timeOf(v: unknown, kind: SourceKind): { ms: number; instant: boolean; dateOnly: boolean } | Bad {
  if (kind === 'instant' && typeof v === 'number') return { ms: v, instant: true, dateOnly: false };
  if (kind === 'timestamp' && typeof v === 'number') return { ms: v, instant: false, dateOnly: false };
  if (kind === 'date' && typeof v === 'number') return { ms: v * DAY_MS, instant: false, dateOnly: true };
  if (typeof v === 'number' && Number.isFinite(v)) return { ms: epochToMs(v), instant: true, dateOnly: false };
  if (typeof v === 'bigint') return { ms: epochToMs(Number(v)), instant: true, dateOnly: false };
  if (typeof v === 'string') {
    const s = v.trim();
    if (NUMBER.test(s)) return { ms: epochToMs(Number(s)), instant: true, dateOnly: false };
    const t = parseTimeText(s);
    if (t) return { ms: t.ms, instant: t.zoned, dateOnly: t.dateOnly };
  }
  return new Bad(`${shown(v)} is not a time (like 2026-11-24T10:00:00, 2026-11-24 10:00:00+01:00, 2026-11-24, or epoch seconds or ms)`);
}

function toTimestamp(v: unknown, kind: SourceKind, zone: string): Wire | Bad {
  const t = timeOf(v, kind);
  if (t instanceof Bad) return t;
  // The field holds a wall-clock reading: an instant is read on the clocks of --time-zone.
  return t.instant ? utcToWall(t.ms, zone) : t.ms;
}

function toDate(v: unknown, kind: SourceKind, zone: string): Wire | Bad {
  // An epoch number for a date is more likely a count of days or a yyyymmdd than seconds: refuse to guess.
  const bad = new Bad(`${shown(v)} is not a date (like 2026-11-24)`);
  if (!isTimeKind(kind) && (typeof v === 'number' || typeof v === 'bigint' || (typeof v === 'string' && NUMBER.test(v.trim())))) return bad;
  const t = timeOf(v, kind);
  if (t instanceof Bad) return bad;
  return Math.floor((t.instant ? utcToWall(t.ms, zone) : t.ms) / DAY_MS);
}

/** Whether `v` is a missing value for a field of `type`: null, absent, or empty (an empty CSV cell is missing even for text). */
export function isMissing(v: unknown, kind: SourceKind, type: FieldType): boolean {
  return v === null || v === undefined || (v === '' && (kind === 'csv' || type !== 'text'));
}

/** `v`, a value of a column of `kind`, in the wire form of a field of `type`. */
export function toWire(v: unknown, kind: SourceKind, type: FieldType, zone: string): Wire | Bad {
  if (isMissing(v, kind, type)) return null;
  switch (type) {
    case 'integer':
      return toInteger(v, kind);
    case 'float':
      return toFloat(v, kind);
    case 'boolean':
      return toBoolean(v);
    case 'text':
      return toText(v, kind);
    case 'date':
      return toDate(v, kind, zone);
    case 'timestamp':
      return toTimestamp(v, kind, zone);
  }
}

/** `v` as an event time in ms since the epoch: an instant as is, a naive time read on the clocks of `zone`. */
export function toEventTime(v: unknown, kind: SourceKind, zone: string): number | Bad {
  if (v === null || v === undefined || (typeof v === 'string' && v.trim() === '')) return new Bad('the event time is missing');
  const t = timeOf(v, kind);
  if (t instanceof Bad) return t;
  return t.instant ? t.ms : wallToUtc(t.ms, zone);
}
