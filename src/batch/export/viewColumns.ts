/**
 * A dashboard view's merged rows (JS values, as serving holds them) as one Arrow record batch in
 * the log's types, for export. Rows of a view are few (groups, not events): building them from JS
 * values is fine here, unlike on the log's path.
 */
import { Bool, DateDay, Field, Float64, Int64, makeData, RecordBatch, Schema, Struct, TimestampMillisecond, Utf8, vectorFromArray, type Data } from 'apache-arrow';
import type { FieldType } from '../../protocol/schema';

/** One column of a view's rows: dates as days since 1970-01-01, timestamps as ms (src/protocol/schema.ts). */
export interface ViewColumn {
  name: string;
  type: FieldType;
  values: (number | string | boolean | null)[];
}

function validity(values: readonly unknown[]): { nullBitmap: Uint8Array | undefined; nullCount: number } {
  let nullCount = 0;
  const bitmap = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((v, i) => {
    if (v === null || v === undefined) nullCount++;
    else bitmap[i >> 3]! |= 1 << (i & 7);
  });
  return { nullBitmap: nullCount > 0 ? bitmap : undefined, nullCount };
}

function columnData(c: ViewColumn): Data {
  const { values } = c;
  const n = values.length;
  const nulls = validity(values);
  const num = (i: number) => (typeof values[i] === 'number' ? (values[i] as number) : 0);
  switch (c.type) {
    case 'integer':
    case 'timestamp': {
      // Two words per value: whole numbers within ±2^53 are exact, with no BigInt per value.
      const words = new Int32Array(n * 2);
      for (let i = 0; i < n; i++) {
        const v = Math.trunc(num(i));
        words[2 * i] = v >>> 0;
        words[2 * i + 1] = Math.floor(v / 0x1_0000_0000);
      }
      const type = c.type === 'integer' ? new Int64() : new TimestampMillisecond();
      return makeData({ type, length: n, ...nulls, data: new BigInt64Array(words.buffer) } as never);
    }
    case 'float':
      return makeData({ type: new Float64(), length: n, ...nulls, data: Float64Array.from({ length: n }, (_, i) => num(i)) });
    case 'date':
      return makeData({ type: new DateDay(), length: n, ...nulls, data: Int32Array.from({ length: n }, (_, i) => num(i)) });
    case 'boolean': {
      const bits = new Uint8Array(Math.ceil(n / 8));
      for (let i = 0; i < n; i++) if (values[i] === true) bits[i >> 3]! |= 1 << (i & 7);
      return makeData({ type: new Bool(), length: n, ...nulls, data: bits });
    }
    case 'text':
      return vectorFromArray(
        values.map((v) => (v === null || v === undefined ? null : String(v))),
        new Utf8(),
      ).data[0]!;
  }
}

/** The columns as one batch; every column must hold the same number of values. */
export function viewColumnsBatch(columns: readonly ViewColumn[]): RecordBatch {
  const length = columns[0]?.values.length ?? 0;
  const bad = columns.find((c) => c.values.length !== length);
  if (bad) throw new Error(`column ${JSON.stringify(bad.name)} holds ${bad.values.length} values where ${JSON.stringify(columns[0]!.name)} holds ${length}`);
  const schema = new Schema(columns.map((c) => new Field(c.name, columnData({ ...c, values: [] }).type, true)));
  const children = columns.map(columnData);
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length, nullCount: 0, children }));
}
