/**
 * Every measure, defined once: the SQL that computes its partial state in DuckDB, and the
 * incremental add / merge / finalize over that same state in JS. Batch rows and speed tallies
 * share the state layout, so the serving layer merges them with the same `merge`.
 */
import type { KeyValue, MeasureOp } from './ViewDef';

/** One part of a measure's state: a number, or (count distinct) the set of values seen. */
export type StatePart = number | Set<string | number | boolean>;
export type State = StatePart[];

/** A value from a batch SQL row: scalars, or a list for count distinct's state. */
export type SqlValue = KeyValue | bigint | KeyValue[];

export interface MeasureKind {
  /** SQL expressions for the state parts, given the quoted field (or null for count(*)). */
  sqlParts(field: string | null): string[];
  /** Initial state parts. */
  init(): State;
  /** Adds one non-null value (nulls are skipped, as in SQL); `count` without a field gets 1. */
  add(state: State, offset: number, value: number | string | boolean): void;
  /** Folds `src` into `dst`. */
  merge(dst: State, dOff: number, src: readonly StatePart[], sOff: number): void;
  /** Reads the state parts from a SQL result row. */
  fromSql(parts: readonly SqlValue[]): State;
  /** The value shown, or null (e.g. the sum of no values). */
  finalize(state: readonly StatePart[], offset: number): number | null;
  /** State parts that are floating-point sums, whose last bits depend on the order of addition. */
  inexact?: readonly number[];
  /** Which field types it accepts: summable (integer, float), numeric (those and date, timestamp), or any. */
  accepts: 'summable' | 'numeric' | 'any';
  /** Its value for a key that holds no events: 0 for counts, null (no value) for the others. */
  empty: 0 | null;
  /** What the user should know about its cost, if anything, as a sentence. */
  note?: string;
}

/** Whether a measure's finalized value comes from a floating-point sum (equal across paths only within a tolerance). */
export function isInexact(kind: MeasureKind): boolean {
  return (kind.inexact?.length ?? 0) > 0;
}

const num = (v: SqlValue | undefined): number => (v === null || v === undefined ? 0 : Number(v));

const count: MeasureKind = {
  sqlParts: (f) => [f === null ? 'count(*)' : `count(${f})`],
  init: () => [0],
  add: (s, o) => {
    (s[o] as number) += 1;
  },
  merge: (d, o, s, so) => {
    (d[o] as number) += s[so] as number;
  },
  fromSql: ([n]) => [num(n)],
  finalize: (s, o) => s[o] as number,
  accepts: 'any',
  empty: 0,
};

/** sum and avg carry (sum, count) so that merging is exact and avg is never an average of averages. */
function sumLike(finalize: (sum: number, n: number) => number): MeasureKind {
  return {
    sqlParts: (f) => [`sum(${f})::DOUBLE`, `count(${f})`],
    init: () => [0, 0],
    add: (s, o, v) => {
      (s[o] as number) += v as number;
      (s[o + 1] as number) += 1;
    },
    merge: (d, o, s, so) => {
      (d[o] as number) += s[so] as number;
      (d[o + 1] as number) += s[so + 1] as number;
    },
    fromSql: ([sum, n]) => [num(sum), num(n)],
    finalize: (s, o) => ((s[o + 1] as number) === 0 ? null : finalize(s[o] as number, s[o + 1] as number)),
    inexact: [0],
    accepts: 'summable',
    empty: null,
  };
}

function extreme(pick: (a: number, b: number) => number, empty: number, sqlFn: string): MeasureKind {
  return {
    sqlParts: (f) => [`${sqlFn}(${f})::DOUBLE`],
    init: () => [empty],
    add: (s, o, v) => {
      s[o] = pick(s[o] as number, v as number);
    },
    merge: (d, o, s, so) => {
      d[o] = pick(d[o] as number, s[so] as number);
    },
    fromSql: ([v]) => [v === null || v === undefined ? empty : Number(v)],
    finalize: (s, o) => (s[o] === empty ? null : (s[o] as number)),
    accepts: 'numeric',
    empty: null,
  };
}

type Distinct = string | number | boolean;
/** -0 and 0 are one value to SQL's DISTINCT and to a JS Set alike; keep them one key too. BIGINTs arrive as bigint. */
const normalize = (v: Distinct | bigint): Distinct => (typeof v === 'bigint' ? Number(v) : v === 0 ? 0 : v);

/**
 * Exact count distinct: the state is the set of values itself, because distinct counts do not add
 * up across the batch/speed split. Memory grows with the number of distinct values per group.
 */
const countDistinct: MeasureKind = {
  sqlParts: (f) => [`list(DISTINCT ${f}) FILTER (WHERE ${f} IS NOT NULL)`],
  init: () => [new Set()],
  add: (s, o, v) => {
    (s[o] as Set<Distinct>).add(normalize(v));
  },
  merge: (d, o, s, so) => {
    const dst = d[o] as Set<Distinct>;
    for (const v of s[so] as Set<Distinct>) dst.add(v);
  },
  fromSql: ([list]) => [new Set((Array.isArray(list) ? (list as unknown[]) : []).filter((v): v is Distinct | bigint => v !== null).map(normalize))],
  finalize: (s, o) => (s[o] as Set<Distinct>).size,
  accepts: 'any',
  empty: 0,
  note: 'Count distinct is exact: it keeps every distinct value per group in memory (tens of bytes each), in both layers.',
};

export const MEASURES: Readonly<Record<MeasureOp, MeasureKind>> = {
  count,
  sum: sumLike((sum) => sum),
  avg: sumLike((sum, n) => sum / n),
  min: extreme(Math.min, Infinity, 'min'),
  max: extreme(Math.max, -Infinity, 'max'),
  count_distinct: countDistinct,
};

/** Copies a state so that no Set is shared between two tallies. */
export function cloneState(state: readonly StatePart[]): State {
  return state.map((p) => (typeof p === 'number' ? p : new Set(p)));
}
