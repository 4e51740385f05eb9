/**
 * DuckDB-WASM as the batch engine, loaded from the app's own bundle: no CDN, works offline.
 * When the page is cross-origin isolated (our server sends COOP/COEP) it runs the threaded `coi`
 * bundle, ~1.6-2x faster on group-bys over millions of rows; elsewhere (another host, `vite dev`
 * without the headers) the single-threaded `eh` bundle, which needs no headers.
 */
import { AsyncDuckDB, VoidLogger } from '@duckdb/duckdb-wasm';
import coiPthreadUrl from '@duckdb/duckdb-wasm/dist/duckdb-browser-coi.pthread.worker.js?url';
import coiWorkerUrl from '@duckdb/duckdb-wasm/dist/duckdb-browser-coi.worker.js?url';
import coiWasmUrl from '@duckdb/duckdb-wasm/dist/duckdb-coi.wasm?url';
import ehWorkerUrl from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import ehWasmUrl from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import type { RecordBatch, Table } from 'apache-arrow';
import type { EngineSession } from '../BatchEngine';
import { DuckDbEngineBase } from '../DuckDbEngineBase';
import { emptyBatch } from '../emptyBatch';

type Connection = Awaited<ReturnType<AsyncDuckDB['connect']>>;

/** A query's result batch by batch as DuckDB produces them (a pending query), cancelled through `signal`. */
async function* streamOn(conn: Connection, sql: string, signal?: AbortSignal, schemaIfEmpty = false): AsyncGenerator<RecordBatch> {
  const cancel = () => void conn.cancelSent();
  signal?.addEventListener('abort', cancel);
  try {
    const reader = await conn.send(sql, true);
    let yielded = 0;
    for await (const batch of reader) {
      // Thrown, not a quiet end: a reader must never take a cancelled stream for the whole result.
      if (signal?.aborted) throw new DOMException('the query was cancelled', 'AbortError');
      yielded++;
      yield batch;
    }
    if (signal?.aborted) throw new DOMException('the query was cancelled', 'AbortError');
    // A result without rows still has columns to show.
    if (yielded === 0 && schemaIfEmpty && reader.schema) yield emptyBatch(reader.schema);
  } finally {
    signal?.removeEventListener('abort', cancel);
    if (signal?.aborted) await conn.cancelSent().catch(() => false);
  }
}

export class DuckDbEngine extends DuckDbEngineBase {
  private constructor(
    readonly name: string,
    private readonly db: AsyncDuckDB,
    private readonly conn: Connection,
  ) {
    super();
  }

  /**
   * `threaded: false` forces the single-threaded build: the one that reads dropped files. In the
   * threaded build a registered file reached only the threads running at registration (a file
   * handle) or was copied through a stale view of the grown heap (a buffer: duckdb-wasm issue
   * #2256): CSV previews came back empty or "offset is out of bounds" at random.
   */
  static async create(opts: { threaded?: boolean } = {}): Promise<DuckDbEngine> {
    const threaded = globalThis.crossOriginIsolated === true && opts.threaded !== false;
    const db = new AsyncDuckDB(new VoidLogger(), new Worker(threaded ? coiWorkerUrl : ehWorkerUrl));
    await db.instantiate(threaded ? coiWasmUrl : ehWasmUrl, threaded ? coiPthreadUrl : null);
    const engine = new DuckDbEngine(threaded ? 'DuckDB-WASM (threaded)' : 'DuckDB-WASM', db, await db.connect());
    await engine.configure();
    if (threaded) await engine.run(`SET threads = ${Math.max(1, Math.min(4, navigator.hardwareConcurrency || 2))}`);
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

  async registerFile(name: string, bytes: Uint8Array): Promise<void> {
    await this.db.registerFileBuffer(name, bytes);
  }

  async dropFile(name: string): Promise<void> {
    await this.db.dropFile(name);
  }

  async *stream(sql: string, signal?: AbortSignal): AsyncGenerator<RecordBatch> {
    // A connection per stream: a second pending query on one connection would end the first's result.
    const conn = await this.db.connect();
    try {
      yield* streamOn(conn, sql, signal);
    } finally {
      await conn.close().catch(() => undefined);
    }
  }

  async openSession(): Promise<EngineSession> {
    const conn = await this.db.connect();
    return {
      run: async (sql) => (await conn.query(sql)).batches,
      stream: (sql, signal) => streamOn(conn, sql, signal, true),
      close: () => conn.close(),
    };
  }

  async close(): Promise<void> {
    await this.conn.close();
    await this.db.terminate();
  }
}
