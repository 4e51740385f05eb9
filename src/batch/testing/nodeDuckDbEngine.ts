/**
 * The same DuckDB engine (same wasm, same SQL) in Node, through duckdb-wasm's blocking bundle, so
 * unit tests run the exact SQL text the app runs. Test-only: the app uses DuckDbEngine in a worker.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ConsoleLogger, LogLevel, NODE_RUNTIME, createDuckDB, type DuckDBBindings, type DuckDBConnection } from '@duckdb/duckdb-wasm/blocking';
import { type RecordBatch, type Table, tableFromIPC } from 'apache-arrow';
import type { EngineSession } from '../BatchEngine';
import { DuckDbEngineBase } from '../DuckDbEngineBase';
import { emptyBatch } from '../emptyBatch';

const require = createRequire(import.meta.url);
const { Table: TableCjs, tableToIPC: tableToIPCCjs } = require('apache-arrow') as typeof import('apache-arrow');
const dist = dirname(createRequire(import.meta.url).resolve('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm'));

export class NodeDuckDbEngine extends DuckDbEngineBase {
  readonly name = 'DuckDB-WASM (node, blocking)';

  private constructor(
    private readonly db: DuckDBBindings,
    private readonly conn: DuckDBConnection,
  ) {
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
    const engine = new NodeDuckDbEngine(db, db.connect());
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

  async registerFile(name: string, bytes: Uint8Array): Promise<void> {
    this.db.registerFileBuffer(name, bytes);
  }

  async dropFile(name: string): Promise<void> {
    this.db.dropFile(name);
  }

  async *stream(sql: string, signal?: AbortSignal): AsyncGenerator<RecordBatch> {
    // Streaming a pending query over a registered buffer yields nothing in the blocking bundle: let it
    // materialise (tests only). Its batches are the CommonJS build's Arrow classes: carry them over as IPC.
    for (const batch of await this.conn.send(sql, false)) {
      if (signal?.aborted) throw new DOMException('the query was cancelled', 'AbortError');
      yield* tableFromIPC(tableToIPCCjs(new TableCjs(batch))).batches;
    }
  }

  async openSession(): Promise<EngineSession> {
    const conn = this.db.connect();
    // Materialised (tests only), and carried over to this module's Arrow classes as IPC.
    const run = (sql: string) => tableFromIPC(tableToIPCCjs(conn.query(sql) as never));
    return {
      run: async (sql) => run(sql).batches,
      stream: async function* (sql, signal) {
        const table = run(sql);
        if (table.batches.length === 0) yield emptyBatch(table.schema);
        for (const b of table.batches) {
          if (signal?.aborted) throw new DOMException('the query was cancelled', 'AbortError');
          yield b;
        }
      },
      close: async () => conn.close(),
    };
  }

  protected async insertIpc(table: string, ipc: Uint8Array, create: boolean): Promise<void> {
    this.conn.insertArrowFromIPCStream(ipc.slice(), { name: table, create });
  }
}
