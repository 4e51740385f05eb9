import { Interval, IntervalUnit, makeData, makeVector, RecordBatch, tableFromIPC, Utf8, vectorFromArray, type Vector } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ParquetWasm, parquetWasm } from '../files/parquetWasm';
import { useNodeParquetWasm } from '../files/testing/nodeParquetWasm';
import { parquetChunks } from './parquetWriter';

/** A batch of whole vectors (one chunk each). */
const batchOf = (columns: Record<string, Vector>) => new RecordBatch(Object.fromEntries(Object.entries(columns).map(([name, v]) => [name, v.data[0]!])));

let pw: ParquetWasm;
beforeAll(async () => {
  useNodeParquetWasm();
  pw = await parquetWasm();
});

async function bytesOf(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks) parts.push(c);
  return new Uint8Array(await new Blob(parts as BlobPart[]).arrayBuffer());
}

function numbers(from: number, n: number): RecordBatch {
  return batchOf({
    x: makeVector(Float64Array.from({ length: n }, (_, i) => from + i)),
    label: vectorFromArray(
      Array.from({ length: n }, (_, i) => ((from + i) % 5 === 0 ? null : `k${(from + i) % 40}`)),
      new Utf8(),
    ),
  });
}

describe('parquetChunks', () => {
  it('streams batches into ZSTD row groups of 128k rows that read back the same', async () => {
    const batches = [numbers(0, 100_000), numbers(100_000, 100_000), numbers(200_000, 100_000)];
    const parts: Uint8Array[] = [];
    for await (const c of parquetChunks(batches)) parts.push(c);
    expect(parts.length).toBeGreaterThan(1);
    const bytes = new Uint8Array(await new Blob(parts as BlobPart[]).arrayBuffer());
    const file = await pw.ParquetFile.fromFile(new Blob([bytes]));
    const meta = file.metadata();
    expect(meta.rowGroups().map((g) => g.numRows())).toEqual([131_072, 131_072, 37_856]);
    expect(meta.rowGroup(0).column(1).compression()).toBe(pw.Compression.ZSTD);
    file.free();
    const back = tableFromIPC(pw.readParquet(bytes).intoIPCStream());
    expect(back.numRows).toBe(300_000);
    const x = back.getChild('x')!.toArray() as Float64Array;
    expect(x[0]).toBe(0);
    expect(x[299_999]).toBe(299_999);
    expect(back.getChild('label')!.get(7)).toBe('k7');
    expect(back.getChild('label')!.get(10)).toBeNull();
  });

  it('writes a table of no rows with its columns', async () => {
    const bytes = await bytesOf(parquetChunks([numbers(0, 0)]));
    const back = tableFromIPC(pw.readParquet(bytes).intoIPCStream());
    expect(back.numRows).toBe(0);
    expect(back.schema.fields.map((f) => f.name)).toEqual(['x', 'label']);
  });

  it('refuses batches of another schema (and never passes off the rows before as the whole file)', async () => {
    const other = batchOf({ x: makeVector(Int32Array.of(1)) });
    await expect(bytesOf(parquetChunks([numbers(0, 10), other]))).rejects.toThrow('Parquet export: every batch must have the columns of the first (x Float64, label Utf8); batch 2 has (x Int32)');
  });

  it('names a column parquet-wasm cannot write', async () => {
    const interval = makeVector(makeData({ type: new Interval(IntervalUnit.MONTH_DAY_NANO), length: 1, nullCount: 0, data: new Int32Array(4) }));
    const b = batchOf({ ok: makeVector(Float64Array.of(1)), span: interval });
    await expect(bytesOf(parquetChunks([b]))).rejects.toThrow(/^column "span" \(INTERVAL\) cannot be written as Parquet \(.*MonthDayNano.*\); CAST it to another type in the query, or export CSV$/);
  });

  it('fails when its source fails mid-way', async () => {
    async function* failing() {
      yield numbers(0, 10);
      throw new DOMException('the export was cancelled', 'AbortError');
    }
    const e = await bytesOf(parquetChunks(failing())).catch((x: unknown) => x);
    expect((e as Error).name).toBe('AbortError');
  });

  it('stops the writer when the reader stops early', async () => {
    let pulled = 0;
    async function* many() {
      for (let i = 0; i < 1000; i++) {
        pulled++;
        yield numbers(i * 50_000, 50_000);
      }
    }
    for await (const _ of parquetChunks(many())) break;
    expect(pulled).toBeLessThan(20);
  });
});
