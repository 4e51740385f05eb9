/**
 * Log segments as Arrow IPC stream bytes: `seq` (Int64), `ts` (Float64, ms), then the schema's fields
 * as integer Int64, float Float64, boolean Bool, text Utf8 or Dictionary<Utf8>, date DateDay and
 * timestamp TimestampMillisecond without a zone (a zoned type would make DuckDB fetch ICU).
 * Strings are dictionary-encoded: building an Arrow Utf8 column from 1M JS strings takes ~3 s here,
 * a dictionary ~2 ms (../shared/NOTES.md), and DuckDB ingests it as VARCHAR all the same.
 */
import {
  Bool,
  DateDay,
  Dictionary,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  Table,
  TimestampMillisecond,
  Utf8,
  makeData,
  makeVector,
  tableFromIPC,
  tableToIPC,
  vectorFromArray,
  type Data,
  type DataType,
  type Vector,
} from 'apache-arrow';
import { StringDictionary } from '../protocol/dictionary';
import { columnOf, newColumns, type Column, type ColumnBatch, type DatasetSchema, type FieldType, type FieldValue } from '../protocol/schema';

/** Arrow's validity bitmap for `col`, built only when it holds nulls (rare: most columns are dense). */
function validityBitmap(col: readonly unknown[], nullCount: number): Uint8Array | undefined {
  if (nullCount === 0) return undefined;
  const bitmap = new Uint8Array(Math.ceil(col.length / 8));
  for (let i = 0; i < col.length; i++) {
    if (col[i] !== null && col[i] !== undefined) bitmap[i >> 3]! |= 1 << (i & 7);
  }
  return bitmap;
}

function numberVector(col: readonly (number | null)[]): Vector {
  const values = new Float64Array(col.length);
  let nullCount = 0;
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    if (v === null || v === undefined) nullCount++;
    else values[i] = v;
  }
  const nullBitmap = validityBitmap(col, nullCount);
  return makeVector(makeData({ type: new Float64(), length: col.length, nullCount, nullBitmap, data: values }));
}

/** The narrowest index type for a dictionary of `size` entries: an event's country costs 1 byte, not 4, in the log. */
function narrowIndices(indices: Int32Array, size: number): { type: Int8 | Int16 | Int32; data: Int8Array | Int16Array | Int32Array } {
  if (size <= 0x7f) return { type: new Int8(), data: Int8Array.from(indices) };
  if (size <= 0x7fff) return { type: new Int16(), data: Int16Array.from(indices) };
  return { type: new Int32(), data: indices };
}

function stringVector(col: readonly (string | null)[], dictionaryId: number): Vector {
  const dictionary = new StringDictionary();
  const indices = new Int32Array(col.length);
  let nullCount = 0;
  for (let i = 0; i < col.length; i++) {
    const s = col[i];
    if (s === null || s === undefined) nullCount++;
    else indices[i] = dictionary.indexOf(s);
  }
  const narrow = narrowIndices(indices, dictionary.values.length);
  const type = new Dictionary(new Utf8(), narrow.type, dictionaryId);
  return makeVector(
    makeData({
      type,
      length: col.length,
      nullCount,
      nullBitmap: validityBitmap(col, nullCount),
      data: narrow.data,
      dictionary: vectorFromArray(dictionary.values, new Utf8()),
    }),
  );
}

/**
 * Whole numbers within ±2^53 as Int64, written as two 32-bit words each: BigInt() per value costs
 * more than the rest of a column. `>>> 0` keeps the low word of the two's complement; storing
 * floor(v / 2^32) into a Uint32 keeps its high word, negative numbers included.
 */
function int64Words(count: number, valueAt: (i: number) => number): BigInt64Array {
  const words = new Uint32Array(count * 2);
  for (let i = 0; i < count; i++) {
    const v = valueAt(i);
    words[2 * i] = v >>> 0; // little-endian, as every browser engine is
    words[2 * i + 1] = Math.floor(v / 0x1_0000_0000);
  }
  return new BigInt64Array(words.buffer);
}

function nullsIn(col: readonly unknown[]): number {
  let n = 0;
  for (let i = 0; i < col.length; i++) if (col[i] === null || col[i] === undefined) n++;
  return n;
}

function fixedVector(type: DataType, col: readonly unknown[], data: ArrayBufferView): Vector {
  const nullCount = nullsIn(col);
  return makeVector(makeData({ type, length: col.length, nullCount, nullBitmap: validityBitmap(col, nullCount), data } as never));
}

function boolVector(col: readonly (boolean | null)[]): Vector {
  const bits = new Uint8Array(Math.ceil(col.length / 8));
  for (let i = 0; i < col.length; i++) if (col[i] === true) bits[i >> 3]! |= 1 << (i & 7);
  return fixedVector(new Bool(), col, bits);
}

/** The Arrow vector of one field's column, in the type the log stores for the field's type. */
function fieldVector(type: FieldType, col: Column, dictionaryId: number): Vector {
  switch (type) {
    case 'float':
      return numberVector(col as (number | null)[]);
    case 'integer':
      return fixedVector(
        new Int64(),
        col,
        int64Words(col.length, (i) => (col[i] as number | null) ?? 0),
      );
    case 'timestamp':
      return fixedVector(
        new TimestampMillisecond(),
        col,
        int64Words(col.length, (i) => (col[i] as number | null) ?? 0),
      );
    case 'date':
      return fixedVector(
        new DateDay(),
        col,
        Int32Array.from(col as (number | null)[], (v) => v ?? 0),
      );
    case 'boolean':
      return boolVector(col as (boolean | null)[]);
    case 'text':
      return stringVector(col as (string | null)[], dictionaryId);
  }
}

/** Encodes events `firstSeq..firstSeq+count-1` of one schema as Arrow IPC stream bytes. */
/**
 * `seqs` is the first seq of a dense run, or each event's seq: after a retention run by event time
 * a segment may hold seqs with holes (seqs are never reused, so they stay what they were).
 */
export function encodeSegment(schema: DatasetSchema, batch: ColumnBatch, seqs: number | readonly number[]): Uint8Array {
  // No prototype: a field named `__proto__` would otherwise set it and vanish from the table.
  const vectors = Object.create(null) as Record<string, Vector>;
  const seqData = typeof seqs === 'number' ? seqColumn(seqs, batch.count) : int64Words(batch.count, (i) => seqs[i]!);
  vectors.seq = makeVector(makeData({ type: new Int64(), length: batch.count, nullCount: 0, data: seqData }));
  vectors.ts = makeVector(makeData({ type: new Float64(), length: batch.count, nullCount: 0, data: new Float64Array(batch.ts) }));
  schema.fields.forEach((f, i) => {
    vectors[f.name] = fieldVector(f.type, columnOf(batch, f.name) ?? new Array(batch.count).fill(null), i);
  });
  return tableToIPC(new Table(vectors), 'stream');
}

/** A segment whose seqs are `firstSeq..lastSeq` without a hole: positions follow from seqs by arithmetic. */
export function isDense(seg: { firstSeq: number; lastSeq: number; count: number }): boolean {
  return seg.count === seg.lastSeq - seg.firstSeq + 1;
}

/**
 * The rows `[from, to)` of a segment whose seqs are in `(afterSeq, uptoSeq]`. `seqAt` reads a row's
 * seq; it is called only for a segment with holes (binary search), never for a dense one.
 */
export function rowsBetween(seg: { firstSeq: number; lastSeq: number; count: number }, seqAt: (row: number) => number, afterSeq: number, uptoSeq: number): [number, number] {
  if (isDense(seg)) {
    const from = Math.min(seg.count, Math.max(0, afterSeq + 1 - seg.firstSeq));
    return [from, Math.max(from, Math.min(seg.count, uptoSeq - seg.firstSeq + 1))];
  }
  const firstAbove = (seq: number): number => {
    let lo = 0;
    let hi = seg.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (seqAt(mid) > seq) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const from = firstAbove(afterSeq);
  return [from, Math.max(from, firstAbove(uptoSeq))];
}

/** The seqs `firstSeq..firstSeq+count-1` as Int64. */
export function seqColumn(firstSeq: number, count: number): BigInt64Array {
  return int64Words(count, (i) => firstSeq + i);
}

const utf8 = new TextDecoder();

/**
 * One chunk's values as JS values, reading buffers directly (get(i) per value is ~10x slower).
 * Text comes as a dictionary (what the stream path writes) or plain Utf8 (what file imports write).
 */
function readChunk(d: Data, type: FieldType, out: FieldValue[], at: number): void {
  const valid = (i: number) => d.nullCount === 0 || (d.nullBitmap !== undefined && ((d.nullBitmap[(d.offset + i) >> 3]! >> ((d.offset + i) & 7)) & 1) === 1);
  const n = d.length;
  const o = d.offset;
  switch (type) {
    case 'float':
    case 'date': {
      const values = d.values as Float64Array | Int32Array;
      for (let i = 0; i < n; i++) out[at + i] = valid(i) ? values[o + i]! : null;
      return;
    }
    case 'integer':
    case 'timestamp': {
      const v = d.values as BigInt64Array;
      const words = new Int32Array(v.buffer, v.byteOffset, v.length * 2);
      for (let i = 0; i < n; i++) out[at + i] = valid(i) ? words[2 * (o + i) + 1]! * 0x1_0000_0000 + (words[2 * (o + i)]! >>> 0) : null;
      return;
    }
    case 'boolean': {
      const bits = d.values as Uint8Array;
      for (let i = 0; i < n; i++) out[at + i] = valid(i) ? ((bits[(o + i) >> 3]! >> ((o + i) & 7)) & 1) === 1 : null;
      return;
    }
    case 'text': {
      if (d.dictionary) {
        const indices = d.values as Int8Array | Int16Array | Int32Array;
        const dict = Array.from(d.dictionary) as (string | null)[];
        for (let i = 0; i < n; i++) out[at + i] = valid(i) ? (dict[indices[o + i]!] ?? null) : null;
        return;
      }
      const offsets = d.valueOffsets as Int32Array;
      const bytes = d.values as Uint8Array;
      for (let i = 0; i < n; i++) out[at + i] = valid(i) ? utf8.decode(bytes.subarray(offsets[o + i]!, offsets[o + i + 1]!)) : null;
      return;
    }
  }
}

/** A column of the log's Arrow types as JS values (the forms of fieldRules.ts VALUE_FORM). */
export function readColumn(chunks: readonly Data[], type: FieldType, length: number): Column {
  const out: FieldValue[] = new Array<FieldValue>(length);
  let at = 0;
  for (const d of chunks) {
    readChunk(d, type, out, at);
    at += d.length;
  }
  // A segment written before its dataset's schema widened has no such column: its events read NULL.
  if (at < length) out.fill(null, at);
  return out as Column;
}

/** Decodes a segment back into a batch plus its seqs (for compaction, speed rebuilds and tests; the batch layer reads the bytes directly). */
export function decodeSegment(schema: DatasetSchema, bytes: Uint8Array, only?: ReadonlySet<string>): { seq: number[]; batch: ColumnBatch } {
  const table = tableFromIPC(bytes);
  const seq = Array.from(table.getChild('seq')?.toArray() as BigInt64Array, (v) => Number(v));
  const ts = Array.from(table.getChild('ts')?.toArray() as Float64Array);
  const columns = newColumns();
  // `only`: the fields a caller reads (the speed layer, its views' fields): text costs a string per value.
  for (const f of schema.fields) if (!only || only.has(f.name)) columns[f.name] = readColumn(table.getChild(f.name)?.data ?? [], f.type, table.numRows);
  return { seq, batch: { count: table.numRows, ts, columns } };
}

/**
 * Encodes a file's rows, already in the log's Arrow types (one Data per field, in schema order), as
 * a segment `firstSeq..`: the columns go in as they are, without a pass over their values.
 */
export function encodeArrowSegment(schema: DatasetSchema, columns: readonly Data[], ts: Float64Array, firstSeq: number): Uint8Array {
  const count = ts.length;
  const vectors = Object.create(null) as Record<string, Vector>;
  vectors.seq = makeVector(makeData({ type: new Int64(), length: count, nullCount: 0, data: seqColumn(firstSeq, count) }));
  vectors.ts = makeVector(makeData({ type: new Float64(), length: count, nullCount: 0, data: ts }));
  schema.fields.forEach((f, i) => {
    const d = columns[i];
    if (!d || d.length !== count) throw new Error(`column ${JSON.stringify(f.name)} must hold ${count} values`);
    vectors[f.name] = makeVector(d);
  });
  return tableToIPC(new Table(vectors), 'stream');
}
