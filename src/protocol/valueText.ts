/**
 * A value of each field type as a person reads and types it, the one place for these rules: the
 * dashboard shows values with `valueText`, the view editor reads filter values with `parseValueText`.
 * Dates and timestamps are read and shown in UTC terms: a timestamp without a zone is a wall-clock
 * reading, shown exactly as stored, never moved into the viewer's zone.
 */
import type { FieldType, FieldValue } from './schema';

const DAY_MS = 86_400_000;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** YYYY-MM-DD of `days` since 1970-01-01. */
export function dateText(days: number): string {
  return new Date(days * DAY_MS).toISOString().slice(0, 10);
}

/** YYYY-MM-DD HH:MM:SS(.mmm) of ms since 1970-01-01T00:00, read as UTC (no zone shift). */
export function timestampText(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(ms);
  const frac = d.getUTCMilliseconds();
  const year = d.getUTCFullYear();
  const y = year < 0 || year > 9999 ? String(year) : pad(year, 4);
  return `${y}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${frac ? `.${pad(frac, 3)}` : ''}`;
}

/** A value as text, for cells, tooltips and keys; `null` shows as an empty string (the caller may show a dash). */
export function valueText(type: FieldType, v: FieldValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (type === 'date' && typeof v === 'number') return dateText(v);
  if (type === 'timestamp' && typeof v === 'number') return timestampText(v);
  return String(v);
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TS_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?$/;

function utcParts(y: string, mo: string, d: string, h = '0', mi = '0', s = '0', frac = ''): number | null {
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(frac.padEnd(3, '0')));
  // Date.UTC rolls 2024-02-30 over to March: a value that does not read back is not a date.
  const back = new Date(ms);
  return back.getUTCFullYear() === Number(y) && back.getUTCMonth() === Number(mo) - 1 && back.getUTCDate() === Number(d) ? ms : null;
}

/**
 * The value a person means by `text` in a field of `type`; throws an Error saying what was expected.
 * Never Date.parse: it reads a date-time without an offset as local time.
 */
export function parseValueText(type: FieldType, text: string): number | string | boolean {
  const s = text.trim();
  const fail = (what: string): never => {
    throw new Error(`${JSON.stringify(text)} is not ${what}`);
  };
  switch (type) {
    case 'text':
      return text;
    case 'boolean':
      if (/^(true|false)$/i.test(s)) return s.toLowerCase() === 'true';
      return fail('true or false');
    case 'integer': {
      const n = Number(s);
      return s !== '' && Number.isSafeInteger(n) ? n : fail('a whole number');
    }
    case 'float': {
      const n = Number(s);
      return s !== '' && Number.isFinite(n) ? n : fail('a number');
    }
    case 'date': {
      const m = DATE_RE.exec(s);
      const ms = m ? utcParts(m[1]!, m[2]!, m[3]!) : null;
      return ms === null ? fail('a date like 2024-01-31') : ms / DAY_MS;
    }
    case 'timestamp': {
      const m = TS_RE.exec(s) ?? DATE_RE.exec(s);
      const ms = m ? utcParts(m[1]!, m[2]!, m[3]!, m[4], m[5], m[6], m[7]) : null;
      return ms === null ? fail('a time like 2024-01-31 13:45:00') : ms;
    }
  }
}
