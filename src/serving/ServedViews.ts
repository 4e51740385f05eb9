/**
 * The batch views being served and their merge with the speed layer. Merging happens only from a
 * consistent pair: batch exact for seq <= W and a speed snapshot that excludes exactly seq <= W.
 * Any other pair (a new batch before the speed layer has dropped up to its W, say) would count the
 * events between the two watermarks twice or not at all, so a view then keeps its last merge.
 */
import type { SpeedSnapshot } from '../speed/SpeedLayer';
import type { CompiledView, SqlRow, Tally } from '../views/compileView';
import type { ViewDef } from '../views/ViewDef';
import { type MergedView, mergeView } from './mergeView';

export class ServedViews {
  private w: Record<string, number> = {};
  private tallies = new Map<string, Tally>();

  constructor(private readonly compiledFor: (v: ViewDef) => CompiledView | null) {}

  /**
   * Serves batch rows exact for seq <= w[dataset], replacing every batch view at once; views of
   * datasets without a W are not served. With `onlyIfAny`, nothing changes when no view would be.
   * Returns how many views are now served from this batch.
   */
  publish(w: Record<string, number>, rows: Record<string, SqlRow[]>, views: readonly ViewDef[], onlyIfAny = false): number {
    const tallies = new Map<string, Tally>();
    for (const v of views) {
      const r = rows[v.id];
      const c = r && w[v.dataset] !== undefined ? this.compiledFor(v) : null;
      if (r && c) tallies.set(v.id, c.fromRows(r));
    }
    if (onlyIfAny && tallies.size === 0) return 0;
    this.w = { ...w };
    this.tallies = tallies;
    return tallies.size;
  }

  /** Merged views from the consistent pairs; the others keep their `previous` merge. */
  merge(views: readonly ViewDef[], speed: SpeedSnapshot | null, previous: Readonly<Record<string, MergedView>>): Record<string, MergedView> | null {
    if (this.tallies.size === 0 || !speed) return null;
    const out: Record<string, MergedView> = {};
    for (const v of views) {
      const batch = this.tallies.get(v.id);
      const c = batch ? this.compiledFor(v) : null;
      if (!batch || !c) continue;
      const w = this.w[v.dataset] ?? 0;
      if ((speed.datasets[v.dataset]?.baseW ?? 0) !== w) {
        const p = previous[v.id];
        if (p) out[v.id] = p;
        continue;
      }
      out[v.id] = mergeView(c, batch, speed.views[v.id] ?? new Map(), w);
    }
    return out;
  }
}
