/**
 * Number, value and time formatting for the dashboard, the one place for it: what a value looks like
 * follows its field's type (valueText.ts) and its measure, never the dataset. Everything returns
 * text for React to render as text.
 */
import type { FieldType } from '../protocol/schema';
import { dateText, timestampText, valueText } from '../protocol/valueText';
import type { KeyValue, MeasureOp } from '../views/ViewDef';

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/** `1 view`, `2 views`: a count with its noun. */
export function counted(n: number, noun: string, plural = `${noun}s`): string {
  return `${fmtInt(n)} ${n === 1 ? noun : plural}`;
}

export function fmtInt(n: number | null | undefined): string {
  return n === null || n === undefined ? '–' : int.format(n);
}

export function fmtCompact(n: number | null | undefined): string {
  return n === null || n === undefined ? '–' : compact.format(n);
}

// One formatter: toLocaleTimeString builds a new one per call, which cost ~0.2 s per chart redraw.
const clock = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

/** A moment on the viewer's clock (live events, hand-overs, recomputes). */
export function fmtClock(ms: number): string {
  return clock.format(ms);
}

export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min${ms % 60_000 >= 1000 ? ` ${Math.round((ms % 60_000) / 1000)} s` : ''}`;
  return `${(ms / 3_600_000).toFixed(ms % 3_600_000 === 0 ? 0 : 1)} h`;
}

const DAY_MS = 86_400_000;

/** A span of time as a person says it: "2 min", "12 h", "90 days". */
export function fmtSpan(ms: number): string {
  if (ms >= DAY_MS) return `${decimal.format(ms / DAY_MS)} day${ms === DAY_MS ? '' : 's'}`;
  if (ms >= 3_600_000) return `${decimal.format(ms / 3_600_000)} h`;
  if (ms >= 60_000) return `${decimal.format(ms / 60_000)} min`;
  return `${decimal.format(ms / 1000)} s`;
}

/** A size in bytes as a person reads it: 812 B, 3.4 kB, 12.1 MB, 1.25 GB. */
export function fmtBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(2)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return n >= 1024 ? `${(n / 1024).toFixed(1)} kB` : `${n} B`;
}

/** Money-like values to the cent, as a string the tests can compare exactly. */
export function centsString(n: number | null | undefined): string {
  return n === null || n === undefined ? '' : (Math.round(n * 100) / 100).toFixed(2);
}

/** Integers as integers, other numbers to two decimals at most. */
export function fmtNumber(v: number | null | undefined): string {
  if (v === null || v === undefined) return '–';
  return Number.isInteger(v) ? int.format(v) : decimal.format(v);
}

/** A group-by key value as its field's type reads (dates as YYYY-MM-DD, timestamps as stored, in UTC terms). */
export function keyText(type: FieldType | undefined, v: KeyValue): string {
  if (v === null) return '(null)';
  return type === undefined ? String(v) : valueText(type, v);
}

/** How one measure's values read: as text, as the raw data-value tests compare, and on a chart axis. */
export interface MeasureFormat {
  text(v: number | null | undefined): string;
  raw(v: number | null | undefined): string;
  /** For recharts props: made once per format, since a new function is a changed prop to recharts. */
  tick(v: unknown): string;
  tooltip(v: unknown): string;
}

function makeFormat(text: (v: number) => string, raw: (v: number) => string, tick: (v: number) => string): MeasureFormat {
  const orDash = (f: (v: number) => string) => (v: number | null | undefined) => (v === null || v === undefined ? '–' : f(v));
  const shown = orDash(text);
  return {
    text: shown,
    raw: (v) => (v === null || v === undefined ? '' : raw(v)),
    tick: (v) => orDash(tick)(Number(v)),
    tooltip: (v) => shown(Number(v)),
  };
}

const formats = new Map<string, MeasureFormat>();

/**
 * The format of a measure's values: counts and integer sums as integers, float sums and averages to
 * two decimals at most (raw: float sums to the cent), min and max as their field's values. A field
 * whose type is not known yet reads as a float.
 */
export function measureFormat(op: MeasureOp, type: FieldType | undefined): MeasureFormat {
  const kind = op === 'count' || op === 'count_distinct' ? 'count' : op === 'avg' ? 'avg' : `${op === 'sum' ? 'sum' : 'extreme'}:${type ?? 'float'}`;
  let f = formats.get(kind);
  if (!f) {
    f = formatOf(kind);
    formats.set(kind, f);
  }
  return f;
}

function formatOf(kind: string): MeasureFormat {
  const compactNumber = (v: number) => compact.format(v);
  switch (kind) {
    case 'count':
    case 'sum:integer':
    case 'extreme:integer':
      return makeFormat((v) => int.format(v), String, compactNumber);
    case 'sum:float':
      return makeFormat((v) => decimal.format(v), centsString, compactNumber);
    case 'extreme:date':
      return makeFormat(dateText, String, dateText);
    case 'extreme:timestamp':
      return makeFormat(timestampText, String, timestampText);
    default:
      return makeFormat((v) => decimal.format(v), String, compactNumber);
  }
}

/** How a time bucket's start reads: on an axis tick, and in full. */
export interface BucketFormat {
  tick(t: unknown): string;
  full(t: number): string;
  /** A tooltip's heading. */
  label(t: unknown): string;
}

const bucketFormats = new Map<string, BucketFormat>();

/**
 * Bucket labels. Buckets of a day or more start at a UTC midnight (floor(ts / width)) and read as
 * that date. Below a day, a file's event time is a stored wall-clock reading, shown in UTC terms as
 * stored (with the day when buckets are a minute or more); a live stream's event time is the moment
 * it happened, shown on the viewer's clock.
 */
export function bucketFormat(bucketMs: number, wallClock: boolean): BucketFormat {
  const key = `${bucketMs}:${wallClock}`;
  let f = bucketFormats.get(key);
  if (!f) {
    const full: (t: number) => string = bucketMs >= DAY_MS ? (t) => dateText(Math.floor(t / DAY_MS)) : wallClock ? timestampText : fmtClock;
    const short: (t: number) => string = bucketMs >= DAY_MS || !wallClock ? full : bucketMs >= 60_000 ? (t) => timestampText(t).slice(5, 16) : (t) => timestampText(t).slice(11, 19);
    f = { tick: (t) => short(Number(t)), full, label: (t) => `bucket ${full(Number(t))}` };
    bucketFormats.set(key, f);
  }
  return f;
}
