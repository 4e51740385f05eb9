/**
 * The reader for a detected non-CSV format (CSV and TSV go through DuckDB's read_csv instead).
 * Meant for the batch worker: Parquet needs parquet-wasm, and every reader does real work per batch.
 */
import { ArrowReader } from './arrowReader';
import { JsonReader } from './jsonReader';
import { ParquetReader } from './parquetReader';
import type { DetectedFormat, FileReader, FileReaderOptions, NamedBlob } from './types';

/**
 * A reader for `file` in the format detectFormat/detectFile found. Call `open()` (the schema and,
 * when the format says it, the row count), then iterate `batches()`. Every failure is a FileProblem
 * naming the file, except an abort through `opts.signal`: a DOMException named AbortError.
 */
export function openFileReader(file: NamedBlob, detected: DetectedFormat, opts: FileReaderOptions = {}): FileReader {
  switch (detected.format) {
    case 'parquet':
      return new ParquetReader(file, detected, opts);
    case 'arrow-file':
    case 'arrow-stream':
      return new ArrowReader(file, detected, opts);
    case 'json':
    case 'ndjson':
      return new JsonReader(file, detected, opts);
    case 'csv':
    case 'tsv':
      throw new Error(`openFileReader: ${detected.format} files are read by DuckDB's read_csv, not here`);
  }
}
