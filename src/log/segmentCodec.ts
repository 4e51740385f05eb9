/**
 * Log segments as Arrow IPC stream bytes: `seq` (Int64), `ts` (Float64, ms), then the schema's fields.
 * Strings are dictionary-encoded: building an Arrow Utf8 column from 1M JS strings takes ~3 s here,
 * a dictionary ~2 ms (../shared/NOTES.md), and DuckDB ingests it as VARCHAR all the same.
 */
import {
  Dictionary,
  Float64,
  Int32,
  Int64,
  Table,
  Utf8,
  makeData,
  makeVector,
  tableFromIPC,
  tableToIPC,
  vectorFromArray,
  type Data,
  type Vector,
} from 'apache-arrow';
import type { Column, ColumnBatch, DatasetSchema } from '../protocol/schema';

function validityBitmap(col: readonly unknown[]): { bitmap: Uint8Array | undefined; nullCount: number } {
  let nullCount = 0;
  for (const x of col) if (x === null || x === undefined) nullCount++;
  if (nullCount === 0) return { bitmap: undefined, nullCount };
  const bitmap = new Uint8Array(Math.ceil(col.length / 8));
  for (let i = 0; i < col.length; i++) {
    if (col[i] !== null && col[i] !== undefined) bitmap[i >> 3]! |= 1 << (i & 7);
  }
  return { bitmap, nullCount };
}

function numberVector(col: readonly (number | null)[]): Vector {
  const { bitmap, nullCount } = validityBitmap(col);
  const values = new Float64Array(col.length);
  for (let i = 0; i < col.length; i++) values[i] = col[i] ?? 0;
  return makeVector(makeData({ type: new Float64(), length: col.length, nullCount, nullBitmap: bitmap, data: values }));
}

function stringVector(col: readonly (string | null)[], dictionaryId: number): Vector {
  const { bitmap, nullCount } = validityBitmap(col);
  const indexOf = new Map<string, number>();
  const dictionary: string[] = [];
  const indices = new Int32Array(col.length);
  for (let i = 0; i < col.length; i++) {
    const s = col[i];
    if (s === null || s === undefined) continue;
    let k = indexOf.get(s);
    if (k === undefined) {
      k = dictionary.length;
      indexOf.set(s, k);
      dictionary.push(s);
    }
    indices[i] = k;
  }
  const type = new Dictionary(new Utf8(), new Int32(), dictionaryId);
  return makeVector(
    makeData({ type, length: col.length, nullCount, nullBitmap: bitmap, data: indices, dictionary: vectorFromArray(dictionary, new Utf8()) }),
  );
}

/** Encodes events `firstSeq..firstSeq+count-1` of one schema as Arrow IPC stream bytes. */
export function encodeSegment(schema: DatasetSchema, batch: ColumnBatch, firstSeq: number): Uint8Array {
  const seq = new BigInt64Array(batch.count);
  for (let i = 0; i < batch.count; i++) seq[i] = BigInt(firstSeq + i);
  const vectors: Record<string, Vector> = {
    seq: makeVector(makeData({ type: new Int64(), length: batch.count, nullCount: 0, data: seq })),
    ts: makeVector(makeData({ type: new Float64(), length: batch.count, nullCount: 0, data: Float64Array.from(batch.ts) })),
  };
  schema.fields.forEach((f, i) => {
    const col = batch.columns[f.name] ?? [];
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
      const indices = d.values as Int32Array;
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
  const columns: Record<string, Column> = {};
  for (const f of schema.fields) columns[f.name] = readColumn(table.getChild(f.name)?.data ?? [], f.type, table.numRows);
  return { seq, batch: { count: table.numRows, ts, columns } };
}
