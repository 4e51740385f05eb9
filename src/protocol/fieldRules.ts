/**
 * What a valid value of each field type and a valid event time are: the one place for these rules,
 * used by the stream's per-event check (`checkBatch`, a hot path: plain functions, no allocation
 * for a valid value) and by HTTP ingest (`server/httpIngest.ts`).
 */
import type { FieldType } from './schema';

/** Event times outside 1900..2200 are taken for corrupt data, not history or plans. */
export const MIN_TS = Date.UTC(1900, 0, 1);
export const MAX_TS = Date.UTC(2200, 0, 1);

/** A float field holds finite numbers (JSON cannot carry NaN; 1e999 parses to Infinity). */
export function isFloatValue(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

/**
 * An integer field holds whole numbers within ±(2^53-1), the range in which a JS number, a sum of
 * them that stays in range, and DuckDB's BIGINT agree exactly.
 */
export function isIntegerValue(x: unknown): x is number {
  return Number.isSafeInteger(x);
}

/** A text field holds any text. */
export function isTextValue(x: unknown): x is string {
  return typeof x === 'string';
}

export function isBooleanValue(x: unknown): x is boolean {
  return typeof x === 'boolean';
}

/**
 * How each type's values are held in a ColumnBatch and sent on the wire: numbers for integer and
 * float, days since 1970-01-01 for a date, ms since 1970-01-01T00:00 for a timestamp (a wall-clock
 * reading, no zone: shown as stored), booleans, and strings for text.
 */
export const VALUE_FORM: Readonly<Record<FieldType, string>> = {
  integer: 'an integer',
  float: 'a number',
  boolean: 'true or false',
  text: 'text',
  date: 'a date (whole days since 1970-01-01)',
  timestamp: 'a timestamp (whole ms since 1970-01-01T00:00)',
};

/** The test of a value of each type (null is checked before). */
export const IS_VALUE: Readonly<Record<FieldType, (x: unknown) => boolean>> = {
  integer: isIntegerValue,
  float: isFloatValue,
  boolean: isBooleanValue,
  text: isTextValue,
  date: isIntegerValue,
  timestamp: isIntegerValue,
};

/** A value as a message shows it: short, and never throwing (bigint, cycles, functions). */
export function shown(x: unknown): string {
  if (typeof x === 'number' || typeof x === 'bigint' || typeof x === 'symbol' || typeof x === 'function' || x === undefined) return String(x);
  try {
    return JSON.stringify(x)?.slice(0, 40) ?? String(x);
  } catch {
    return Object.prototype.toString.call(x);
  }
}

/**
 * Why `value` cannot be a value of a field of `type` (e.g. `must be a number, got "ten"`), or null.
 * null is every field's missing value; callers decide what an absent field means.
 */
export function valueProblem(type: FieldType, value: unknown): string | null {
  if (value === null) return null;
  return IS_VALUE[type](value) ? null : `must be ${VALUE_FORM[type]}, got ${shown(value)}`;
}

/**
 * Why `t` is not an event time in ms since the epoch within 1900..2200, or null. `as` is how the
 * message names the time when the caller converted it (an ISO-8601 text posted over HTTP).
 */
export function tsProblem(t: unknown, as?: string): string | null {
  if (typeof t !== 'number' || Number.isNaN(t)) return `ts must be a time in ms, got ${as ?? shown(t)}`;
  if (!(t >= MIN_TS && t <= MAX_TS)) return `ts ${as ?? String(t)} is outside 1900..2200`;
  return null;
}
