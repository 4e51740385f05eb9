/**
 * Valibot pieces shared by the checks at the app's low-rate boundaries (socket messages, stored
 * views and batch views, channel notices, HTTP envelopes), and how their issues read: one line
 * naming where and what, e.g. `measures[0].op: unknown operator "median"`.
 * Only to check values: valibot's object and record outputs drop keys named `__proto__` and
 * `constructor`, so a record keyed by field names must be read from the input, never the output.
 */
import * as v from 'valibot';
import { shown } from './fieldRules';
import type { DatasetSchema, FieldType } from './schema';

/** A message for a schema or check: `must be <what>, got <the value>`. */
export const must =
  (what: string) =>
  (issue: { input: unknown }): string =>
    `must be ${what}, got ${shown(issue.input)}`;

/** Text, any length. */
export const Text = v.string(must('text'));

/** Text with at least one character. */
export const NonEmptyText = v.pipe(v.string(must('non-empty text')), v.minLength(1, must('non-empty text')));

/** A finite number. */
export const FiniteNumber = v.pipe(v.number(must('a number')), v.finite(must('a finite number')));

const NON_NEGATIVE_INTEGER = must('a non-negative integer');
/** An offset, a count, a watermark: a whole number 0..2^53-1. */
export const NonNegativeInteger = v.pipe(v.number(NON_NEGATIVE_INTEGER), v.safeInteger(NON_NEGATIVE_INTEGER), v.minValue(0, NON_NEGATIVE_INTEGER));

/** A JSON object (not an array, not null), passed through untouched. */
export const JsonObject = v.custom<Record<string, unknown>>((x) => typeof x === 'object' && x !== null && !Array.isArray(x), must('an object'));

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Where an issue is, as code would write it: `streams[0].schema`, `columns["a b"]`. */
export function pathText(issue: v.BaseIssue<unknown>): string {
  let s = '';
  for (const item of issue.path ?? []) {
    const key: unknown = item.key;
    if (typeof key === 'number') s += `[${key}]`;
    else if (typeof key === 'string' && IDENTIFIER.test(key)) s += s === '' ? key : `.${key}`;
    else s += `[${shown(key)}]`;
  }
  return s;
}

/** One line for the first issue: `path: message`, or `path: missing` for an absent key. */
export function issueText(issues: readonly v.BaseIssue<unknown>[]): string {
  const issue = issues[0];
  if (!issue) return 'invalid';
  const last = issue.path?.[issue.path.length - 1];
  const missing = last !== undefined && last.origin === 'key' && issue.input === undefined;
  const where = pathText(issue);
  const what = missing ? 'missing' : issue.message;
  return where ? `${where}: ${what}` : what;
}

/** Checks `value` against `schema`; the first problem as one line. */
export function check<S extends v.GenericSchema>(schema: S, value: unknown): { ok: true; value: v.InferOutput<S> } | { ok: false; error: string } {
  const r = v.safeParse(schema, value, { abortEarly: true });
  return r.success ? { ok: true, value: r.output } : { ok: false, error: issueText(r.issues) };
}

/** The field types, as data for checks (FieldType is the type). */
export const FIELD_TYPES = ['integer', 'float', 'boolean', 'text', 'date', 'timestamp'] as const satisfies readonly FieldType[];

const NO_FIELDS = 'a schema needs at least one field';
const BAD_NAME = 'field names must be non-empty text';

/** A field: its name and type. Duplicates and reserved names are schemaProblem's to judge. */
export const FieldDefShape = v.object(
  {
    name: v.pipe(v.string(BAD_NAME), v.minLength(1, BAD_NAME)),
    type: v.picklist(FIELD_TYPES, (issue) => `has unknown type ${shown(issue.input)}`),
  },
  BAD_NAME,
);

/** A dataset schema's shape: at least one field, each a name and a type. */
export const DatasetSchemaShape = v.object({ fields: v.pipe(v.array(FieldDefShape, NO_FIELDS), v.minLength(1, NO_FIELDS)) }, NO_FIELDS);

/** Compile-time checks that a shape checks what its type says, no more and no less. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type Assert<T extends true> = T;
export type DatasetSchemaShapeMatches = Assert<Same<v.InferOutput<typeof DatasetSchemaShape>, { fields: { name: string; type: FieldType }[] }>>;
export type DatasetSchemaShapeFits = Assert<v.InferOutput<typeof DatasetSchemaShape> extends DatasetSchema ? true : false>;
