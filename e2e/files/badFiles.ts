/**
 * Files that must not become datasets, each with what its one message must say besides the file's
 * name (the FileProblem sentences of src/batch/files and src/batch/import).
 */
import { salesParquet } from './binaryFiles';
import { salesRows } from './sales';

export interface BadFile {
  name: string;
  bytes: Buffer;
  /** What the message says about the file (it also names the file, quoted). */
  problem: RegExp;
}

/** Bytes that are no text: a fixed pseudo-random run that includes NUL bytes. */
function garbage(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7919 + 13) % 256;
  return b;
}

export function badFiles(): BadFile[] {
  const parquet = Buffer.from(salesParquet(salesRows(2000, 5), 'ZSTD'));
  const lateBadDate = ['id,day'];
  for (let i = 0; i < 6000; i++) lateBadDate.push(`${i},${i === 5000 ? '13/45/2001' : `0${1 + (i % 9)}/1${i % 10}/2001`}`);
  return [
    { name: 'empty.csv', bytes: Buffer.alloc(0), problem: /is empty/ },
    { name: 'garbage.csv', bytes: garbage(5000), problem: /does not look like text|not valid UTF-8/ },
    { name: 'ragged.csv', bytes: Buffer.from('when,v\n2024-01-01 00:00:00,1\n2024-01-01 00:00:01,2,3\n2024-01-01 00:00:02,4\n'), problem: /has a row of 3 fields where the header has 2/ },
    // Fine in the first 2,000 rows the preview reads; row 5,001 is no date in the format chosen for the column.
    { name: 'late-bad-date.csv', bytes: Buffer.from(`${lateBadDate.join('\n')}\n`), problem: /"13\/45\/2001".*not a date/ },
    { name: 'invalid-utf8.csv', bytes: Buffer.concat([Buffer.from('name,v\nabc,1\ncaf'), Buffer.from([0xc3, 0x28]), Buffer.from(',2\n')]), problem: /not valid UTF-8/ },
    { name: 'cut.parquet', bytes: parquet.subarray(0, Math.floor(parquet.length * 0.6)), problem: /not a complete Parquet file/ },
    { name: 'not-objects.json', bytes: Buffer.from('[1, 2, 3]\n'), problem: /is not a JSON array of objects|where a JSON object \(one record\) should be/ },
    { name: 'not-array.json', bytes: Buffer.from('"hello"\n'), problem: /is not a JSON array of objects/ },
    { name: 'not-gzip.csv.gz', bytes: Buffer.from('a,b\n1,2\n'), problem: /is not gzip-compressed/ },
    // The name itself is hostile: the message names it, as text.
    { name: '<img src=x onerror="window.__xss=3">.csv', bytes: Buffer.from('a,b\n'), problem: /has a header but no rows/ },
  ];
}
