/**
 * What DuckDB engines share whatever their binding (async in a browser worker, blocking in Node):
 * the log-cache table management over two primitives, running SQL and inserting Arrow IPC bytes.
 */
import type { RecordBatch, Table } from 'apache-arrow';
import { arrowToRows } from './arrowRows';
import type { BatchEngine, EngineSession, QueryResult, SeqRange } from './BatchEngine';

export abstract class DuckDbEngineBase implements BatchEngine {
  abstract readonly name: string;
  private readonly tables = new Set<string>();

  protected abstract run(sql: string, params?: readonly (number | string)[]): Promise<Table>;
  /** Inserts IPC stream bytes; implementations must not let DuckDB detach the caller's buffer. */
  protected abstract insertIpc(table: string, ipc: Uint8Array, create: boolean): Promise<void>;

  abstract registerFile(name: string, bytes: Uint8Array): Promise<void>;
  abstract dropFile(name: string): Promise<void>;
  abstract stream(sql: string, signal?: AbortSignal): AsyncGenerator<RecordBatch>;
  abstract openSession(): Promise<EngineSession>;

  /**
   * The main engine never reads files (CSV goes to an engine of its own), so the console can be
   * denied every file, URL and extension, and no statement can lift that (../shared/NOTES.md).
   */
  async lockDown(): Promise<void> {
    await this.run('SET enable_external_access = false');
    await this.run('SET lock_configuration = true');
  }

  /** Turns off extension autoloading, which reaches the internet (../shared/NOTES.md). */
  protected async configure(): Promise<void> {
    await this.run('SET autoinstall_known_extensions = false');
    await this.run('SET autoload_known_extensions = false');
  }

  async appendArrow(table: string, ipc: Uint8Array, range?: SeqRange): Promise<void> {
    if (!range) {
      await this.insertIpc(table, ipc, !this.tables.has(table));
      this.tables.add(table);
      return;
    }
    // A compacted segment may straddle the range: stage it, then keep only the rows in range.
    const stage = `${table}__stage`;
    await this.run(`DROP TABLE IF EXISTS ${stage}`);
    await this.insertIpc(stage, ipc, true);
    const where = `seq > ${Math.trunc(range.afterSeq)} AND seq <= ${Math.trunc(range.uptoSeq)}`;
    await this.run(this.tables.has(table) ? `INSERT INTO ${table} SELECT * FROM ${stage} WHERE ${where}` : `CREATE TABLE ${table} AS SELECT * FROM ${stage} WHERE ${where}`);
    await this.run(`DROP TABLE ${stage}`);
    this.tables.add(table);
  }

  async dropTable(table: string): Promise<void> {
    await this.run(`DROP TABLE IF EXISTS ${table}`);
    this.tables.delete(table);
  }

  async query(sql: string, params: readonly (number | string)[] = []): Promise<QueryResult> {
    return arrowToRows(await this.run(sql, params));
  }

  async memoryBytes(): Promise<number | null> {
    try {
      const r = await this.run('SELECT sum(memory_usage_bytes)::DOUBLE AS b FROM duckdb_memory()');
      return (r.getChildAt(0)?.get(0) as number | null | undefined) ?? null;
    } catch {
      return null;
    }
  }
}
