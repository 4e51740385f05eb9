/**
 * Which of a dataset's views fill the dashboard's fixed places, chosen by shape alone so that any
 * dataset's views fit: the tiles (no group-by, no time bucket), the timeline (a time bucket, no
 * group-by) and the breakdown (one group-by, no bucket). Built-in and generated views take these
 * places before the user's; every other view of the dataset is shown as a card.
 */
import { useMemo } from 'react';
import { baseViewId, type CrossFilter, isCrossView } from '../views/crossFilter';
import type { ViewDef } from '../views/ViewDef';
import { usePipelineSnapshot } from './PipelineContext';

export interface DashboardViews {
  tiles: ViewDef | undefined;
  timeline: ViewDef | undefined;
  breakdown: ViewDef | undefined;
  /** The dataset's other views, in the order defined. */
  others: ViewDef[];
}

const isTiles = (v: ViewDef) => v.groupBy.length === 0 && v.bucketMs === null;
const isTimeline = (v: ViewDef) => v.groupBy.length === 0 && v.bucketMs !== null;
const isBreakdown = (v: ViewDef) => v.groupBy.length === 1 && v.bucketMs === null;

export function dashboardViews(
  viewDefs: readonly ViewDef[],
  userViewIds: readonly string[],
  dataset: string | null,
  cross: CrossFilter | null = null,
  twins: Readonly<Record<string, ViewDef>> = {},
): DashboardViews {
  const mine = viewDefs.filter((v) => v.dataset === dataset && !isCrossView(v.id));
  const user = new Set(userViewIds);
  const ranked = [...mine.filter((v) => !user.has(v.id)), ...mine.filter((v) => user.has(v.id))];
  const tiles = ranked.find(isTiles);
  const timeline = ranked.find(isTimeline);
  const breakdown = ranked.find(isBreakdown);
  const placed = new Set([tiles, timeline, breakdown]);
  const shown = { tiles, timeline, breakdown, others: mine.filter((v) => !placed.has(v)) };
  if (!cross || cross.dataset !== dataset) return shown;
  // Cross-filtered: every card but the one the value was chosen in shows its filtered twin.
  const twin = (v: ViewDef | undefined) => (v && v.id !== cross.sourceViewId && Object.hasOwn(twins, v.id) ? twins[v.id] : v);
  return { tiles: twin(tiles), timeline: twin(timeline), breakdown: twin(breakdown), others: shown.others.map((v) => twin(v)!) };
}

/** A test id part from a label: "Sum of price" -> "sum-of-price". */
export function slug(label: string): string {
  return label.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

/** The view a card stands for: its own when the card shows a cross-filter twin (to export or remove the view, not the twin). */
export function useBaseView(def: ViewDef): ViewDef {
  const { viewDefs } = usePipelineSnapshot();
  const id = baseViewId(def.id);
  return id === def.id ? def : (viewDefs.find((v) => v.id === id) ?? def);
}

/** The selected dataset's views on the dashboard, worked out again only when the views change. */
export function useDashboardViews(dataset: string | null): DashboardViews {
  const { viewDefs, userViewIds, crossFilter, crossTwins } = usePipelineSnapshot();
  return useMemo(() => dashboardViews(viewDefs, userViewIds, dataset, crossFilter, crossTwins), [viewDefs, userViewIds, dataset, crossFilter, crossTwins]);
}
