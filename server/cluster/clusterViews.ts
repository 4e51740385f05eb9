/**
 * Views over a cluster dataset: each view's ClickHouse SQL (the same definition the tab's speed
 * layer tallies) over `after < seq <= upto` of the Distributed table, read-only, with ClickHouse's
 * rows turned into the shape the tab's `fromRows` reads. `upto` may not pass W: beyond it a segment
 * can be half loaded.
 */
import type { SqlRow } from '../../src/views/compileView';
import { chIdent, clickhouseRows, clickhouseSql } from '../../src/views/clickhouseSql';
import type { ViewDef } from '../../src/views/ViewDef';
import type { ClusterDataset } from './ClusterDataset';

export interface ClusterViewRows {
  /** Per view id its rows; a view that failed is in `errors` instead. */
  views: Record<string, SqlRow[]>;
  errors: Record<string, string>;
  after: number;
  upto: number;
  shards: number;
  ms: number;
}

export async function clusterViewRows(ds: ClusterDataset, views: readonly ViewDef[], upto: number, after = 0): Promise<ClusterViewRows> {
  if (!Number.isSafeInteger(upto) || upto < 0 || upto > ds.watermark) throw new Error(`seq ${upto} is past what the cluster holds whole (W = ${ds.watermark})`);
  if (!Number.isSafeInteger(after) || after < 0 || after > upto) throw new Error(`a range must start at or before its end: ${after}..${upto}`);
  const t0 = performance.now();
  const out: ClusterViewRows = { views: {}, errors: {}, after, upto, shards: ds.shards, ms: 0 };
  for (const v of views) {
    let sql: string;
    try {
      sql = clickhouseSql(v, ds.schema, ds.distributed, after, upto);
    } catch (e) {
      out.errors[v.id] = e instanceof Error ? e.message : String(e);
      continue;
    }
    // A failing shard fails the whole answer: a view short of one shard's events would look exact and be wrong.
    out.views[v.id] = clickhouseRows(v, ds.schema, await ds.rows(sql));
  }
  out.ms = performance.now() - t0;
  return out;
}

/** The batch side of the teaching time split (src/batch/worker/timeSplit.ts) over seq <= w on the cluster. */
export async function clusterTimeSplit(ds: ClusterDataset, w: number, bucketMs: number): Promise<{ maxTs: number | null; boundary: number | null; atOrBefore: number; after: number }> {
  if (!Number.isSafeInteger(w) || w < 0 || w > ds.watermark) throw new Error(`seq ${w} is past what the cluster holds whole (W = ${ds.watermark})`);
  if (!Number.isFinite(bucketMs) || bucketMs <= 0) throw new Error('bucketMs is a positive number of milliseconds');
  const [[n, max] = []] = await ds.rows(`SELECT count(), max(ts) FROM ${chIdent(ds.distributed)} WHERE seq <= ${w}`);
  if (!n || typeof max !== 'number') return { maxTs: null, boundary: null, atOrBefore: 0, after: 0 };
  const boundary = max - bucketMs;
  const [[atOrBefore, after] = []] = await ds.rows(`SELECT countIf(ts <= ${boundary}), countIf(ts > ${boundary}) FROM ${chIdent(ds.distributed)} WHERE seq <= ${w}`);
  return { maxTs: max, boundary, atOrBefore: Number(atOrBefore ?? 0), after: Number(after ?? 0) };
}
