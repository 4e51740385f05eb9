/** A view, defined once as data; compileView turns it into DuckDB SQL and the speed tally. */

export type MeasureOp = 'count' | 'sum' | 'min' | 'max' | 'avg';

export interface MeasureDef {
  op: MeasureOp;
  /** The field aggregated; absent only for `count` (which then counts events). */
  field?: string;
  /** Label shown to the user. */
  label: string;
}

export interface ViewDef {
  id: string;
  name: string;
  dataset: string;
  /** Fields to group by, in order. */
  groupBy: string[];
  /** Event-time bucket width in ms; null for no time axis. */
  bucketMs: number | null;
  measures: MeasureDef[];
}

/** A group key value: the bucket start (ms) or a group-by field's value. */
export type KeyValue = string | number | null;
