import { describe, expect, it } from 'vitest';
import { detectFile, detectFormat } from './detectFormat';
import { FileProblem } from './FileProblem';
import { gzip, namedBlob } from './testing/fixtures';
import { looksBinary } from './utf8Check';

const text = (s: string) => new TextEncoder().encode(s);
const bytes = (...b: number[]) => new Uint8Array(b);
const problem = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FileProblem);
    return (e as Error).message;
  }
  throw new Error('no FileProblem thrown');
};

describe('detectFormat', () => {
  it('trusts magic bytes over the name', () => {
    expect(detectFormat('x.csv', text('PAR1\0\0'))).toEqual({ format: 'parquet', gzip: false });
    expect(detectFormat('x.bin', text('ARROW1\0\0'))).toEqual({ format: 'arrow-file', gzip: false });
    expect(detectFormat('x.arrow', bytes(0xff, 0xff, 0xff, 0xff, 0x10, 0, 0, 0))).toEqual({ format: 'arrow-stream', gzip: false });
  });

  it('goes by the extension when there is no magic', () => {
    expect(detectFormat('Sales.CSV', text('a,b\n1,2\n')).format).toBe('csv');
    expect(detectFormat('x.tsv', text('a,b\n')).format).toBe('tsv');
    expect(detectFormat('x.tab', text('a\tb\n')).format).toBe('tsv');
    expect(detectFormat('x.txt', text('a\tb\tc,d\n')).format).toBe('tsv');
    expect(detectFormat('x.txt', text('a,b\tc\n')).format).toBe('csv');
    expect(detectFormat('x.jsonl', text('{"a":1}\n')).format).toBe('ndjson');
    expect(detectFormat('x.ndjson', text('[{"a":1}]')).format).toBe('json');
    expect(detectFormat('x.arrows', bytes(0x10, 0, 0, 0, 0x0c, 0, 0x14, 0)).format).toBe('arrow-stream');
  });

  it('tells JSON arrays from NDJSON by the first character', () => {
    expect(detectFormat('x.json', text('  \n [ {"a": 1} ]')).format).toBe('json');
    expect(detectFormat('x.json', text('\uFEFF{"a": 1}\n{"a": 2}')).format).toBe('ndjson');
    expect(detectFormat('data', text('[{"a":1}]')).format).toBe('json');
    expect(detectFormat('data', text('{"a":1}')).format).toBe('ndjson');
    expect(detectFormat('data', text('a;b\n1;2')).format).toBe('csv');
  });

  it('reads gzip from the magic and the format from the name under .gz', () => {
    expect(detectFormat('x.ndjson.gz', bytes(0x1f, 0x8b, 8, 0))).toEqual({ format: 'ndjson', gzip: true });
    expect(detectFormat('x.parquet.GZ', bytes(0x1f, 0x8b, 8, 0))).toEqual({ format: 'parquet', gzip: true });
    expect(problem(() => detectFormat('x.gz', bytes(0x1f, 0x8b, 8, 0)))).toBe('"x.gz" is gzip-compressed and its name does not say what is inside (name it like data.ndjson.gz)');
    expect(problem(() => detectFormat('x.csv.gz', text('a,b')))).toBe('"x.csv.gz" is named .gz but is not gzip-compressed (it does not start with 1f 8b)');
  });

  it('says what is wrong, naming the file', () => {
    expect(problem(() => detectFormat('sales.csv', new Uint8Array(0)))).toBe('"sales.csv" is empty');
    expect(problem(() => detectFormat('x.json', text(' \n ')))).toBe('"x.json" is empty (it holds only blank space)');
    expect(problem(() => detectFormat('x.parquet', text('hello')))).toBe('"x.parquet" is not a Parquet file (it does not start with PAR1)');
    expect(problem(() => detectFormat('x.json', text('"x"')))).toBe('"x.json" is not a JSON array of objects: it starts with "\\""');
    expect(problem(() => detectFormat('x.feather', text('FEA1xxxx')))).toMatch(/Feather version 1/);
    expect(problem(() => detectFormat('x.arrow', text('hello')))).toMatch(/is not an Arrow IPC file/);
    expect(problem(() => detectFormat('x.csv', bytes(0x61, 0x2c, 0x00, 0x62)))).toMatch(/^"x.csv" does not look like text \(it holds NUL bytes\)/);
    expect(problem(() => detectFormat('x.csv', bytes(0x61, 0x2c, 0x62, 0xe9, 0x0a)))).toBe('"x.csv" is not valid UTF-8 (byte offset 3); save it as UTF-8 text');
    expect(problem(() => detectFormat('x.bin', bytes(0x00, 0x01, 0x02, 0x03)))).toMatch(/is not a file this app reads/);
  });
});

describe('looksBinary', () => {
  it('finds NUL bytes and invalid UTF-8, not a character cut off at the end', () => {
    expect(looksBinary(text('plain, text\nwith ünïcödé € 𝄞'))).toBe(false);
    expect(looksBinary(text('€').subarray(0, 2))).toBe(false);
    expect(looksBinary(bytes(0x61, 0x00))).toBe(true);
    expect(looksBinary(bytes(0xc0, 0x80))).toBe(true); // overlong
    expect(looksBinary(bytes(0xed, 0xa0, 0x80))).toBe(true); // a surrogate
    expect(looksBinary(bytes(0x80))).toBe(true);
    expect(looksBinary(bytes(0xff, 0xfe, 0x61, 0x00))).toBe(true); // UTF-16
    const garbage = new Uint8Array(4096).map((_, i) => (i * 2654435761) >>> 24);
    expect(looksBinary(garbage)).toBe(true);
  });
});

describe('detectFile', () => {
  it('looks inside gzip when the name does not tell', async () => {
    const file = namedBlob('events.gz', await gzip('{"a":1}\n{"a":2}\n'));
    expect(await detectFile(file)).toEqual({ format: 'ndjson', gzip: true });
    expect(await detectFile(namedBlob('x.json.gz', await gzip('[{"a":1}]')))).toEqual({ format: 'json', gzip: true });
  });

  it('names the dropped file when what is inside is wrong', async () => {
    await expect(detectFile(namedBlob('x.parquet.gz', await gzip('not parquet')))).rejects.toThrow('"x.parquet.gz" is not a Parquet file (it does not start with PAR1) (after gzip decompression)');
    await expect(detectFile(namedBlob('x.csv', ''))).rejects.toThrow('"x.csv" is empty');
  });
});
