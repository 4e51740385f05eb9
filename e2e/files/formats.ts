/** One good file per format the import reads, each from its own seeded rows, with the figures it must give. */
import { quarterPrices, salesArrow, salesParquet } from './binaryFiles';
import { expectedSales, salesRows, type Expected } from './sales';
import { delimited, gzip, jsonArray, ndjson } from './textFiles';

export interface FormatFile {
  name: string;
  bytes: Uint8Array;
  expected: Expected;
  /** What import-rowcount says before the import: the row count, '' (not known without reading it all), or undefined (not checked). */
  rowCount?: string;
}

/** The preview's field types for every sales file. */
export const SALES_TYPES: [string, string][] = [
  ['when', 'timestamp'],
  ['city', 'text'],
  ['qty', 'integer'],
  ['price', 'float'],
  ['ok', 'boolean'],
];

export function formatFiles(): FormatFile[] {
  const out: FormatFile[] = [];
  const add = (name: string, seed: number, write: (r: ReturnType<typeof salesRows>) => Uint8Array, rowCount?: (n: number) => string, quarters = false) => {
    const n = 2000 + seed * 97;
    const rows = quarters ? quarterPrices(salesRows(n, seed)) : salesRows(n, seed);
    out.push({ name, bytes: write(rows), expected: expectedSales(rows), ...(rowCount ? { rowCount: rowCount(n) } : {}) });
  };
  add(
    'fmt-csv.csv',
    1,
    (r) => delimited(r, ','),
    () => '',
  );
  add(
    'fmt-tsv.tsv',
    2,
    (r) => delimited(r, '\t'),
    () => '',
  );
  add('fmt-csv-gz.csv.gz', 3, (r) => gzip(delimited(r, ',')));
  add(
    'fmt-json.json',
    4,
    (r) => jsonArray(r),
    (n) => String(n),
  );
  add(
    'fmt-ndjson.ndjson',
    5,
    (r) => ndjson(r),
    (n) => String(n),
  );
  // Times with UTC offsets (-05:00, +00:00, +02:00, +05:30): the same instants as the other files' plain UTC times.
  add('fmt-ndjson-gz.ndjson.gz', 6, (r) => gzip(ndjson(r, true)));
  add(
    'fmt-zstd.parquet',
    7,
    (r) => salesParquet(r, 'ZSTD'),
    (n) => String(n),
  );
  add(
    'fmt-snappy.parquet',
    8,
    (r) => salesParquet(r, 'SNAPPY'),
    (n) => String(n),
  );
  add(
    'fmt-arrow-file.arrow',
    9,
    (r) => salesArrow(r, 'file'),
    (n) => String(n),
    true,
  );
  add('fmt-arrow-stream.arrows', 10, (r) => salesArrow(r, 'stream'), undefined, true);
  return out;
}
