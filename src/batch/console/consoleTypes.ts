/** What the page and the batch worker say to each other about console queries. */
import type { ConsoleTable } from './consoleTables';

export type { ConsoleTable } from './consoleTables';

export interface ConsoleColumn {
  name: string;
  /** DuckDB's name for the type, e.g. BIGINT, VARCHAR, DECIMAL(18,3), TIMESTAMP. */
  type: string;
}

/** What a finished query answered (its rows came before it as `console-batch` events). */
export interface ConsoleResult {
  queryId: string;
  columns: ConsoleColumn[];
  rows: number;
  /** Statements run (the last one's result is the one shown). */
  statements: number;
  ms: number;
  /** Stopped at the row or byte cap: the rows shown are the first ones. */
  truncated: string | null;
  /** The datasets the statement reads, and the W each was read at. */
  covers: { datasetId: string; name: string; w: number }[];
}

/** A slice of a running query's result: a complete Arrow IPC stream (schema and record batches). */
export interface ConsoleBatch {
  queryId: string;
  ipc: Uint8Array;
  rows: number;
}

export interface ConsoleSchema {
  tables: ConsoleTable[];
  /** The console's own temporary tables and views, with their columns. */
  temp: { name: string; columns: { name: string; type: string }[] }[];
}

/** A statement the console will not run: the message says why, in plain words. */
export const REFUSED = 'Refused';
