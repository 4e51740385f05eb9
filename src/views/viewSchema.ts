/**
 * The shape of a view definition, for definitions read back from storage (or anywhere else that is
 * not this build's editor): a view saved by an older build or damaged on disk is reported with
 * what is wrong, e.g. `view "x": measures[0].op: unknown operator "median"`, instead of failing
 * later with a TypeError. Whether its fields exist in the dataset is compileView's to judge.
 */
import * as v from 'valibot';
import { shown } from '../protocol/fieldRules';
import { FiniteNumber, NonEmptyText, Text, issueText, must, type Assert, type Same } from '../protocol/shapes';
import type { FilterOp, MeasureOp, ViewDef } from './ViewDef';

/** The measure operators, as data for checks (MeasureOp is the type). */
export const MEASURE_OPS = ['count', 'sum', 'min', 'max', 'avg', 'count_distinct'] as const satisfies readonly MeasureOp[];
/** The filter operators, as data for checks (FilterOp is the type). */
export const FILTER_OPS = ['=', '!=', 'in', '<', '<=', '>', '>=', 'is null', 'is not null'] as const satisfies readonly FilterOp[];

const unknownOperator = (issue: { input: unknown }) => `unknown operator ${shown(issue.input)}`;

const MeasureShape = v.object(
  {
    op: v.picklist(MEASURE_OPS, unknownOperator),
    field: v.optional(NonEmptyText),
    label: Text,
  },
  must('an object'),
);

const FilterValueShape = v.union([FiniteNumber, Text, v.boolean()], must('a number, text, true or false'));

const FilterShape = v.object(
  {
    field: NonEmptyText,
    op: v.picklist(FILTER_OPS, unknownOperator),
    value: v.optional(v.union([FilterValueShape, v.array(FilterValueShape)], must('a number, text, true, false or a list of them'))),
  },
  must('an object'),
);

const BUCKET = must('null or a positive whole number of ms');

/** A view definition's shape (ViewDef). */
export const ViewDefShape = v.object(
  {
    id: NonEmptyText,
    name: Text,
    dataset: NonEmptyText,
    filters: v.optional(v.array(FilterShape, must('a list'))),
    groupBy: v.array(NonEmptyText, must('a list')),
    bucketMs: v.nullable(v.pipe(v.number(BUCKET), v.safeInteger(BUCKET), v.minValue(1, BUCKET))),
    measures: v.array(MeasureShape, must('a list')),
  },
  must('an object'),
);

/** Compile-time: the shape checks exactly what ViewDef says. */
export type ViewDefShapeMatches = Assert<Same<v.InferOutput<typeof ViewDefShape>, ViewDef>>;

/**
 * Checks a stored view definition. The error names the view (its name, else its id) and the first
 * problem. The view returned is a copy holding only ViewDef's keys.
 */
export function parseViewDef(value: unknown): { ok: true; view: ViewDef } | { ok: false; error: string } {
  const r = v.safeParse(ViewDefShape, value, { abortEarly: true });
  if (r.success) return { ok: true, view: r.output };
  return { ok: false, error: `${viewLabel(value)}: ${issueText(r.issues)}` };
}

function viewLabel(value: unknown): string {
  const def = (typeof value === 'object' && value !== null ? value : {}) as { name?: unknown; id?: unknown };
  if (typeof def.name === 'string' && def.name !== '') return `view ${JSON.stringify(def.name)}`;
  if (typeof def.id === 'string' && def.id !== '') return `view ${JSON.stringify(def.id)}`;
  return 'a saved view';
}
