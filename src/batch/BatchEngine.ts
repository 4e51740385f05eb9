/**
 * The seam between the batch layer and the engine that runs it (after Mosaic's connectors).
 * DuckDB-WASM in a worker implements it today; a ClickHouse-over-HTTP engine could implement it
 * tomorrow with a second SQL dialect in the view compiler (see docs/ARCHITECTURE.md).
 */
import type { FieldDef } from '../protocol/schema';
import type { RecordBatch } from 'apache-arrow';
import type { SqlRow } from '../views/compileView';

export interface QueryResult {
  columns: string[];
  rows: SqlRow[];
}

export interface SeqRange {
  afterSeq: number;
  uptoSeq: number;
}

export interface BatchEngine {
  readonly name: string;
  /**
   * Appends Arrow IPC stream bytes (one log segment) to `table`, creating it from the first one.
   * With `range`, only rows with `afterSeq < seq <= uptoSeq` are appended.
   */
  appendArrow(table: string, ipc: Uint8Array, range?: SeqRange): Promise<void>;
  /** Adds the fields a table lacks (a dataset's schema widened), NULL for the rows it holds. */
  ensureColumns(table: string, fields: readonly FieldDef[]): Promise<void>;
  dropTable(table: string): Promise<void>;
  /** Runs SQL with `?` placeholders bound to `params`. */
  query(sql: string, params?: readonly (number | string)[]): Promise<QueryResult>;
  /** Bytes of engine memory in use, when the engine can tell. */
  memoryBytes(): Promise<number | null>;
  /** Makes a file's bytes readable by SQL under `name` (the engine takes them: do not use them after). */
  registerFile(name: string, bytes: Uint8Array): Promise<void>;
  dropFile(name: string): Promise<void>;
  /**
   * Runs SQL on a connection of its own and yields the result in Arrow record batches as the
   * engine produces them: a file import streams through while views are recomputed beside it.
   */
  stream(sql: string, signal?: AbortSignal): AsyncGenerator<RecordBatch>;
  /**
   * A connection of its own for the SQL console: its temporary tables and views live as long as it
   * does, and its queries stream beside the recomputes on the main connection.
   */
  openSession(): Promise<EngineSession>;
  /**
   * Closes the engine to the outside for good: no file, URL, extension or setting change is reachable
   * from SQL any more (DuckDB's `enable_external_access`, then the configuration locked).
   */
  lockDown(): Promise<void>;
}

/** One console connection. */
export interface EngineSession {
  /** Runs a statement to its end (a CREATE TEMP TABLE, say) and returns its result. */
  run(sql: string): Promise<RecordBatch[]>;
  /** Runs a statement and yields its result in Arrow record batches as DuckDB produces them; `signal` cancels it. */
  stream(sql: string, signal?: AbortSignal): AsyncGenerator<RecordBatch>;
  close(): Promise<void>;
}

/** The engine table caching one dataset's log. Ids are sanitised: engines may not quote table names. */
export function tableFor(datasetId: string): string {
  let h = 0;
  for (let i = 0; i < datasetId.length; i++) h = (Math.imul(h, 31) + datasetId.charCodeAt(i)) >>> 0;
  return `ds_${datasetId.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 40)}_${h.toString(36)}`;
}
