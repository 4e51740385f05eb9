/**
 * Arrow IPC files and streams with apache-arrow's RecordBatchReader. A file is read by random access
 * through the Blob (footer, then one record batch at a time); a stream batch by batch from the
 * Blob's byte stream. gzip-compressed files are decompressed whole first: they have no random access.
 */
import { Message, RecordBatchReader, type AsyncRecordBatchFileReader, type AsyncRecordBatchStreamReader, type RecordBatch } from 'apache-arrow';
import { blobFileHandle, fileChunks, gunzipToBlob } from './byteSource';
import { FileProblem, isAbortError, reasonOf, throwIfAborted } from './FileProblem';
import { normalizeBatch, planArrow, type ArrowPlan } from './normalizeArrow';
import { Rechunker } from './rechunk';
import { DEFAULT_CHUNK_ROWS, type DetectedFormat, type FileReader, type FileReaderOptions, type ImportBatch, type ImportField, type NamedBlob } from './types';

type Reader = AsyncRecordBatchFileReader | AsyncRecordBatchStreamReader;

const ARROW1 = 'ARROW1';

export class ArrowReader implements FileReader {
  schema: ImportField[] = [];
  rowCount: number | null = null;
  private reader: Reader | null = null;
  private plan: ArrowPlan | null = null;
  /** Bytes of the (decompressed) content read so far, and its size, to report progress on the stored file. */
  private innerRead = 0;
  private innerSize = 0;
  private streamBytesRead = 0;

  constructor(
    private readonly file: NamedBlob,
    private readonly detected: DetectedFormat,
    private readonly opts: FileReaderOptions = {},
  ) {}

  private problem(e: unknown): unknown {
    if (e instanceof FileProblem || isAbortError(e)) return e;
    const what = this.detected.format === 'arrow-file' ? 'Arrow IPC file' : 'Arrow IPC stream';
    return new FileProblem(this.file.name, `is not a complete ${what} (${reasonOf(e)})`, { cause: e });
  }

  async open(): Promise<void> {
    const { file, opts } = this;
    throwIfAborted(opts.signal, file.name);
    try {
      if (this.detected.format === 'arrow-file') {
        const blob = this.detected.gzip ? await gunzipToBlob(file, opts.signal) : file;
        this.innerSize = blob.size;
        const tail = new TextDecoder().decode(await blob.slice(Math.max(0, blob.size - ARROW1.length)).arrayBuffer());
        if (tail !== ARROW1) throw new FileProblem(file.name, `is not a complete Arrow IPC file (it does not end with ${ARROW1}: cut short?)`);
        const handle = blobFileHandle(blob, (n) => (this.innerRead += n), opts.signal, file.name);
        const reader = (await RecordBatchReader.from(handle as never)) as unknown as AsyncRecordBatchFileReader;
        await reader.open();
        this.reader = reader;
        this.rowCount = await countRows(reader, blob);
      } else {
        const chunks = fileChunks(file, this.detected.gzip, opts.signal);
        const counted = async function* (this: ArrowReader) {
          for await (const c of chunks) {
            this.streamBytesRead = c.bytesRead;
            yield c.bytes;
          }
        }.call(this);
        const reader = (await RecordBatchReader.from(counted)) as AsyncRecordBatchStreamReader;
        await reader.open();
        this.reader = reader;
      }
    } catch (e) {
      throw this.problem(e);
    }
    const schema = this.reader.schema;
    if (!schema || schema.fields.length === 0) throw new FileProblem(file.name, 'has no columns');
    this.plan = planArrow(schema);
    this.schema = this.plan.fields;
  }

  private bytesRead(): number {
    if (this.detected.format === 'arrow-stream') return this.streamBytesRead;
    return this.innerSize === 0 ? 0 : Math.min(this.file.size, Math.round((this.innerRead / this.innerSize) * this.file.size));
  }

  async *batches(): AsyncGenerator<ImportBatch> {
    const { reader, plan, file, opts } = this;
    if (!reader || !plan) throw new Error('ArrowReader: call open() before batches()');
    const rechunk = new Rechunker(plan.schema, opts.chunkRows ?? DEFAULT_CHUNK_ROWS);
    let row = 0;
    try {
      for (;;) {
        let next: IteratorResult<RecordBatch>;
        try {
          next = await reader.next();
        } catch (e) {
          throw this.problem(e);
        }
        throwIfAborted(opts.signal, file.name);
        if (next.done) break;
        const batch = normalizeBatch(plan, next.value, file.name, row);
        row += batch.numRows;
        for (const b of rechunk.push(batch)) {
          yield { batch: b, bytesRead: this.bytesRead() };
          throwIfAborted(opts.signal, file.name);
        }
      }
      const last = rechunk.flush();
      if (last) yield { batch: last, bytesRead: this.file.size };
    } finally {
      await reader.cancel().catch(() => {});
    }
  }
}

/** Rows in an Arrow IPC file, from each record batch's message header (a small read each, no bodies). */
async function countRows(reader: AsyncRecordBatchFileReader, blob: Blob): Promise<number | null> {
  const footer = reader.footer;
  if (!footer) return null;
  let rows = 0;
  for (const block of footer.recordBatches()) {
    const meta = new Uint8Array(await blob.slice(block.offset, block.offset + block.metaDataLength).arrayBuffer());
    if (meta.length < 8) return null;
    // Since Arrow 0.15 a message starts with 0xFFFFFFFF, then its length; before, with the length alone.
    const start = new DataView(meta.buffer).getInt32(0, true) === -1 ? 8 : 4;
    const header = Message.decode(meta.subarray(start)).header() as { length?: number } | null;
    if (typeof header?.length !== 'number') return null;
    rows += header.length;
  }
  return rows;
}
