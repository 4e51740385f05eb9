/**
 * One column of Arrow data into the log's Arrow type for its field type. Where the layout already
 * matches (Int64, Float64, Bool, Utf8, DateDay, ms timestamps) the buffers are reused; otherwise
 * a loop over typed arrays, with no JS object per row.
 * Arrow JS keeps fixed-width `values` sliced to the data (index 0 is row 0) but bit buffers (validity,
 * Bool values) and Utf8 bytes absolute, read at `offset + i` and through `valueOffsets`.
 */
import { DateDay, Float64, Int64, TimestampMillisecond, Type, Utf8, makeData, makeVector, type Data, type DataType, type Decimal, type Dictionary, type Timestamp, type Vector } from 'apache-arrow';
import { FileProblem } from './FileProblem';
import { floorDiv, floorDivWords, isSafeSigned, isSafeUnsigned, setWords, wordsOf, wordsText, wordsValue } from './int64';
import type { FieldType } from './types';
import { utf8Data } from './utf8Column';

/** Where a conversion is, for messages: the file, the column's name in the file, the first row's number. */
export interface ConvertAt {
  fileName: string;
  column: string;
  firstRow: number;
}

export type Convert = (data: Data, at: ConvertAt) => Data;

const isValid = (d: Data, i: number) => d.nullCount === 0 || d.nullBitmap === undefined || d.nullBitmap.length === 0 || ((d.nullBitmap[(d.offset + i) >> 3]! >> ((d.offset + i) & 7)) & 1) === 1;

const same: Convert = (d) => d;

/** Data of `type` with `d`'s validity and new (or reinterpreted: a time zone dropped, unsigned read as signed) values. */
function fixed(d: Data, type: DataType, values: ArrayBufferView): Data {
  return makeData({ type, offset: d.offset, length: d.length, nullCount: d.nullCount, nullBitmap: d.nullBitmap, data: values } as Parameters<typeof makeData>[0]);
}

function outOfRange(at: ConvertAt, i: number, what: string, lo: number, hi: number): FileProblem {
  return new FileProblem(at.fileName, `has ${what} ${wordsText(lo, hi)} in column ${JSON.stringify(at.column)} (row ${at.firstRow + i + 1}), beyond ±(2^53-1), the largest the log holds exactly`);
}

/** Int64 as is, after checking every value is safe. */
const int64: Convert = (d, at) => {
  const w = wordsOf(d.values as BigInt64Array);
  for (let i = 0; i < d.length; i++) if (!isSafeSigned(w[2 * i]!, w[2 * i + 1]!) && isValid(d, i)) throw outOfRange(at, i, 'the integer', w[2 * i]!, w[2 * i + 1]!);
  return d;
};

const uint64: Convert = (d, at) => {
  const v = d.values as BigUint64Array;
  const w = wordsOf(v);
  for (let i = 0; i < d.length; i++)
    if (!isSafeUnsigned(w[2 * i + 1]!) && isValid(d, i))
      throw new FileProblem(at.fileName, `has the integer ${v[i]} in column ${JSON.stringify(at.column)} (row ${at.firstRow + i + 1}), beyond 2^53-1, the largest the log holds exactly`);
  return fixed(d, new Int64(), new BigInt64Array(v.buffer, v.byteOffset, d.length));
};

/** Int8..Int32 and Uint8..Uint32 widened to Int64. */
const smallInt: Convert = (d) => {
  const src = d.values as Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;
  const out = new BigInt64Array(d.length);
  const w = wordsOf(out);
  for (let i = 0; i < d.length; i++) {
    const v = src[i]!;
    w[2 * i] = v;
    w[2 * i + 1] = v < 0 ? -1 : 0;
  }
  return fixed(d, new Int64(), out);
};

function half(h: number): number {
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  const sign = h & 0x8000 ? -1 : 1;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const float16: Convert = (d) => {
  const src = d.values as Uint16Array;
  const out = new Float64Array(d.length);
  for (let i = 0; i < d.length; i++) out[i] = half(src[i]!);
  return fixed(d, new Float64(), out);
};

/** Float32 widened: every float32 is exactly a float64. */
const float32: Convert = (d) => fixed(d, new Float64(), Float64Array.from((d.values as Float32Array).subarray(0, d.length)));

/** Decimal128/256 as the nearest float64 of its value (rounds beyond 15-16 significant digits). */
const decimal: Convert = (d) => {
  const type = d.type as Decimal;
  const stride = type.bitWidth / 32;
  const words = d.values as Uint32Array;
  const scale = 10 ** type.scale;
  const out = new Float64Array(d.length);
  for (let i = 0; i < d.length; i++) {
    const base = i * stride;
    const negative = (words[base + stride - 1]! & 0x8000_0000) !== 0;
    // Two's complement: the magnitude of a negative value is ~v + 1, summed word by word from the top.
    let v = 0;
    for (let k = stride - 1; k >= 0; k--) v = v * 4294967296 + (negative ? ~words[base + k]! >>> 0 : words[base + k]!);
    out[i] = (negative ? -(v + 1) : v) / scale;
  }
  return fixed(d, new Float64(), out);
};

/** Utf8 offsets from LargeUtf8's 64-bit ones (a batch of text over 2 GB is refused). */
function offsets32(d: Data, at: ConvertAt): Int32Array {
  const w = wordsOf(d.valueOffsets as unknown as BigInt64Array);
  const out = new Int32Array(d.length + 1);
  if (w[2 * d.length + 1] !== 0 || w[2 * d.length]! < 0) throw new FileProblem(at.fileName, `has over 2 GB of text in column ${JSON.stringify(at.column)} in one batch`);
  for (let i = 0; i <= d.length; i++) out[i] = w[2 * i]!;
  return out;
}

const largeUtf8: Convert = (d, at) =>
  makeData({ type: new Utf8(), offset: d.offset, length: d.length, nullCount: d.nullCount, nullBitmap: d.nullBitmap, valueOffsets: offsets32(d, at), data: d.values as Uint8Array });

/** A dictionary's strings flattened to one offsets array and one byte array. */
interface Strings {
  offsets: Int32Array;
  bytes: Uint8Array;
}

const flattened = new WeakMap<Vector, Strings>();

function flatten(dict: Vector, at: ConvertAt): Strings {
  const cached = flattened.get(dict);
  if (cached) return cached;
  const chunks = dict.data.map((c) => (c.typeId === Type.LargeUtf8 ? largeUtf8(c, at) : c));
  const offsets = new Int32Array(dict.length + 1);
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.valueOffsets[c.length]! - c.valueOffsets[0]!, 0));
  let row = 0;
  let end = 0;
  for (const c of chunks) {
    const o = c.valueOffsets;
    bytes.set((c.values as Uint8Array).subarray(o[0], o[c.length]), end);
    for (let i = 0; i < c.length; i++) offsets[++row] = end += o[i + 1]! - o[i]!;
  }
  const strings = { offsets, bytes };
  flattened.set(dict, strings);
  return strings;
}

/** Dictionary<Utf8> decoded into plain Utf8, as the log's text type is. */
const dictionaryUtf8: Convert = (d, at) => {
  const { offsets, bytes } = flatten(d.dictionary!, at);
  const raw = d.values as ArrayLike<number> | BigInt64Array | BigUint64Array;
  // 64-bit indices: their low words (a dictionary has fewer than 2^31 entries).
  const idx: ArrayLike<number> = raw instanceof BigInt64Array || raw instanceof BigUint64Array ? wordsOf(raw).filter((_, k) => k % 2 === 0) : raw;
  const outOffsets = new Int32Array(d.length + 1);
  let total = 0;
  for (let i = 0; i < d.length; i++) {
    if (isValid(d, i)) total += offsets[idx[i]! + 1]! - offsets[idx[i]!]!;
    outOffsets[i + 1] = total;
  }
  const out = new Uint8Array(total);
  for (let i = 0; i < d.length; i++) {
    const to = outOffsets[i]!;
    const from = offsets[idx[i]!]!;
    const n = outOffsets[i + 1]! - to;
    for (let k = 0; k < n; k++) out[to + k] = bytes[from + k]!;
  }
  return makeData({ type: new Utf8(), offset: d.offset, length: d.length, nullCount: d.nullCount, nullBitmap: d.nullBitmap, valueOffsets: outOffsets, data: out });
};

const DAY_MS = 86_400_000;

const date64: Convert = (d, at) => {
  const w = wordsOf(d.values as BigInt64Array);
  const out = new Int32Array(d.length);
  for (let i = 0; i < d.length; i++) {
    if (!isSafeSigned(w[2 * i]!, w[2 * i + 1]!)) {
      if (isValid(d, i)) throw outOfRange(at, i, 'the date (in ms)', w[2 * i]!, w[2 * i + 1]!);
    } else out[i] = floorDiv(wordsValue(w[2 * i]!, w[2 * i + 1]!), DAY_MS);
  }
  return fixed(d, new DateDay(), out);
};

/**
 * Any timestamp as whole ms since 1970-01-01 with no zone. A zoned timestamp already holds the UTC
 * instant, so dropping the zone is the conversion to UTC. Finer units are truncated toward -inf
 * (floor): 1.9999 ms and -0.5 ms become 1 ms and -1 ms, so a truncated time never moves later.
 */
function timestamp(unit: 'SECOND' | 'MILLISECOND' | 'MICROSECOND' | 'NANOSECOND'): Convert {
  return (d, at) => {
    const w = wordsOf(d.values as BigInt64Array);
    const bad = (i: number) => outOfRange(at, i, `the timestamp (in ${unit.toLowerCase()}s)`, w[2 * i]!, w[2 * i + 1]!);
    if (unit === 'MILLISECOND') {
      for (let i = 0; i < d.length; i++) if (!isSafeSigned(w[2 * i]!, w[2 * i + 1]!) && isValid(d, i)) throw bad(i);
      return fixed(d, new TimestampMillisecond(), d.values as BigInt64Array);
    }
    const out = new BigInt64Array(d.length);
    const ow = wordsOf(out);
    for (let i = 0; i < d.length; i++) {
      const lo = w[2 * i]!;
      const hi = w[2 * i + 1]!;
      let ms: number;
      if (unit === 'SECOND') ms = isSafeSigned(lo, hi) ? wordsValue(lo, hi) * 1000 : Number.NaN;
      else ms = floorDivWords(lo, hi, unit === 'MICROSECOND' ? 1000 : 1_000_000);
      if (!Number.isSafeInteger(ms)) {
        if (isValid(d, i)) throw bad(i);
        ms = 0;
      }
      setWords(ow, i, ms);
    }
    return fixed(d, new TimestampMillisecond(), out);
  };
}

function hex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += bytes[i]!.toString(16).padStart(2, '0');
  return s;
}

/** JSON.stringify that writes a bigint as a number when safe (else as a string) and bytes as hex. */
function jsonText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return hex(v);
  return JSON.stringify(v, (_k, x: unknown) => {
    if (typeof x === 'bigint') return Number.isSafeInteger(Number(x)) ? Number(x) : x.toString();
    if (x instanceof Uint8Array) return hex(x);
    if (ArrayBuffer.isView(x)) return Array.from(x as unknown as ArrayLike<unknown>);
    return x;
  });
}

/**
 * Any other type (struct, list, map, union, binary, time, interval, duration) as text: JSON of each
 * value, bytes as hex. The slow path, with a JS object per value: such columns are rare in event data.
 */
const asText: Convert = (d) => {
  const vector = makeVector(d);
  const strings: (string | null)[] = new Array(d.length);
  for (let i = 0; i < d.length; i++) {
    const v: unknown = vector.get(i);
    strings[i] = v === null || v === undefined ? null : jsonText(v);
  }
  return utf8Data(strings, d.length);
};

/** What a column of an Arrow type becomes: its field type, how to convert it, and a note when lossy or surprising. */
export interface ColumnRule {
  type: FieldType;
  convert: Convert;
  zoned?: boolean;
  note?: string;
}

/** The rule for a column of Arrow type `type`. */
export function columnRule(type: DataType): ColumnRule {
  switch (type.typeId) {
    case Type.Int: {
      const t = type as unknown as { bitWidth: number; isSigned: boolean };
      if (t.bitWidth < 64) return { type: 'integer', convert: smallInt };
      return { type: 'integer', convert: t.isSigned ? int64 : uint64 };
    }
    case Type.Float: {
      const p = (type as unknown as { precision: number }).precision;
      return { type: 'float', convert: p === 0 ? float16 : p === 1 ? float32 : same };
    }
    case Type.Decimal:
      return { type: 'float', convert: decimal, note: `${String(type)} read as a float (about 15 significant digits)` };
    case Type.Bool:
      return { type: 'boolean', convert: same };
    case Type.Utf8:
      return { type: 'text', convert: same };
    case Type.LargeUtf8:
      return { type: 'text', convert: largeUtf8 };
    case Type.Dictionary: {
      const valueType = (type as Dictionary).dictionary;
      if (valueType.typeId === Type.Utf8 || valueType.typeId === Type.LargeUtf8) return { type: 'text', convert: dictionaryUtf8 };
      return { type: 'text', convert: asText, note: `${String(type)} read as text` };
    }
    case Type.Date:
      return { type: 'date', convert: (type as unknown as { unit: number }).unit === 0 ? same : date64 };
    case Type.Timestamp: {
      const t = type as Timestamp;
      const unit = (['SECOND', 'MILLISECOND', 'MICROSECOND', 'NANOSECOND'] as const)[t.unit]!;
      const zone = t.timezone;
      if (!zone) return { type: 'timestamp', convert: timestamp(unit) };
      return { type: 'timestamp', convert: timestamp(unit), zoned: true, note: `had time zone ${JSON.stringify(zone)}: converted to UTC` };
    }
    case Type.Null:
      return { type: 'text', convert: asText, note: 'holds only nulls: read as text' };
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary:
      return { type: 'text', convert: asText, note: `${String(type)} read as hex text` };
    default:
      return { type: 'text', convert: asText, note: `${String(type)} read as JSON text` };
  }
}
