/**
 * Parquet through parquet-wasm, one row group at a time: the file is opened as a Blob, so only the
 * footer and the row group being read are in memory, never the whole file. Each row group comes over
 * as Arrow IPC and is read by apache-arrow; column types map to the stream's types directly.
 */
import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { type DataType, type Decimal, type Dictionary, type Timestamp, Type, tableFromIPC, type Vector } from 'apache-arrow';
import * as pq from 'parquet-wasm/node';
import { DAY_MS } from '../../src/protocol/eventTime';
import type { Row, RowChunks, SourceColumn, SourceKind } from './readRows';
import { fileProblem, reasonOf, ReplayError } from './ReplayError';

/** Rows per Arrow batch asked of parquet-wasm (the unit rows are handed on in). */
const BATCH_ROWS = 8192;

/** A column's kind and how to turn one of apache-arrow's values into that kind's value, or why the column cannot be replayed. */
type Plan = { kind: SourceKind; read: (v: unknown) => unknown } | { problem: string };

const same = (v: unknown) => v;
const floorMs = (v: unknown) => (typeof v === 'number' ? Math.floor(v) : v);
// apache-arrow returns a date as ms since the epoch (a whole day).
const days = (v: unknown) => (typeof v === 'number' ? Math.floor(v / DAY_MS) : v);

/** How an Arrow type is replayed. Int64 stays a bigint here, so a value beyond 2^53 is refused where it is met, not rounded. */
export function planOf(type: DataType): Plan {
  switch (type.typeId) {
    case Type.Int:
      return { kind: 'integer', read: same };
    case Type.Float:
      return { kind: 'float', read: same };
    case Type.Decimal: {
      // apache-arrow hands a decimal over unscaled; a float is the nearest a stream holds.
      const scale = 10 ** (type as Decimal).scale;
      return { kind: 'float', read: (v) => (v === null ? null : Number(v) / scale) };
    }
    case Type.Bool:
      return { kind: 'boolean', read: same };
    case Type.Utf8:
    case Type.LargeUtf8:
      return { kind: 'text', read: same };
    case Type.Date:
      return { kind: 'date', read: days };
    case Type.Timestamp:
      // A timestamp with a zone is an instant (Parquet's isAdjustedToUTC); without one, a wall-clock reading.
      return { kind: (type as Timestamp).timezone ? 'instant' : 'timestamp', read: floorMs };
    case Type.Dictionary:
      return planOf((type as Dictionary).dictionary);
    case Type.Null:
      return { kind: 'text', read: same };
    default:
      return { problem: `has the type ${String(type)}, which a stream has no field type for` };
  }
}

export async function readParquet(file: string): Promise<RowChunks> {
  // openAsBlob's own errors do not say ENOENT: ask the file system first.
  const info = await stat(file).catch((e: unknown) => {
    throw fileProblem(file, e);
  });
  if (info.isDirectory()) throw fileProblem(file, { code: 'EISDIR' });
  let pf: pq.ParquetFile;
  try {
    pf = await pq.ParquetFile.fromFile(await openAsBlob(file));
  } catch (e) {
    throw new ReplayError(`${file} cannot be read as Parquet (${reasonOf(e)})`);
  }
  let freed = false;
  const close = () => {
    if (!freed) pf.free();
    freed = true;
  };
  let groups: number;
  let plans: Plan[];
  let columns: SourceColumn[];
  try {
    groups = pf.metadata().numRowGroups();
    const schema = tableFromIPC(pf.schema().intoIPCStream()).schema;
    plans = schema.fields.map((f) => planOf(f.type));
    columns = schema.fields.map((f, i) => {
      const plan = plans[i]!;
      if ('problem' in plan) throw new ReplayError(`${file}: column ${JSON.stringify(f.name)} ${plan.problem}`);
      return { name: f.name, kind: plan.kind };
    });
  } catch (e) {
    close();
    throw e instanceof ReplayError ? e : new ReplayError(`${file} cannot be read as Parquet (${reasonOf(e)})`);
  }

  async function* chunks(): AsyncGenerator<Row[], void, undefined> {
    try {
      let line = 0;
      for (let g = 0; g < groups; g++) {
        let table: ReturnType<typeof tableFromIPC>;
        try {
          table = tableFromIPC((await pf.read({ rowGroups: [g], batchSize: BATCH_ROWS })).intoIPCStream());
        } catch (e) {
          throw new ReplayError(`${file}: row group ${g + 1} of ${groups} cannot be read (${reasonOf(e)})`);
        }
        for (const batch of table.batches) {
          const vectors: Vector[] = columns.map((_, c) => batch.getChildAt(c)!);
          const reads = plans.map((p) => ('read' in p ? p.read : same));
          const rows: Row[] = [];
          for (let i = 0; i < batch.numRows; i++) {
            const values: unknown[] = [];
            for (let c = 0; c < vectors.length; c++) values.push(reads[c]!(vectors[c]!.get(i) ?? null));
            rows.push({ line: ++line, values });
          }
          yield rows;
        }
      }
    } finally {
      close();
    }
  }
  return { columns, chunks: chunks(), close };
}
