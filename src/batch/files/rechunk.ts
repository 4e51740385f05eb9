/**
 * Batches of about `chunkRows` rows from batches of any size: big ones are sliced (no copy), small
 * ones gathered and concatenated (one copy), so a stream written in 1,000-row batches does not
 * become 1,000-row appends. Works on normalized batches only: the log's six Arrow types.
 */
import { Bool, RecordBatch, Struct, Type, makeData, type Data, type Schema, type Utf8 } from 'apache-arrow';

const bit = (bytes: Uint8Array, i: number) => (bytes[i >> 3]! >> (i & 7)) & 1;

/** One Data of the log's types from several of the same type, rows in order. */
function concatData(chunks: readonly Data[]): Data {
  const type = chunks[0]!.type;
  const length = chunks.reduce((n, c) => n + c.length, 0);
  const nullCount = chunks.reduce((n, c) => n + c.nullCount, 0);
  let nullBitmap: Uint8Array | undefined;
  if (nullCount > 0) {
    nullBitmap = new Uint8Array((length + 7) >> 3);
    let row = 0;
    for (const c of chunks) {
      const b = c.nullBitmap;
      for (let i = 0; i < c.length; i++, row++) if (c.nullCount === 0 || !b || b.length === 0 || bit(b, c.offset + i)) nullBitmap[row >> 3]! |= 1 << (row & 7);
    }
  }
  if (type.typeId === Type.Utf8) {
    const valueOffsets = new Int32Array(length + 1);
    const data = new Uint8Array(chunks.reduce((n, c) => n + c.valueOffsets[c.length]! - c.valueOffsets[0]!, 0));
    let row = 0;
    let end = 0;
    for (const c of chunks) {
      const o = c.valueOffsets;
      data.set((c.values as Uint8Array).subarray(o[0], o[c.length]), end);
      for (let i = 0; i < c.length; i++) valueOffsets[++row] = end += o[i + 1]! - o[i]!;
    }
    return makeData({ type: type as Utf8, length, nullCount, nullBitmap, valueOffsets, data });
  }
  if (type.typeId === Type.Bool) {
    const data = new Uint8Array((length + 7) >> 3);
    let row = 0;
    for (const c of chunks) for (let i = 0; i < c.length; i++, row++) if (bit(c.values as Uint8Array, c.offset + i)) data[row >> 3]! |= 1 << (row & 7);
    return makeData({ type: new Bool(), length, nullCount, nullBitmap, data });
  }
  // Int64, Float64, DateDay, TimestampMillisecond: one value per row, sliced to each chunk's rows.
  type Values = Int32Array | Float64Array | BigInt64Array;
  const values = new ((chunks[0]!.values as Values).constructor as new (n: number) => Values)(length);
  let at = 0;
  for (const c of chunks) {
    values.set((c.values as Values).subarray(0, c.length) as never, at);
    at += c.length;
  }
  return makeData({ type, length, nullCount, nullBitmap, data: values } as Parameters<typeof makeData>[0]);
}

function concatBatches(schema: Schema, batches: readonly RecordBatch[]): RecordBatch {
  if (batches.length === 1) return batches[0]!;
  const children = schema.fields.map((_, k) => concatData(batches.map((b) => b.data.children[k]!)));
  const length = batches.reduce((n, b) => n + b.numRows, 0);
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length, nullCount: 0, children }));
}

/** Gathers normalized batches into batches of at most `chunkRows` rows (only the last may be small). */
export class Rechunker {
  private pending: RecordBatch[] = [];
  private pendingRows = 0;

  constructor(
    private readonly schema: Schema,
    private readonly chunkRows: number,
  ) {}

  /** The batches complete after adding `batch`. */
  push(batch: RecordBatch): RecordBatch[] {
    const out: RecordBatch[] = [];
    for (let from = 0; from < batch.numRows; ) {
      const take = Math.min(this.chunkRows - this.pendingRows, batch.numRows - from);
      this.pending.push(from === 0 && take === batch.numRows ? batch : batch.slice(from, from + take));
      this.pendingRows += take;
      from += take;
      if (this.pendingRows === this.chunkRows) out.push(this.take());
    }
    return out;
  }

  /** What is left, as one batch, or null. */
  flush(): RecordBatch | null {
    return this.pendingRows > 0 ? this.take() : null;
  }

  private take(): RecordBatch {
    const b = concatBatches(this.schema, this.pending);
    this.pending = [];
    this.pendingRows = 0;
    return b;
  }
}
