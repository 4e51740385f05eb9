/** A view, defined once as data; compileView turns it into DuckDB SQL and the speed tally. */

export type MeasureOp = 'count' | 'sum' | 'min' | 'max' | 'avg' | 'count_distinct';

export interface MeasureDef {
  op: MeasureOp;
  /** The field aggregated; absent only for `count` (which then counts events). */
  field?: string;
  /** Label shown to the user. */
  label: string;
}

export type FilterOp = '=' | '!=' | 'in' | '<' | '<=' | '>' | '>=' | 'is null' | 'is not null';

/** A filter's value: a number for integer, float, date (days) and timestamp (ms) fields, text, or a boolean. */
export type FilterValue = number | string | boolean;

export interface FilterDef {
  field: string;
  op: FilterOp;
  /** One value for comparisons, a list for `in`, none for the null tests. */
  value?: FilterValue | FilterValue[];
}

export interface ViewDef {
  id: string;
  name: string;
  dataset: string;
  /** Events must pass every filter (AND). */
  filters?: FilterDef[];
  /** Fields to group by, in order. */
  groupBy: string[];
  /** Event-time bucket width in ms; null for no time axis. */
  bucketMs: number | null;
  measures: MeasureDef[];
}

/** A group key value: the bucket start (ms) or a group-by field's value. */
export type KeyValue = string | number | boolean | null;

/** The bucket widths offered to users. */
export const BUCKETS: readonly { label: string; ms: number }[] = [
  { label: '1 s', ms: 1_000 },
  { label: '10 s', ms: 10_000 },
  { label: '1 min', ms: 60_000 },
  { label: '5 min', ms: 300_000 },
  { label: '15 min', ms: 900_000 },
  { label: '1 h', ms: 3_600_000 },
  { label: '6 h', ms: 21_600_000 },
  { label: '1 day', ms: 86_400_000 },
  // Fixed widths from 1970-01-01, not calendar weeks, months or years: a bucket is floor(ts / width).
  { label: '7 days', ms: 604_800_000 },
  { label: '30 days', ms: 2_592_000_000 },
  { label: '365 days', ms: 31_536_000_000 },
];

/** A view definition a user must fix; the message says what. */
export class ViewError extends Error {
  override name = 'ViewError';
}
