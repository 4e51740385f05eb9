/**
 * Parquet through parquet-wasm (Rust's parquet crate; ZSTD, Snappy, gzip, Brotli, LZ4 pages), one
 * row group at a time, each handed over as Arrow IPC bytes and read by apache-arrow (parquet-wasm's
 * own Arrow objects live in its wasm memory).
 *
 * The footer comes from ParquetFile (it reads only the footer's bytes of the Blob); the row groups
 * from the synchronous readParquet, because parquet-wasm 0.8's async reader panics on some damaged
 * pages inside a promise callback: the panic escapes as an uncaught error and the read never settles.
 * The synchronous reader returned an Error for the same damage. The price: the file's bytes are held
 * in JS and copied into the wasm memory once per row group.
 */
import { tableFromIPC } from 'apache-arrow';
import { gunzipToBlob } from './byteSource';
import { FileProblem, isAbortError, reasonOf, throwIfAborted } from './FileProblem';
import { normalizeBatch, planArrow, type ArrowPlan } from './normalizeArrow';
import { markParquetWasmCrashed, parquetWasm, type ParquetWasm } from './parquetWasm';
import { Rechunker } from './rechunk';
import { DEFAULT_CHUNK_ROWS, type DetectedFormat, type FileReader, type FileReaderOptions, type ImportBatch, type ImportField, type NamedBlob } from './types';

const PAR1 = 'PAR1';

export class ParquetReader implements FileReader {
  schema: ImportField[] = [];
  rowCount: number | null = null;
  private wasm: ParquetWasm | null = null;
  private bytes: Uint8Array | null = null;
  private plan: ArrowPlan | null = null;
  /** Compressed bytes of each row group, for progress. */
  private groupBytes: number[] = [];

  constructor(
    private readonly file: NamedBlob,
    private readonly detected: DetectedFormat,
    private readonly opts: FileReaderOptions = {},
  ) {}

  /** A FileProblem for whatever parquet-wasm threw, noting a crash of the module itself. */
  private problem(e: unknown, doing: string): unknown {
    if (e instanceof FileProblem || isAbortError(e)) return e;
    if (e instanceof WebAssembly.RuntimeError) {
      const p = new FileProblem(this.file.name, `made the Parquet reader crash while ${doing} (${reasonOf(e)}); reload the page to read Parquet files again`, { cause: e });
      markParquetWasmCrashed(p);
      return p;
    }
    return new FileProblem(this.file.name, `could not be read as Parquet while ${doing} (${reasonOf(e)})`, { cause: e });
  }

  async open(): Promise<void> {
    const { file, opts } = this;
    throwIfAborted(opts.signal, file.name);
    const blob = this.detected.gzip ? await gunzipToBlob(file, opts.signal) : file;
    const minimal = 12; // PAR1, a footer length, PAR1
    const tail = blob.size < minimal ? '' : new TextDecoder().decode(await blob.slice(blob.size - 4).arrayBuffer());
    if (tail !== PAR1) throw new FileProblem(file.name, `is not a complete Parquet file (it does not end with ${PAR1}: cut short?)`);
    try {
      this.wasm = await parquetWasm();
    } catch (e) {
      throw e instanceof FileProblem ? e : new FileProblem(file.name, `could not be read: the Parquet reader did not load (${reasonOf(e)})`, { cause: e });
    }
    let doing = 'reading its footer';
    try {
      const pf = await this.wasm.ParquetFile.fromFile(blob);
      try {
        const meta = pf.metadata();
        this.rowCount = meta.fileMetadata().numRows();
        this.groupBytes = meta.rowGroups().map((g) => g.compressedSize());
        doing = 'reading its schema';
        const schema = tableFromIPC(pf.schema().intoIPCStream()).schema;
        if (schema.fields.length === 0) throw new FileProblem(file.name, 'has no columns');
        this.plan = planArrow(schema);
      } finally {
        pf.free();
      }
      throwIfAborted(opts.signal, file.name);
      this.bytes = new Uint8Array(await blob.arrayBuffer());
    } catch (e) {
      throw this.problem(e, doing);
    }
    this.schema = this.plan.fields;
  }

  async *batches(): AsyncGenerator<ImportBatch> {
    const { wasm, bytes, plan, file, opts } = this;
    if (!wasm || !bytes || !plan) throw new Error('ParquetReader: call open() before batches()');
    const chunkRows = opts.chunkRows ?? DEFAULT_CHUNK_ROWS;
    const rechunk = new Rechunker(plan.schema, chunkRows);
    const total = this.groupBytes.reduce((a, b) => a + b, 0) || 1;
    let done = 0;
    let row = 0;
    for (let g = 0; g < this.groupBytes.length; g++) {
      throwIfAborted(opts.signal, file.name);
      let ipc: Uint8Array;
      try {
        ipc = wasm.readParquet(bytes, { rowGroups: [g], batchSize: chunkRows }).intoIPCStream();
      } catch (e) {
        throw this.problem(e, `reading row group ${g + 1} of ${this.groupBytes.length}`);
      }
      let table: ReturnType<typeof tableFromIPC>;
      try {
        table = tableFromIPC(ipc);
      } catch (e) {
        throw new FileProblem(file.name, `has a column type this app cannot read (${reasonOf(e)})`, { cause: e });
      }
      done += this.groupBytes[g]!;
      const bytesRead = Math.round((done / total) * file.size);
      for (const batch of table.batches) {
        const normal = normalizeBatch(plan, batch, file.name, row);
        row += batch.numRows;
        for (const b of rechunk.push(normal)) {
          yield { batch: b, bytesRead };
          throwIfAborted(opts.signal, file.name);
        }
      }
      // Lets an abort (and the rest of the worker) in between row groups: readParquet itself cannot be interrupted.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const last = rechunk.flush();
    if (last) yield { batch: last, bytesRead: file.size };
  }
}
