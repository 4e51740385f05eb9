/**
 * A dataset's events as the columns of its backup Parquet parts, and back. `ts` goes out as a
 * TIMESTAMP in ms, which any Parquet reader shows as a time, with what lies below the ms (a stream
 * may send fractional ms) in `ts_sub_ms`; `floor + rest` is exactly the log's Float64 again. Fields
 * keep the log's Arrow types (text as plain Utf8); NULLs are Arrow's validity, kept by Parquet.
 * Booleans go out as INT8 (1, 0, NULL): Arrow JS writes an all-NULL boolean column with an empty
 * values buffer, which parquet-wasm refuses (a part whose first rows hold no boolean would fail).
 * Restore reads columns by position, so a field named like the extra column cannot be confused.
 * (A sliced Arrow Data's value buffers start at the slice; its `offset` is for the validity bitmap.)
 */
import { Bool, Field, Float64, Int8, makeData, RecordBatch, Schema, Struct, tableFromIPC, TimestampMillisecond, type Data } from 'apache-arrow';
import type { EventLog } from '../../log/EventLog';
import type { DatasetSchema } from '../../protocol/schema';
import { columnRule } from '../files/convertColumn';
import { TWO_32 } from '../files/int64';
import { arrowTypeOf } from '../files/normalizeArrow';
import { plainUtf8 } from '../export/logBatches';
import { nullColumn } from '../import/importRows';
import { SUB_MS_COLUMN } from './backupManifest';

/** `ts_sub_ms`, or with `_` added until no field has the name (Parquet writers refuse a repeated column name). */
function subMsName(schema: DatasetSchema): string {
  const taken = new Set(schema.fields.map((f) => f.name.toLowerCase()));
  let name = SUB_MS_COLUMN;
  while (taken.has(name)) name += '_';
  return name;
}

export function backupSchema(schema: DatasetSchema): Schema {
  return new Schema([
    new Field('ts', new TimestampMillisecond(), false),
    ...schema.fields.map((f) => new Field(f.name, f.type === 'boolean' ? new Int8() : arrowTypeOf(f.type), true)),
    new Field(subMsName(schema), new Float64(), false),
  ]);
}

export const backupColumnNames = (schema: DatasetSchema): string[] => ['ts', ...schema.fields.map((f) => f.name), subMsName(schema)];

/** The log's Float64 event times as whole ms (Int64) and the rest below a ms. */
function splitTimes(d: Data): [Data, Data] {
  const ms = d.values as Float64Array;
  const n = d.length;
  const words = new Int32Array(n * 2);
  const rest = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = ms[i]!;
    const whole = Math.floor(t);
    words[2 * i] = whole >>> 0;
    words[2 * i + 1] = Math.floor(whole / TWO_32);
    rest[i] = t - whole;
  }
  return [makeData({ type: new TimestampMillisecond(), length: n, nullCount: 0, data: new BigInt64Array(words.buffer) }), makeData({ type: new Float64(), length: n, nullCount: 0, data: rest })];
}

/** Validity as a bitmap from bit 0 (a copy when `d` starts mid-byte); undefined without nulls. */
function validityFrom0(d: Data): Uint8Array | undefined {
  if (d.nullCount === 0 || !d.nullBitmap) return undefined;
  const out = new Uint8Array(Math.ceil(d.length / 8));
  for (let i = 0; i < d.length; i++) {
    const j = d.offset + i;
    if ((d.nullBitmap[j >> 3]! >> (j & 7)) & 1) out[i >> 3]! |= 1 << (i & 7);
  }
  return out;
}

function boolToInt8(d: Data): Data {
  const bits = d.values as Uint8Array;
  const out = new Int8Array(d.length);
  for (let i = 0; i < d.length; i++) out[i] = (bits[(d.offset + i) >> 3]! >> ((d.offset + i) & 7)) & 1;
  return makeData({ type: new Int8(), length: d.length, nullCount: d.nullCount, nullBitmap: validityFrom0(d), data: out });
}

function int8ToBool(d: Data): Data {
  const values = d.values as Int8Array;
  const bits = new Uint8Array(Math.ceil(d.length / 8));
  for (let i = 0; i < d.length; i++) if (values[i]) bits[i >> 3]! |= 1 << (i & 7);
  return makeData({ type: new Bool(), length: d.length, nullCount: d.nullCount, nullBitmap: validityFrom0(d), data: bits });
}

function backupBatch(target: Schema, schema: DatasetSchema, part: RecordBatch): RecordBatch {
  const n = part.numRows;
  const [ts, rest] = splitTimes(part.getChild('ts')!.data[0]!);
  const children: Data[] = [ts];
  for (const f of schema.fields) {
    const d = part.getChild(f.name)?.data[0];
    if (!d) children.push(nullColumn(f.type, n));
    else if (f.type === 'text' && d.dictionary) children.push(plainUtf8(d));
    else if (f.type === 'boolean') children.push(boolToInt8(d));
    else children.push(d);
  }
  children.push(rest);
  return new RecordBatch(target, makeData({ type: new Struct(target.fields), length: n, nullCount: 0, children }));
}

/**
 * The events at or below `uptoSeq` as backup batches, one per segment, read a page of segments at a
 * time, in log order. A retention policy may have left holes at the start; they are skipped, and
 * the events are counted, not inferred from seqs. `onRows` hears of each batch's rows.
 */
export async function* backupBatches(log: EventLog, datasetId: string, schema: DatasetSchema, uptoSeq: number, onRows: (n: number) => void, signal?: AbortSignal): AsyncGenerator<RecordBatch> {
  const target = backupSchema(schema);
  let next = 1; // the lowest seq not handed on yet
  for await (const page of log.segmentPages(datasetId, uptoSeq)) {
    for (const seg of page) {
      if (seg.lastSeq < next) continue;
      let firstSeq = seg.firstSeq;
      for (const batch of tableFromIPC(seg.bytes).batches) {
        signal?.throwIfAborted();
        const from = Math.max(0, next - firstSeq);
        const to = Math.min(batch.numRows, uptoSeq - firstSeq + 1);
        const start = firstSeq;
        firstSeq += batch.numRows;
        if (to <= from) continue;
        yield backupBatch(target, schema, from === 0 && to === batch.numRows ? batch : batch.slice(from, to));
        next = start + to;
        onRows(to - from);
      }
    }
  }
}

/** A batch of 0 rows with the backup's columns: an empty dataset's part still has them. */
export function emptyBackupBatch(schema: DatasetSchema): RecordBatch {
  const target = backupSchema(schema);
  const [ts, rest] = splitTimes(makeData({ type: new Float64(), length: 0, nullCount: 0, data: new Float64Array(0) }));
  const children = [ts, ...schema.fields.map((f) => (f.type === 'boolean' ? boolToInt8(nullColumn(f.type, 0)) : nullColumn(f.type, 0))), rest];
  return new RecordBatch(target, makeData({ type: new Struct(target.fields), length: 0, nullCount: 0, children }));
}

export interface RestoredRows {
  ts: Float64Array;
  /** One Data per field, in schema order, in the log's Arrow types. */
  columns: Data[];
  minTs: number;
  maxTs: number;
}

/** A part's batch (as a Parquet reader gives it back) in the log's types; throws what does not fit the schema. */
export function restoredRows(schema: DatasetSchema, batch: RecordBatch, where: string): RestoredRows {
  const width = schema.fields.length + 2;
  if (batch.numCols !== width) throw new Error(`${where} has ${batch.numCols} columns, not the ${width} its schema makes`);
  const at = (column: string) => ({ fileName: where, column, firstRow: 0 });
  const column = (i: number, type: 'timestamp' | 'float' | DatasetSchema['fields'][number]['type'], name: string): Data => {
    const d = batch.data.children[i]!;
    const rule = columnRule(d.type);
    if (rule.type !== type) throw new Error(`${where}: column ${JSON.stringify(name)} holds ${String(d.type)}, not ${type}`);
    return rule.convert(d, at(name));
  };
  const whole = column(0, 'timestamp', 'ts');
  const rest = column(width - 1, 'float', SUB_MS_COLUMN);
  const words = new Int32Array((whole.values as BigInt64Array).buffer, (whole.values as BigInt64Array).byteOffset, whole.length * 2);
  const restValues = rest.values as Float64Array;
  const n = batch.numRows;
  const ts = new Float64Array(n);
  let minTs = Number.POSITIVE_INFINITY;
  let maxTs = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const t = words[2 * i + 1]! * TWO_32 + (words[2 * i]! >>> 0) + restValues[i]!;
    ts[i] = t;
    if (t < minTs) minTs = t;
    if (t > maxTs) maxTs = t;
  }
  const columns = schema.fields.map((f, k) => {
    if (f.type !== 'boolean') return column(k + 1, f.type, f.name);
    const d = batch.data.children[k + 1]!;
    if (d.type.typeId !== new Int8().typeId || !(d.values instanceof Int8Array)) throw new Error(`${where}: column ${JSON.stringify(f.name)} holds ${String(d.type)}, not INT8 booleans`);
    return int8ToBool(d);
  });
  return { ts, columns, minTs, maxTs };
}
