/**
 * Every dataset as a table of the SQL console: a view in DuckDB's `main` schema named after the
 * dataset (the name the Datasets panel shows), over the batch layer's cache table and cut at the
 * published W, so an answer always describes one exact state of the log however far loading has got.
 */
import type { DatasetSchema, FieldType } from '../../protocol/schema';
import { quoteIdent } from '../../views/quoteIdent';

/** One dataset's table as the console shows it. */
export interface ConsoleTable {
  datasetId: string;
  /** The table's name in SQL (quote it as an identifier). */
  name: string;
  /** The last seq the table includes (the batch store's W for the dataset). */
  w: number;
  columns: { name: string; type: string }[];
}

export interface DatasetForConsole {
  id: string;
  name: string;
  createdAt: number;
  schema: DatasetSchema;
  /** The published W; 0 while batch has not absorbed anything. */
  w: number;
  /** The engine table caching its log, or null while there is none. */
  cacheTable: string | null;
}

/** How each field type reads in the engine (the log stores Int64, Float64, Bool, text, DateDay, TIMESTAMP_MS). */
export const SQL_TYPE: Readonly<Record<FieldType, string>> = {
  integer: 'BIGINT',
  float: 'DOUBLE',
  boolean: 'BOOLEAN',
  text: 'VARCHAR',
  date: 'DATE',
  timestamp: 'TIMESTAMP_MS',
};

/**
 * A table name per dataset: its name, unique ignoring case (DuckDB resolves even quoted identifiers
 * case-insensitively). The older dataset keeps a shared name; later ones get ` (2)`, ` (3)`.
 */
export function consoleTableNames(datasets: readonly Pick<DatasetForConsole, 'id' | 'name' | 'createdAt'>[]): Map<string, string> {
  const ordered = [...datasets].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  const taken = new Set<string>();
  const names = new Map<string, string>();
  for (const d of ordered) {
    const base = d.name.trim() === '' ? d.id : d.name;
    let name = base;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base} (${n})`;
    taken.add(name.toLowerCase());
    names.set(d.id, name);
  }
  return names;
}

/** `ts` is stored as ms in a DOUBLE: shown as the TIMESTAMP it is. */
const TS_SQL = 'epoch_ms(CAST(ts AS BIGINT)) AS ts';

/** The SQL that (re)creates a dataset's console view. */
export function consoleViewSql(name: string, d: DatasetForConsole): string {
  const fields = d.schema.fields.map((f) => quoteIdent(f.name));
  if (d.cacheTable === null || d.w === 0) {
    // Empty so far: a typed view with no rows, so the console can still describe and query it.
    const cols = ['CAST(NULL AS BIGINT) AS seq', 'CAST(NULL AS TIMESTAMP) AS ts', ...d.schema.fields.map((f) => `CAST(NULL AS ${SQL_TYPE[f.type]}) AS ${quoteIdent(f.name)}`)];
    return `CREATE OR REPLACE VIEW main.${quoteIdent(name)} AS SELECT ${cols.join(', ')} WHERE false`;
  }
  const cols = ['seq', TS_SQL, ...fields];
  return `CREATE OR REPLACE VIEW main.${quoteIdent(name)} AS SELECT ${cols.join(', ')} FROM ${d.cacheTable} WHERE seq <= ${Math.trunc(d.w)}`;
}

/** The columns a dataset's console table has, with their SQL types. */
export function consoleColumns(schema: DatasetSchema): { name: string; type: string }[] {
  return [{ name: 'seq', type: 'BIGINT' }, { name: 'ts', type: 'TIMESTAMP' }, ...schema.fields.map((f) => ({ name: f.name, type: SQL_TYPE[f.type] }))];
}
