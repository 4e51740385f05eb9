/**
 * What the file readers promise: the log's column types and the reader interface every non-CSV
 * format implements (CSV goes through DuckDB's read_csv instead).
 */
import type { RecordBatch } from 'apache-arrow';
import type { FieldType } from '../../protocol/schema';

/**
 * The log's field types (src/protocol/schema.ts). Arrow type of each in output batches: integer
 * Int64 (within ±(2^53-1)), float Float64, boolean Bool, text Utf8, date DateDay, timestamp
 * TimestampMillisecond without a time zone.
 */
export type { FieldType };

/** One column of an imported file, as the log will hold it. */
export interface ImportField {
  /** The name in the log: unique ignoring case, not empty, not `seq` or `ts` (see cleanColumnNames). */
  name: string;
  /** The name in the file. */
  sourceName: string;
  type: FieldType;
  /** The file's timestamps carried a time zone (or offsets): they were converted to UTC instants. */
  zoned?: boolean;
  /** What happened to the column on the way in (renamed, widened, read as JSON text), for the UI. */
  note?: string;
}

export type FileFormat = 'csv' | 'tsv' | 'json' | 'ndjson' | 'parquet' | 'arrow-file' | 'arrow-stream';

export interface DetectedFormat {
  format: FileFormat;
  /** The bytes are gzip-compressed (the format is that of the decompressed bytes). */
  gzip: boolean;
}

export interface ImportBatch {
  /** Columns in the order and types of `schema`, named by ImportField.name. */
  batch: RecordBatch;
  /** Bytes of the file (as stored, compressed or not) consumed so far: for progress. */
  bytesRead: number;
}

export interface FileReaderOptions {
  /** Rows per batch, about; 65,536 when not given. */
  chunkRows?: number;
  signal?: AbortSignal;
}

export interface FileReader {
  /** Reads what the schema needs (the footer; for JSON, a first pass over every record). */
  open(): Promise<void>;
  /** Valid after open(). */
  readonly schema: ImportField[];
  /** Rows in the file when known without reading it all (Parquet, Arrow file; JSON after its first pass). */
  readonly rowCount: number | null;
  batches(): AsyncGenerator<ImportBatch>;
}

export const DEFAULT_CHUNK_ROWS = 65_536;

/** A dropped file: a Blob with the name the user gave it. */
export type NamedBlob = Blob & { readonly name: string };
