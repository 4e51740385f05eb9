/**
 * A dataset's log as uniform Arrow record batches for export: `ts` (TimestampMillisecond without a
 * zone), then the schema's fields in order, in the log's types with text always plain Utf8 (a
 * segment holds Utf8 or a dictionary whose index width varies per segment; a file needs one
 * schema). There is no `seq` column: rows come in log order, so row n (1-based) is seq n.
 *
 * Read a page of segments at a time (EventLog.segmentPages), one batch per segment: memory holds a
 * page and one converted segment, whatever the log's size. Values stay in typed arrays throughout.
 * As everywhere in Arrow JS, a sliced Data's value and offset buffers start at the slice; its
 * `offset` applies to the validity bitmap only.
 */
import { Field, makeData, RecordBatch, Schema, Struct, tableFromIPC, TimestampMillisecond, Utf8, type Data } from 'apache-arrow';
import type { EventLog } from '../../log/EventLog';
import { rowsBetween } from '../../log/segmentCodec';
import type { DatasetSchema } from '../../protocol/schema';
import { arrowTypeOf } from '../files/normalizeArrow';
import { nullColumn } from '../import/importRows';

export interface LogBatchesOptions {
  /** The last seq to export: the high-water mark when the export started (later appends are left out). */
  uptoSeq: number;
  /** Events handed on so far, of `uptoSeq`; called after each batch has been taken. */
  onProgress?(rowsDone: number, rowsTotal: number): void;
  signal?: AbortSignal;
  maxBytesPerPage?: number;
}

/** The export's columns: `ts`, then the fields, all in the log's Arrow types. */
export function logExportSchema(schema: DatasetSchema): Schema {
  return new Schema([new Field('ts', new TimestampMillisecond(), false), ...schema.fields.map((f) => new Field(f.name, arrowTypeOf(f.type), true))]);
}

/** Event times (Float64 ms) as TimestampMillisecond; a fraction of a ms is dropped (floor). */
function tsColumn(d: Data): Data {
  const ms = d.values as Float64Array;
  const words = new Int32Array(d.length * 2);
  for (let i = 0; i < d.length; i++) {
    const v = Math.floor(ms[i]!);
    words[2 * i] = v >>> 0;
    words[2 * i + 1] = Math.floor(v / 0x1_0000_0000);
  }
  return makeData({ type: new TimestampMillisecond(), length: d.length, nullCount: 0, data: new BigInt64Array(words.buffer) });
}

/** The validity of `d` from bit 0 (a copy when `d` starts mid-byte); undefined without nulls. */
function validityOf(d: Data): Uint8Array | undefined {
  if (d.nullCount === 0 || !d.nullBitmap) return undefined;
  const out = new Uint8Array(Math.ceil(d.length / 8));
  const src = d.nullBitmap;
  for (let i = 0; i < d.length; i++) {
    const j = d.offset + i;
    if ((src[j >> 3]! >> (j & 7)) & 1) out[i >> 3]! |= 1 << (i & 7);
  }
  return out;
}

/** A dictionary's Utf8 values as one Data (a dictionary may come in several chunks). */
function flatUtf8(chunks: readonly Data[]): { offsets: Int32Array; bytes: Uint8Array } {
  if (chunks.length === 1) return { offsets: chunks[0]!.valueOffsets as Int32Array, bytes: chunks[0]!.values as Uint8Array };
  const count = chunks.reduce((n, c) => n + c.length, 0);
  const offsets = new Int32Array(count + 1);
  const parts: Uint8Array[] = [];
  let at = 0;
  let k = 0;
  for (const c of chunks) {
    const o = c.valueOffsets as Int32Array;
    parts.push((c.values as Uint8Array).subarray(o[0]!, o[c.length]!));
    for (let i = 0; i < c.length; i++) offsets[++k] = at += o[i + 1]! - o[i]!;
  }
  const bytes = new Uint8Array(at);
  let pos = 0;
  for (const p of parts) {
    bytes.set(p, pos);
    pos += p.length;
  }
  return { offsets, bytes };
}

/** A Dictionary<Utf8> column as plain Utf8, copying each value's bytes (no JS strings). */
export function plainUtf8(d: Data): Data {
  const { offsets: dictOffsets, bytes: dictBytes } = flatUtf8(d.dictionary!.data);
  const indices = d.values as Int8Array | Int16Array | Int32Array;
  const nullBitmap = validityOf(d);
  const valid = (i: number) => !nullBitmap || ((nullBitmap[i >> 3]! >> (i & 7)) & 1) === 1;
  const n = d.length;
  const offsets = new Int32Array(n + 1);
  let size = 0;
  for (let i = 0; i < n; i++) {
    if (valid(i)) {
      const k = indices[i]!;
      size += dictOffsets[k + 1]! - dictOffsets[k]!;
    }
    offsets[i + 1] = size;
  }
  const bytes = new Uint8Array(size);
  for (let i = 0; i < n; i++) {
    if (!valid(i)) continue;
    const k = indices[i]!;
    const a = dictOffsets[k]!;
    const b = dictOffsets[k + 1]!;
    // Most values are a few bytes: a loop beats a subarray object per value.
    if (b - a > 32) bytes.set(dictBytes.subarray(a, b), offsets[i]!);
    else for (let p = a, q = offsets[i]!; p < b; p++, q++) bytes[q] = dictBytes[p]!;
  }
  return makeData({ type: new Utf8(), length: n, nullCount: d.nullCount, nullBitmap, valueOffsets: offsets, data: bytes });
}

/** One segment batch's rows `from..to` (0-based, `to` exclusive) in the export schema. */
function exportBatch(target: Schema, schema: DatasetSchema, batch: RecordBatch, from: number, to: number): RecordBatch {
  const part = from === 0 && to === batch.numRows ? batch : batch.slice(from, to);
  const n = part.numRows;
  const children: Data[] = [tsColumn(part.getChild('ts')!.data[0]!)];
  for (const f of schema.fields) {
    const d = part.getChild(f.name)?.data[0];
    if (!d) children.push(nullColumn(f.type, n));
    else if (f.type === 'text' && d.dictionary) children.push(plainUtf8(d));
    else children.push(d);
  }
  return new RecordBatch(target, makeData({ type: new Struct(target.fields), length: n, nullCount: 0, children }));
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new DOMException('the export was cancelled', 'AbortError');
}

/**
 * The events with seqs `1..uptoSeq` of a dataset as record batches of logExportSchema(schema), one
 * per segment (a batch of 0 rows when there are none, so a writer still has the columns). Retention
 * may have removed some: each segment's own seqs say which it holds. Throws when the log ends before
 * `uptoSeq` (the dataset was deleted meanwhile).
 */
export async function* logBatches(log: EventLog, datasetId: string, schema: DatasetSchema, opts: LogBatchesOptions): AsyncGenerator<RecordBatch> {
  const { uptoSeq, signal } = opts;
  const target = logExportSchema(schema);
  let done = 0; // the last seq handed on (or skipped as removed)
  throwIfAborted(signal);
  for await (const page of log.segmentPages(datasetId, uptoSeq, opts.maxBytesPerPage)) {
    for (const seg of page) {
      throwIfAborted(signal);
      if (seg.lastSeq <= done) continue;
      for (const batch of tableFromIPC(seg.bytes).batches) {
        const sd = batch.getChild('seq')!.data[0]!;
        const seqs = (sd.values as BigInt64Array).subarray(sd.offset, sd.offset + sd.length);
        const part = { firstSeq: Number(seqs[0]), lastSeq: Number(seqs[seqs.length - 1]), count: batch.numRows };
        if (batch.numRows === 0 || part.lastSeq <= done) continue;
        const [from, to] = rowsBetween(part, (i) => Number(seqs[i]), done, uptoSeq);
        done = Math.min(part.lastSeq, uptoSeq);
        if (to <= from) continue;
        yield exportBatch(target, schema, batch, from, to);
        opts.onProgress?.(done, uptoSeq);
        throwIfAborted(signal);
      }
    }
  }
  // Retention may have removed the last seqs; a log that ends before `uptoSeq`, or no dataset, lost them.
  if (done < uptoSeq && ((await log.dataset(datasetId))?.highWater ?? 0) < uptoSeq) {
    throw new Error(`the dataset ${datasetId} lost events ${done + 1}..${uptoSeq} during the export (deleted meanwhile?)`);
  }
  if (uptoSeq === 0) {
    const children = [makeData({ type: new TimestampMillisecond(), length: 0, nullCount: 0, data: new BigInt64Array(0) }), ...schema.fields.map((f) => nullColumn(f.type, 0))];
    yield new RecordBatch(target, makeData({ type: new Struct(target.fields), length: 0, nullCount: 0, children }));
  }
}
