import type { Table } from 'apache-arrow';
import type { SqlRow } from '../views/compileView';
import type { SqlValue } from '../views/measures';
import type { QueryResult } from './BatchEngine';

/** Arrow list cells (count distinct's state) arrive as Vectors: make them arrays. */
function toPlain(v: unknown): SqlValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'object' && Symbol.iterator in v) return Array.from(v as Iterable<unknown>, (x) => (typeof x === 'bigint' ? Number(x) : (x as string | number | null)));
  return v as SqlValue;
}

/** An Arrow result as plain rows (views are small: buckets x keys, not events). */
export function arrowToRows(table: Table): QueryResult {
  const columns = table.schema.fields.map((f) => f.name);
  const children = columns.map((_, i) => table.getChildAt(i));
  const rows: SqlRow[] = [];
  for (let r = 0; r < table.numRows; r++) {
    rows.push(children.map((c) => toPlain(c?.get(r))));
  }
  return { columns, rows };
}
