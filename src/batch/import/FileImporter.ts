/**
 * A dropped file into the log, in the batch worker: read (CsvReader through DuckDB, the other
 * formats through src/batch/files), previewed, then appended whole or not at all through the log's
 * staged imports (src/log/fileImport.ts). Columns stay Arrow from the reader to the segment.
 */
import type { Data, RecordBatch } from 'apache-arrow';
import { abortImport, beginImport, commitImport, stageSegment } from '../../log/fileImport';
import type { LogDb } from '../../log/LogDb';
import { encodeArrowSegment, readColumn } from '../../log/segmentCodec';
import { idProblem } from '../../protocol/ids';
import type { DatasetSchema, FieldDef } from '../../protocol/schema';
import { schemaFit } from '../../protocol/schemaFit';
import { valueText } from '../../protocol/valueText';
import type { BatchEngine } from '../BatchEngine';
import { isLogTimeColumn, logTimeNote, reservedNote } from '../files/cleanColumnNames';
import { detectFile } from '../files/detectFormat';
import { FileProblem, isAbortError } from '../files/FileProblem';
import { openFileReader } from '../files/openFileReader';
import type { DetectedFormat, FileReader, NamedBlob } from '../files/types';
import { CsvReader } from './csvReader';
import { TextDatesReader } from './TextDatesReader';
import { eventTimes, finiteFloats, keptIndexes, nullColumn, takeRows, widenToFloat } from './importRows';
import type { FilePreview, ImportPlan, ImportProgress, ImportResult, PreviewField } from './importTypes';

const PREVIEW_ROWS = 20;
const MAX_DISTINCT = 30;
/** The batch layer holds a dataset in DuckDB-WASM's heap (wasm32: a few GB at most, NOTES.md). */
export const MAX_FILE_BYTES = 1024 ** 3;
/** DuckDB reads CSV from a copy of the file in its heap, beside the table it is building. */
export const MAX_CSV_BYTES = 512 * 1024 ** 2;
/** A preview reads this much of a CSV file (decompressed): plenty for its sample rows. */
const PREVIEW_BYTES = 4 * 1024 ** 2;
const TIME_NAME = /(^|_|\b)(time|timestamp|date|datetime|ts|created|updated|at|when|day)(_|\b|$)/i;

type Reader = FileReader & { dateFormats?: Map<string, string[]>; formats?: Map<string, string>; sample?: RecordBatch | null; notes?: string[]; close?(): Promise<void> };

const gib = (n: number) => `${(n / 1024 ** 3).toFixed(1)} GB`;

/** A dataset id from a name: the characters ids allow, unique among `taken`. */
export function datasetIdFor(name: string, taken: ReadonlySet<string>): string {
  const base = `file_${name.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 80)}`;
  let id = base;
  for (let n = 2; taken.has(id) || idProblem(id); n++) id = `${base}_${n}`;
  return id;
}

export class FileImporter {
  private readonly running = new Map<string, AbortController>();

  constructor(
    /** The engine that reads CSV files (created on the first one). */
    private readonly engine: () => Promise<BatchEngine>,
    private readonly db: () => LogDb,
    private readonly onCommitted: (datasetId: string, highWater: number) => void,
  ) {}

  private async open(file: NamedBlob, formats: Record<string, string | null> | undefined, signal?: AbortSignal, preview = false): Promise<{ reader: Reader; detected: DetectedFormat }> {
    if (file.size > MAX_FILE_BYTES) {
      throw new FileProblem(
        file.name,
        `is ${gib(file.size)}: more than this tab's batch layer can hold (DuckDB-WASM keeps a dataset in a memory of a few GB; files up to ${gib(MAX_FILE_BYTES)} are taken). Split it, or filter it first.`,
      );
    }
    const detected = await detectFile(file);
    const csv = detected.format === 'csv' || detected.format === 'tsv';
    if (csv && !preview && file.size > MAX_CSV_BYTES) {
      throw new FileProblem(
        file.name,
        `is ${gib(file.size)} of ${detected.gzip ? 'compressed ' : ''}CSV: DuckDB reads a CSV file from a copy in its memory, and files up to ${gib(MAX_CSV_BYTES)} are taken. Split it, or convert it to Parquet.`,
      );
    }
    const reader: Reader = csv
      ? new CsvReader(await this.engine(), file, detected, { signal, formats, ...(preview ? { headBytes: PREVIEW_BYTES } : {}) })
      : new TextDatesReader(openFileReader(file, detected, { signal }), this.engine, file.name, formats ?? {});
    try {
      await reader.open();
    } catch (e) {
      await reader.close?.();
      throw e;
    }
    return { reader, detected };
  }

  /** `formats`: date formats chosen for text columns; the preview shows the values read with them. */
  async preview(file: NamedBlob, formats?: Record<string, string | null>): Promise<FilePreview> {
    const { reader, detected } = await this.open(file, formats, undefined, true);
    try {
      const sample = reader.sample ?? (await firstBatch(reader));
      const fields: PreviewField[] = reader.schema.map((f) => {
        const p: PreviewField = { name: f.name, sourceName: f.sourceName, type: f.type };
        if (f.zoned) p.zoned = true;
        if (f.note) p.note = f.note;
        const candidates = reader.dateFormats?.get(f.name);
        if (candidates) {
          p.dateFormats = candidates;
          p.format = reader.formats?.get(f.name) ?? null;
        }
        return p;
      });
      const n = sample?.numRows ?? 0;
      const cols = fields.map((f, i) => (sample ? readColumn(sample.getChildAt(i)?.data ?? [], f.type, n) : []));
      const rows = Array.from({ length: Math.min(PREVIEW_ROWS, n) }, (_, r) => fields.map((f, i) => (cols[i]![r] === null ? null : valueText(f.type, cols[i]![r]))));
      const lowCardinality = lowCardinalityOf(fields, sample);
      const times = fields.filter((f) => f.type === 'timestamp' || f.type === 'date');
      const logTime = fields.find(isLogTimeColumn);
      const suggested = logTime ?? times.find((f) => TIME_NAME.test(f.name)) ?? times.find((f) => f.type === 'timestamp') ?? times[0];
      // The reader says the `ts` column was renamed; as the suggested event time it is not kept at all.
      const renamed = logTime ? reservedNote(logTime.sourceName, logTime.name) : null;
      const notes = (reader.notes ?? []).filter((n) => n !== renamed);
      if (logTime) {
        logTime.note = [logTimeNote(logTime), ...(logTime.note ?? '').split('; ').filter((n) => n && n !== renamed)].join('; ');
        notes.unshift(logTimeNote(logTime));
      }
      if (detected.format === 'csv' || detected.format === 'tsv') notes.push('Empty fields become empty (NULL) values; the words NULL and None are kept as text.');
      return {
        fileName: file.name,
        fileBytes: file.size,
        format: detected.format,
        gzip: detected.gzip,
        fields,
        rows,
        rowCount: reader.rowCount,
        notes,
        suggestedEventTime: suggested?.name ?? null,
        lowCardinality,
      };
    } finally {
      await reader.close?.();
    }
  }

  cancel(importId: string): boolean {
    const c = this.running.get(importId);
    c?.abort();
    return c !== undefined;
  }

  async run(file: NamedBlob, plan: ImportPlan, progress: (p: ImportProgress) => void): Promise<ImportResult> {
    const t0 = performance.now();
    const control = new AbortController();
    this.running.set(plan.importId, control);
    const db = this.db();
    let datasetId: string | null = null;
    let reader: Reader | null = null;
    try {
      await checkStorage(file);
      reader = (await this.open(file, plan.formats, control.signal)).reader;
      const fileFields: FieldDef[] = reader.schema.map((f) => ({ name: f.name, type: f.type }));
      const timeIndex = plan.eventTime === null ? -1 : fileFields.findIndex((f) => f.name === plan.eventTime);
      const timeType = timeIndex >= 0 ? fileFields[timeIndex]!.type : null;
      if (plan.eventTime !== null && timeType !== 'timestamp' && timeType !== 'date')
        throw new FileProblem(file.name, `has no date or time column ${JSON.stringify(plan.eventTime)} to take event times from`);
      // The file columns that become fields (by index): all but a `ts` taken as the event time.
      const kept = fileFields.map((_, i) => i).filter((i) => i !== timeIndex || !isLogTimeColumn(reader!.schema[i]!));
      const keptFields = kept.map((i) => fileFields[i]!);
      let schema: DatasetSchema;
      let sources: number[];
      let widen: boolean[];
      let created = false;
      if (plan.target.kind === 'new') {
        schema = { fields: keptFields };
        sources = kept;
        widen = kept.map(() => false);
        const taken = new Set((await db.datasets.toArray()).map((d) => d.id));
        datasetId = datasetIdFor(plan.target.name, taken);
        await beginImport(db, plan.importId, { datasetId, create: { name: plan.target.name.trim() || file.name, schema } });
        created = true;
      } else {
        datasetId = plan.target.datasetId;
        const ds = await db.datasets.get(datasetId);
        if (!ds) throw new Error(`the dataset ${datasetId} no longer exists`);
        // Staging holds the dataset for the import's duration; a live stream's appends must not wait on a file.
        if ((ds.origin ?? 'stream') !== 'file') throw new FileProblem(file.name, `cannot go into ${ds.name}: a live stream feeds it; import it as a dataset of its own`);
        const fit = schemaFit(ds.schema, keptFields);
        if (fit.problems.length > 0) throw new FileProblem(file.name, `does not fit the dataset ${ds.name}: ${fit.problems.join('; ')}`);
        sources = fit.sources.map((k) => (k < 0 ? k : kept[k]!));
        widen = fit.widen;
        schema = ds.schema;
        await beginImport(db, plan.importId, { datasetId });
      }
      const id = datasetId;
      const importedAt = Date.now();
      let rows = 0;
      let skipped = 0;
      let logBytes = 0;
      let lastSent = 0;
      let lowCardinality: string[] | null = null;
      for await (const { batch, bytesRead } of reader.batches()) {
        if (control.signal.aborted) throw new DOMException('cancelled', 'AbortError');
        lowCardinality ??= lowCardinalityOf(
          schema.fields.map((f, k) => ({ name: f.name, type: sources[k]! < 0 ? 'integer' : fileFields[sources[k]!]!.type })),
          batch,
          sources,
        );
        const times = eventTimes(timeIndex >= 0 ? (batch.getChildAt(timeIndex)?.data[0] ?? null) : null, timeType, batch.numRows, importedAt);
        const idx = times.keep ? keptIndexes(times.keep, times.kept) : null;
        const ts = idx ? Float64Array.from(idx, (i) => times.ts[i]!) : times.ts;
        skipped += batch.numRows - times.kept;
        if (ts.length > 0) {
          const columns: Data[] = schema.fields.map((f, k) => {
            const src = sources[k]!;
            if (src < 0) return nullColumn(f.type, ts.length);
            let d = batch.getChildAt(src)!.data[0]!;
            if (idx) d = takeRows(d, idx);
            return widen[k] ? widenToFloat(d) : f.type === 'float' ? finiteFloats(d) : d;
          });
          logBytes += await stageSegment(db, id, plan.importId, { count: ts.length, minTs: times.minTs, maxTs: times.maxTs }, (firstSeq) => encodeArrowSegment(schema, columns, ts, firstSeq));
          rows += ts.length;
        }
        const now = performance.now();
        if (now - lastSent > 100) {
          lastSent = now;
          progress({ importId: plan.importId, fileName: file.name, bytesRead, fileBytes: file.size, rows });
        }
      }
      // A reader that stopped early on the cancel must not look like the end of the file.
      if (control.signal.aborted) throw new DOMException('cancelled', 'AbortError');
      if (rows === 0) throw new FileProblem(file.name, skipped > 0 ? `has no row with an event time in ${JSON.stringify(plan.eventTime)} (1900..2200); pick another column or none` : 'has no rows');
      const ds = await commitImport(db, id, plan.importId, { name: file.name, rows, skipped, fileBytes: file.size });
      progress({ importId: plan.importId, fileName: file.name, bytesRead: file.size, fileBytes: file.size, rows });
      this.onCommitted(id, ds.highWater);
      return {
        datasetId: id,
        name: ds.name,
        schema: ds.schema,
        created,
        rows,
        skipped,
        ms: performance.now() - t0,
        logBytes,
        highWater: ds.highWater,
        minTs: ds.minTs,
        maxTs: ds.maxTs,
        lowCardinality: lowCardinality ?? [],
      };
    } catch (e) {
      if (datasetId !== null) await abortImport(db, datasetId, plan.importId).catch(() => undefined);
      throw importError(file.name, e);
    } finally {
      this.running.delete(plan.importId);
      await reader?.close?.();
    }
  }
}

async function firstBatch(reader: Reader): Promise<RecordBatch | null> {
  for await (const b of reader.batches()) return b.batch;
  return null;
}

/** Text and boolean fields with few distinct values in `batch` (column `sources[i]` holds field i). */
function lowCardinalityOf(fields: readonly FieldDef[], batch: RecordBatch | null, sources?: readonly number[]): string[] {
  if (!batch) return [];
  return fields
    .filter((f, i) => {
      const src = sources ? sources[i]! : i;
      if ((f.type !== 'text' && f.type !== 'boolean') || src < 0) return false;
      return lowDistinct(readColumn(batch.getChildAt(src)?.data ?? [], f.type, batch.numRows), batch.numRows);
    })
    .map((f) => f.name);
}

function lowDistinct(col: readonly unknown[], n: number): boolean {
  const seen = new Set<unknown>();
  for (let i = 0; i < n; i++) {
    if (col[i] !== null) seen.add(col[i]);
    if (seen.size > MAX_DISTINCT) return false;
  }
  return seen.size > 0 && (n < 20 || seen.size <= n / 2);
}

/** Refuses a file the browser's storage cannot take before anything is written. */
async function checkStorage(file: NamedBlob): Promise<void> {
  const estimate = await (globalThis.navigator as { storage?: StorageManager } | undefined)?.storage?.estimate?.().catch(() => undefined);
  if (!estimate?.quota) return;
  const free = estimate.quota - (estimate.usage ?? 0);
  if (file.size > free) throw new FileProblem(file.name, `needs about ${gib(file.size)} of this browser's storage and ${gib(free)} is free; free some space (delete a dataset) and drop it again`);
}

/** What went wrong, as one sentence naming the file; a cancel says it was cancelled. */
function importError(fileName: string, e: unknown): Error {
  if (e instanceof FileProblem) return e;
  if (isAbortError(e)) return new FileProblem(fileName, 'was not imported: the import was cancelled; the log is as it was');
  const name = (e as { name?: string } | null)?.name;
  if (name === 'QuotaExceededError') return new FileProblem(fileName, "was not imported: the browser's storage for this site is full; nothing was kept. Delete a dataset and drop it again.");
  return new FileProblem(fileName, `was not imported: ${e instanceof Error ? e.message : String(e)}; the log is as it was`);
}
