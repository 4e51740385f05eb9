/**
 * A dataset whose batch layer is the server's ClickHouse cluster starts its log where the cluster is,
 * not at the stream's beginning: the cluster holds seqs 1..w whole, so this log's first event is
 * seq w + 1, read from the stream offset after the cluster's seq w. Seqs then agree with the
 * cluster's (both count events, a gap's offsets take none), and the seq split at W stays exact.
 *
 * A log that already holds the stream (the tab read it before the server put it on the cluster)
 * joins the cluster when its seqs are provably the cluster's: it read the stream from offset 0 and
 * every offset since is one of its events (no gap, no refusal, no retention run), in the same
 * incarnation, and the cluster already holds all of it (so batch's W never goes back). Otherwise it
 * keeps its batch in this tab, and the reason is said.
 */
import type { DatasetRecord, LogDb } from './LogDb';
import { ownGet, ownSet } from '../protocol/ownRecord';

export interface ClusterStart {
  ds: DatasetRecord;
  /** What to tell the person: the dataset joined the cluster, or why it keeps its batch in this tab. */
  message: string | null;
}

const n = (x: number) => x.toLocaleString('en-US');
const sum = (r: Record<string, number> | undefined) => Object.values(r ?? {}).reduce((s, x) => s + x, 0);

/** Why a log that holds `stream` cannot take its batch from a cluster holding seqs 1..w; null: it can. */
export function joinProblem(ds: DatasetRecord, stream: string, w: number): string | null {
  const next = ownGet(ds.sources, stream);
  if (ds.origin === 'file' || ds.pendingImport) return 'it holds imported files';
  if (next === undefined) return 'it holds events of other sources';
  if (sum(ds.gaps) > 0 || sum(ds.rejected) > 0) return 'this tab missed some of its events, so its seqs are not the cluster’s';
  if ((ds.retention?.removed ?? 0) > 0) return 'retention removed some of its events here';
  if (next !== ds.highWater) return 'this tab began reading it after the stream’s start, so its seqs are not the cluster’s';
  if (w < ds.highWater) return `the cluster holds ${n(w)} of its ${n(ds.highWater)} events so far; it moves there once the cluster has them all (reload the page then)`;
  return null;
}

/**
 * Starts `datasetId` at the cluster's `w` and the stream offset `wOffset` if the log has not read
 * `stream` yet; a log already on the cluster is returned as it is; any other log joins the cluster
 * when `joinProblem` finds nothing in the way. `sameIncarnation`: false when the stream's offsets
 * started over since this log read it.
 */
export function startOnCluster(db: LogDb, datasetId: string, stream: string, w: number, wOffset: number, sameIncarnation = true): Promise<ClusterStart> {
  if (!Number.isSafeInteger(w) || w < 0 || !Number.isSafeInteger(wOffset) || wOffset < 0) throw new Error(`a cluster start is whole numbers, not ${w} at offset ${wOffset}`);
  return db.transaction('rw', db.datasets, async () => {
    const ds = await db.datasets.get(datasetId);
    if (!ds) throw new Error(`unknown dataset ${datasetId}`);
    if (ds.cluster) return { ds, message: null };
    if (ds.highWater === 0 && !ds.pendingImport && ownGet(ds.sources, stream) === undefined) {
      ds.highWater = w;
      ds.cluster = { from: w };
      ownSet(ds.sources, stream, wOffset);
      await db.datasets.put(ds);
      return { ds, message: null };
    }
    const problem = sameIncarnation ? joinProblem(ds, stream, w) : 'the stream’s offsets started over since this tab read it';
    if (problem) return { ds, message: `stream ${stream} is on the server’s ClickHouse cluster, but ${ds.name} keeps its batch in this tab: ${problem}.` };
    ds.cluster = { from: 0 };
    await db.datasets.put(ds);
    return {
      ds,
      message: `${ds.name} now takes its batch from the server’s ClickHouse cluster, which holds the same ${n(ds.highWater)} events; this tab keeps only the events past W from the next recompute on.`,
    };
  });
}
