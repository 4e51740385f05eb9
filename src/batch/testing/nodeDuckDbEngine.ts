/**
 * The same DuckDB engine (same wasm, same SQL) in Node, through duckdb-wasm's blocking bundle, so
 * unit tests run the exact SQL text the app runs. Test-only: the app uses DuckDbEngine in a worker.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ConsoleLogger, LogLevel, NODE_RUNTIME, createDuckDB, type DuckDBConnection } from '@duckdb/duckdb-wasm/blocking';
import type { Table } from 'apache-arrow';
import { DuckDbEngineBase } from '../DuckDbEngineBase';

const dist = dirname(createRequire(import.meta.url).resolve('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm'));

export class NodeDuckDbEngine extends DuckDbEngineBase {
  readonly name = 'DuckDB-WASM (node, blocking)';

  private constructor(private readonly conn: DuckDBConnection) {
    super();
  }

  static async create(): Promise<NodeDuckDbEngine> {
    const db = await createDuckDB(
      {
        mvp: { mainModule: join(dist, 'duckdb-mvp.wasm'), mainWorker: join(dist, 'duckdb-node-mvp.worker.cjs') },
        eh: { mainModule: join(dist, 'duckdb-eh.wasm'), mainWorker: join(dist, 'duckdb-node-eh.worker.cjs') },
      },
      new ConsoleLogger(LogLevel.WARNING),
      NODE_RUNTIME,
    );
    await db.instantiate();
    db.open({});
    const engine = new NodeDuckDbEngine(db.connect());
    await engine.configure();
    return engine;
  }

  protected async run(sql: string, params: readonly (number | string)[] = []): Promise<Table> {
    if (params.length === 0) return this.conn.query(sql);
    const stmt = this.conn.prepare(sql);
    try {
      return stmt.query(...params);
    } finally {
      stmt.close();
    }
  }

  protected async insertIpc(table: string, ipc: Uint8Array, create: boolean): Promise<void> {
    this.conn.insertArrowFromIPCStream(ipc.slice(), { name: table, create });
  }
}
