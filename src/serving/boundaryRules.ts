/**
 * Two ways to split a dataset between batch and speed, side by side (teaching). Ours splits by seq:
 * batch holds seq <= W, speed the rest, so every event is served exactly once however late it came.
 * A time boundary (Apache Pinot's hybrid tables) serves event times up to the batch's newest minus
 * one bucket from batch and later ones from the realtime side, which holds every recent event: an
 * event that arrived after W with an event time at or before the boundary is in neither, and is
 * dropped until the next batch takes it in.
 */
import type { BatchClient } from '../batch/BatchClient';
import type { IngestClient } from '../ingest/IngestClient';

export interface BoundaryComparison {
  dataset: string;
  w: number;
  bucketMs: number;
  /** The time boundary (ms); null while the batch store is empty. */
  boundary: number | null;
  seqSplit: { batch: number; speed: number; total: number };
  timeSplit: { batch: number; speed: number; total: number; dropped: number };
}

export async function compareBoundaries(ingest: IngestClient, batch: BatchClient, dataset: string, w: number, bucketMs: number): Promise<BoundaryComparison> {
  if (w === 0) throw new Error('nothing in the batch store yet: recompute first');
  const b = await batch.call('timeSplit', { dataset, w, bucketMs });
  const boundary = b.boundary ?? Number.NEGATIVE_INFINITY;
  const past = await ingest.call('pastW', { dataset, w, boundary });
  const speedEvents = past.atOrBefore + past.after;
  const timeSpeed = b.after + past.after;
  return {
    dataset,
    w,
    bucketMs,
    boundary: b.boundary,
    seqSplit: { batch: w, speed: speedEvents, total: w + speedEvents },
    timeSplit: { batch: b.atOrBefore, speed: timeSpeed, total: b.atOrBefore + timeSpeed, dropped: past.atOrBefore },
  };
}
