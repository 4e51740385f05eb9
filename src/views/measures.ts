/**
 * Every measure, defined once: the SQL that computes its partial state in DuckDB, and the
 * incremental add / merge / finalize over that same state in JS. Batch rows and speed tallies
 * share the state layout, so the serving layer merges them with the same `merge`.
 */
import type { MeasureOp } from './ViewDef';

export interface MeasureKind {
  /** SQL expressions for the state parts, given the quoted field (or null for count(*)). */
  sqlParts(field: string | null): string[];
  /** Initial state parts. */
  init(): number[];
  /** Adds one value (never called with null for field measures: nulls are skipped, as in SQL). */
  add(state: number[], offset: number, value: number): void;
  /** Folds `src` into `dst`. */
  merge(dst: number[], dOff: number, src: readonly number[], sOff: number): void;
  /** Reads the state parts from a SQL result row (SQL NULL arrives as null). */
  fromSql(parts: readonly (number | null)[]): number[];
  /** The value shown, or null (e.g. the sum of no values). */
  finalize(state: readonly number[], offset: number): number | null;
  /** Whether the measure needs a numeric field. */
  numeric: boolean;
}

const count: MeasureKind = {
  sqlParts: (f) => [f === null ? 'count(*)' : `count(${f})`],
  init: () => [0],
  add: (s, o) => {
    s[o]! += 1;
  },
  merge: (d, o, s, so) => {
    d[o]! += s[so]!;
  },
  fromSql: ([n]) => [n ?? 0],
  finalize: (s, o) => s[o]!,
  numeric: false,
};

/** sum and avg carry (sum, count) so that merging is exact and avg is never an average of averages. */
function sumLike(finalize: (sum: number, n: number) => number): MeasureKind {
  return {
    sqlParts: (f) => [`sum(${f})::DOUBLE`, `count(${f})`],
    init: () => [0, 0],
    add: (s, o, v) => {
      s[o]! += v;
      s[o + 1]! += 1;
    },
    merge: (d, o, s, so) => {
      d[o]! += s[so]!;
      d[o + 1]! += s[so + 1]!;
    },
    fromSql: ([sum, n]) => [sum ?? 0, n ?? 0],
    finalize: (s, o) => (s[o + 1]! === 0 ? null : finalize(s[o]!, s[o + 1]!)),
    numeric: true,
  };
}

function extreme(pick: (a: number, b: number) => number, empty: number, sqlFn: string): MeasureKind {
  return {
    sqlParts: (f) => [`${sqlFn}(${f})::DOUBLE`],
    init: () => [empty],
    add: (s, o, v) => {
      s[o] = pick(s[o]!, v);
    },
    merge: (d, o, s, so) => {
      d[o] = pick(d[o]!, s[so]!);
    },
    fromSql: ([v]) => [v ?? empty],
    finalize: (s, o) => (s[o] === empty ? null : s[o]!),
    numeric: true,
  };
}

export const MEASURES: Readonly<Record<MeasureOp, MeasureKind>> = {
  count,
  sum: sumLike((sum) => sum),
  avg: sumLike((sum, n) => sum / n),
  min: extreme(Math.min, Infinity, 'min'),
  max: extreme(Math.max, -Infinity, 'max'),
};
