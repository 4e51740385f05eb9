import type { Table } from 'apache-arrow';
import type { SqlRow } from '../views/compileView';
import type { KeyValue } from '../views/ViewDef';
import type { QueryResult } from './BatchEngine';

/** An Arrow result as plain rows (views are small: buckets x keys, not events). */
export function arrowToRows(table: Table): QueryResult {
  const columns = table.schema.fields.map((f) => f.name);
  const children = columns.map((_, i) => table.getChildAt(i));
  const rows: SqlRow[] = [];
  for (let r = 0; r < table.numRows; r++) {
    rows.push(children.map((c) => (c?.get(r) ?? null) as KeyValue | bigint));
  }
  return { columns, rows };
}
