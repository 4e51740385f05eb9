/**
 * A file goes into the log whole or not at all, however many segments it takes: its segments are
 * staged past the dataset's high-water mark, where no reader looks (every reader stops at
 * `highWater`), and one transaction moves the mark over them at the end. Cancel, a failure, or a
 * tab closed halfway leaves staged segments that `abortImport` (or `recoverImports` at the next
 * start) deletes; the log and the views are as before.
 * Staging takes the dataset for the import's duration: another append to it is refused meanwhile.
 */
import { idProblem } from '../protocol/ids';
import { schemaProblem, type DatasetSchema } from '../protocol/schema';
import { type DatasetRecord, type ImportedFile, type LogDb, newDatasetRecord, type SegmentRecord } from './LogDb';

export class ImportBusyError extends Error {
  override name = 'ImportBusyError';
}

export interface ImportTarget {
  datasetId: string;
  /** Set to create the dataset (it must not exist). */
  create?: { name: string; schema: DatasetSchema };
}

/** Takes a dataset for an import; creates it first when asked. Returns the dataset's record. */
export async function beginImport(db: LogDb, importId: string, target: ImportTarget): Promise<DatasetRecord> {
  const { datasetId, create } = target;
  const badId = idProblem(datasetId);
  if (badId) throw new Error(`dataset id ${JSON.stringify(datasetId)}: ${badId}`);
  if (create) {
    const problem = schemaProblem(create.schema);
    if (problem) throw new Error(`dataset ${create.name}: ${problem}`);
  }
  return db.transaction('rw', db.datasets, async () => {
    const existing = await db.datasets.get(datasetId);
    if (create && existing) throw new Error(`a dataset with id ${JSON.stringify(datasetId)} exists already`);
    if (!create && !existing) throw new Error(`unknown dataset ${datasetId}`);
    if (existing?.pendingImport) throw new ImportBusyError(`dataset ${existing.name} is taking another import; try again when it is done`);
    const startedAt = Date.now();
    const ds: DatasetRecord = existing ?? newDatasetRecord(datasetId, create!.name, create!.schema, 'file');
    ds.pendingImport = { id: importId, nextSeq: ds.highWater + 1, segments: 0, bytes: 0, minTs: null, maxTs: null, created: !existing, startedAt };
    await db.datasets.put(ds);
    return ds;
  });
}

/**
 * Stages one encoded segment. `encode(firstSeq)` builds its bytes for the seqs it is given, inside
 * the transaction that takes them, so that two stagers could never take the same seqs.
 */
export async function stageSegment(db: LogDb, datasetId: string, importId: string, seg: { count: number; minTs: number; maxTs: number }, encode: (firstSeq: number) => Uint8Array): Promise<number> {
  if (seg.count === 0) return 0;
  const ds = await db.datasets.get(datasetId);
  const p = ds?.pendingImport;
  if (!ds || !p || p.id !== importId) throw new Error(`import ${importId} into ${datasetId} is no longer open`);
  // IndexedDB commits a transaction that awaits anything else, so the bytes are made before it opens.
  const firstSeq = p.nextSeq;
  const bytes = encode(firstSeq);
  return db.transaction('rw', db.datasets, db.segments, async () => {
    const now = await db.datasets.get(datasetId);
    const q = now?.pendingImport;
    if (!now || !q || q.id !== importId || q.nextSeq !== firstSeq) throw new Error(`import ${importId} into ${datasetId} was changed under it`);
    const record: SegmentRecord = { datasetId, firstSeq, lastSeq: firstSeq + seg.count - 1, count: seg.count, minTs: seg.minTs, maxTs: seg.maxTs, appendedAt: Date.now(), bytes };
    await db.segments.add(record);
    q.nextSeq += seg.count;
    q.segments += 1;
    q.bytes += bytes.byteLength;
    q.minTs = q.minTs === null ? seg.minTs : Math.min(q.minTs, seg.minTs);
    q.maxTs = q.maxTs === null ? seg.maxTs : Math.max(q.maxTs, seg.maxTs);
    await db.datasets.put(now);
    return bytes.byteLength;
  });
}

/** Makes the staged events part of the log in one move of the high-water mark. */
export async function commitImport(db: LogDb, datasetId: string, importId: string, file: Omit<ImportedFile, 'importedAt'>): Promise<DatasetRecord> {
  return db.transaction('rw', db.datasets, async () => {
    const ds = await db.datasets.get(datasetId);
    const p = ds?.pendingImport;
    if (!ds || !p || p.id !== importId) throw new Error(`import ${importId} into ${datasetId} is no longer open`);
    ds.highWater = p.nextSeq - 1;
    ds.segmentCount += p.segments;
    if (p.minTs !== null) ds.minTs = ds.minTs === null ? p.minTs : Math.min(ds.minTs, p.minTs);
    if (p.maxTs !== null) ds.maxTs = ds.maxTs === null ? p.maxTs : Math.max(ds.maxTs, p.maxTs);
    if (ds.bytes !== undefined) ds.bytes += p.bytes;
    ds.files = [...(ds.files ?? []), { ...file, importedAt: Date.now() }];
    delete ds.pendingImport;
    await db.datasets.put(ds);
    return ds;
  });
}

/** Deletes what an import staged (and the dataset it created); the log is as before it began. */
export async function abortImport(db: LogDb, datasetId: string, importId: string | null): Promise<void> {
  await db.transaction('rw', db.datasets, db.segments, async () => {
    const ds = await db.datasets.get(datasetId);
    const p = ds?.pendingImport;
    if (!ds || !p || (importId !== null && p.id !== importId)) return;
    await db.segments
      .where('[datasetId+firstSeq]')
      .between([datasetId, ds.highWater + 1], [datasetId, Infinity])
      .delete();
    if (p.created && ds.highWater === 0) await db.datasets.delete(datasetId);
    else {
      delete ds.pendingImport;
      await db.datasets.put(ds);
    }
  });
}

/**
 * Aborts imports left open by a tab that closed mid-import: those `isLive` says no tab is running
 * (the importing worker holds a Web Lock named after the import while it runs). Returns the names
 * of the datasets cleaned.
 */
export async function recoverImports(db: LogDb, isLive: (importId: string) => Promise<boolean>): Promise<string[]> {
  const cleaned: string[] = [];
  for (const d of await db.datasets.toArray()) {
    const p = d.pendingImport;
    if (!p || (await isLive(p.id))) continue;
    await abortImport(db, d.id, p.id);
    cleaned.push(d.name);
  }
  return cleaned;
}
