/**
 * Lambda vs Kappa, for teaching: the same views computed two ways over the same events (seq <= W).
 * Kappa replays the log through the speed path alone (incremental tallies in the ingest worker);
 * Lambda's batch layer answers with SQL in DuckDB. They must agree; how long each took is the point.
 */
import type { BatchClient } from '../batch/BatchClient';
import type { IngestClient } from '../ingest/IngestClient';
import type { CompiledView } from '../views/compileView';
import { reconcileHandover } from './handOver';
import type { ViewDrift } from './reconcile';

export interface KappaResult {
  dataset: string;
  w: number;
  events: number;
  /** The speed path replaying the log up to W. */
  kappaMs: number;
  /** DuckDB answering the same views over the same events. */
  batchMs: number;
  views: ViewDrift[];
  ok: boolean;
}

export async function kappaCompare(ingest: IngestClient, batch: BatchClient, compiled: readonly CompiledView[], dataset: string, w: number): Promise<KappaResult> {
  if (w === 0) throw new Error('nothing in the batch store yet: recompute first');
  const replayed = await ingest.call('kappa', { dataset, upto: w });
  const t0 = performance.now();
  const h = await reconcileHandover(batch, compiled, { dataset, w, fromSeq: 0, events: replayed.events, tallies: replayed.tallies }, Date.now());
  const batchMs = performance.now() - t0;
  return { dataset, w, events: replayed.events, kappaMs: replayed.ms, batchMs, views: h.views, ok: h.ok };
}
