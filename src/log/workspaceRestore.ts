/**
 * Restoring a workspace backup into the log, all or nothing. Each dataset's events are staged past
 * its high-water mark as a file import stages them (fileImport.ts: invisible to every reader, and a
 * restore that dies with its tab is rolled back at the next start by `recoverImports`); then one
 * transaction makes every dataset, saved view and saved statement of the backup part of the
 * workspace at once. A failure before that deletes what was staged: the workspace is as it was.
 */
import { schemaProblem, type DatasetSchema } from '../protocol/schema';
import { abortImport } from './fileImport';
import { eventsHeld } from './retention';
import { type DatasetRecord, type LogDb, newDatasetRecord, type SavedQueryRecord, type SavedViewRecord } from './LogDb';

export interface RestoringDataset {
  id: string;
  name: string;
  schema: DatasetSchema;
}

/** The datasets that hold events (or are taking an import): a restore refuses a workspace with any. */
export async function datasetsInUse(db: LogDb): Promise<{ name: string; events: number }[]> {
  return (await db.datasets.toArray()).filter((d) => d.highWater > 0 || d.pendingImport).map((d) => ({ name: d.name, events: eventsHeld(d) }));
}

export class WorkspaceNotEmptyError extends Error {
  override name = 'WorkspaceNotEmptyError';
}

function notEmpty(inUse: { name: string; events: number }[]): WorkspaceNotEmptyError {
  const list = inUse.map((d) => `${d.name}: ${d.events.toLocaleString('en-US')} events`).join('; ');
  return new WorkspaceNotEmptyError(
    `this workspace already holds data (${list}); a backup is restored only into an empty workspace. Unsubscribe its live streams first (Live streams panel: a subscribed stream fills its dataset again at once), delete the datasets in the Datasets panel (export them first if you need them), restore, then subscribe again: the streams resume where the backup's logs end`,
  );
}

/**
 * Takes every dataset of the backup for staging, in one transaction that first checks the
 * workspace is empty. An empty dataset of the same id (a live stream's, made when it subscribed)
 * is taken over; any other is created.
 */
export async function beginRestore(db: LogDb, restoreId: string, datasets: readonly RestoringDataset[]): Promise<void> {
  for (const d of datasets) {
    const problem = schemaProblem(d.schema);
    if (problem) throw new Error(`dataset ${d.name}: ${problem}`);
  }
  await db.transaction('rw', db.datasets, async () => {
    const inUse = await datasetsInUse(db);
    if (inUse.length > 0) throw notEmpty(inUse);
    const startedAt = Date.now();
    for (const d of datasets) {
      const existing = await db.datasets.get(d.id);
      const ds: DatasetRecord = existing ?? newDatasetRecord(d.id, d.name, d.schema, 'file');
      ds.pendingImport = { id: restoreId, nextSeq: 1, segments: 0, bytes: 0, minTs: null, maxTs: null, created: !existing, startedAt };
      await db.datasets.put(ds);
    }
  });
}

export interface RestoredDataset {
  /** The record as backed up (no high-water mark, counts or import of its own). */
  record: Omit<DatasetRecord, 'highWater' | 'segmentCount' | 'bytes' | 'pendingImport'>;
  events: number;
}

/**
 * Makes the staged datasets, the views and the saved statements part of the workspace in one
 * transaction, after checking each dataset staged exactly its events. Saved views of the restored
 * datasets are replaced by the backup's; a saved statement of the same name is replaced.
 */
export async function commitRestore(
  db: LogDb,
  restoreId: string,
  datasets: readonly RestoredDataset[],
  views: readonly SavedViewRecord[],
  savedQueries: readonly SavedQueryRecord[],
): Promise<DatasetRecord[]> {
  return db.transaction('rw', [db.datasets, db.views, db.batchViews, db.savedQueries], async () => {
    const done: DatasetRecord[] = [];
    for (const { record, events } of datasets) {
      const now = await db.datasets.get(record.id);
      const p = now?.pendingImport;
      if (!now || !p || p.id !== restoreId) throw new Error(`the restore of ${record.name} is no longer open`);
      if (p.nextSeq - 1 !== events) throw new Error(`dataset ${record.name}: ${p.nextSeq - 1} events were read, the backup says ${events}`);
      const restored: DatasetRecord = { ...record, highWater: events, segmentCount: p.segments, bytes: p.bytes, minTs: p.minTs, maxTs: p.maxTs };
      await db.datasets.put(restored);
      done.push(restored);
    }
    const ids = new Set(datasets.map((d) => d.record.id));
    const replaced = (await db.views.toArray()).filter((v) => ids.has(v.def.dataset)).map((v) => v.id);
    await db.views.bulkDelete(replaced);
    await db.views.bulkPut([...views]);
    const stale = (await db.batchViews.toArray()).filter((b) => ids.has(b.dataset)).map((b) => b.viewId);
    await db.batchViews.bulkDelete(stale);
    await db.savedQueries.bulkPut([...savedQueries]);
    return done;
  });
}

/** Deletes what a restore staged, and the datasets it created; the workspace is as before it began. */
export async function abortRestore(db: LogDb, restoreId: string, datasetIds: readonly string[]): Promise<void> {
  for (const id of datasetIds) await abortImport(db, id, restoreId);
}
