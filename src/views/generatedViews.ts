/**
 * Default views for a dataset nobody has defined views for yet (an imported file), made from its
 * schema alone: totals, a timeline of its event time, and the top values of a few fields a person
 * would group by. Pure and deterministic: the same dataset and schema give the same ids and
 * definitions, so generating them again (a reload, a second tab) replaces rather than duplicates.
 */
import type { DatasetSchema, FieldDef } from '../protocol/schema';
import { BUCKETS, type MeasureDef, type ViewDef } from './ViewDef';

/** What is known of the data beyond its schema. */
export interface GenerationHints {
  /** Event-time range in ms; null while the dataset is empty. */
  minTs: number | null;
  maxTs: number | null;
  /** Text fields with few distinct values, worth a breakdown (the caller measured them). */
  lowCardinalityText: string[];
}

/** Sums in the totals: more would crowd the tiles, and every measure costs the speed layer per event. */
const MAX_SUMS = 4;
const MAX_BREAKDOWNS = 2;
/** A timeline aims at this many buckets: enough to show a shape, few enough to draw live. */
const MIN_BUCKETS = 20;
const MAX_BUCKETS = 150;
const TARGET_BUCKETS = Math.sqrt(MIN_BUCKETS * MAX_BUCKETS);
/** The bucket of a dataset whose time range is not known yet. */
const UNKNOWN_RANGE_BUCKET_MS = 3_600_000;

const isSummable = (f: FieldDef) => f.type === 'integer' || f.type === 'float';
const sumOf = (f: FieldDef): MeasureDef => ({ op: 'sum', field: f.name, label: `Sum of ${f.name}` });
const EVENTS: MeasureDef = { op: 'count', label: 'Events' };

/**
 * The bucket width from BUCKETS that cuts `minTs..maxTs` into MIN_BUCKETS..MAX_BUCKETS buckets,
 * nearest (on a log scale) to TARGET_BUCKETS; when none does, the one nearest that range.
 */
export function chooseBucketMs(minTs: number | null, maxTs: number | null): number {
  if (minTs === null || maxTs === null) return UNKNOWN_RANGE_BUCKET_MS;
  const span = Math.max(0, maxTs - minTs);
  const miss = (ms: number) => {
    const n = span / ms;
    const outside = n < MIN_BUCKETS ? Math.log(MIN_BUCKETS / Math.max(n, 1e-9)) : n > MAX_BUCKETS ? Math.log(n / MAX_BUCKETS) : 0;
    return [outside, Math.abs(Math.log(Math.max(n, 1e-9) / TARGET_BUCKETS))] as const;
  };
  let best = BUCKETS[0]!.ms;
  for (const b of BUCKETS) {
    const [o, d] = miss(b.ms);
    const [bo, bd] = miss(best);
    if (o < bo || (o === bo && d < bd)) best = b.ms;
  }
  return best;
}

/** The label BUCKETS gives a width, e.g. "10 s". */
function bucketLabel(ms: number): string {
  return BUCKETS.find((b) => b.ms === ms)?.label ?? `${ms} ms`;
}

/** The generated views of a dataset: ids `<datasetId>:totals`, `:timeline`, `:top-<field>`. */
export function generateViews(datasetId: string, schema: DatasetSchema, hints: GenerationHints): ViewDef[] {
  const summable = schema.fields.filter(isSummable);
  const firstSum = summable.slice(0, 1).map(sumOf);
  const views: ViewDef[] = [{ id: `${datasetId}:totals`, name: 'Totals', dataset: datasetId, groupBy: [], bucketMs: null, measures: [EVENTS, ...summable.slice(0, MAX_SUMS).map(sumOf)] }];
  const bucketMs = chooseBucketMs(hints.minTs, hints.maxTs);
  views.push({ id: `${datasetId}:timeline`, name: `Events per ${bucketLabel(bucketMs)}`, dataset: datasetId, groupBy: [], bucketMs, measures: [EVENTS, ...firstSum] });
  // In schema order, so the choice does not depend on the order the caller measured fields in.
  const lowText = new Set(hints.lowCardinalityText);
  const groupable = schema.fields.filter((f) => f.type === 'boolean' || (f.type === 'text' && lowText.has(f.name)));
  for (const f of groupable.slice(0, MAX_BREAKDOWNS)) {
    views.push({ id: `${datasetId}:top-${f.name}`, name: `Events by ${f.name}`, dataset: datasetId, groupBy: [f.name], bucketMs: null, measures: [EVENTS, ...firstSum] });
  }
  return views;
}
