/**
 * Time travel over the batch store: a dataset's views as they were when the log held its first N
 * events (seq <= N). The log is immutable and every event keeps its seq, so "as of seq N" is one
 * exact state, answered by batch's SQL over the events already loaded (N at most the published W).
 */
import type { BatchClient } from '../batch/BatchClient';
import type { CompiledView } from '../views/compileView';
import type { KeyValue } from '../views/ViewDef';

export interface ViewAsOf {
  viewId: string;
  viewName: string;
  measures: string[];
  /** Groups in key order: key values, then the finalized measures. */
  rows: { key: KeyValue[]; values: (number | null)[] }[];
}

export async function viewsAsOf(batch: BatchClient, compiled: readonly CompiledView[], dataset: string, n: number, w: number): Promise<ViewAsOf[]> {
  if (!Number.isSafeInteger(n) || n < 0 || n > w) throw new Error(`as of seq ${n}: choose 0..${w} (the batch store holds events up to W = ${w})`);
  const { views } = await batch.call('reconcile', { ranges: { [dataset]: { after: 0, upto: n } } });
  return compiled
    .filter((c) => c.view.dataset === dataset && views[c.view.id] !== undefined)
    .map((c) => {
      const tally = c.fromRows(views[c.view.id]!);
      const rows = [...tally.values()].map((g) => ({ key: g.key, values: c.finalize(g.state) }));
      rows.sort((a, b) => (JSON.stringify(a.key) < JSON.stringify(b.key) ? -1 : 1));
      return { viewId: c.view.id, viewName: c.view.name, measures: c.view.measures.map((m) => m.label), rows };
    });
}
