import { RecordBatch, type Schema, Struct, makeData } from 'apache-arrow';

/** A zero-row batch of `schema`: a result with no rows still has columns to show. */
export function emptyBatch(schema: Schema): RecordBatch {
  const children = schema.fields.map((f) => makeData({ type: f.type, length: 0, nullCount: 0 } as never));
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 0, nullCount: 0, children }));
}
