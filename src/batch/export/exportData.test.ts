import 'fake-indexeddb/auto';
import { Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EventLog } from '../../log/EventLog';
import { parquetWasm, type ParquetWasm } from '../files/parquetWasm';
import { namedBlob } from '../files/testing/fixtures';
import { useNodeParquetWasm } from '../files/testing/nodeParquetWasm';
import { FileImporter } from '../import/FileImporter';
import { NodeDuckDbEngine } from '../testing/nodeDuckDbEngine';
import { exportArrowIpc, exportColumns, exportLog } from './exportData';
import { loggedRows, TYPED_SCHEMA, typedBatch, typedLog } from './testing/typedLog';

let engine: NodeDuckDbEngine;
let pw: ParquetWasm;
beforeAll(async () => {
  useNodeParquetWasm();
  pw = await parquetWasm();
  engine = await NodeDuckDbEngine.create();
});

const bytes = async (b: Blob) => new Uint8Array(await b.arrayBuffer());
const importer = (log: EventLog) =>
  new FileImporter(
    async () => engine,
    () => log.db,
    () => {},
  );

/** A log of every type over several segments: Int8 and Int16 dictionaries, a compacted run. */
async function filledLog(): Promise<EventLog> {
  const log = await typedLog();
  await log.append('typed', typedBatch(1, 3000));
  await log.append('typed', typedBatch(3001, 2000, 300));
  for (let i = 0; i < 16; i++) await log.append('typed', typedBatch(5001 + i * 10, 10));
  await log.compactTail('typed', { minRun: 16 });
  return log;
}

describe('a log exported as Parquet and imported back', () => {
  it('is the same dataset: schema, event times, every row in order', async () => {
    const log = await filledLog();
    const progress: number[] = [];
    const out = await exportLog(log, 'typed', 'parquet', { onProgress: (done, total) => progress.push(total === 5160 ? done : -1) });
    expect(out).toMatchObject({ rows: 5160, bytes: out.blob.size });
    expect(progress.at(-1)).toBe(5160);

    const file = namedBlob('typed.parquet', await bytes(out.blob));
    const imp = importer(log);
    const preview = await imp.preview(file);
    expect(preview.suggestedEventTime).toBe('ts_1');
    const note = '"ts" is taken as the event time: as such it becomes the events\' own ts and is not kept as a field; with another event time it is kept as "ts_1"';
    expect(preview.fields[0]).toMatchObject({ name: 'ts_1', sourceName: 'ts', type: 'timestamp', note });
    expect(preview.notes).toContain(note);

    const r = await imp.run(file, { importId: 'back', target: { kind: 'new', name: 'typed again' }, eventTime: preview.suggestedEventTime, formats: {} }, () => {});
    expect(r).toMatchObject({ rows: 5160, skipped: 0 });
    expect(r.schema).toEqual(TYPED_SCHEMA);
    const before = await loggedRows(log, 'typed');
    const after = await loggedRows(log, r.datasetId);
    expect(after.seq).toEqual(before.seq);
    expect(after.batch).toEqual(before.batch);

    // With the import's own time instead, the file's ts stays, as a field.
    const kept = await imp.run(file, { importId: 'kept', target: { kind: 'new', name: 'kept' }, eventTime: null, formats: {} }, () => {});
    expect(kept.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(['ts_1:timestamp', ...TYPED_SCHEMA.fields.map((f) => `${f.name}:${f.type}`)]);
    expect((await loggedRows(log, kept.datasetId)).batch.columns.ts_1).toEqual(before.batch.ts);

    // Into the dataset it came from: the ts column is the event time, not a field it lacks.
    const again = await imp.run(file, { importId: 'again', target: { kind: 'existing', datasetId: r.datasetId }, eventTime: 'ts_1', formats: {} }, () => {});
    expect(again).toMatchObject({ rows: 5160, highWater: 10_320 });
  });

  it('writes CSV of the same rows; a cancel throws an AbortError', async () => {
    const log = await filledLog();
    const csv = await exportLog(log, 'typed', 'csv');
    const text = new TextDecoder().decode(await bytes(csv.blob));
    expect(text.slice(0, text.indexOf('\n'))).toBe('ts,n,x,ok,city,day,at');
    expect(csv.rows).toBe(5160);
    const control = new AbortController();
    const e = await exportLog(log, 'typed', 'parquet', { signal: control.signal, onProgress: () => control.abort() }).catch((x: unknown) => x);
    expect((e as Error).name).toBe('AbortError');
    const e2 = await exportLog(log, 'typed', 'csv', { signal: control.signal }).catch((x: unknown) => x);
    expect((e2 as Error).name).toBe('AbortError');
  });
});

describe('query results and view rows', () => {
  it('writes any DuckDB type as CSV; Parquet names the column it cannot write', async () => {
    const chunks: Uint8Array[] = [];
    const sql = "SELECT range AS i, range::HUGEINT * -1000000000000000000000 AS h, [range, NULL] AS l, {'k': range} AS s, range::DECIMAL(10,2) - 1.5 AS d FROM range(3)";
    for await (const b of engine.stream(sql)) chunks.push(tableToIPC(new Table([b]), 'stream'));
    const csv = await exportArrowIpc(chunks, 'csv');
    expect(new TextDecoder().decode(await bytes(csv.blob))).toBe(
      ['i,h,l,s,d', '0,0,"[0, NULL]",{\'k\': 0},-1.50', '1,-1000000000000000000000,"[1, NULL]",{\'k\': 1},-0.50', '2,-2000000000000000000000,"[2, NULL]",{\'k\': 2},0.50', ''].join('\n'),
    );
    const pq = await exportArrowIpc(chunks, 'parquet');
    const back = tableFromIPC(pw.readParquet(await bytes(pq.blob)).intoIPCStream());
    expect(back.numRows).toBe(3);
    expect(back.getChild('l')!.get(2)!.toArray()).toEqual(new BigInt64Array([2n, 0n]));

    const ivl: Uint8Array[] = [];
    for await (const b of engine.stream("SELECT 1 AS a, INTERVAL '1 day' AS span")) ivl.push(tableToIPC(new Table([b]), 'stream'));
    await expect(exportArrowIpc(ivl, 'parquet')).rejects.toThrow(/^column "span" \(INTERVAL\) cannot be written as Parquet/);
    const empty: Uint8Array[] = [];
    for await (const b of engine.stream('SELECT 1 AS a WHERE false')) empty.push(tableToIPC(new Table([b]), 'stream'));
    if (empty.length === 0) empty.push(tableToIPC(new Table({}), 'stream'));
    expect((await exportArrowIpc(empty, 'csv')).rows).toBe(0);
  });

  it("writes a view's rows in the log's types", async () => {
    const day = Date.UTC(2024, 0, 2) / 86_400_000;
    const columns = [
      { name: 'country', type: 'text' as const, values: ['Norway', null, 'Perú, "PE"'] },
      { name: 'minute', type: 'timestamp' as const, values: [Date.UTC(2024, 0, 2, 3, 4), 0, -1] },
      { name: 'day', type: 'date' as const, values: [day, -1, null] },
      { name: 'count', type: 'integer' as const, values: [2 ** 53 - 1, 0, -5] },
      { name: 'avg', type: 'float' as const, values: [0.5, null, -0] },
      { name: 'any', type: 'boolean' as const, values: [true, false, null] },
    ];
    const csv = await exportColumns(columns, 'csv');
    expect(new TextDecoder().decode(await bytes(csv.blob))).toBe(
      [
        'country,minute,day,count,avg,any',
        'Norway,2024-01-02 03:04:00,2024-01-02,9007199254740991,0.5,true',
        ',1970-01-01 00:00:00,1969-12-31,0,,false',
        '"Perú, ""PE""",1969-12-31 23:59:59.999,,-5,-0,',
        '',
      ].join('\n'),
    );
    const pq = await exportColumns(columns, 'parquet');
    const back = tableFromIPC(pw.readParquet(await bytes(pq.blob)).intoIPCStream());
    expect(back.getChild('count')!.get(0)).toBe(2n ** 53n - 1n);
    expect(back.getChild('country')!.get(2)).toBe('Perú, "PE"');
    expect(pq.rows).toBe(3);
  });
});
