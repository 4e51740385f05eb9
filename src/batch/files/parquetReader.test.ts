import { tableToIPC } from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { beforeAll, describe, expect, it } from 'vitest';
import { FileProblem } from './FileProblem';
import { ParquetReader } from './parquetReader';
import { parquetWasm, type ParquetWasm } from './parquetWasm';
import { expectValues, gzip, LOG_TYPE_NAMES, namedBlob, readAll, typeNames } from './testing/fixtures';
import { useNodeParquetWasm } from './testing/nodeParquetWasm';
import { expectedColumns, SAMPLE_ROWS, sampleColumns, sampleTable } from './testing/sampleTable';
import type { DetectedFormat } from './types';

const PARQUET: DetectedFormat = { format: 'parquet', gzip: false };
const source = sampleColumns();
const expected = expectedColumns(source);
let pw: ParquetWasm;

beforeAll(async () => {
  useNodeParquetWasm();
  pw = await parquetWasm();
});

/** The sample written by parquet-wasm with `compression`, in row groups of 30,000 rows. */
function writeSample(compression: 'ZSTD' | 'SNAPPY'): Uint8Array {
  const props = new pw.WriterPropertiesBuilder().setCompression(pw.Compression[compression]).setMaxRowGroupSize(30_000).build();
  return pw.writeParquet(pw.Table.fromIPCStream(tableToIPC(sampleTable(source), 'stream')), props);
}

async function problemOf(p: Promise<unknown>): Promise<string> {
  const e = await p.catch((x: unknown) => x);
  expect(e).toBeInstanceOf(FileProblem);
  return (e as Error).message;
}

describe('ParquetReader', () => {
  for (const compression of ['ZSTD', 'SNAPPY'] as const) {
    it(`reads a ${compression} file row group by row group into the log types`, async () => {
      const bytes = writeSample(compression);
      const r = await readAll(new ParquetReader(namedBlob('sample.parquet', bytes), PARQUET, { chunkRows: 8192 }));
      expect(r.rowCount).toBe(SAMPLE_ROWS);
      expect(r.fields.map((f) => `${f.name}:${f.type}${f.zoned ? ':zoned' : ''}`)).toEqual([
        'small:integer',
        'ratio:float',
        'price:float',
        'label:text',
        'country:text',
        'day:date',
        'at:timestamp',
        'TS_1:timestamp:zoned',
        'ok:boolean',
        'big:integer',
      ]);
      expect(typeNames(r.batches[0]!)).toEqual(r.fields.map((f) => LOG_TYPE_NAMES[f.type]));
      expect(r.batches.map((b) => b.numRows)).toEqual([...Array(12).fill(8192), SAMPLE_ROWS - 12 * 8192]);
      for (const [name, values] of Object.entries(expected)) expectValues(r.columns[name], values, name);
      expect(r.columns.at![97]).toBe(-98);
      expect(r.columns.big!.slice(0, 2)).toEqual([2 ** 53 - 1, -(2 ** 53 - 1)]);
      // Progress follows the row groups (30,000 rows each) and ends at the file's size.
      expect(r.bytesRead[0]).toBeGreaterThan(0);
      expect(r.bytesRead.at(-1)).toBe(bytes.length);
    });
  }

  it('reads a gzip-compressed file', async () => {
    const r = await readAll(new ParquetReader(namedBlob('sample.parquet.gz', await gzip(writeSample('ZSTD'))), { format: 'parquet', gzip: true }));
    expect(r.rowCount).toBe(SAMPLE_ROWS);
    expectValues(r.columns.TS_1, expected.TS_1!, 'TS_1');
  });

  it('reads a file written by another writer (hyparquet: plain Parquet types, no Arrow schema)', async () => {
    const n = 5000;
    const names = Array.from({ length: n }, (_, i) => (i % 9 === 0 ? null : `n${i % 50}`));
    const counts = Array.from({ length: n }, (_, i) => BigInt(i) * 3n - 7000n);
    const times = Array.from({ length: n }, (_, i) => new Date(1_700_000_000_000 + i * 1001));
    const prices = Array.from({ length: n }, (_, i) => i / 7);
    const flags = Array.from({ length: n }, (_, i) => (i % 4 === 0 ? null : i % 2 === 0));
    const days = Array.from({ length: n }, (_, i) => 19_000 + i);
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'Name', data: names, type: 'STRING' },
        { name: 'name', data: names, type: 'STRING' },
        { name: 'seq', data: counts, type: 'INT64' },
        { name: 'at', data: times, type: 'TIMESTAMP' },
        { name: 'price $', data: prices, type: 'DOUBLE' },
        { name: 'ok', data: flags, type: 'BOOLEAN' },
        { name: 'day', data: days, type: 'INT32' },
      ],
      rowGroupSize: 1200,
    });
    const r = await readAll(new ParquetReader(namedBlob('other.parquet', new Uint8Array(buffer)), PARQUET, { chunkRows: 1000 }));
    expect(r.rowCount).toBe(n);
    expect(r.fields.map((f) => `${f.name}<-${f.sourceName}:${f.type}`)).toEqual([
      'Name<-Name:text',
      'name_2<-name:text',
      'seq_1<-seq:integer',
      'at<-at:timestamp',
      'price $<-price $:float',
      'ok<-ok:boolean',
      'day<-day:integer',
    ]);
    expect(r.fields[3]).toMatchObject({ zoned: true, note: 'had time zone "UTC": converted to UTC' });
    expectValues(r.columns.Name, names, 'Name');
    expectValues(r.columns.name_2, names, 'name_2');
    expectValues(r.columns.seq_1, counts.map(Number), 'seq_1');
    expectValues(
      r.columns.at,
      times.map((t) => t.getTime()),
      'at',
    );
    expectValues(r.columns['price $'], prices, 'price $');
    expectValues(r.columns.ok, flags, 'ok');
    expect(r.batches.map((b) => b.numRows)).toEqual([1000, 1000, 1000, 1000, 1000]);
  });

  it('fails a file cut short, or with a damaged footer, with a FileProblem', async () => {
    const bytes = writeSample('SNAPPY');
    expect(await problemOf(new ParquetReader(namedBlob('cut.parquet', bytes.subarray(0, bytes.length - 10)), PARQUET).open())).toBe(
      '"cut.parquet" is not a complete Parquet file (it does not end with PAR1: cut short?)',
    );
    expect(await problemOf(new ParquetReader(namedBlob('tiny.parquet', 'PAR1PAR1'), PARQUET).open())).toBe('"tiny.parquet" is not a complete Parquet file (it does not end with PAR1: cut short?)');
    // The start and the footer, without the row groups between: the footer points past the end.
    const spliced = new Uint8Array([...bytes.subarray(0, 1000), ...bytes.subarray(bytes.length - 3000)]);
    expect(await problemOf(readAll(new ParquetReader(namedBlob('spliced.parquet', spliced), PARQUET)))).toMatch(/^"spliced.parquet" could not be read as Parquet while reading/);
    // A garbled footer length.
    const badLength = bytes.slice();
    badLength.set([0xff, 0xff, 0xff, 0x7f], bytes.length - 8);
    expect(await problemOf(new ParquetReader(namedBlob('footer.parquet', badLength), PARQUET).open())).toMatch(/^"footer.parquet" could not be read as Parquet while reading its footer/);
  });

  it('fails a file with an integer beyond ±(2^53-1), naming the column', async () => {
    const buffer = parquetWriteBuffer({ columnData: [{ name: 'order id', data: [1n, -(2n ** 53n)], type: 'INT64' }] });
    expect(await problemOf(readAll(new ParquetReader(namedBlob('ids.parquet', new Uint8Array(buffer)), PARQUET)))).toBe(
      '"ids.parquet" has the integer -9007199254740992 in column "order id" (row 2), beyond ±(2^53-1), the largest the log holds exactly',
    );
  });

  it('stops at an abort with an AbortError', async () => {
    const controller = new AbortController();
    const reader = new ParquetReader(namedBlob('sample.parquet', writeSample('ZSTD')), PARQUET, { chunkRows: 4096, signal: controller.signal });
    await reader.open();
    let batches = 0;
    const e = await (async () => {
      for await (const _ of reader.batches()) {
        batches++;
        controller.abort();
      }
    })().catch((x: unknown) => x);
    expect((e as Error).name).toBe('AbortError');
    expect(batches).toBe(1);
    const before = new AbortController();
    before.abort();
    await expect(new ParquetReader(namedBlob('sample.parquet', 'PAR1'), PARQUET, { signal: before.signal }).open()).rejects.toThrow(/aborted/);
  });
});
