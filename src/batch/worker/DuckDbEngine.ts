/**
 * DuckDB-WASM as the batch engine, loaded from the app's own bundle: no CDN, works offline.
 * The single-threaded `eh` bundle needs no COOP/COEP headers (see ../shared/NOTES.md for the
 * threaded option).
 */
import { AsyncDuckDB, VoidLogger, type AsyncDuckDBConnection } from '@duckdb/duckdb-wasm';
import duckdbWasmUrl from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import duckdbWorkerUrl from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import type { Table } from 'apache-arrow';
import type { SqlRow } from '../../views/compileView';
import type { KeyValue } from '../../views/ViewDef';
import type { BatchEngine, QueryResult, SeqRange } from '../BatchEngine';

export function arrowToRows(table: Table): QueryResult {
  const columns = table.schema.fields.map((f) => f.name);
  const children = columns.map((_, i) => table.getChildAt(i));
  const rows: SqlRow[] = [];
  for (let r = 0; r < table.numRows; r++) {
    rows.push(children.map((c) => (c?.get(r) ?? null) as KeyValue | bigint));
  }
  return { columns, rows };
}

export class DuckDbEngine implements BatchEngine {
  readonly name = 'DuckDB-WASM';
  private readonly tables = new Set<string>();

  private constructor(
    private readonly db: AsyncDuckDB,
    private readonly conn: AsyncDuckDBConnection,
  ) {}

  static async create(): Promise<DuckDbEngine> {
    const worker = new Worker(duckdbWorkerUrl);
    const db = new AsyncDuckDB(new VoidLogger(), worker);
    await db.instantiate(duckdbWasmUrl);
    const conn = await db.connect();
    // Extension autoloading reaches the internet (NOTES.md); the views never need an extension.
    await conn.query('SET autoinstall_known_extensions = false');
    await conn.query('SET autoload_known_extensions = false');
    return new DuckDbEngine(db, conn);
  }

  async appendArrow(table: string, ipc: Uint8Array, range?: SeqRange): Promise<void> {
    // insertArrowFromIPCStream transfers (detaches) the buffer it is given: hand it a copy.
    if (!range) {
      await this.conn.insertArrowFromIPCStream(ipc.slice(), { name: table, create: !this.tables.has(table) });
      this.tables.add(table);
      return;
    }
    const stage = `${table}__stage`;
    await this.conn.query(`DROP TABLE IF EXISTS ${stage}`);
    await this.conn.insertArrowFromIPCStream(ipc.slice(), { name: stage, create: true });
    const where = `seq > ${Math.trunc(range.afterSeq)} AND seq <= ${Math.trunc(range.uptoSeq)}`;
    await this.conn.query(
      this.tables.has(table) ? `INSERT INTO ${table} SELECT * FROM ${stage} WHERE ${where}` : `CREATE TABLE ${table} AS SELECT * FROM ${stage} WHERE ${where}`,
    );
    await this.conn.query(`DROP TABLE ${stage}`);
    this.tables.add(table);
  }

  async dropTable(table: string): Promise<void> {
    await this.conn.query(`DROP TABLE IF EXISTS ${table}`);
    this.tables.delete(table);
  }

  async query(sql: string): Promise<QueryResult> {
    return arrowToRows(await this.conn.query(sql));
  }

  async memoryBytes(): Promise<number | null> {
    try {
      const r = await this.conn.query('SELECT sum(memory_usage_bytes)::DOUBLE AS b FROM duckdb_memory()');
      const v = r.getChildAt(0)?.get(0) as number | null | undefined;
      return v ?? null;
    } catch {
      return null;
    }
  }

  async close(): Promise<void> {
    await this.conn.close();
    await this.db.terminate();
  }
}
