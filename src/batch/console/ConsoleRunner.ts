/**
 * The SQL console's side of the batch worker: keeps one view per dataset in the engine (see
 * consoleTables.ts), runs the person's statements on a connection of its own after the read-only
 * guard, and streams the last statement's result to the page in Arrow IPC slices, so the first rows
 * show before the last arrive. Plain class: tested in Node against the real DuckDB build.
 */
import { type RecordBatch, RecordBatchStreamWriter, type Schema } from 'apache-arrow';
import { emptyBatch } from '../emptyBatch';
import type { BatchEngine, EngineSession } from '../BatchEngine';
import { arrowTypeName } from '../export/arrowText';
import { consoleColumns, consoleTableNames, consoleViewSql, type ConsoleTable, type DatasetForConsole } from './consoleTables';
import { type ConsoleBatch, type ConsoleResult, type ConsoleSchema, REFUSED } from './consoleTypes';
import { checkConsoleSql, type GuardContext } from './sqlGuard';
import { splitStatements, tokenize } from './sqlTokens';
import { quoteIdent } from '../../views/quoteIdent';

/** A result holds at most this many rows or IPC bytes on the page; past either the query stops there. */
export const MAX_RESULT_ROWS = 10_000_000;
export const MAX_RESULT_BYTES = 1024 * 1024 * 1024;
/** The first slice goes at once; later ones gather this many rows or this long. */
const SLICE_ROWS = 65_536;
const SLICE_MS = 250;

function refused(message: string): Error {
  const e = new Error(message);
  e.name = REFUSED;
  return e;
}

function toIpc(batches: RecordBatch[]): Uint8Array {
  const writer = new RecordBatchStreamWriter();
  for (const b of batches) writer.write(b);
  writer.finish();
  return writer.toUint8Array(true);
}

/**
 * DuckDB's advice for a time-zone function (install ICU, turn autoinstall on) cannot be followed
 * here: the build is offline and the console refuses INSTALL and SET. Say what works instead.
 */
function plainer(e: unknown): unknown {
  const message = e instanceof Error ? e.message : String(e);
  if (!/\bicu\b/i.test(message)) return e;
  const first = message.split('\n')[0] ?? message;
  return new Error(
    `${first}\nTime-zone functions (current_date, AT TIME ZONE, arithmetic on now()) need DuckDB's ICU extension, which this offline build does not have. Times here are UTC: use now()::TIMESTAMP, e.g. now()::TIMESTAMP - INTERVAL 1 HOUR, or now()::TIMESTAMP::DATE for today.`,
  );
}

export class ConsoleRunner {
  private session: Promise<EngineSession> | null = null;
  private tables: ConsoleTable[] = [];
  /** View names currently in the engine, by dataset id (a rename drops the old one). */
  private readonly viewNames = new Map<string, string>();
  private readonly running = new Map<string, AbortController>();
  private sessionQueue: Promise<unknown> = Promise.resolve();
  /** The console's temporary objects as last seen (named if a cancel loses them). */
  private tempNames: string[] = [];

  constructor(
    private readonly engine: () => BatchEngine,
    private readonly emit: (batch: ConsoleBatch) => void,
  ) {}

  /** Creates, replaces and drops the dataset views after a recompute, rename or delete. Run on the engine's main connection, between recomputes. */
  async refreshTables(datasets: readonly DatasetForConsole[]): Promise<void> {
    const engine = this.engine();
    const names = consoleTableNames(datasets);
    for (const [id, old] of this.viewNames) {
      if (names.get(id) !== old) {
        await engine.query(`DROP VIEW IF EXISTS main.${quoteIdent(old)}`);
        this.viewNames.delete(id);
      }
    }
    const tables: ConsoleTable[] = [];
    for (const d of datasets) {
      const name = names.get(d.id)!;
      await engine.query(consoleViewSql(name, d));
      this.viewNames.set(d.id, name);
      tables.push({ datasetId: d.id, name, w: d.cacheTable === null ? 0 : d.w, columns: consoleColumns(d.schema) });
    }
    this.tables = tables;
  }

  /**
   * Everything that touches the console's connection, one at a time: a second statement on a
   * DuckDB-WASM connection ends the result the first is still streaming, quietly (a schema refresh
   * during a 3M-row result cut it to 57,344 rows that looked complete).
   */
  private exclusive<T>(job: () => Promise<T>): Promise<T> {
    const run = this.sessionQueue.then(job, job);
    this.sessionQueue = run.catch(() => undefined);
    return run;
  }

  /** The tables and the console's temporary objects, for the editor's completion. */
  schema(): Promise<ConsoleSchema> {
    return this.exclusive(() => this.readSchema());
  }

  private async readSchema(): Promise<ConsoleSchema> {
    const session = await this.openSession();
    const rows = await session.run(`SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE database_name = 'temp' ORDER BY table_name, column_index`);
    const temp = new Map<string, { name: string; type: string }[]>();
    for (const b of rows) {
      for (let i = 0; i < b.numRows; i++) {
        const t = String(b.getChildAt(0)?.get(i));
        const list = temp.get(t) ?? [];
        list.push({ name: String(b.getChildAt(1)?.get(i)), type: String(b.getChildAt(2)?.get(i)) });
        temp.set(t, list);
      }
    }
    return { tables: this.tables, temp: [...temp].map(([name, columns]) => ({ name, columns })) };
  }

  cancel(queryId: string): boolean {
    const c = this.running.get(queryId);
    c?.abort();
    return c !== undefined;
  }

  /** Runs each statement after the guard; the last one's result streams to the page. */
  run(queryId: string, sql: string): Promise<ConsoleResult> {
    const statements = splitStatements(sql);
    if (statements.length === 0) return Promise.reject(refused('There is no statement to run.'));
    const control = new AbortController();
    // Cancellable while it waits its turn, too.
    this.running.set(queryId, control);
    return this.exclusive(() => this.runStatements(queryId, sql, statements, control));
  }

  private async runStatements(queryId: string, sql: string, statements: { text: string }[], control: AbortController): Promise<ConsoleResult> {
    const t0 = performance.now();
    const covers = this.covers(sql);
    try {
      const session = await this.openSession();
      for (let i = 0; i < statements.length; i++) {
        const text = statements[i]!.text;
        const verdict = checkConsoleSql(text, await this.guardContext(session));
        if (!verdict.ok) {
          const ran = i === 0 ? '' : i === 1 ? ' Statement 1 ran.' : ` Statements 1 to ${i} ran.`;
          throw refused(statements.length > 1 ? `Statement ${i + 1} of ${statements.length} was not run: ${verdict.message}${ran}` : verdict.message);
        }
        if (control.signal.aborted) throw new DOMException('the query was cancelled', 'AbortError');
        if (i < statements.length - 1) await session.run(text);
        else {
          const r = await this.streamResult(queryId, session, text, control);
          return { queryId, ...r, statements: statements.length, ms: performance.now() - t0, covers };
        }
      }
      throw new Error('unreachable');
    } catch (e) {
      if (!control.signal.aborted) throw plainer(e);
      const lost = this.abandonSession();
      throw new DOMException(
        lost.length === 0
          ? 'the query was cancelled'
          : `the query was cancelled; it ran on the console's own connection, which had to be replaced, so its temporary tables and views (${lost.join(', ')}) are gone`,
        'AbortError',
      );
    } finally {
      this.running.delete(queryId);
    }
  }

  /**
   * A cancelled query can leave its DuckDB-WASM connection wedged: the next statement on it, and
   * closing it, waited for ever (measured: a cross join cancelled 1.5 s in, threaded build). The
   * console moves to a fresh connection and leaves the old one alone; the temporary objects it held
   * are named to the person, since they cannot be read back. Returns their names.
   */
  private abandonSession(): string[] {
    this.session = null;
    const lost = this.tempNames;
    this.tempNames = [];
    return lost;
  }

  private async streamResult(queryId: string, session: EngineSession, sql: string, control: AbortController): Promise<Pick<ConsoleResult, 'columns' | 'rows' | 'truncated'>> {
    let schema: Schema | null = null;
    let pending: RecordBatch[] = [];
    let pendingRows = 0;
    let rows = 0;
    let bytes = 0;
    let sent = 0;
    let last = performance.now();
    let truncated: string | null = null;
    const flush = () => {
      if (pending.length === 0) return;
      const ipc = toIpc(pending);
      bytes += ipc.byteLength;
      this.emit({ queryId, ipc, rows: pendingRows });
      sent++;
      pending = [];
      pendingRows = 0;
      last = performance.now();
    };
    try {
      for await (const batch of session.stream(sql, control.signal)) {
        schema ??= batch.schema;
        let b = batch;
        if (rows + b.numRows > MAX_RESULT_ROWS) b = b.slice(0, MAX_RESULT_ROWS - rows);
        pending.push(b);
        pendingRows += b.numRows;
        rows += b.numRows;
        if (sent === 0 || pendingRows >= SLICE_ROWS || performance.now() - last >= SLICE_MS) flush();
        if (rows >= MAX_RESULT_ROWS || bytes >= MAX_RESULT_BYTES) {
          truncated = rows >= MAX_RESULT_ROWS ? `the first ${MAX_RESULT_ROWS.toLocaleString('en-US')} rows` : `the first ${rows.toLocaleString('en-US')} rows (1 GB)`;
          control.abort();
          break;
        }
      }
    } catch (e) {
      if (!truncated) throw e;
    }
    flush();
    if (schema === null) return { columns: [], rows: 0, truncated };
    if (sent === 0) this.emit({ queryId, ipc: toIpc([emptyBatch(schema)]), rows: 0 });
    return { columns: schema.fields.map((f) => ({ name: f.name, type: arrowTypeName(f.type) })), rows, truncated };
  }

  private openSession(): Promise<EngineSession> {
    this.session ??= this.engine().openSession();
    return this.session;
  }

  private async guardContext(session: EngineSession): Promise<GuardContext> {
    const tempObjects: string[] = [];
    const batches = await session.run(
      `SELECT table_name FROM duckdb_tables() WHERE temporary UNION ALL SELECT view_name FROM duckdb_views() WHERE temporary AND NOT internal UNION ALL SELECT sequence_name FROM duckdb_sequences() WHERE temporary UNION ALL SELECT DISTINCT function_name FROM duckdb_functions() WHERE database_name = 'temp'`,
    );
    for (const b of batches) for (let i = 0; i < b.numRows; i++) tempObjects.push(String(b.getChildAt(0)?.get(i)));
    this.tempNames = tempObjects;
    return { datasetTables: this.tables.map((t) => t.name), tempObjects };
  }

  /** The datasets whose table names appear in the text as identifiers (what the answer covers). */
  private covers(sql: string): ConsoleResult['covers'] {
    const words = new Set<string>();
    for (const t of tokenize(sql)) if (t.kind === 'word' || t.kind === 'quotedIdent') words.add((t.value ?? t.text).toLowerCase());
    return this.tables.filter((t) => words.has(t.name.toLowerCase())).map((t) => ({ datasetId: t.datasetId, name: t.name, w: t.w }));
  }
}
