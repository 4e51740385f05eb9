/**
 * The console through the real batch dispatcher, over a real log (fake-indexeddb) and DuckDB's Node
 * build: answers the test computes itself, the read-only guard, temporary tables, hostile names.
 */
import 'fake-indexeddb/auto';
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { EventLog } from '../../log/EventLog';
import { LogDb } from '../../log/LogDb';
import type { DatasetSchema } from '../../protocol/schema';
import { NodeDuckDbEngine } from '../testing/nodeDuckDbEngine';
import { BatchDispatcher } from '../worker/BatchDispatcher';
import type { BatchEvent } from '../worker/protocol';
import { columnText } from '../export/arrowText';

const HOSTILE = 'a"; DROP TABLE b; --';
const SCHEMA: DatasetSchema = {
  fields: [
    { name: 'count', type: 'integer' },
    { name: 'kind', type: 'text' },
    { name: 'price', type: 'float' },
  ],
};

let n = 0;
async function setup() {
  const dbName = `console-test-${n++}`;
  const log = new EventLog(new LogDb(dbName));
  await log.ensureDataset('sales', 'sales', SCHEMA);
  await log.ensureDataset('weird', HOSTILE, SCHEMA);
  const events: BatchEvent[] = [];
  const d = new BatchDispatcher(
    () => NodeDuckDbEngine.create(),
    (e) => events.push(e),
  );
  await d.init({ dbName });
  const count: number[] = [];
  const kind: string[] = [];
  const price: number[] = [];
  for (let i = 0; i < 1000; i++) {
    count.push(i % 7);
    kind.push(['x', 'y', 'NULL'][i % 3]!);
    price.push(i / 4);
  }
  await log.append('sales', { count: 1000, ts: count.map((_, i) => 1_700_000_000_000 + i * 1000), columns: { count, kind, price } });
  await log.append('weird', { count: 3, ts: [1, 2, 3], columns: { count: [1, 2, 3], kind: ['a', null, 'c'], price: [1.5, null, 2] } });
  await d.recompute();
  /** Runs SQL and returns its rows as text, from the streamed slices (the way the page gets them). */
  const run = async (sql: string) => {
    events.length = 0;
    const queryId = `q${n++}`;
    const result = await d.consoleQuery({ queryId, sql });
    const rows: (string | null)[][] = [];
    for (const e of events) {
      if (e.type !== 'console-batch' || e.batch.queryId !== queryId) continue;
      const t = tableFromIPC(e.batch.ipc);
      const cols = t.schema.fields.map((_, i) => columnText(t.getChildAt(i)!));
      for (let r = 0; r < t.numRows; r++) rows.push(cols.map((c) => c(r)));
    }
    return { result, rows };
  };
  return { log, d, run };
}

describe('SQL console', () => {
  it('answers over each dataset as a table named after it, cut at W, with what it covers', async () => {
    const { log, d, run } = await setup();
    const { result, rows } = await run(`SELECT count(*) AS n, sum("count") AS s, count(*) FILTER (kind = 'NULL') AS text_null FROM sales`);
    // 1000 events; sum of i % 7; a third of kind is the text "NULL", not a NULL.
    const expected = Array.from({ length: 1000 }, (_, i) => i % 7).reduce((a, b) => a + b, 0);
    const textNull = Array.from({ length: 1000 }, (_, i) => i % 3 === 2).filter(Boolean).length;
    expect(rows).toEqual([['1000', String(expected), String(textNull)]]);
    expect(result.columns.map((c) => c.type)).toEqual(['BIGINT', 'DECIMAL(38,0)', 'BIGINT']);
    expect(result.covers).toEqual([{ datasetId: 'sales', name: 'sales', w: 1000 }]);
    // Events past W are not in the answer until a recompute.
    await log.append('sales', { count: 1, ts: [5], columns: { count: [100], kind: ['z'], price: [1] } });
    expect((await run('SELECT count(*) FROM sales')).rows).toEqual([['1000']]);
    await d.recompute();
    expect((await run('SELECT count(*) FROM sales')).rows).toEqual([['1001']]);
  });

  it('shows seq, ts as a timestamp and every field; NULL stays NULL', async () => {
    const { run } = await setup();
    const { result, rows } = await run(`SELECT * FROM "a""; DROP TABLE b; --" ORDER BY seq`);
    expect(result.columns).toEqual([
      { name: 'seq', type: 'BIGINT' },
      { name: 'ts', type: 'TIMESTAMP' },
      { name: 'count', type: 'BIGINT' },
      { name: 'kind', type: 'VARCHAR' },
      { name: 'price', type: 'DOUBLE' },
    ]);
    expect(rows).toEqual([
      ['1', '1970-01-01 00:00:00.001', '1', 'a', '1.5'],
      ['2', '1970-01-01 00:00:00.002', '2', null, null],
      ['3', '1970-01-01 00:00:00.003', '3', 'c', '2'],
    ]);
  });

  it('refuses writes to datasets, files and URLs, and DuckDB itself is closed to them', async () => {
    const { run } = await setup();
    await expect(run('DELETE FROM sales')).rejects.toMatchObject({ name: 'Refused' });
    await expect(run('DROP VIEW sales')).rejects.toThrow(/read-only|log/i);
    await expect(run('CREATE OR REPLACE VIEW sales AS SELECT 1')).rejects.toMatchObject({ name: 'Refused' });
    await expect(run(`INSERT INTO "a""; DROP TABLE b; --" SELECT * FROM sales`)).rejects.toMatchObject({ name: 'Refused' });
    await expect(run("SELECT * FROM read_csv('x.csv')")).rejects.toMatchObject({ name: 'Refused' });
    await expect(run("SELECT * FROM 'https://example.invalid/x.csv'")).rejects.toMatchObject({ name: 'Refused' });
    await expect(run('SET enable_external_access = true')).rejects.toMatchObject({ name: 'Refused' });
    // Past the guard (a file read by a name that does not look like one), DuckDB refuses too.
    await expect(run("SELECT * FROM glob('*')")).rejects.toThrow();
    expect((await run('SELECT count(*) FROM sales')).rows).toEqual([['1000']]);
  });

  it('keeps temporary tables for one’s own analysis across runs, and reports DuckDB errors as they are', async () => {
    const { run, d } = await setup();
    await run('CREATE TEMP TABLE mine AS SELECT kind, count(*) AS n FROM sales GROUP BY kind');
    await run("INSERT INTO mine VALUES ('extra', 1)");
    expect((await run('SELECT kind, n FROM mine ORDER BY kind')).rows).toEqual([
      ['NULL', '333'],
      ['extra', '1'],
      ['x', '334'],
      ['y', '333'],
    ]);
    const schema = await d.consoleSchema();
    expect(schema.tables.map((t) => t.name).sort()).toEqual([HOSTILE, 'sales']);
    expect(schema.temp.map((t) => t.name)).toEqual(['mine']);
    await run('DROP TABLE mine');
    await expect(run('SELECT nope FROM sales')).rejects.toThrow(/nope/);
    // Several statements: the last one's result is shown.
    const multi = await run('CREATE TEMP VIEW v AS SELECT 41 AS x; SELECT x + 1 AS y FROM v');
    expect(multi.rows).toEqual([['42']]);
    expect(multi.result.statements).toBe(2);
  });

  it('says what to use instead of a time-zone function, and runs what it suggests', async () => {
    const { run } = await setup();
    await expect(run('SELECT current_date')).rejects.toThrow(/ICU extension, which this offline build does not have/);
    const { rows } = await run('SELECT now()::TIMESTAMP - INTERVAL 1 HOUR < now()::TIMESTAMP AS ok, typeof(now()::TIMESTAMP::DATE) AS d');
    expect(rows).toEqual([['true', 'DATE']]);
  });

  it('runs the schema read and queries one at a time on the console connection', async () => {
    const { run, d } = await setup();
    const [a, schema, b] = await Promise.all([run('SELECT count(*) FROM sales'), d.consoleSchema(), run('SELECT 2 AS two')]);
    expect(a.result.rows).toBe(1);
    expect(schema.tables.map((t) => t.name).sort()).toEqual([HOSTILE, 'sales']);
    expect(b.result.columns).toEqual([{ name: 'two', type: 'INTEGER' }]);
  });

  it('renames and deletes move the tables with the datasets', async () => {
    const { run, d } = await setup();
    await d.renameDataset({ datasetId: 'sales', name: 'Orders 2024' });
    expect((await run('SELECT count(*) FROM "Orders 2024"')).rows).toEqual([['1000']]);
    await expect(run('SELECT count(*) FROM sales')).rejects.toThrow(/sales/);
    await d.deleteDataset({ datasetId: 'sales' });
    await expect(run('SELECT count(*) FROM "Orders 2024"')).rejects.toThrow(/Orders 2024/);
  });
});
