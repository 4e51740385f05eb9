import type { RecordBatch } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDuckDbEngine } from '../testing/nodeDuckDbEngine';
import type { NamedBlob } from '../files/types';
import { CsvReader } from './csvReader';
import { ISO_DATE, ISO_ZONED } from './dateFormats';

let engine: NodeDuckDbEngine;
beforeAll(async () => {
  engine = await NodeDuckDbEngine.create();
});

const file = (name: string, body: string | Uint8Array): NamedBlob => Object.assign(new Blob([body as BlobPart]), { name });

async function readAll(r: CsvReader): Promise<RecordBatch[]> {
  const out: RecordBatch[] = [];
  for await (const b of r.batches()) out.push(b.batch);
  return out;
}

/** Column `i` of all batches as stored: dates as days, timestamps as ms, Int64 as numbers (the test reads the buffers itself). */
function values(batches: RecordBatch[], i: number): unknown[] {
  const out: unknown[] = [];
  for (const b of batches) {
    for (const d of b.getChildAt(i)!.data) {
      for (let k = 0; k < d.length; k++) {
        const v = d.values[d.offset + k];
        out.push(d.getValid(k) ? (typeof v === 'bigint' ? Number(v) : v) : null);
      }
    }
  }
  return out;
}
/** Column `i` as Arrow reads it (text, booleans). */
const column = (batches: RecordBatch[], i: number) => batches.flatMap((b) => [...b.getChildAt(i)!]).map((v) => (typeof v === 'bigint' ? Number(v) : v));

describe('CSV through DuckDB read_csv', () => {
  it('reads the shapes real files have: CRLF, no final newline, odd headers, quoted commas, NULL-looking text', async () => {
    const text = ['id,"a b",$x,"q""uote",ünï,select,count,label', '1,x,"1,5",y,1.5,true,3,None', '2,,"say ""hi""",z,,false,4,NULL', '3,"line', 'two",w,k,2,true,5,'].join('\r\n');
    const r = new CsvReader(engine, file('shapes.csv', text), { format: 'csv', gzip: false });
    await r.open();
    expect(r.schema.map((f) => [f.name, f.type])).toEqual([
      ['id', 'integer'],
      ['a b', 'text'],
      ['$x', 'text'],
      ['q"uote', 'text'],
      ['ünï', 'float'],
      ['select', 'boolean'],
      ['count', 'integer'],
      ['label', 'text'],
    ]);
    const b = await readAll(r);
    expect(column(b, 0)).toEqual([1, 2, 3]);
    expect(column(b, 1)).toEqual(['x', null, 'line\r\ntwo']);
    expect(column(b, 2)).toEqual(['1,5', 'say "hi"', 'w']);
    expect(column(b, 4)).toEqual([1.5, null, 2]);
    expect(column(b, 5)).toEqual([true, false, true]);
    // Empty fields are NULL; the words None and NULL stay text.
    expect(column(b, 7)).toEqual(['None', 'NULL', null]);
    await r.close();
  });

  it("renames empty, repeated and the log's own column names, and says so", async () => {
    const r = new CsvReader(engine, file('names.csv', 'x,X,,seq,TS\n1,2,3,4,5\n'), { format: 'csv', gzip: false });
    await r.open();
    expect(r.schema.map((f) => f.name)).toEqual(['x', 'X_2', 'column_3', 'seq_1', 'TS_1']);
    expect(r.notes.length).toBe(4);
    expect(values(await readAll(r), 3)).toEqual([4]);
  });

  it('finds date formats per column, shows the choices, and parses offsets to UTC', async () => {
    const text = 'a,b,c,d,e\nJan 1 2000,2015/01/03 00:00:00,03/04/2001,2001-02-03,2024-01-02T10:00:00+02:00\nFeb 12 2001,2015/01/04 13:00:00,12/04/2001,2001-02-04,2024-01-02T10:00:00Z\n';
    const r = new CsvReader(engine, file('dates.csv', text), { format: 'csv', gzip: false });
    await r.open();
    expect(r.dateFormats.get('a')?.[0]).toBe('%b %d %Y');
    expect(r.dateFormats.get('b')?.[0]).toBe('%Y/%m/%d %H:%M:%S');
    expect(r.dateFormats.get('c')?.slice(0, 2)).toEqual(['%m/%d/%Y', '%d/%m/%Y']);
    expect(r.dateFormats.get('d')?.[0]).toBe(ISO_DATE);
    expect(r.dateFormats.get('e')?.[0]).toBe(ISO_ZONED);
    expect(r.schema.map((f) => f.type)).toEqual(['date', 'timestamp', 'date', 'date', 'timestamp']);
    const b = await readAll(r);
    const day = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) / 86_400_000;
    expect(values(b, 0)).toEqual([day(2000, 1, 1), day(2001, 2, 12)]);
    expect(values(b, 1)).toEqual([Date.UTC(2015, 0, 3), Date.UTC(2015, 0, 4, 13)]);
    expect(values(b, 2)).toEqual([day(2001, 3, 4), day(2001, 12, 4)]);
    expect(values(b, 4)).toEqual([Date.UTC(2024, 0, 2, 8), Date.UTC(2024, 0, 2, 10)]);

    // The person picks day-first for c, and text for a.
    const r2 = new CsvReader(engine, file('dates.csv', text), { format: 'csv', gzip: false }, { formats: { c: '%d/%m/%Y', a: null } });
    await r2.open();
    const b2 = await readAll(r2);
    expect(values(b2, 2)).toEqual([day(2001, 4, 3), day(2001, 4, 12)]);
    expect(column(b2, 0)).toEqual(['Jan 1 2000', 'Feb 12 2001']);
  });

  it('refuses ragged rows and invalid UTF-8 with the line, never a quietly different table', async () => {
    const ragged = new CsvReader(engine, file('ragged.csv', 'a,b\n1,2\n3,4\n5,6,7\n8,9\n'), { format: 'csv', gzip: false });
    await expect(ragged.open().then(() => readAll(ragged))).rejects.toThrow('"ragged.csv" has a row of 3 fields where the header has 2 (line 4)');
    const short = new CsvReader(engine, file('short.csv', 'a,b\n1,2\n3\n4,5,6\n'), { format: 'csv', gzip: false });
    await expect(short.open().then(() => readAll(short))).rejects.toThrow(/"short.csv" has a row of 1 fields where the header has 2 \(line 3\)/);
    const bytes = new Uint8Array([...new TextEncoder().encode('a,b\n1,'), 0xff, 0xfe, ...new TextEncoder().encode('x\n2,y\n')]);
    const bad = new CsvReader(engine, file('latin.csv', bytes), { format: 'csv', gzip: false });
    await expect(bad.open().then(() => readAll(bad))).rejects.toThrow(/"latin.csv" is not valid UTF-8 text/);
  });

  it('reads TSV and rechunks a long file into batches of the chunk size', async () => {
    const n = 10_000;
    const lines = ['k\tv'];
    let sum = 0;
    for (let i = 0; i < n; i++) {
      lines.push(`${i % 7}\t${i}`);
      sum += i;
    }
    const r = new CsvReader(engine, file('long.tsv', lines.join('\n')), { format: 'tsv', gzip: false }, { chunkRows: 4096 });
    await r.open();
    const b = await readAll(r);
    expect(b.map((x) => x.numRows)).toEqual([4096, 4096, 1808]);
    expect((values(b, 1) as number[]).reduce((a, x) => a + x, 0)).toBe(sum);
  });
});

describe('CSV preview from the head of a file', () => {
  it('reads only the first bytes (decompressed, cut at a line end) and still types the columns', async () => {
    const lines = ['id,city'];
    for (let i = 0; i < 5_000; i++) lines.push(`${i},${i % 2 ? 'Oslo' : 'Lima'}`);
    const text = lines.join('\n');
    const zipped = new Uint8Array(await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer());
    for (const [name, body, gzip] of [
      ['head.csv', text, false],
      ['head.csv.gz', zipped, true],
    ] as const) {
      const r = new CsvReader(engine, file(name, body), { format: 'csv', gzip }, { headBytes: 1_000 });
      await r.open();
      expect(r.schema.map((f) => f.type)).toEqual(['integer', 'text']);
      const rows = r.sample!.numRows;
      expect(rows).toBeGreaterThan(50);
      expect(rows).toBeLessThan(200);
      expect(values([r.sample!], 0)).toEqual(Array.from({ length: rows }, (_, i) => i));
      await r.close();
    }
  });
});
