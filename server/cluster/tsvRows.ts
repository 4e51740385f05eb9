/**
 * Events as ClickHouse TabSeparated rows: `seq`, `off` (the stream offset), `ts`, then the schema's fields in their value form
 * (booleans 1/0, NULL as \N). TSV because every ClickHouse since 2016 reads it, Arrow and Parquet
 * input came later than Debian's 18.16, and it is a third the size of JSONEachRow.
 */
import { columnOf, type ColumnBatch, type DatasetSchema, type FieldValue } from '../../src/protocol/schema';

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0' };

function cell(v: FieldValue | undefined): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`a value ClickHouse cannot hold exactly: ${v}`);
    return Object.is(v, -0) ? '0' : String(v);
  }
  return v.replace(/[\\\t\n\r\0]/g, (c) => ESCAPES[c]!);
}

/** Rows for `batch`, its first event at `firstSeq`, event i at stream offset `offsets[i]`. */
export function tsvRows(schema: DatasetSchema, batch: ColumnBatch, firstSeq: number, offsets: readonly number[]): string {
  const cols = schema.fields.map((f) => columnOf(batch, f.name));
  const lines: string[] = new Array(batch.count);
  for (let i = 0; i < batch.count; i++) {
    let line = `${firstSeq + i}\t${offsets[i]}\t${cell(batch.ts[i])}`;
    for (const c of cols) line += `\t${cell(c?.[i] ?? null)}`;
    lines[i] = line;
  }
  return `${lines.join('\n')}\n`;
}
