/**
 * Log segments as Arrow IPC stream bytes: `seq` (Int64), `ts` (Float64, ms), then the schema's fields.
 * Strings are dictionary-encoded: building an Arrow Utf8 column from 1M JS strings takes ~3 s here,
 * a dictionary ~2 ms (../shared/NOTES.md), and DuckDB ingests it as VARCHAR all the same.
 */
import { Dictionary, Float64, Int16, Int32, Int64, Int8, Table, Utf8, makeData, makeVector, tableFromIPC, tableToIPC, vectorFromArray, type Data, type Vector } from 'apache-arrow';
import { StringDictionary } from '../protocol/dictionary';
import { columnOf, newColumns, type Column, type ColumnBatch, type DatasetSchema } from '../protocol/schema';

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

/** Int64 seqs written as two 32-bit words each: BigInt() per value costs more than the rest of a column. */
function seqColumn(firstSeq: number, count: number): BigInt64Array {
  const words = new Uint32Array(count * 2);
  for (let i = 0; i < count; i++) {
    const v = firstSeq + i;
    words[2 * i] = v >>> 0; // little-endian, as every browser engine is
    words[2 * i + 1] = Math.floor(v / 0x1_0000_0000);
  }
  return new BigInt64Array(words.buffer);
}

/** Encodes events `firstSeq..firstSeq+count-1` of one schema as Arrow IPC stream bytes. */
export function encodeSegment(schema: DatasetSchema, batch: ColumnBatch, firstSeq: number): Uint8Array {
  const seq = seqColumn(firstSeq, batch.count);
  // No prototype: a field named `__proto__` would otherwise set it and vanish from the table.
  const vectors = Object.create(null) as Record<string, Vector>;
  vectors.seq = makeVector(makeData({ type: new Int64(), length: batch.count, nullCount: 0, data: seq }));
  vectors.ts = makeVector(makeData({ type: new Float64(), length: batch.count, nullCount: 0, data: new Float64Array(batch.ts) }));
  schema.fields.forEach((f, i) => {
    const col = columnOf(batch, f.name) ?? [];
    vectors[f.name] = f.type === 'number' ? numberVector(col as (number | null)[]) : stringVector(col as (string | null)[], i);
  });
  return tableToIPC(new Table(vectors), 'stream');
}

/** A column's values from its Arrow data chunks, reading buffers directly (get(i) per value is ~10x slower). */
function readColumn(chunks: readonly Data[], type: 'number' | 'string', length: number): Column {
  const out: (number | string | null)[] = new Array<number | string | null>(length);
  let at = 0;
  for (const d of chunks) {
    const valid = (i: number) => d.nullCount === 0 || (d.nullBitmap !== undefined && ((d.nullBitmap[(d.offset + i) >> 3]! >> ((d.offset + i) & 7)) & 1) === 1);
    if (type === 'number') {
      const values = d.values as Float64Array;
      for (let i = 0; i < d.length; i++) out[at + i] = valid(i) ? values[d.offset + i]! : null;
    } else {
      const indices = d.values as Int8Array | Int16Array | Int32Array;
      const dict = d.dictionary ? (Array.from(d.dictionary) as (string | null)[]) : [];
      for (let i = 0; i < d.length; i++) out[at + i] = valid(i) ? (dict[indices[d.offset + i]!] ?? null) : null;
    }
    at += d.length;
  }
  return out as Column;
}

/** Decodes a segment back into a batch plus its seqs (for compaction, speed rebuilds and tests; the batch layer reads the bytes directly). */
export function decodeSegment(schema: DatasetSchema, bytes: Uint8Array): { seq: number[]; batch: ColumnBatch } {
  const table = tableFromIPC(bytes);
  const seq = Array.from(table.getChild('seq')?.toArray() as BigInt64Array, (v) => Number(v));
  const ts = Array.from(table.getChild('ts')?.toArray() as Float64Array);
  const columns = newColumns();
  for (const f of schema.fields) columns[f.name] = readColumn(table.getChild(f.name)?.data ?? [], f.type, table.numRows);
  return { seq, batch: { count: table.numRows, ts, columns } };
}
