import { Bool, DateDay, Dictionary, Float64, Int32, Int64, Table, TimestampMicrosecond, TimestampMillisecond, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { formatOf, openRows, type Row, RowTaker, type RowSource } from './readRows';
import { writeParquetFile } from './testing/parquetFile';
import { tempDir } from './testing/tempFiles';

const dir = tempDir();

async function all(source: RowSource): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const chunk of source.rows()) rows.push(...chunk);
  return rows;
}

async function read(name: string, text: string | Uint8Array, opts = {}) {
  const source = await openRows(dir.write(name, text), opts);
  return { source, rows: await all(source) };
}

async function refusal(name: string, text: string, opts = {}): Promise<string> {
  try {
    await read(name, text, opts);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('formatOf', () => {
  it.each([
    ['a.csv', 'csv'],
    ['A.CSV', 'csv'],
    ['a.tsv', 'tsv'],
    ['a.ndjson', 'ndjson'],
    ['a.jsonl', 'ndjson'],
    ['a.json', 'ndjson'],
    ['a.parquet', 'parquet'],
  ])('reads %s as %s', (file, format) => {
    expect(formatOf(file)).toBe(format);
  });

  it('takes --format over the extension and refuses an unknown extension', () => {
    expect(formatOf('a.txt', 'csv')).toBe('csv');
    expect(() => formatOf('data.txt')).toThrow('cannot tell the format of data.txt from its extension ".txt": pass --format csv, ndjson or parquet');
  });
});

describe('CSV', () => {
  it('drops a BOM, reads quotes and quoted line breaks, skips empty lines, and numbers rows by line', async () => {
    const { source, rows } = await read('a.csv', '\uFEFFts, page ,note\n2026-01-01T00:00:00Z,/a,"x, ""y"""\n\n2026-01-01T00:00:01Z,/b,"two\nlines"\n2026-01-01T00:00:02Z,/c,\n');
    expect(source.columns).toEqual([
      { name: 'ts', kind: 'csv' },
      { name: 'page', kind: 'csv' },
      { name: 'note', kind: 'csv' },
    ]);
    expect(rows).toEqual([
      { line: 2, values: ['2026-01-01T00:00:00Z', '/a', 'x, "y"'] },
      { line: 5, values: ['2026-01-01T00:00:01Z', '/b', 'two\nlines'] },
      { line: 6, values: ['2026-01-01T00:00:02Z', '/c', ''] },
    ]);
  });

  it('reads CRLF files, TSV by extension, and a given delimiter', async () => {
    expect((await read('crlf.csv', 'a,b\r\n1,2\r\n3,4\r\n')).rows).toEqual([
      { line: 2, values: ['1', '2'] },
      { line: 3, values: ['3', '4'] },
    ]);
    expect((await read('t.tsv', 'a\tb\n1,5\t2\n')).rows).toEqual([{ line: 2, values: ['1,5', '2'] }]);
    expect((await read('semi.csv', 'a;b\n1,5;2\n', { delimiter: ';' })).rows).toEqual([{ line: 2, values: ['1,5', '2'] }]);
  });

  it('reads a file that never quotes (--no-quotes): a quote is text, even at the start of a value', async () => {
    expect((await read('raw.tsv', 'a\tb\n12" pipe\t"x\n"q"\t3\n', { quotes: false })).rows).toEqual([
      { line: 2, values: ['12" pipe', '"x'] },
      { line: 3, values: ['"q"', '3'] },
    ]);
  });

  it('stops at a bad line, naming it', async () => {
    expect(await refusal('short.csv', 'a,b\n1,2\n3\n')).toBe(`${dir.path('short.csv')}, line 3: 1 fields where the header has 2`);
    expect(await refusal('quote.csv', 'a,b\n1,2\n12" pipe,3\n')).toBe(
      `${dir.path('quote.csv')}, line 3: a quote inside an unquoted value (quote the whole value and double the quotes inside it; or, if the file never quotes values, as many TSV files do not, add --no-quotes)`,
    );
    expect(await refusal('open.csv', 'a,b\n1,"2\n3,4\n')).toBe(`${dir.path('open.csv')}, line 3: a quoted value is never closed`);
    expect(await refusal('close.csv', 'a,b\n"1"x,2\n')).toBe(
      `${dir.path('close.csv')}, line 2: text right after a closing quote (a quote inside a quoted value must be doubled; or, if the file never quotes values, add --no-quotes)`,
    );
  });

  it('refuses a header without a name or with names differing only in case, and an empty file', async () => {
    expect(await refusal('noname.csv', 'a,,c\n1,2,3\n')).toBe(`${dir.path('noname.csv')}: column 2 has no name in the header line`);
    expect(await refusal('case.csv', 'Page,x,page\n1,2,3\n')).toBe(`${dir.path('case.csv')}: the header names "Page" and "page" (columns 1 and 3), and field names must differ in more than case`);
    expect(await refusal('empty.csv', '')).toBe(`${dir.path('empty.csv')} is empty: a CSV file starts with a header line naming its columns`);
  });

  it('says a file is missing in words', async () => {
    await expect(openRows(dir.path('nope.csv'))).rejects.toThrow(`there is no file ${dir.path('nope.csv')}`);
    await expect(openRows(dir.path('nope.ndjson'))).rejects.toThrow(`there is no file ${dir.path('nope.ndjson')}`);
    await expect(openRows(dir.path('nope.parquet'))).rejects.toThrow(`there is no file ${dir.path('nope.parquet')}`);
  });

  it('reads ahead a sample and replays it first, across chunks', async () => {
    const lines = Array.from({ length: 2500 }, (_, i) => `${i},x${i}`);
    const source = await openRows(dir.write('big.csv', `n,s\n${lines.join('\n')}\n`), { sampleRows: 1200 });
    // Whole chunks of 1000 rows.
    expect(source.sample.length).toBe(2000);
    expect(source.sample[1999]).toEqual({ line: 2001, values: ['1999', 'x1999'] });
    const rows = await all(source);
    expect(rows.length).toBe(2500);
    expect(rows.map((r) => Number(r.values[0]))).toEqual(Array.from({ length: 2500 }, (_, i) => i));
    expect(rows[2499]!.line).toBe(2501);
  });
});

describe('NDJSON', () => {
  it('reads objects line by line, skipping blank lines and a BOM; a late key becomes a new column', async () => {
    const { source, rows } = await read('a.ndjson', '\uFEFF{"ts": 1, "page": "/a"}\n\n  {"page": "/b", "ms": 3.5, "tags": ["x"]}  \r\n{"ts": 2}\n');
    expect(source.columns).toEqual([
      { name: 'ts', kind: 'json' },
      { name: 'page', kind: 'json' },
      { name: 'ms', kind: 'json' },
      { name: 'tags', kind: 'json' },
    ]);
    expect(rows.map((r) => ({ line: r.line, values: [...r.values] }))).toEqual([
      { line: 1, values: [1, '/a'] },
      { line: 3, values: [undefined, '/b', 3.5, ['x']] },
      { line: 4, values: [2] },
    ]);
  });

  it('refuses bad lines and a JSON array, naming them', async () => {
    expect(await refusal('bad.ndjson', '{"a": 1}\n{"a": }\n')).toMatch(new RegExp(`^${dir.path('bad.ndjson')}, line 2: not valid JSON \\(`));
    expect(await refusal('num.ndjson', '{"a": 1}\n\n7\n')).toBe(`${dir.path('num.ndjson')}, line 3: not a JSON object (NDJSON has one object per line)`);
    expect(await refusal('arr.json', '[{"a": 1}, {"a": 2}]\n')).toBe(`${dir.path('arr.json')} holds a JSON array, not NDJSON (one object per line): convert it first, e.g. with jq -c '.[]'`);
    expect(await refusal('arr2.json', '[\n{"a": 1}\n]\n')).toBe(`${dir.path('arr2.json')} holds a JSON array, not NDJSON (one object per line): convert it first, e.g. with jq -c '.[]'`);
  });
});

describe('Parquet', () => {
  it('maps Arrow types to kinds and values to their forms, across row groups', async () => {
    const n = 5;
    const table = new Table({
      when: vectorFromArray(
        Array.from({ length: n }, (_, i) => Date.UTC(2026, 0, 1, 0, 0, i)),
        new TimestampMillisecond(),
      ),
      micro: vectorFromArray(
        Array.from({ length: n }, (_, i) => Date.UTC(2026, 0, 1) + i + 0.999),
        new TimestampMicrosecond(),
      ),
      day: vectorFromArray(
        Array.from({ length: n }, (_, i) => new Date(Date.UTC(2026, 0, 1 + i))),
        new DateDay(),
      ),
      big: vectorFromArray(
        Array.from({ length: n }, (_, i) => (i === 4 ? 2n ** 60n : BigInt(i))),
        new Int64(),
      ),
      small: vectorFromArray([1, null, 3, 4, 5], new Int32()),
      x: vectorFromArray([0.5, 1.5, null, 3.5, 4.5], new Float64()),
      ok: vectorFromArray([true, false, null, true, false], new Bool()),
      city: vectorFromArray(['Oslo', 'Rome', null, 'Oslo', ''], new Dictionary(new Utf8(), new Int32())),
    });
    writeParquetFile(dir.path('t.parquet'), table, 2);
    const s = await openRows(dir.path('t.parquet'));
    expect(s.unit).toBe('row');
    expect(s.columns.map((c) => `${c.name}:${c.kind}`)).toEqual(['when:timestamp', 'micro:timestamp', 'day:date', 'big:integer', 'small:integer', 'x:float', 'ok:boolean', 'city:text']);
    const got = await all(s);
    expect(got.map((r) => r.line)).toEqual([1, 2, 3, 4, 5]);
    expect(got.map((r) => r.values)).toEqual(
      Array.from({ length: n }, (_, i) => [
        Date.UTC(2026, 0, 1, 0, 0, i),
        Date.UTC(2026, 0, 1) + i,
        Date.UTC(2026, 0, 1 + i) / 86_400_000,
        i === 4 ? 2n ** 60n : BigInt(i),
        [1, null, 3, 4, 5][i],
        [0.5, 1.5, null, 3.5, 4.5][i],
        [true, false, null, true, false][i],
        ['Oslo', 'Rome', null, 'Oslo', ''][i],
      ]),
    );
  });

  it('reads a timestamp with a zone as an instant', async () => {
    const zoned = new TimestampMillisecond('UTC');
    writeParquetFile(dir.path('z.parquet'), new Table({ at: vectorFromArray([Date.UTC(2026, 5, 1, 12)], zoned) }));
    const s = await openRows(dir.path('z.parquet'));
    expect(s.columns).toEqual([{ name: 'at', kind: 'instant' }]);
    expect((await all(s))[0]!.values).toEqual([Date.UTC(2026, 5, 1, 12)]);
  });

  it('refuses a file that is not Parquet', async () => {
    await expect(openRows(dir.write('text.parquet', 'a,b\n1,2\n'))).rejects.toThrow(`${dir.path('text.parquet')} cannot be read as Parquet (`);
    await expect(openRows(dir.write('empty.parquet', new Uint8Array()))).rejects.toThrow(`${dir.path('empty.parquet')} cannot be read as Parquet (`);
  });
});

describe('RowTaker', () => {
  it('takes rows n at a time across chunks of any size', async () => {
    const row = (i: number): Row => ({ line: i, values: [i] });
    async function* chunks() {
      yield [row(1), row(2), row(3)];
      yield [];
      yield [row(4)];
      yield [row(5), row(6), row(7), row(8)];
    }
    const taker = new RowTaker(chunks());
    const lines = async (n: number) => (await taker.take(n)).map((r) => r.line);
    expect(await lines(2)).toEqual([1, 2]);
    expect(await lines(3)).toEqual([3, 4, 5]);
    expect(await lines(1)).toEqual([6]);
    expect(await lines(10)).toEqual([7, 8]);
    expect(await lines(10)).toEqual([]);
  });
});
