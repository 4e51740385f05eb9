/**
 * What DuckDB engines share whatever their binding (async in a browser worker, blocking in Node):
 * the log-cache table management over two primitives, running SQL and inserting Arrow IPC bytes.
 */
import { type RecordBatch, RecordBatchReader, type Table } from 'apache-arrow';
import type { FieldDef, FieldType } from '../protocol/schema';
import { arrowToRows } from './arrowRows';
import type { BatchEngine, EngineSession, QueryResult, SeqRange } from './BatchEngine';

export abstract class DuckDbEngineBase implements BatchEngine {
  abstract readonly name: string;
  /** Tables this engine made, with their column names in order. */
  private readonly tables = new Map<string, string[]>();

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
    const have = this.tables.get(table);
    const columns = ipcColumns(ipc);
    const sameShape = have !== undefined && have.length === columns.length && have.every((c, i) => c === columns[i]);
    if (!range && (have === undefined || sameShape)) {
      await this.insertIpc(table, ipc, have === undefined);
      this.tables.set(table, columns);
      return;
    }
    // A compacted segment may straddle the range, or a segment written before its dataset's schema
    // widened lacks the newer fields (or a newer one brings fields the table lacks): stage it, add
    // what the table lacks, then insert by name, so missing fields read NULL.
    const stage = `${table}__stage`;
    await this.run(`DROP TABLE IF EXISTS ${stage}`);
    await this.insertIpc(stage, ipc, true);
    const where = range ? `WHERE seq > ${Math.trunc(range.afterSeq)} AND seq <= ${Math.trunc(range.uptoSeq)}` : '';
    if (have === undefined) {
      await this.run(`CREATE TABLE ${table} AS SELECT * FROM ${stage} ${where}`);
      this.tables.set(table, columns);
    } else {
      const known = new Set(have);
      for (const c of columns.filter((c) => !known.has(c))) {
        const type = await this.run(`SELECT data_type FROM information_schema.columns WHERE table_name = '${stage}' AND column_name = ${sqlText(c)}`);
        await this.run(`ALTER TABLE ${table} ADD COLUMN ${sqlIdent(c)} ${String(type.getChildAt(0)?.get(0))}`);
        have.push(c);
      }
      await this.run(`INSERT INTO ${table} BY NAME SELECT * FROM ${stage} ${where}`);
    }
    await this.run(`DROP TABLE ${stage}`);
  }

  async ensureColumns(table: string, fields: readonly FieldDef[]): Promise<void> {
    const have = this.tables.get(table);
    if (!have) return;
    const known = new Set(have);
    for (const f of fields) {
      if (known.has(f.name)) continue;
      await this.run(`ALTER TABLE ${table} ADD COLUMN ${sqlIdent(f.name)} ${SQL_TYPE[f.type]}`);
      have.push(f.name);
    }
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

/** The column names of Arrow IPC stream bytes, from the schema message alone. */
function ipcColumns(ipc: Uint8Array): string[] {
  const reader = RecordBatchReader.from(ipc);
  reader.open();
  const names = reader.schema.fields.map((f) => f.name);
  reader.cancel();
  return names;
}

/** The log's Arrow types as DuckDB reads them (segmentCodec.ts). */
const SQL_TYPE: Readonly<Record<FieldType, string>> = { integer: 'BIGINT', float: 'DOUBLE', boolean: 'BOOLEAN', text: 'VARCHAR', date: 'DATE', timestamp: 'TIMESTAMP_MS' };

const sqlIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
const sqlText = (text: string) => `'${text.replaceAll("'", "''")}'`;
