/**
 * JSON records into columns: a first pass infers each key's type over every value (JsonColumnStats),
 * a second fills typed arrays (JsonBatchBuilder). Only the record being read is a JS object; the
 * batches hold typed arrays (and, for text, the strings until the batch is encoded).
 */
import { Bool, DateDay, Float64, Int64, RecordBatch, Struct, TimestampMillisecond, makeData, type Data, type Schema } from 'apache-arrow';
import { setWords } from './int64';
import { parseIsoDate, readIsoDateTime, stringKind, type IsoDateTime } from './isoTime';
import type { FieldType } from './types';
import { utf8Data } from './utf8Column';

/** What one key's values were, counted over the whole file. */
export class JsonColumnStats {
  nonNull = 0;
  numbers = 0;
  /** Numbers that are not integers within ±(2^53-1), and of those the whole ones (beyond that range). */
  fractional = 0;
  bigWhole = 0;
  booleans = 0;
  strings = 0;
  nested = 0;
  /** Strings by kind: dates, date-times without offset, date-times with. */
  dates = 0;
  naive = 0;
  zoned = 0;

  add(v: unknown): void {
    if (v === null || v === undefined) return;
    this.nonNull++;
    switch (typeof v) {
      case 'number':
        this.numbers++;
        if (!Number.isSafeInteger(v)) {
          this.fractional++;
          if (Number.isInteger(v)) this.bigWhole++;
        }
        return;
      case 'boolean':
        this.booleans++;
        return;
      case 'string': {
        this.strings++;
        const kind = stringKind(v);
        if (kind === 1) this.dates++;
        else if (kind === 2) this.naive++;
        else if (kind === 3) this.zoned++;
        return;
      }
      default:
        this.nested++;
    }
  }

  /** The column's type: one kind of value throughout, else text. */
  resolve(): { type: FieldType; zoned?: boolean; note?: string } {
    const n = this.nonNull;
    if (n === 0) return { type: 'text', note: 'holds only nulls: read as text' };
    if (this.numbers === n) {
      if (this.fractional === 0) return { type: 'integer' };
      // JSON.parse has already rounded such numbers (ids, say): a note, since nothing can undo it.
      if (this.bigWhole === this.fractional) return { type: 'float', note: 'whole numbers beyond ±(2^53-1): read as floats, not exactly' };
      return { type: 'float' };
    }
    if (this.booleans === n) return { type: 'boolean' };
    if (this.strings === n) {
      if (this.dates === n) return { type: 'date' };
      if (this.zoned === n) return { type: 'timestamp', zoned: true, note: 'date-times with offsets converted to UTC' };
      if (this.naive > 0 && this.naive + this.dates === n) return { type: 'timestamp' };
      return { type: 'text' };
    }
    if (this.nested > 0) return { type: 'text', note: 'objects and arrays read as their JSON text' };
    return { type: 'text', note: 'mixed kinds of values read as text' };
  }
}

/** One column's arrays for a batch being filled. */
interface ColumnBuffers {
  valid: Uint8Array;
  /** integer and timestamp: Int64 words; float: Float64; date: days; boolean: bits; text: strings. */
  values: Int32Array | Float64Array | Uint8Array | (string | null)[];
}

/** Thrown when a value does not fit the type the first pass chose; the reader turns it into a FileProblem. */
export class ValueMismatch extends Error {}

const DAY_MS = 86_400_000;

/** Fills batches of `capacity` rows from JSON records, one column per field, typed as inferred. */
export class JsonBatchBuilder {
  private cols: ColumnBuffers[] = [];
  private readonly scratch: IsoDateTime = { ms: 0, zoned: false };
  rows = 0;

  constructor(
    private readonly schema: Schema,
    private readonly types: readonly FieldType[],
    readonly capacity: number,
  ) {
    this.reset();
  }

  private reset(): void {
    const n = this.capacity;
    this.cols = this.types.map((t) => ({
      valid: new Uint8Array((n + 7) >> 3),
      values:
        t === 'integer' || t === 'timestamp'
          ? new Int32Array(2 * n)
          : t === 'float'
            ? new Float64Array(n)
            : t === 'date'
              ? new Int32Array(n)
              : t === 'boolean'
                ? new Uint8Array((n + 7) >> 3)
                : new Array<string | null>(n).fill(null),
    }));
    this.rows = 0;
  }

  /** Sets column `c` of the current row from a JSON value (null leaves it null). */
  set(c: number, v: unknown): void {
    if (v === null || v === undefined) return;
    const col = this.cols[c]!;
    const i = this.rows;
    switch (this.types[c]) {
      case 'integer':
        if (!Number.isSafeInteger(v)) throw new ValueMismatch();
        setWords(col.values as Int32Array, i, v as number);
        break;
      case 'float':
        if (typeof v !== 'number') throw new ValueMismatch();
        (col.values as Float64Array)[i] = v;
        break;
      case 'boolean':
        if (typeof v !== 'boolean') throw new ValueMismatch();
        if (v) (col.values as Uint8Array)[i >> 3]! |= 1 << (i & 7);
        break;
      case 'text':
        (col.values as (string | null)[])[i] = typeof v === 'string' ? v : JSON.stringify(v);
        break;
      case 'date': {
        const days = typeof v === 'string' ? parseIsoDate(v) : Number.NaN;
        if (Number.isNaN(days)) throw new ValueMismatch();
        (col.values as Int32Array)[i] = days;
        break;
      }
      case 'timestamp': {
        const s = typeof v === 'string' ? v : '';
        const ms = s.length === 10 ? parseIsoDate(s) * DAY_MS : readIsoDateTime(s, this.scratch) ? this.scratch.ms : Number.NaN;
        if (!Number.isSafeInteger(ms)) throw new ValueMismatch();
        setWords(col.values as Int32Array, i, ms);
        break;
      }
    }
    col.valid[i >> 3]! |= 1 << (i & 7);
  }

  /** Ends the current row; true when the batch is full. */
  endRow(): boolean {
    return ++this.rows === this.capacity;
  }

  /** The rows so far as a batch (or null if none), and a fresh start. */
  finish(): RecordBatch | null {
    const length = this.rows;
    if (length === 0) return null;
    const children: Data[] = this.cols.map((col, c) => {
      let valid = 0;
      for (let i = 0; i < length; i++) valid += (col.valid[i >> 3]! >> (i & 7)) & 1;
      const nullCount = length - valid;
      const nullBitmap = nullCount === 0 ? undefined : col.valid;
      const v = col.values;
      switch (this.types[c]!) {
        case 'integer':
          return makeData({ type: new Int64(), length, nullCount, nullBitmap, data: new BigInt64Array((v as Int32Array).buffer, 0, length) });
        case 'timestamp':
          return makeData({ type: new TimestampMillisecond(), length, nullCount, nullBitmap, data: new BigInt64Array((v as Int32Array).buffer, 0, length) });
        case 'float':
          return makeData({ type: new Float64(), length, nullCount, nullBitmap, data: (v as Float64Array).subarray(0, length) });
        case 'date':
          return makeData({ type: new DateDay(), length, nullCount, nullBitmap, data: (v as Int32Array).subarray(0, length) });
        case 'boolean':
          return makeData({ type: new Bool(), length, nullCount, nullBitmap, data: v as Uint8Array });
      }
      return utf8Data(v as (string | null)[], length);
    });
    const batch = new RecordBatch(this.schema, makeData({ type: new Struct(this.schema.fields), length, nullCount: 0, children }));
    this.reset();
    return batch;
  }
}
