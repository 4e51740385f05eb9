/**
 * DuckDB-WASM as the batch engine, loaded from the app's own bundle: no CDN, works offline.
 * The single-threaded `eh` bundle needs no COOP/COEP headers (see ../shared/NOTES.md for the
 * threaded option).
 */
import { AsyncDuckDB, VoidLogger, type AsyncDuckDBConnection } from '@duckdb/duckdb-wasm';
import duckdbWasmUrl from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import duckdbWorkerUrl from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import type { Table } from 'apache-arrow';
import { DuckDbEngineBase } from '../DuckDbEngineBase';

export class DuckDbEngine extends DuckDbEngineBase {
  readonly name = 'DuckDB-WASM';

  private constructor(
    private readonly db: AsyncDuckDB,
    private readonly conn: AsyncDuckDBConnection,
  ) {
    super();
  }

  static async create(): Promise<DuckDbEngine> {
    const db = new AsyncDuckDB(new VoidLogger(), new Worker(duckdbWorkerUrl));
    await db.instantiate(duckdbWasmUrl);
    const engine = new DuckDbEngine(db, await db.connect());
    await engine.configure();
    return engine;
  }

  protected async run(sql: string, params: readonly (number | string)[] = []): Promise<Table> {
    if (params.length === 0) return this.conn.query(sql);
    const stmt = await this.conn.prepare(sql);
    try {
      return await stmt.query(...params);
    } finally {
      await stmt.close();
    }
  }

  protected async insertIpc(table: string, ipc: Uint8Array, create: boolean): Promise<void> {
    // insertArrowFromIPCStream transfers (detaches) the buffer it is given: hand it a copy.
    await this.conn.insertArrowFromIPCStream(ipc.slice(), { name: table, create });
  }

  async close(): Promise<void> {
    await this.conn.close();
    await this.db.terminate();
  }
}
