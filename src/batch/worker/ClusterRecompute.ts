/**
 * The batch part of a recompute for the datasets whose batch layer is the server's ClickHouse
 * cluster. Each dataset stands alone: when the cluster (or the server) cannot answer for one, or a
 * guard of the seq split stops it, that dataset keeps the batch it last published, W and rows, and
 * the others go on. Its speed layer then keeps counting everything past that W, so the merge stays
 * exact; the problem is said in plain words and the next recompute tries again.
 */
import type { DatasetRecord } from '../../log/LogDb';
import { errorText } from '../../protocol/errorText';
import type { SqlRow } from '../../views/compileView';
import type { ViewDef } from '../../views/ViewDef';
import type { ClusterState, ClusterViews } from './ClusterViews';
import type { DatasetBatchState } from './protocol';

/** What a dataset last published from the cluster: reused, view by view, while the cluster cannot answer. */
interface Published {
  /** The log it belongs to: a dataset deleted and started again is another log. */
  from: number;
  w: number;
  shards: number;
  views: Map<string, { def: string; rows: SqlRow[] }>;
}

export interface ClusterPart {
  datasets: Record<string, DatasetBatchState>;
  views: Record<string, SqlRow[]>;
  /** One sentence per dataset that kept its last batch. */
  problems: string[];
}

const n = (x: number) => x.toLocaleString('en-US');

export class ClusterRecompute {
  private readonly published = new Map<string, Published>();

  constructor(private readonly cluster: Pick<ClusterViews, 'state' | 'views'>) {}

  /**
   * Batch at W for every dataset in `records` (all on the cluster), each on its own. `published`:
   * per dataset the W batch last published, which a new W may not go below (the speed layer has
   * already dropped what it covered).
   */
  async recompute(records: readonly DatasetRecord[], views: readonly ViewDef[], published: ReadonlyMap<string, number> = new Map()): Promise<ClusterPart> {
    const out: ClusterPart = { datasets: {}, views: {}, problems: [] };
    if (records.length === 0) return out;
    let states: Record<string, ClusterState> | null = null;
    let unreachable = '';
    try {
      states = await this.cluster.state();
    } catch (e) {
      unreachable = errorText(e);
    }
    for (const ds of records) {
      const mine = views.filter((v) => v.dataset === ds.id);
      try {
        if (!states) throw new Error(unreachable);
        const state = states[ds.id];
        if (!state) throw new Error(`the server no longer holds ${ds.name} on its ClickHouse cluster`);
        const w = this.watermark(ds, state);
        const floor = published.get(ds.id) ?? 0;
        if (w < floor) throw new Error(`the cluster holds ${n(w)} events of ${ds.name} whole, fewer than the ${n(floor)} batch already covers here`);
        const answer = await this.cluster.views(ds.id, mine, w);
        // A view the cluster cannot compute (a field it does not hold yet) waits; the others go on.
        for (const [id, why] of Object.entries(answer.errors)) out.problems.push(`view ${mine.find((v) => v.id === id)?.name ?? id} of ${ds.name} on the ClickHouse cluster: ${why}`);
        out.datasets[ds.id] = { w, loaded: 0, cluster: { shards: answer.shards, ms: answer.ms } };
        Object.assign(out.views, answer.views);
        const rows = mine.filter((v) => answer.views[v.id]).map((v) => [v.id, { def: JSON.stringify(v), rows: answer.views[v.id]! }] as const);
        this.published.set(ds.id, { from: ds.cluster!.from, w, shards: answer.shards, views: new Map(rows) });
      } catch (e) {
        this.keep(ds, mine, errorText(e), out);
      }
    }
    return out;
  }

  /** W = what the cluster holds whole and this log has reached, after the guards of the seq split. */
  private watermark(ds: DatasetRecord, state: ClusterState): number {
    const c = ds.cluster!;
    // Both count the same events only if this tab missed none and the cluster lost none.
    const missed = Object.values(ds.gaps).reduce((s, g) => s + g, 0) + Object.values(ds.rejected ?? {}).reduce((s, g) => s + g, 0);
    if (c.reset)
      throw new Error(
        `the server's stream ${ds.name} started its offsets over since this tab read it, so its seqs no longer match the cluster's: delete ${ds.name} in the Datasets panel to start it again where the cluster is`,
      );
    if (missed > (c.missedAtStart ?? 0))
      throw new Error(
        `this tab missed ${n(missed)} events of ${ds.name} that the cluster holds, so its seqs no longer match the cluster's: delete ${ds.name} in the Datasets panel to start it again where the cluster is`,
      );
    if (state.w < Math.max(c.from, c.trimmedTo ?? 0))
      throw new Error(
        `the cluster holds fewer events of ${ds.name} (${n(state.w)}) than this tab started from (its tables were dropped?): delete ${ds.name} in the Datasets panel to start it again where the cluster is`,
      );
    return Math.max(c.from, Math.min(state.w, ds.highWater));
  }

  /** The dataset keeps what it last published: its W, and the rows of every view whose definition is unchanged. */
  private keep(ds: DatasetRecord, mine: readonly ViewDef[], why: string, out: ClusterPart): void {
    const last = this.published.get(ds.id);
    if (!last || last.from !== ds.cluster!.from) {
      out.problems.push(`batch of ${ds.name} from the ClickHouse cluster: ${why}. Its views wait for the cluster; the live events are kept and counted.`);
      return;
    }
    out.datasets[ds.id] = { w: last.w, loaded: 0, cluster: { shards: last.shards, ms: 0, kept: why } };
    for (const v of mine) {
      const kept = last.views.get(v.id);
      if (kept && kept.def === JSON.stringify(v)) out.views[v.id] = kept.rows;
    }
    out.problems.push(`batch of ${ds.name} stays at W = ${n(last.w)}: ${why}. The speed layer counts every event past it; the next recompute tries again.`);
  }
}
