/**
 * Helpers for the reader tests: files as named Blobs, gzip by the platform's CompressionStream, and
 * the output batches' values read back through apache-arrow's own accessors (never through the
 * code under test).
 */
import { Type, type RecordBatch, type Vector } from 'apache-arrow';
import type { FileReader, ImportField, NamedBlob } from '../types';

export function namedBlob(name: string, content: string | Uint8Array): NamedBlob {
  // Uint8Array<ArrayBufferLike> is no BlobPart in TS 5.9's DOM types (it might view a SharedArrayBuffer); ours never do.
  return Object.assign(new Blob([content as BlobPart]), { name });
}

export async function gzip(bytes: Uint8Array | string): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export interface ReadResult {
  fields: ImportField[];
  rowCount: number | null;
  batches: RecordBatch[];
  bytesRead: number[];
  /** Every column's values in row order: numbers (Int64 too), strings, booleans, days for dates, ms for timestamps, or null. */
  columns: Record<string, unknown[]>;
}

/** One cell as a plain JS value; dates as days since 1970-01-01 from the raw Int32 values. */
function cell(vector: Vector, row: number): unknown {
  if (!vector.isValid(row)) return null;
  if (vector.type.typeId === Type.Date) return (vector.data[0]!.values as Int32Array)[row];
  const v: unknown = vector.get(row);
  // The log's integers are within ±(2^53-1): as numbers they compare with the test's expectations.
  if (typeof v === 'bigint') {
    if (!Number.isSafeInteger(Number(v))) throw new Error(`unsafe integer ${v} in the output`);
    return Number(v);
  }
  return v;
}

export async function readAll(reader: FileReader): Promise<ReadResult> {
  await reader.open();
  const batches: RecordBatch[] = [];
  const bytesRead: number[] = [];
  const columns: Record<string, unknown[]> = Object.create(null);
  for (const f of reader.schema) columns[f.name] = [];
  for await (const { batch, bytesRead: n } of reader.batches()) {
    batches.push(batch);
    bytesRead.push(n);
    reader.schema.forEach((f, c) => {
      const vector = batch.getChildAt(c)!;
      const out = columns[f.name]!;
      for (let r = 0; r < batch.numRows; r++) out.push(cell(vector, r));
    });
  }
  return { fields: reader.schema, rowCount: reader.rowCount, batches, bytesRead, columns };
}

/** The Arrow type names of a batch's columns, e.g. `Int64`, `Timestamp<MILLISECOND>`. */
export const typeNames = (batch: RecordBatch) => batch.schema.fields.map((f) => String(f.type));

export const LOG_TYPE_NAMES = {
  integer: 'Int64',
  float: 'Float64',
  boolean: 'Bool',
  text: 'Utf8',
  date: 'Date32<DAY>',
  timestamp: 'Timestamp<MILLISECOND>',
} as const;

/**
 * `actual` equals `expected` element by element (Object.is); on a difference, fails on the first one
 * with its index. toEqual on 100,000-element arrays takes seconds.
 */
export function expectValues(actual: readonly unknown[] | undefined, expected: readonly unknown[], what: string): void {
  if (actual === undefined) throw new Error(`${what}: no such column`);
  const n = Math.max(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    if (!Object.is(actual[i], expected[i])) throw new Error(`${what}[${i}]: got ${String(actual[i])}, expected ${String(expected[i])} (lengths ${actual.length} and ${expected.length})`);
  }
}
