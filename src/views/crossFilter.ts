/**
 * Cross-filtering: a value chosen in one card (a bar of the breakdown) or a time range brushed on
 * the timeline filters the dataset's other cards. Each filtered card is a twin of its view.
 *
 * A twin is served fast from a cube (after Mosaic's pre-aggregated indexes): the view grouped by the
 * filter's dimension as well, an ordinary view that both layers compute from one definition. Any
 * value or range of that dimension is then a projection of the cube's groups, exact because every
 * measure's state merges (measures.ts); a click or a brush costs no recompute, only the first
 * activation does. A cube too large to keep (a dimension of many values) falls back to a twin
 * carrying the filter in its definition, which both layers compute at the next recompute.
 * Twins and cubes live only while needed and are never saved.
 */
import type { FilterDef, KeyValue, ViewDef } from './ViewDef';

interface Common {
  dataset: string;
  /** The view the value or range was chosen in: it stays unfiltered, to choose another. */
  sourceViewId: string;
}

/** Events whose field has the chosen value (null: no value). */
export interface ValueFilter extends Common {
  kind: 'value';
  field: string;
  value: KeyValue;
}

/** Events whose event time falls in [from, to), both on the source view's bucket grid. */
export interface RangeFilter extends Common {
  kind: 'range';
  bucketMs: number;
  from: number;
  to: number;
}

export type CrossFilter = ValueFilter | RangeFilter;

/** What a cube groups by besides the view's own key. */
export type CrossDimension = { kind: 'value'; field: string } | { kind: 'range'; bucketMs: number };

const TWIN = '~cross';
const CUBE = '~cube~';

/** Views made for cross-filtering (twins and cubes): not the user's, never shown as cards of their own. */
export const isCrossView = (id: string): boolean => id.includes(TWIN) || id.includes(CUBE);
/** A twin's id names its filter (`tag`): a twin of an earlier filter must never be taken for this one's. */
export const crossTwinId = (id: string, tag: string): string => `${id}${TWIN}${tag}`;
/** The view a twin was made of (any other id: itself). */
export const baseViewId = (id: string): string => {
  const at = id.lastIndexOf(TWIN);
  return at < 0 ? id : id.slice(0, at);
};
/** Whether `id` is a twin made of the view `of`. */
export const isTwinOf = (id: string, of: string): boolean => id.startsWith(`${of}${TWIN}`);
/** Whether `id` is a cube: computed by both layers, read only through projections, never merged whole. */
export const isCube = (id: string): boolean => id.includes(CUBE);
/** Whether `id` is a cube made of the view `of`. */
export const isCubeOf = (id: string, of: string): boolean => id.startsWith(`${of}${CUBE}`);

const cubeId = (v: ViewDef, d: CrossDimension) => `${v.id}${CUBE}${d.kind === 'value' ? `v:${d.field}` : `t:${d.bucketMs}`}`;

/** How one card shows a cross filter. */
export interface CrossPlan {
  /** The view the card shows unfiltered. */
  target: ViewDef;
  /** The filtered view the card shows instead. */
  twin: ViewDef;
  /**
   * The cube the twin is projected from (possibly the target itself), with the projection from a
   * cube key to a twin key (null: not in the filter); absent when both layers compute the twin.
   */
  cube?: { def: ViewDef; project(key: readonly KeyValue[]): KeyValue[] | null };
}

/** The dataset's views a filter or dimension applies to: all but its source and the cross-filter views. */
const targetsOf = (views: readonly ViewDef[], dataset: string, sourceViewId: string) => views.filter((v) => v.dataset === dataset && v.id !== sourceViewId && !isCrossView(v.id));

/**
 * The cube of `v` for a dimension: the view itself when it already has the range's buckets, null
 * when no cube can answer (a time bucket the range's does not divide).
 */
export function cubeOf(v: ViewDef, d: CrossDimension): ViewDef | null {
  if (d.kind === 'value') return { ...v, id: cubeId(v, d), name: `${v.name} by ${d.field}`, groupBy: [d.field, ...v.groupBy] };
  if (v.bucketMs === d.bucketMs) return v;
  if (v.bucketMs !== null && v.bucketMs % d.bucketMs !== 0) return null;
  return { ...v, id: cubeId(v, d), name: `${v.name} by time`, bucketMs: d.bucketMs };
}

/** The cubes a dimension needs that are not the views themselves, for every target view that has a usable one. */
export function cubesFor(views: readonly ViewDef[], dataset: string, sourceViewId: string, d: CrossDimension, usable: (cube: ViewDef, target: ViewDef) => boolean): ViewDef[] {
  return targetsOf(views, dataset, sourceViewId).flatMap((v) => {
    const c = cubeOf(v, d);
    return c && c !== v && usable(c, v) ? [c] : [];
  });
}

function projection(v: ViewDef, f: CrossFilter): (key: readonly KeyValue[]) => KeyValue[] | null {
  if (f.kind === 'value') {
    // The chosen value's place in the cube key: after the view's own bucket, before its group-by.
    const at = v.bucketMs === null ? 0 : 1;
    return (key) => (key[at] === f.value ? [...key.slice(0, at), ...key.slice(at + 1)] : null);
  }
  const inRange = (k: KeyValue) => typeof k === 'number' && k >= f.from && k < f.to;
  if (v.bucketMs === f.bucketMs) return (key) => (inRange(key[0] ?? null) ? key.slice() : null);
  const own = v.bucketMs;
  // Fine buckets fold into the view's own (a multiple of them), or away when it has none.
  return (key) => {
    const k = key[0] ?? null;
    if (!inRange(k)) return null;
    return own === null ? key.slice(1) : [Math.floor((k as number) / own) * own, ...key.slice(1)];
  };
}

function filterOf(f: ValueFilter): FilterDef {
  return f.value === null ? { field: f.field, op: 'is null' } : { field: f.field, op: '=', value: f.value };
}

/**
 * How each target card shows a filter. `usable(cube)` says whether a cube can be kept (it is not
 * too large). A value filter without a usable cube gets a twin carrying the filter; a range filter
 * without one leaves that card unfiltered (no plan), which the banner says. `tag` tells this
 * filter's twins from an earlier one's.
 */
export function crossPlans(views: readonly ViewDef[], f: CrossFilter, tag: string, usable: (cube: ViewDef, target: ViewDef) => boolean): CrossPlan[] {
  const plans: CrossPlan[] = [];
  for (const v of targetsOf(views, f.dataset, f.sourceViewId)) {
    const cube = cubeOf(v, f.kind === 'value' ? { kind: 'value', field: f.field } : { kind: 'range', bucketMs: f.bucketMs });
    const twinId = crossTwinId(v.id, tag);
    if (cube && (cube === v || usable(cube, v))) {
      const twin = f.kind === 'value' ? { ...v, id: twinId, filters: [...(v.filters ?? []), filterOf(f)] } : { ...v, id: twinId };
      plans.push({ target: v, twin, cube: { def: cube, project: projection(v, f) } });
    } else if (f.kind === 'value') {
      plans.push({ target: v, twin: { ...v, id: twinId, filters: [...(v.filters ?? []), filterOf(f)] } });
    }
  }
  return plans;
}
