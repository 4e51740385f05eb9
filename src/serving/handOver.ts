/**
 * The hand-over at a new watermark: the speed layer drops the events batch now covers and returns
 * what it had counted for them; batch answers the same compiled SQL over exactly that seq range; any
 * difference is drift, shown and never hidden (batch's figures stand either way).
 */
import type { BatchClient } from '../batch/BatchClient';
import type { IngestClient } from '../ingest/IngestClient';
import type { CompiledView, Tally } from '../views/compileView';
import type { Handover } from './pipelineTypes';
import { reconcile, type ViewDrift } from './reconcile';
import { errorText } from '../protocol/errorText';

/** What the speed layer handed over for one dataset: its tally of seq in (fromSeq, w]. */
export interface HandedOver {
  dataset: string;
  w: number;
  fromSeq: number;
  events: number;
  tallies: Record<string, Tally>;
}

/** Tells the speed layer that batch now covers seq <= w, per dataset; returns what each handed over. */
export function dropUpTo(ingest: IngestClient, w: Record<string, number>): Promise<HandedOver[]> {
  return Promise.all(
    Object.entries(w).map(async ([dataset, wd]) => {
      const r = await ingest.call('dropUpTo', { dataset, w: wd });
      return { dataset, w: wd, fromSeq: r.fromSeq, events: r.events, tallies: r.handedOver };
    }),
  );
}

/** Compares what the speed layer handed over with batch's answer for the same seq range, per view. */
export async function reconcileHandover(batch: BatchClient, views: readonly CompiledView[], h: HandedOver, at: number): Promise<Handover> {
  const { views: rows } = await batch.call('reconcile', { ranges: { [h.dataset]: { after: h.fromSeq, upto: h.w } } });
  const drifts: ViewDrift[] = [];
  for (const c of views) {
    const r = rows[c.view.id];
    if (c.view.dataset !== h.dataset || !r) continue;
    drifts.push(reconcile(c, c.fromRows(r), h.tallies[c.view.id] ?? new Map()));
  }
  return { at, dataset: h.dataset, fromSeq: h.fromSeq, toSeq: h.w, events: h.events, views: drifts, ok: drifts.every((d) => d.driftKeys === 0) };
}

/**
 * Reconciles one dataset's hand-over, if it handed any events over: the hand-over to record, and
 * what to tell the user when the two layers disagreed or the comparison failed.
 */
export async function reconcileOne(batch: BatchClient, views: readonly CompiledView[], h: HandedOver): Promise<{ handover: Handover | null; problem: string | null }> {
  if (h.w <= h.fromSeq) return { handover: null, problem: null };
  const range = `seq ${h.fromSeq + 1}..${h.w}`;
  try {
    const handover = await reconcileHandover(batch, views, h, Date.now());
    const drifted = handover.views.filter((d) => d.driftKeys > 0).map((d) => d.viewName);
    const problem = handover.ok ? null : `reconciliation: the speed layer disagreed with batch on ${range} (${drifted.join(', ')}); batch's figures now stand`;
    return { handover, problem };
  } catch (e) {
    return { handover: null, problem: `reconciliation of ${range} failed: ${errorText(e)}` };
  }
}

/** Reconciles every dataset's hand-over in turn, telling the page what to record and what to say. */
export async function reconcileAll(batch: BatchClient, views: readonly CompiledView[], handed: readonly HandedOver[], on: { handover(h: Handover): void; problem(p: string): void }): Promise<void> {
  for (const h of handed) {
    const { handover, problem } = await reconcileOne(batch, views, h);
    if (handover) on.handover(handover);
    if (problem) on.problem(problem);
  }
}
