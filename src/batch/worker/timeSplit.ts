/**
 * The batch side of a time-boundary split (Apache Pinot's hybrid tables), for teaching: batch
 * serves event times up to its newest minus one bucket, speed the later ones. Counted over the
 * batch store at W, beside our split by seq.
 */
import { tableFor, type BatchEngine } from '../BatchEngine';

export interface BatchTimeSplit {
  /** The newest event time in the batch store; null when it is empty. */
  maxTs: number | null;
  /** The boundary: maxTs minus one bucket. */
  boundary: number | null;
  /** Events in the batch store at or before the boundary (what the time split serves from batch). */
  atOrBefore: number;
  /** Events in the batch store after it (the time split serves these from the speed side). */
  after: number;
}

export async function batchTimeSplit(engine: BatchEngine, dataset: string, w: number, bucketMs: number): Promise<BatchTimeSplit> {
  if (w <= 0) return { maxTs: null, boundary: null, atOrBefore: 0, after: 0 };
  const table = tableFor(dataset);
  const max = await engine.query(`SELECT max(ts)::DOUBLE FROM ${table} WHERE seq <= ?`, [w]);
  const maxTs = (max.rows[0]?.[0] as number | null | undefined) ?? null;
  if (maxTs === null) return { maxTs: null, boundary: null, atOrBefore: 0, after: 0 };
  const boundary = maxTs - bucketMs;
  const r = await engine.query(`SELECT count(*) FILTER (WHERE ts <= ?)::DOUBLE, count(*) FILTER (WHERE ts > ?)::DOUBLE FROM ${table} WHERE seq <= ?`, [boundary, boundary, w]);
  return { maxTs, boundary, atOrBefore: Number(r.rows[0]?.[0] ?? 0), after: Number(r.rows[0]?.[1] ?? 0) };
}
