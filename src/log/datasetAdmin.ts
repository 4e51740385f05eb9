/**
 * Renaming and deleting datasets. Deleting is the only way events ever leave the log: the dataset's
 * segments, its record, its saved views and its stored batch views go in one transaction, so a
 * reload never finds half a dataset.
 */
import type { LogDb } from './LogDb';

export async function renameDataset(db: LogDb, datasetId: string, name: string): Promise<void> {
  const clean = name.trim();
  if (clean === '') throw new Error('a dataset needs a name');
  if (clean.length > 200) throw new Error('a dataset name has at most 200 characters');
  await db.transaction('rw', db.datasets, async () => {
    const ds = await db.datasets.get(datasetId);
    if (!ds) throw new Error(`unknown dataset ${datasetId}`);
    ds.name = clean;
    await db.datasets.put(ds);
  });
}

/** Deletes a dataset and everything derived from it; returns the ids of the views that went with it. */
export async function deleteDataset(db: LogDb, datasetId: string): Promise<string[]> {
  return db.transaction('rw', [db.datasets, db.segments, db.views, db.batchViews], async () => {
    const ds = await db.datasets.get(datasetId);
    if (!ds) return [];
    if (ds.pendingImport) throw new Error(`dataset ${ds.name} is taking a file import; cancel it first`);
    await db.segments.where('[datasetId+firstSeq]').between([datasetId, -Infinity], [datasetId, Infinity]).delete();
    const views = (await db.views.toArray()).filter((v) => v.def.dataset === datasetId).map((v) => v.id);
    await db.views.bulkDelete(views);
    const stored = (await db.batchViews.toArray()).filter((b) => b.dataset === datasetId).map((b) => b.viewId);
    await db.batchViews.bulkDelete(stored);
    await db.datasets.delete(datasetId);
    return views;
  });
}
