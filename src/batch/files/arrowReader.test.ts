import { Field, Float32, Int16, Int64, RecordBatch, RecordBatchStreamWriter, Schema, Struct, Table, makeData, tableToIPC, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { ArrowReader } from './arrowReader';
import { FileProblem } from './FileProblem';
import { expectValues, gzip, LOG_TYPE_NAMES, namedBlob, readAll, typeNames } from './testing/fixtures';
import { expectedColumns, SAMPLE_ROWS, sampleColumns, sampleTable } from './testing/sampleTable';
import type { DetectedFormat } from './types';

const FILE: DetectedFormat = { format: 'arrow-file', gzip: false };
const STREAM: DetectedFormat = { format: 'arrow-stream', gzip: false };
const source = sampleColumns();
const expected = expectedColumns(source);
const table = sampleTable(source);
const fileBytes = tableToIPC(table, 'file');
const streamBytes = tableToIPC(table, 'stream');

const sum = (xs: unknown[]) => xs.reduce<number>((a, x) => a + (typeof x === 'number' ? x : 0), 0);

function checkSample(r: Awaited<ReturnType<typeof readAll>>, chunkRows: number) {
  expect(r.fields.map((f) => [f.name, f.sourceName, f.type, f.zoned ?? false])).toEqual([
    ['small', 'small', 'integer', false],
    ['ratio', 'ratio', 'float', false],
    ['price', 'price', 'float', false],
    ['label', 'label', 'text', false],
    ['country', 'country', 'text', false],
    ['day', 'day', 'date', false],
    ['at', 'at', 'timestamp', false],
    ['TS_1', 'TS', 'timestamp', true],
    ['ok', 'ok', 'boolean', false],
    ['big', 'big', 'integer', false],
  ]);
  expect(r.fields[7]!.note).toBe('"TS" is a name the log keeps for itself: renamed "TS_1"; had time zone "America/New_York": converted to UTC');
  expect(typeNames(r.batches[0]!)).toEqual(r.fields.map((f) => LOG_TYPE_NAMES[f.type]));
  expect(r.batches.map((b) => b.numRows)).toEqual([...Array(Math.floor(SAMPLE_ROWS / chunkRows)).fill(chunkRows), SAMPLE_ROWS % chunkRows]);
  for (const [name, values] of Object.entries(expected)) expectValues(r.columns[name], values, name);
  // A few figures by hand, in case the expectations and the reader share a mistake.
  expect(r.columns.big!.slice(0, 2)).toEqual([2 ** 53 - 1, -(2 ** 53 - 1)]);
  expect(r.columns.at![97]).toBe(-98); // -97,098 µs floors to -98 ms, not -97
  expect(r.columns.small!.filter((v) => v === null)).toHaveLength(Math.ceil(SAMPLE_ROWS / 11));
  expect(sum(r.columns.small!)).toBe(sum(source.small));
  expect(r.columns.ratio![3]).toBe(Math.fround(3 / 8 - 60.3));
  expect(r.columns.label![5]).toBe('ünï 5 𝄞');
  expect(r.columns.ok!.slice(0, 6)).toEqual([true, false, false, true, null, false]);
  expect(r.bytesRead.at(-1)).toBeGreaterThan(0);
}

describe('ArrowReader', () => {
  it('reads an IPC file by random access, with its row count, in the log types', async () => {
    const reader = new ArrowReader(namedBlob('sample.arrow', fileBytes), FILE, { chunkRows: 4096 });
    const r = await readAll(reader);
    expect(r.rowCount).toBe(SAMPLE_ROWS);
    checkSample(r, 4096);
    expect(r.bytesRead.at(-1)).toBe(fileBytes.length);
  });

  it('reads an IPC stream, plain and gzip-compressed', async () => {
    const plain = await readAll(new ArrowReader(namedBlob('sample.arrows', streamBytes), STREAM, { chunkRows: 10_000 }));
    expect(plain.rowCount).toBeNull();
    checkSample(plain, 10_000);
    const zipped = await gzip(streamBytes);
    const gz = await readAll(new ArrowReader(namedBlob('sample.arrows.gz', zipped), { format: 'arrow-stream', gzip: true }, { chunkRows: 10_000 }));
    checkSample(gz, 10_000);
    expect(gz.bytesRead.at(-1)).toBe(zipped.length);
  });

  it('reads a gzip-compressed IPC file', async () => {
    const r = await readAll(new ArrowReader(namedBlob('sample.arrow.gz', await gzip(fileBytes)), { format: 'arrow-file', gzip: true }, { chunkRows: 65_536 }));
    checkSample(r, 65_536);
  });

  it('reads a stream written one small batch at a time into full batches', async () => {
    const schema = new Schema([new Field('n', new Int16()), new Field('f', new Float32())]);
    const writer = new RecordBatchStreamWriter();
    writer.reset(undefined, schema);
    for (let b = 0; b < 50; b++) {
      const n = Int16Array.from({ length: 100 }, (_, i) => b * 100 + i - 2500);
      const f = Float32Array.from({ length: 100 }, (_, i) => (b * 100 + i) / 3);
      const children = [makeData({ type: new Int16(), length: 100, data: n }), makeData({ type: new Float32(), length: 100, data: f })];
      writer.write(new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 100, children })));
    }
    writer.finish();
    const r = await readAll(new ArrowReader(namedBlob('small.arrows', writer.toUint8Array(true)), STREAM, { chunkRows: 1024 }));
    expect(r.batches.map((b) => b.numRows)).toEqual([1024, 1024, 1024, 1024, 904]);
    expect(r.columns.n).toEqual(Array.from({ length: 5000 }, (_, i) => i - 2500));
    expect(r.columns.f).toEqual(Array.from({ length: 5000 }, (_, i) => Math.fround(i / 3)));
    expect(typeNames(r.batches[0]!)).toEqual(['Int64', 'Float64']);
  });

  it('renames columns the log cannot hold as they are', async () => {
    const names = ['', 'a', 'A', 'seq', 'count', 'a b', '$x', 'q"t', 'ü名'];
    const t = new Table(Object.fromEntries(names.map((n, i) => [n, vectorFromArray([i, i + 1], new Int16())])));
    // Table() keys by name: the empty and the case-different names survive, as columns of one record.
    const r = await readAll(new ArrowReader(namedBlob('names.arrow', tableToIPC(t, 'file')), FILE));
    expect(r.fields.map((f) => f.name)).toEqual(['column_1', 'a', 'A_2', 'seq_1', 'count', 'a b', '$x', 'q"t', 'ü名']);
    expect(r.fields.map((f) => f.sourceName)).toEqual(names);
    expect(r.columns.A_2).toEqual([2, 3]);
  });

  it('fails a file with an integer beyond ±(2^53-1), naming the column', async () => {
    const t = new Table({ ok: vectorFromArray([1n, 2n], new Int64()), 'user id': vectorFromArray([5n, 2n ** 53n], new Int64()) });
    const reader = new ArrowReader(namedBlob('ids.arrow', tableToIPC(t, 'file')), FILE);
    await expect(readAll(reader)).rejects.toThrow('"ids.arrow" has the integer 9007199254740992 in column "user id" (row 2), beyond ±(2^53-1), the largest the log holds exactly');
  });

  it('fails a file cut short with a FileProblem', async () => {
    const cutFile = new ArrowReader(namedBlob('cut.arrow', fileBytes.subarray(0, fileBytes.length - 100)), FILE);
    await expect(cutFile.open()).rejects.toThrow('"cut.arrow" is not a complete Arrow IPC file (it does not end with ARROW1: cut short?)');
    const cutStream = new ArrowReader(namedBlob('cut.arrows', streamBytes.subarray(0, Math.floor(streamBytes.length / 2))), STREAM);
    const e = await readAll(cutStream).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(FileProblem);
    expect((e as Error).message).toMatch(/^"cut.arrows" is not a complete Arrow IPC stream \(Expected to read \d+ bytes for message body/);
  });

  it('stops at an abort with an AbortError', async () => {
    const controller = new AbortController();
    const reader = new ArrowReader(namedBlob('sample.arrows', streamBytes), STREAM, { chunkRows: 4096, signal: controller.signal });
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
  });
});
