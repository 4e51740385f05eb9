/**
 * A data file as rows, whatever its format, read as the replay goes: a 1 GB CSV is parsed a chunk
 * at a time, never held whole. The first rows are read ahead once, for guessing a schema, and then
 * replayed like the rest.
 */
import { extname } from 'node:path';
import { readCsv } from './readCsv';
import { readNdjson } from './readNdjson';
import { readParquet } from './readParquet';
import { ReplayError } from './ReplayError';

export type Format = 'csv' | 'tsv' | 'ndjson' | 'parquet';
export const FORMATS: readonly Format[] = ['csv', 'tsv', 'ndjson', 'parquet'];

/**
 * How a column's values arrive: `csv` as strings ('' is a missing value), `json` as NDJSON values;
 * Parquet columns are typed: `date` as days, `timestamp` as a wall-clock reading in ms, `instant`
 * (a Parquet timestamp adjusted to UTC) as ms since the epoch, `integer` as number or bigint.
 */
export type SourceKind = 'csv' | 'json' | 'integer' | 'float' | 'boolean' | 'text' | 'date' | 'timestamp' | 'instant';

export interface SourceColumn {
  readonly name: string;
  readonly kind: SourceKind;
}

export interface Row {
  /** The row's line in a text file (where it ends, for a quoted value spanning lines), or its 1-based row number in Parquet. */
  readonly line: number;
  /** One per column, in `columns` order; shorter when later NDJSON lines brought new columns (the rest are missing). */
  readonly values: readonly unknown[];
}

/** What a format reader hands over: its columns (NDJSON's grow as new keys appear) and its rows in chunks. */
export interface RowChunks {
  readonly columns: SourceColumn[];
  readonly chunks: AsyncGenerator<Row[], void, undefined>;
  /** Closes the file, whether or not the chunks were read to the end. */
  close(): void;
}

export interface RowSource {
  readonly file: string;
  readonly format: Format;
  /** What `Row.line` counts, for messages. */
  readonly unit: 'line' | 'row';
  readonly columns: readonly SourceColumn[];
  /** The first rows (the chunks holding the first `sampleRows`), which `rows()` yields again first. */
  readonly sample: readonly Row[];
  /** Every row from the first, in chunks; once per source. */
  rows(): AsyncGenerator<Row[], void, undefined>;
  /** Stops reading (closes the file) when the replay ends before the file does. */
  close(): Promise<void>;
}

export interface ReadOptions {
  format?: Format;
  delimiter?: string;
  /** False: the CSV/TSV never quotes values (a quote is text). */
  quotes?: boolean;
  /** How many rows to read ahead for guessing a schema. */
  sampleRows?: number;
}

/** The format `--format` names, else the one the extension says, else a ReplayError. */
export function formatOf(file: string, given?: Format): Format {
  if (given) return given;
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.tsv' || ext === '.tab') return 'tsv';
  if (ext === '.ndjson' || ext === '.jsonl' || ext === '.json') return 'ndjson';
  if (ext === '.parquet' || ext === '.pq') return 'parquet';
  throw new ReplayError(`cannot tell the format of ${file} from its extension ${ext ? JSON.stringify(ext) : '(none)'}: pass --format csv, ndjson or parquet`);
}

export async function openRows(file: string, opts: ReadOptions = {}): Promise<RowSource> {
  const format = formatOf(file, opts.format);
  const sampleRows = opts.sampleRows ?? 1000;
  const reader =
    format === 'parquet' ? await readParquet(file) : format === 'ndjson' ? await readNdjson(file) : await readCsv(file, opts.delimiter ?? (format === 'tsv' ? '\t' : ','), opts.quotes ?? true);
  const ahead: Row[][] = [];
  const sample: Row[] = [];
  while (sample.length < sampleRows) {
    const next = await reader.chunks.next();
    if (next.done) break;
    ahead.push(next.value);
    // The whole chunk: a column NDJSON brings within it is then guessed from its values too.
    for (const row of next.value) sample.push(row);
  }
  let started = false;
  async function* rows(): AsyncGenerator<Row[], void, undefined> {
    if (started) throw new Error('RowSource.rows() runs once: open the file again to replay it again');
    started = true;
    try {
      while (ahead.length) yield ahead.shift()!;
      yield* reader.chunks;
    } finally {
      reader.close();
    }
  }
  return {
    file,
    format,
    unit: format === 'parquet' ? 'row' : 'line',
    columns: reader.columns,
    sample,
    rows,
    close: async () => {
      await reader.chunks.return();
      reader.close();
    },
  };
}

/** Takes rows `n` at a time from chunks of any size, holding at most one chunk beyond what was asked. */
export class RowTaker {
  private buffer: Row[] = [];
  private at = 0;
  private done = false;

  constructor(private readonly chunks: AsyncIterator<Row[], void, undefined>) {}

  /** Up to `n` rows; fewer only at the end of the file, none after it. */
  async take(n: number): Promise<Row[]> {
    const out: Row[] = [];
    while (out.length < n) {
      if (this.at >= this.buffer.length) {
        if (this.done) break;
        const next = await this.chunks.next();
        if (next.done) {
          this.done = true;
          break;
        }
        this.buffer = next.value;
        this.at = 0;
        continue;
      }
      const end = Math.min(this.buffer.length, this.at + n - out.length);
      for (let i = this.at; i < end; i++) out.push(this.buffer[i]!);
      this.at = end;
    }
    return out;
  }
}
