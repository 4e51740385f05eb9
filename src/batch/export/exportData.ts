/**
 * The batch worker's exports, as Blobs a page can save: a dataset's whole log, a query result
 * (DuckDB's Arrow IPC), a dashboard view's merged rows; each as CSV or Parquet (ZSTD). Bytes go
 * from the writers into Blobs as they come (see BlobParts), so JS memory holds a page of segments
 * and a few MB of output, never the whole export.
 */
import { RecordBatch, tableFromIPC } from 'apache-arrow';
import type { EventLog } from '../../log/EventLog';
import { csvChunks } from './csvWriter';
import { logBatches } from './logBatches';
import { parquetChunks } from './parquetWriter';
import { type ViewColumn, viewColumnsBatch } from './viewColumns';

export type ExportFormat = 'csv' | 'parquet';

export interface ExportResult {
  blob: Blob;
  /** Data rows written (the CSV header not counted). */
  rows: number;
  bytes: number;
}

export interface ExportLogOptions {
  onProgress?(rowsDone: number, rowsTotal: number): void;
  /** Cancels the export: it throws an AbortError and nothing is kept. */
  signal?: AbortSignal;
}

const MIME: Record<ExportFormat, string> = { csv: 'text/csv;charset=utf-8', parquet: 'application/vnd.apache.parquet' };
/** Chunks are folded into a Blob every this many bytes: a browser keeps Blob data out of the JS heap (on disk when large). */
const FOLD_BYTES = 32 * 1024 ** 2;

/** A Blob grown from chunks, folding them in as it goes instead of holding them all until the end. */
class BlobParts {
  private blob = new Blob([]);
  private parts: Uint8Array<ArrayBuffer>[] = [];
  private pending = 0;
  bytes = 0;

  constructor(private readonly type: string) {}

  add(chunk: Uint8Array): void {
    // A copy when the chunk is a view into a larger or shared buffer (wasm memory): a Blob takes views as they are.
    this.parts.push(chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength && chunk.buffer instanceof ArrayBuffer ? (chunk as Uint8Array<ArrayBuffer>) : chunk.slice());
    this.pending += chunk.byteLength;
    this.bytes += chunk.byteLength;
    if (this.pending >= FOLD_BYTES) this.fold();
  }

  private fold(): void {
    this.blob = new Blob([this.blob, ...this.parts], { type: this.type });
    this.parts = [];
    this.pending = 0;
  }

  done(): Blob {
    this.fold();
    return this.blob;
  }
}

async function* counted(batches: AsyncIterable<RecordBatch> | Iterable<RecordBatch>, count: { rows: number }): AsyncGenerator<RecordBatch> {
  for await (const b of batches) {
    yield b;
    count.rows += b.numRows;
  }
}

async function write(batches: AsyncIterable<RecordBatch> | Iterable<RecordBatch>, format: ExportFormat, signal?: AbortSignal): Promise<ExportResult> {
  const count = { rows: 0 };
  const source = counted(batches, count);
  const chunks = format === 'csv' ? csvChunks(source) : parquetChunks(source);
  const out = new BlobParts(MIME[format]);
  for await (const chunk of chunks) {
    if (signal?.aborted) throw new DOMException('the export was cancelled', 'AbortError');
    out.add(chunk);
  }
  return { blob: out.done(), rows: count.rows, bytes: out.bytes };
}

/**
 * A dataset's log up to its high-water mark when the export starts (appends after that are left
 * out): columns `ts` (TIMESTAMP_MS) then the schema's fields, rows in log order, so row n is seq n.
 * Imported back as a new dataset (event time `ts`), it gives the same dataset.
 */
export async function exportLog(log: EventLog, datasetId: string, format: ExportFormat, opts: ExportLogOptions = {}): Promise<ExportResult> {
  const ds = await log.dataset(datasetId);
  if (!ds) throw new Error(`there is no dataset ${datasetId}`);
  const batches = logBatches(log, datasetId, ds.schema, { uptoSeq: ds.highWater, onProgress: opts.onProgress, signal: opts.signal });
  return write(batches, format, opts.signal);
}

/**
 * A query result: Arrow IPC stream bytes, each chunk a complete stream, all of one schema. CSV
 * writes every type; Parquet refuses a column parquet-wasm cannot write (an INTERVAL), naming it.
 */
export async function exportArrowIpc(chunks: readonly Uint8Array[], format: ExportFormat): Promise<ExportResult> {
  function* batches(): Generator<RecordBatch> {
    let yielded = false;
    for (const chunk of chunks) {
      const table = tableFromIPC(chunk);
      for (const b of table.batches) {
        yielded = true;
        yield b;
      }
      // A result of no rows still has its columns.
      if (!yielded && table.batches.length === 0) yield new RecordBatch(table.schema);
      yielded = true;
    }
  }
  if (chunks.length === 0) throw new Error('a query result needs at least one IPC stream (for its columns)');
  return write(batches(), format);
}

/** A view's merged rows: one column per key and measure. */
export async function exportColumns(columns: readonly ViewColumn[], format: ExportFormat): Promise<ExportResult> {
  return write([viewColumnsBatch(columns)], format);
}
