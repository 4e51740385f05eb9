/**
 * Parquet (ZSTD, dictionary encoding, row groups of ~128k rows) from Arrow record batches, through
 * parquet-wasm's streamed writer: each batch is copied into the wasm memory as it comes and each
 * row group leaves as bytes once written, so a log of any size passes through in row-group steps.
 * DuckDB-WASM cannot write Parquet offline here (its parquet extension is fetched from the network).
 */
import { type RecordBatch, type Schema, Table, tableToIPC } from 'apache-arrow';
import { reasonOf } from '../files/FileProblem';
import { type ParquetWasm, parquetWasm } from '../files/parquetWasm';
import { arrowTypeName } from './arrowText';

export const PARQUET_ROW_GROUP_ROWS = 128 * 1024;

export interface ParquetWriteOptions {
  /** Rows per row group; 131,072 when not given. */
  rowGroupRows?: number;
}

const schemaText = (s: Schema) => s.fields.map((f) => `${f.name} ${String(f.type)}`).join(', ');

/** parquet-wasm's copies of an apache-arrow batch (it reads them from IPC bytes). */
function toWasm(pw: ParquetWasm, batch: RecordBatch) {
  const table = pw.Table.fromIPCStream(tableToIPC(new Table([batch]), 'stream'));
  try {
    return table.recordBatches();
  } finally {
    table.free();
  }
}

function tryWrite(pw: ParquetWasm, batch: RecordBatch): unknown {
  try {
    pw.writeParquet(pw.Table.fromIPCStream(tableToIPC(new Table([batch]), 'stream')));
    return null;
  } catch (e) {
    return e;
  }
}

/**
 * Refuses a schema parquet-wasm cannot write (an INTERVAL, for one) before anything is streamed,
 * naming the column: its own error names only the Arrow type.
 */
function checkWritable(pw: ParquetWasm, batch: RecordBatch): void {
  const probe = batch.slice(0, Math.min(1, batch.numRows));
  const failure = tryWrite(pw, probe);
  if (!failure) return;
  for (const f of probe.schema.fields) {
    const single = probe.select([f.name]);
    const e = tryWrite(pw, single);
    if (e)
      throw new Error(`column ${JSON.stringify(f.name)} (${arrowTypeName(f.type)}) cannot be written as Parquet (${reasonOf(e)}); CAST it to another type in the query, or export CSV`, { cause: e });
  }
  throw new Error(`this table cannot be written as Parquet (${reasonOf(failure)}); export CSV instead`, { cause: failure });
}

/**
 * Parquet bytes of `batches`, in chunks (about a row group each). Every batch must have the schema
 * of the first (same names and Arrow types); give at least one, of 0 rows for an empty table, so
 * the file has its columns.
 */
export async function* parquetChunks(batches: AsyncIterable<RecordBatch> | Iterable<RecordBatch>, opts: ParquetWriteOptions = {}): AsyncGenerator<Uint8Array> {
  const pw = await parquetWasm();
  const source = (Symbol.asyncIterator in batches ? batches[Symbol.asyncIterator]() : batches[Symbol.iterator]()) as AsyncIterator<RecordBatch> | Iterator<RecordBatch>;
  const head = await source.next();
  if (head.done) throw new Error('Parquet export: no batch to take the columns from');
  const first = head.value;
  const expected = schemaText(first.schema);
  checkWritable(pw, first);
  let pending: RecordBatch | null = first;
  let count = 0;
  // Our own errors (a batch of another schema, an abort) reach the output only as a broken stream.
  let failure: unknown = null;
  const input = new ReadableStream({
    async pull(controller) {
      try {
        for (;;) {
          let batch: RecordBatch;
          if (pending) {
            batch = pending;
            pending = null;
          } else {
            const next = await source.next();
            if (next.done) {
              controller.close();
              return;
            }
            batch = next.value;
            count++;
            const got = schemaText(batch.schema);
            if (got !== expected) throw new Error(`Parquet export: every batch must have the columns of the first (${expected}); batch ${count + 1} has (${got})`);
            if (batch.numRows === 0) continue;
          }
          for (const b of toWasm(pw, batch)) controller.enqueue(b);
          return;
        }
      } catch (e) {
        failure = e;
        controller.error(e);
      }
    },
    async cancel() {
      await source.return?.();
    },
  });
  const props = new pw.WriterPropertiesBuilder()
    .setCompression(pw.Compression.ZSTD)
    .setDictionaryEnabled(true)
    .setMaxRowGroupSize(opts.rowGroupRows ?? PARQUET_ROW_GROUP_ROWS)
    .build();
  const reader = (await pw.transformParquetStream(input, props)).getReader();
  let finished = false;
  try {
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch (e) {
        throw failure ?? new Error(`Parquet export failed: ${reasonOf(e)}`, { cause: e });
      }
      if (next.done) {
        finished = true;
        // parquet-wasm 0.8 ends its output normally when its input fails after the first batch,
        // with a complete file of what it had: a truncated export unless we say otherwise.
        if (failure) throw failure;
        return;
      }
      yield next.value;
    }
  } finally {
    // A consumer that stopped early (cancel) stops the writer and the source behind it.
    if (!finished) await reader.cancel().catch(() => undefined);
  }
}
