/**
 * The batch views being served and their merge with the speed layer. Merging happens only from a
 * consistent pair: batch exact for seq <= W and a speed snapshot that excludes exactly seq <= W.
 * Any other pair (a new batch before the speed layer has dropped up to its W, say) would count the
 * events between the two watermarks twice or not at all, so a view then keeps its last merge.
 */
import type { SpeedSnapshot } from '../speed/SpeedLayer';
import type { CompiledView, SqlRow, Tally } from '../views/compileView';
import type { CrossPlan } from '../views/crossFilter';
import type { ViewDef } from '../views/ViewDef';
import { type MergedView, mergeView } from './mergeView';

/** A cube's batch tally projected for one plan; kept until either changes (batch tallies change only at a publish). */
interface Projected {
  plan: CrossPlan;
  source: Tally;
  tally: Tally;
}

function project(src: Tally, into: CompiledView, plan: CrossPlan): Tally {
  const out: Tally = new Map();
  const p = plan.cube!.project;
  for (const g of src.values()) {
    const key = p(g.key);
    if (key) into.mergeGroup(out, key, g.state);
  }
  return out;
}

export class ServedViews {
  private w: Record<string, number> = {};
  private tallies = new Map<string, Tally>();
  private projected = new Map<string, Projected>();

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

  /**
   * The twins served from cubes (crossFilter.ts): each cube's batch and speed tallies projected
   * onto the twin's key and merged like every other view. The batch projection is kept across snapshots; the
   * speed tally, small, is projected each time. Same consistency rule as `merge`.
   */
  mergeProjected(plans: readonly CrossPlan[], speed: SpeedSnapshot | null, previous: Readonly<Record<string, MergedView>>): Record<string, MergedView> {
    const out: Record<string, MergedView> = {};
    const kept = new Map<string, Projected>();
    for (const plan of plans) {
      const cube = plan.cube?.def;
      const batch = cube ? this.tallies.get(cube.id) : undefined;
      const c = batch ? this.compiledFor(plan.twin) : null;
      if (!cube || !batch || !c || !speed) continue;
      const w = this.w[cube.dataset] ?? 0;
      if ((speed.datasets[cube.dataset]?.baseW ?? 0) !== w) {
        const p = previous[plan.twin.id];
        if (p && this.projected.get(plan.twin.id)?.plan === plan) {
          out[plan.twin.id] = p;
          kept.set(plan.twin.id, this.projected.get(plan.twin.id)!);
        }
        continue;
      }
      let cached = this.projected.get(plan.twin.id);
      if (!cached || cached.plan !== plan || cached.source !== batch) cached = { plan, source: batch, tally: project(batch, c, plan) };
      kept.set(plan.twin.id, cached);
      out[plan.twin.id] = mergeView(c, cached.tally, project(speed.views[cube.id] ?? new Map(), c, plan), w);
    }
    this.projected = kept;
    return out;
  }
}
