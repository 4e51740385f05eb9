/** A log of every field type for the export tests, with the values each event holds. */
import { type RecordBatch, Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { EventLog } from '../../../log/EventLog';
import { LogDb } from '../../../log/LogDb';
import { decodeSegment, readColumn } from '../../../log/segmentCodec';
import type { ColumnBatch, DatasetSchema, FieldValue } from '../../../protocol/schema';

export const TYPED_SCHEMA: DatasetSchema = {
  fields: [
    { name: 'n', type: 'integer' },
    { name: 'x', type: 'float' },
    { name: 'ok', type: 'boolean' },
    { name: 'city', type: 'text' },
    { name: 'day', type: 'date' },
    { name: 'at', type: 'timestamp' },
  ],
};

const CITIES = ['Oslo', 'Lima', 'Zürich', '名前', 'a,b', 'say "hi"', 'two\nlines', '', ' pad '];

/**
 * Events `from..from+count-1` (their number decides every value): nulls, negatives, big integers,
 * unicode, empty strings; `distinct` text values, so that more than 127 makes Int16 dictionary indices.
 */
export function typedBatch(from: number, count: number, distinct = CITIES.length): ColumnBatch {
  const idx = Array.from({ length: count }, (_, k) => from + k);
  return {
    count,
    ts: idx.map((i) => Date.UTC(2024, 0, 1) + ((i * 7919) % 100_000) * 1000 - 5_000_000),
    columns: {
      n: idx.map((i) => (i % 11 === 0 ? null : i % 2 ? (2 ** 53 - 1 - i) * (i % 3 ? 1 : -1) : i)),
      x: idx.map((i) => (i % 13 === 0 ? null : i % 5 === 0 ? -0 : (i - 50) / 7)),
      ok: idx.map((i) => (i % 7 === 0 ? null : i % 2 === 0)),
      city: idx.map((i) => (i % 17 === 0 ? null : i % distinct < CITIES.length && distinct <= CITIES.length ? CITIES[i % distinct]! : `city ${i % distinct}`)),
      day: idx.map((i) => (i % 19 === 0 ? null : -30_000 + i * 37)),
      at: idx.map((i) => (i % 23 === 0 ? null : Date.UTC(1960, 0, 1) + i * 86_399_123)),
    },
  };
}

let k = 0;
export async function typedLog(name = 'typed'): Promise<EventLog> {
  const log = new EventLog(new LogDb(`export-${name}-${k++}`));
  await log.ensureDataset(name, name, TYPED_SCHEMA);
  return log;
}

/** Every event of a dataset as { seq, ts, values by field }, read back from its segments. */
export async function loggedRows(log: EventLog, id: string): Promise<{ seq: number[]; batch: ColumnBatch }> {
  const ds = (await log.dataset(id))!;
  const seq: number[] = [];
  const ts: number[] = [];
  const columns: Record<string, FieldValue[]> = Object.fromEntries(ds.schema.fields.map((f) => [f.name, []]));
  for (const s of await log.segmentsOverlapping(id, 0, ds.highWater)) {
    const d = decodeSegment(ds.schema, s.bytes);
    d.seq.forEach((q, i) => {
      if (q > ds.highWater || (seq.length > 0 && q <= seq[seq.length - 1]!)) return;
      seq.push(q);
      ts.push(d.batch.ts[i]!);
      for (const f of ds.schema.fields) columns[f.name]!.push(d.batch.columns[f.name]![i]!);
    });
  }
  return { seq, batch: { count: seq.length, ts, columns } as ColumnBatch };
}

/**
 * Exported batches (ts, then the schema's fields) as one ColumnBatch of JS values. Through IPC
 * first: readColumn reads a sliced Data's values at `offset + i`, where Arrow JS has already moved
 * them (its offset is for the validity bitmap), so it only reads unsliced columns right.
 */
export function exportedRows(schema: DatasetSchema, batches: readonly RecordBatch[]): ColumnBatch {
  const ts: number[] = [];
  const columns: Record<string, FieldValue[]> = Object.fromEntries(schema.fields.map((f) => [f.name, []]));
  for (const sliced of batches) {
    const b = tableFromIPC(tableToIPC(new Table([sliced]), 'stream'));
    ts.push(...(readColumn(b.getChild('ts')!.data, 'timestamp', b.numRows) as number[]));
    for (const f of schema.fields) columns[f.name]!.push(...readColumn(b.getChild(f.name)!.data, f.type, b.numRows));
  }
  return { count: ts.length, ts, columns } as ColumnBatch;
}
