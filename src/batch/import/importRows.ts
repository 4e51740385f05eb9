/**
 * Work on a file's rows in the log's Arrow types, column buffers at a time (no per-row objects):
 * event times from the chosen column, dropping rows without one, a null column for a dataset field
 * the file lacks, and integers widened into a float field.
 */
import { Bool, Float64, makeData, Utf8, type Data } from 'apache-arrow';
import { arrowTypeOf } from '../files/normalizeArrow';
import { MAX_TS, MIN_TS, type FieldType } from '../../protocol/schema';

const DAY_MS = 86_400_000;

const valid = (d: Data, i: number) => d.nullCount === 0 || (d.nullBitmap !== undefined && ((d.nullBitmap[(d.offset + i) >> 3]! >> ((d.offset + i) & 7)) & 1) === 1);

/** A Data's value i as a number: Int64 and timestamps by their two words, dates as days. */
function numberAt(d: Data, words: Int32Array | null, i: number): number {
  if (words) return words[2 * (d.offset + i) + 1]! * 0x1_0000_0000 + (words[2 * (d.offset + i)]! >>> 0);
  return (d.values as Int32Array | Float64Array)[d.offset + i]!;
}

export interface EventTimes {
  ts: Float64Array;
  /** 1 for rows with a usable event time; null when every row has one. */
  keep: Uint8Array | null;
  kept: number;
  minTs: number;
  maxTs: number;
}

/**
 * Each row's event time in ms: from a timestamp or date column, or `constant` (the import's time)
 * when there is none. A row whose time is missing or outside 1900..2200 (the log's rule for event
 * times) is marked to leave out.
 */
export function eventTimes(column: Data | null, type: FieldType | null, length: number, constant: number): EventTimes {
  const ts = new Float64Array(length);
  if (!column) {
    ts.fill(constant);
    return { ts, keep: null, kept: length, minTs: constant, maxTs: constant };
  }
  const v = column.values as BigInt64Array | Int32Array;
  const words = type === 'timestamp' ? new Int32Array(v.buffer, v.byteOffset, v.length * 2) : null;
  const scale = type === 'date' ? DAY_MS : 1;
  let keep: Uint8Array | null = null;
  let kept = 0;
  let minTs = Infinity;
  let maxTs = -Infinity;
  for (let i = 0; i < length; i++) {
    const t = valid(column, i) ? numberAt(column, words, i) * scale : Number.NaN;
    if (!(t >= MIN_TS && t <= MAX_TS)) {
      keep ??= new Uint8Array(length).fill(1);
      keep[i] = 0;
      continue;
    }
    ts[i] = t;
    kept++;
    if (t < minTs) minTs = t;
    if (t > maxTs) maxTs = t;
  }
  return { ts, keep, kept, minTs, maxTs };
}

function bitmapOf(d: Data, idx: Int32Array): { bitmap: Uint8Array | undefined; nulls: number } {
  if (d.nullCount === 0) return { bitmap: undefined, nulls: 0 };
  const bitmap = new Uint8Array(Math.ceil(idx.length / 8));
  let nulls = 0;
  for (let j = 0; j < idx.length; j++) {
    if (valid(d, idx[j]!)) bitmap[j >> 3]! |= 1 << (j & 7);
    else nulls++;
  }
  return { bitmap, nulls };
}

/** The rows `idx` of one column, in order: a copy of just those values and their nulls. */
export function takeRows(d: Data, idx: Int32Array): Data {
  const { bitmap, nulls } = bitmapOf(d, idx);
  const n = idx.length;
  const base = { type: d.type, length: n, nullCount: nulls, nullBitmap: bitmap };
  if (d.type instanceof Utf8) {
    const offsets = d.valueOffsets as Int32Array;
    const bytes = d.values as Uint8Array;
    const outOffsets = new Int32Array(n + 1);
    let size = 0;
    for (let j = 0; j < n; j++) size += offsets[d.offset + idx[j]! + 1]! - offsets[d.offset + idx[j]!]!;
    const out = new Uint8Array(size);
    let at = 0;
    for (let j = 0; j < n; j++) {
      const a = offsets[d.offset + idx[j]!]!;
      const b = offsets[d.offset + idx[j]! + 1]!;
      out.set(bytes.subarray(a, b), at);
      at += b - a;
      outOffsets[j + 1] = at;
    }
    return makeData({ ...base, type: new Utf8(), valueOffsets: outOffsets, data: out });
  }
  if (d.type instanceof Bool) {
    const bits = new Uint8Array(Math.ceil(n / 8));
    const src = d.values as Uint8Array;
    for (let j = 0; j < n; j++) {
      const i = d.offset + idx[j]!;
      if ((src[i >> 3]! >> (i & 7)) & 1) bits[j >> 3]! |= 1 << (j & 7);
    }
    return makeData({ ...base, type: new Bool(), data: bits });
  }
  const src = d.values as Float64Array | Int32Array | BigInt64Array;
  const stride = src instanceof BigInt64Array ? 2 : 1;
  const words = (stride === 2 ? new Int32Array(src.buffer, src.byteOffset, src.length * 2) : src) as Int32Array | Float64Array;
  const out = words instanceof Float64Array ? new Float64Array(n) : new Int32Array(n * stride);
  for (let j = 0; j < n; j++) {
    const i = (d.offset + idx[j]!) * stride;
    out[j * stride] = words[i]!;
    if (stride === 2) out[j * stride + 1] = words[i + 1]!;
  }
  const data = stride === 2 ? new BigInt64Array(out.buffer) : out;
  return makeData({ ...base, data } as Parameters<typeof makeData>[0]);
}

/** The indexes of the rows to keep. */
export function keptIndexes(keep: Uint8Array, kept: number): Int32Array {
  const idx = new Int32Array(kept);
  let j = 0;
  for (let i = 0; i < keep.length; i++) if (keep[i]) idx[j++] = i;
  return idx;
}

/** A column of `length` nulls of a field type: a dataset field the file does not have. */
export function nullColumn(type: FieldType, length: number): Data {
  const base = { length, nullCount: length, nullBitmap: new Uint8Array(Math.ceil(length / 8)) };
  if (type === 'text') return makeData({ ...base, type: new Utf8(), valueOffsets: new Int32Array(length + 1), data: new Uint8Array(0) });
  if (type === 'boolean') return makeData({ ...base, type: new Bool(), data: new Uint8Array(Math.ceil(length / 8)) });
  const data = type === 'float' ? new Float64Array(length) : type === 'date' ? new Int32Array(length) : new BigInt64Array(length);
  return makeData({ ...base, type: arrowTypeOf(type), data } as Parameters<typeof makeData>[0]);
}

/** An integer column as float (exact: the log's integers are within ±2^53). */
export function widenToFloat(d: Data): Data {
  const v = d.values as BigInt64Array;
  const words = new Int32Array(v.buffer, v.byteOffset, v.length * 2);
  const out = new Float64Array(d.length);
  for (let i = 0; i < d.length; i++) out[i] = numberAt(d, words, i);
  const { bitmap, nulls } = bitmapOf(
    d,
    Int32Array.from({ length: d.length }, (_, i) => i),
  );
  return makeData({ type: new Float64(), length: d.length, nullCount: nulls, nullBitmap: bitmap, data: out });
}

/**
 * A float column with NaN and ±Infinity made null: the log's rule for floats (fieldRules.ts), so
 * that sums stay numbers on both paths. The column itself when it has none (the usual case).
 */
export function finiteFloats(d: Data): Data {
  const v = d.values as Float64Array;
  let bad = false;
  for (let i = 0; i < d.length && !bad; i++) bad = !Number.isFinite(v[d.offset + i]!);
  if (!bad) return d;
  const out = new Float64Array(d.length);
  const bitmap = new Uint8Array(Math.ceil(d.length / 8));
  let nulls = 0;
  for (let i = 0; i < d.length; i++) {
    const x = v[d.offset + i]!;
    if (valid(d, i) && Number.isFinite(x)) {
      out[i] = x;
      bitmap[i >> 3]! |= 1 << (i & 7);
    } else nulls++;
  }
  return makeData({ type: new Float64(), length: d.length, nullCount: nulls, nullBitmap: bitmap, data: out });
}
