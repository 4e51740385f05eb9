/**
 * A dataset whose batch layer is the server's ClickHouse cluster starts its log where the cluster is,
 * not at the stream's beginning: the cluster holds seqs 1..w whole, so this log's first event is
 * seq w + 1, read from the stream offset after the cluster's seq w. Seqs then agree with the
 * cluster's (both count events, a gap's offsets take none), and the seq split at W stays exact.
 */
import type { DatasetRecord, LogDb } from './LogDb';
import { ownGet, ownSet } from '../protocol/ownRecord';

/**
 * Starts `datasetId` at the cluster's `w` and the stream offset `wOffset`, if the log has not read
 * `stream` yet; a log that already holds it (or anything) keeps its own start. Returns the record.
 */
export function startOnCluster(db: LogDb, datasetId: string, stream: string, w: number, wOffset: number): Promise<DatasetRecord> {
  if (!Number.isSafeInteger(w) || w < 0 || !Number.isSafeInteger(wOffset) || wOffset < 0) throw new Error(`a cluster start is whole numbers, not ${w} at offset ${wOffset}`);
  return db.transaction('rw', db.datasets, async () => {
    const ds = await db.datasets.get(datasetId);
    if (!ds) throw new Error(`unknown dataset ${datasetId}`);
    if (ds.highWater > 0 || ds.pendingImport || ownGet(ds.sources, stream) !== undefined) return ds;
    ds.highWater = w;
    ds.cluster = { from: w };
    ownSet(ds.sources, stream, wOffset);
    await db.datasets.put(ds);
    return ds;
  });
}
