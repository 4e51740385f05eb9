/**
 * Cross-filtering: a value chosen in one card (a bar of the breakdown) filters the dataset's other
 * cards. The filter becomes part of each view's definition, in a twin of it, so batch and speed
 * compute the filtered view from one definition, as for any view; the twins live only while the
 * filter does and are never saved.
 */
import type { FilterDef, KeyValue, ViewDef } from './ViewDef';

export interface CrossFilter {
  dataset: string;
  field: string;
  /** The chosen key; null filters on "no value". */
  value: KeyValue;
  /** The view the value was chosen in: it stays unfiltered, to choose another. */
  sourceViewId: string;
}

const SUFFIX = '~cross';

export const isCrossTwin = (id: string): boolean => id.endsWith(SUFFIX);
export const crossTwinId = (id: string): string => `${id}${SUFFIX}`;

function filterOf(f: CrossFilter): FilterDef {
  return f.value === null ? { field: f.field, op: 'is null' } : { field: f.field, op: '=', value: f.value };
}

/** The twins a cross filter needs: each other view of its dataset, with the filter added. */
export function crossTwins(views: readonly ViewDef[], f: CrossFilter): ViewDef[] {
  return views.filter((v) => v.dataset === f.dataset && v.id !== f.sourceViewId && !isCrossTwin(v.id)).map((v) => ({ ...v, id: crossTwinId(v.id), filters: [...(v.filters ?? []), filterOf(f)] }));
}
