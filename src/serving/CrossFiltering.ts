/**
 * The serving layer's side of cross-filtering (src/views/crossFilter.ts): which cubes to keep, the
 * plan each card shows a filter by, and the snapshot's filter and twins. The pipeline merges the
 * twins from these plans (ServedViews.mergeProjected).
 */
import { type CrossDimension, type CrossFilter, type CrossPlan, crossPlans, cubesFor, isCrossView, isCube, isCubeOf, isTwinOf } from '../views/crossFilter';
import type { ViewDef } from '../views/ViewDef';
import type { PipelineSnapshot } from './pipelineTypes';

/** A cube is kept up to this many groups (estimated); a larger one would cost the speed layer and memory more than a recompute per filter. */
const MAX_CUBE_GROUPS = 250_000;

export interface CrossFilteringHost {
  snapshot(): PipelineSnapshot;
  /** Publishes a snapshot patch with the merged views worked out again from the plans. */
  publish(patch: Partial<PipelineSnapshot>): void;
  /** Gives both layers these views and recomputes. */
  applyViews(views: ViewDef[], userViewIds: string[]): Promise<void>;
}

export class CrossFiltering {
  private current: CrossPlan[] = [];
  private tag = 0;

  constructor(private readonly host: CrossFilteringHost) {}

  /** How each card shows the filter now; empty without one. */
  get plans(): readonly CrossPlan[] {
    return this.current;
  }

  /**
   * Builds the cubes a chart's cross filters need (on its first activation: a pointer over it, or
   * focus), so that choosing a value or a range then answers without a recompute. Only the shown
   * dataset's cubes are kept.
   */
  async prepare(dataset: string, sourceViewId: string, d: CrossDimension): Promise<void> {
    const s = this.host.snapshot();
    const have = s.viewDefs;
    const cubes = cubesFor(have, dataset, sourceViewId, d, this.usable(sourceViewId)).filter((c) => !have.some((v) => v.id === c.id));
    const stale = have.filter((v) => isCube(v.id) && v.dataset !== dataset);
    if (cubes.length === 0 && stale.length === 0) return;
    await this.host.applyViews([...have.filter((v) => !stale.includes(v)), ...cubes], s.userViewIds);
  }

  /**
   * Filters the dataset's other cards by a value or time range chosen in one (null: no filter).
   * Cards with a cube show the filter at once; the others get twins carrying the filter, which a
   * recompute computes.
   */
  async set(filter: CrossFilter | null): Promise<void> {
    const s = this.host.snapshot();
    const isTwin = (id: string) => isCrossView(id) && !isCube(id);
    const base = s.viewDefs.filter((v) => !isTwin(v.id));
    const plans = filter ? crossPlans(base, filter, String(++this.tag), this.usable(filter.sourceViewId)) : [];
    const known = new Set(base.map((v) => v.id));
    const cubes = plans.flatMap((p) => (p.cube && !known.has(p.cube.def.id) ? [p.cube.def] : []));
    const twins = plans.filter((p) => !p.cube).map((p) => p.twin);
    this.current = plans;
    this.host.publish({ crossFilter: filter, crossTwins: Object.fromEntries(plans.map((p) => [p.target.id, p.twin])) });
    if (cubes.length || twins.length || base.length !== s.viewDefs.length) await this.host.applyViews([...base, ...cubes, ...twins], this.host.snapshot().userViewIds);
  }

  /**
   * A view is going: a filter chosen in it ends, a filter no longer shows it. Returns the views
   * to keep (its twin and cubes go with it).
   */
  async forget(id: string): Promise<ViewDef[]> {
    if (this.host.snapshot().crossFilter?.sourceViewId === id) await this.set(null);
    this.current = this.current.filter((p) => p.target.id !== id);
    const { [id]: _, ...twins } = this.host.snapshot().crossTwins;
    this.host.publish({ crossTwins: twins });
    return this.host.snapshot().viewDefs.filter((v) => v.id !== id && !isTwinOf(v.id, id) && !isCubeOf(v.id, id));
  }

  /** Whether a cube of `target` stays within MAX_CUBE_GROUPS: the target's groups times the dimension's values (the source view's rows). */
  private usable(sourceViewId: string): (cube: ViewDef, target: ViewDef) => boolean {
    const views = this.host.snapshot().views;
    const values = Math.max(1, views[sourceViewId]?.rows.length ?? 1);
    return (_cube, target) => Math.max(1, views[target.id]?.rows.length ?? 1) * values <= MAX_CUBE_GROUPS;
  }
}
