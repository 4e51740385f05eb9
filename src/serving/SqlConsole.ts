/**
 * The SQL console's core on the main thread (no React): runs a statement in the batch worker,
 * gathers the Arrow slices of its result as they arrive (columnar: the grid reads only the cells it
 * shows), and records every run in the workspace's history. One query at a time: a new run cancels
 * the one before.
 */
import { type RecordBatch, tableFromIPC } from 'apache-arrow';
import type { BatchClient } from '../batch/BatchClient';
import type { ConsoleBatch, ConsoleColumn, ConsoleResult, ConsoleSchema } from '../batch/console/consoleTypes';
import { REFUSED } from '../batch/console/consoleTypes';
import { arrowTypeName } from '../batch/export/arrowText';
import { errorText } from '../protocol/errorText';
import type { QueryHistory } from './QueryHistory';

export interface ConsoleState {
  queryId: string | null;
  sql: string;
  status: 'idle' | 'running' | 'done' | 'failed' | 'cancelled';
  columns: ConsoleColumn[];
  /** The result so far, slice by slice; `starts[i]` is the first row of `batches[i]`. */
  batches: RecordBatch[];
  starts: number[];
  /** The IPC bytes of each slice, kept for an export of exactly what is shown. */
  ipc: Uint8Array[];
  rows: number;
  result: ConsoleResult | null;
  error: string | null;
  /** The statement was refused by the read-only guard (not an error of DuckDB's). */
  refused: boolean;
  startedAt: number | null;
  /** When the first rows arrived, ms after the start. */
  firstRowsMs: number | null;
}

const idle: ConsoleState = {
  queryId: null,
  sql: '',
  status: 'idle',
  columns: [],
  batches: [],
  starts: [],
  ipc: [],
  rows: 0,
  result: null,
  error: null,
  refused: false,
  startedAt: null,
  firstRowsMs: null,
};

let counter = 0;

export class SqlConsole {
  private state: ConsoleState = idle;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly batch: () => BatchClient,
    private readonly history: QueryHistory | null,
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): ConsoleState => this.state;

  /** Batch worker events; called for every batch worker the pipeline starts. */
  onBatch(b: ConsoleBatch): void {
    if (b.queryId !== this.state.queryId || this.state.status !== 'running') return;
    const table = tableFromIPC(b.ipc);
    const s = this.state;
    const columns = s.columns.length > 0 ? s.columns : table.schema.fields.map((f) => ({ name: f.name, type: arrowTypeName(f.type) }));
    const batches = [...s.batches];
    const starts = [...s.starts];
    let rows = s.rows;
    for (const rb of table.batches) {
      if (rb.numRows === 0) continue;
      starts.push(rows);
      batches.push(rb);
      rows += rb.numRows;
    }
    this.set({ columns, batches, starts, rows, ipc: [...s.ipc, b.ipc], firstRowsMs: s.firstRowsMs ?? (s.startedAt === null ? null : performance.now() - s.startedAt) });
  }

  /** Runs `sql` (one or more statements; the last one's result is shown), in this tab's DuckDB or, one read-only statement, on the server's ClickHouse cluster. */
  async run(sql: string, target: 'tab' | 'cluster' = 'tab'): Promise<void> {
    if (this.state.status === 'running') await this.cancel();
    const queryId = `q${Date.now().toString(36)}-${counter++}`;
    const startedAt = performance.now();
    this.set({ ...idle, queryId, sql, status: 'running', startedAt });
    let entry: { rows: number | null; error: string | null };
    try {
      const result = await this.batch().call('consoleQuery', { queryId, sql, ...(target === 'cluster' ? { target } : {}) });
      if (this.state.queryId !== queryId) return;
      this.set({ status: 'done', result, columns: result.columns.length > 0 ? result.columns : this.state.columns });
      entry = { rows: result.rows, error: null };
    } catch (e) {
      if (this.state.queryId !== queryId) return;
      const cancelled = e instanceof Error && (e.name === 'AbortError' || /cancel|interrupt/i.test(e.message)) && this.cancelAsked === queryId;
      const message = errorText(e);
      this.set(cancelled ? { status: 'cancelled', error: /temporary/.test(message) ? message : null } : { status: 'failed', error: message, refused: e instanceof Error && e.name === REFUSED });
      entry = { rows: null, error: cancelled ? 'cancelled' : message };
    }
    await this.history?.add({ sql, at: Date.now(), ms: performance.now() - startedAt, ...entry }).catch(() => undefined);
    this.historyChanged();
  }

  private cancelAsked: string | null = null;

  /** Stops the running query; the rows that arrived stay. */
  async cancel(): Promise<void> {
    const { queryId, status } = this.state;
    if (queryId === null || status !== 'running') return;
    this.cancelAsked = queryId;
    await this.batch()
      .call('consoleCancel', { queryId })
      .catch(() => false);
  }

  schema(): Promise<ConsoleSchema> {
    return this.batch().call('consoleSchema', {});
  }

  /** The cell's Arrow vector and row within it, for `row` of the whole result. */
  locate(row: number): { batch: RecordBatch; index: number } | null {
    const { starts, batches } = this.state;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! <= row) lo = mid + 1;
      else hi = mid - 1;
    }
    const b = batches[hi];
    if (!b) return null;
    const index = row - starts[hi]!;
    return index < b.numRows ? { batch: b, index } : null;
  }

  private readonly historyListeners = new Set<() => void>();

  /** Told when a run was added to the history. */
  onHistory(listener: () => void): () => void {
    this.historyListeners.add(listener);
    return () => this.historyListeners.delete(listener);
  }

  private historyChanged(): void {
    for (const l of this.historyListeners) l();
  }

  private set(patch: Partial<ConsoleState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }
}
