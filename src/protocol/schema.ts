/**
 * Dataset schemas and the columnar batch every layer passes around.
 * `ts` (event time, ms since epoch) is implicit in every schema; `seq` is assigned by the log.
 * A field may be called anything, `__proto__`, `constructor` and `toString` included: columns
 * records are built without a prototype and read through own properties only (`columnOf`).
 */
import * as v from 'valibot';
import { IS_VALUE, shown, tsProblem, valueProblem } from './fieldRules';
import { ownGet } from './ownRecord';
import { DatasetSchemaShape } from './shapes';

/**
 * The types a field may have. integer, float, date and timestamp values are JS numbers (see
 * VALUE_FORM in fieldRules.ts for what each number means), booleans are booleans, text is strings.
 */
export type FieldType = 'integer' | 'float' | 'boolean' | 'text' | 'date' | 'timestamp';

/** Types whose values are numbers, ordered, and can be min/max-ed. */
export const NUMERIC_TYPES: ReadonlySet<FieldType> = new Set(['integer', 'float', 'date', 'timestamp']);
/** Types that can be summed and averaged. */
export const SUMMABLE_TYPES: ReadonlySet<FieldType> = new Set(['integer', 'float']);

export interface FieldDef {
  readonly name: string;
  readonly type: FieldType;
}

export interface DatasetSchema {
  readonly fields: readonly FieldDef[];
}

export type NumberColumn = (number | null)[];
export type StringColumn = (string | null)[];
export type BooleanColumn = (boolean | null)[];
export type Column = NumberColumn | StringColumn | BooleanColumn;
/** One value of any column. */
export type FieldValue = number | string | boolean | null;

/**
 * Events in columnar form: one array per field, all `count` long.
 * Columnar all the way (wire, log segments, DuckDB) because per-event objects cost ~3x in parsing
 * and make Arrow encoding slow (see docs/ARCHITECTURE.md).
 */
export interface ColumnBatch {
  readonly count: number;
  readonly ts: number[];
  readonly columns: Readonly<Record<string, Column>>;
}

/** An empty columns record with no prototype, so that a field named `__proto__` stays a field. */
export function newColumns(): Record<string, Column> {
  return Object.create(null) as Record<string, Column>;
}

/**
 * The column `name` of a batch, or undefined: only an own property counts, so a missing field
 * named `toString` is not Object.prototype.toString.
 */
export function columnOf(batch: ColumnBatch, name: string): Column | undefined {
  return ownGet(batch.columns, name);
}

/** Names a user or a file may not use for a field: the log owns them. */
export const RESERVED_FIELDS: readonly string[] = ['seq', 'ts'];

/**
 * Checks a schema a stream or a file brings. Field names must be unique ignoring case, because
 * DuckDB resolves even quoted identifiers case-insensitively ("Country" would read "country").
 * Returns the problem, or null.
 */
export function schemaProblem(schema: unknown): string | null {
  const r = v.safeParse(DatasetSchemaShape, schema, { abortEarly: true });
  if (!r.success) {
    const issue = r.issues[0];
    const at = issue.path?.[issue.path.length - 1];
    if (at?.key !== 'type') return issue.message;
    const field = at.input as { name?: unknown; type?: unknown };
    return `field ${shown(field.name)} has unknown type ${shown(field.type)}`;
  }
  const seen = new Map<string, string>();
  for (const f of r.output.fields) {
    const folded = f.name.toLowerCase();
    if (RESERVED_FIELDS.includes(folded)) return `field name ${JSON.stringify(f.name)} is reserved for the log`;
    const other = seen.get(folded);
    if (other !== undefined) return `fields ${JSON.stringify(other)} and ${JSON.stringify(f.name)} differ only in case`;
    seen.set(folded, f.name);
  }
  return null;
}

export type ValidationResult = { ok: true; batch: ColumnBatch } | { ok: false; error: string };

export { MAX_TS, MIN_TS } from './fieldRules';

/** A batch whose shape is sound, with the events that pass the schema marked. */
export interface CheckedBatch {
  /** Every event; values of rejected events are not to be used. */
  batch: ColumnBatch;
  /** 1 for events that pass, 0 for rejected ones; null when all pass. */
  keep: Uint8Array | null;
  rejected: number;
  /** Why the first rejected event was rejected. */
  firstProblem: string | null;
}

export type CheckResult = { ok: true; checked: CheckedBatch } | { ok: false; error: string };

/**
 * Checks an untrusted value against a schema; never throws. A wrong shape (count, array lengths,
 * unknown columns) fails the whole batch, because its events cannot be told apart; a bad value
 * fails only its event, so one bad event does not cost its neighbours.
 */
export function checkBatch(schema: DatasetSchema, value: unknown): CheckResult {
  if (typeof value !== 'object' || value === null) return { ok: false, error: 'batch is not an object' };
  const raw = value as { count?: unknown; ts?: unknown; columns?: unknown };
  const count = raw.count;
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) return { ok: false, error: 'batch.count must be a non-negative integer' };
  if (!Array.isArray(raw.ts) || raw.ts.length !== count) return { ok: false, error: 'batch.ts must hold count event times' };
  if (typeof raw.columns !== 'object' || raw.columns === null || Array.isArray(raw.columns)) return { ok: false, error: 'batch.columns missing' };
  const cols = raw.columns as Record<string, unknown>;
  for (const name of Object.keys(cols)) {
    if (!schema.fields.some((f) => f.name === name)) return { ok: false, error: `unknown column ${JSON.stringify(name)}` };
  }
  const columns = newColumns();
  for (const field of schema.fields) {
    const col = Object.hasOwn(cols, field.name) ? cols[field.name] : undefined;
    if (!Array.isArray(col) || col.length !== count) return { ok: false, error: `column ${JSON.stringify(field.name)} must hold ${count} values` };
    columns[field.name] = col as Column;
  }
  let keep: Uint8Array | null = null;
  let rejected = 0;
  let firstProblem: string | null = null;
  const reject = (i: number, problem: string) => {
    keep ??= new Uint8Array(count).fill(1);
    if (keep[i]) rejected++;
    keep[i] = 0;
    firstProblem ??= `event ${i}: ${problem}`;
  };
  for (let i = 0; i < count; i++) {
    const p = tsProblem(raw.ts[i]);
    if (p) reject(i, p);
  }
  for (const field of schema.fields) {
    const col = columns[field.name] as unknown[];
    const isValue = IS_VALUE[field.type];
    for (let i = 0; i < count; i++) {
      const x = col[i];
      if (x !== null && !isValue(x)) reject(i, `${JSON.stringify(field.name)} ${valueProblem(field.type, x)}`);
    }
  }
  return { ok: true, checked: { batch: { count, ts: raw.ts as number[], columns }, keep, rejected, firstProblem } };
}

/** Checks a batch that must be entirely valid (what the log stores). */
export function validateBatch(schema: DatasetSchema, value: unknown): ValidationResult {
  const r = checkBatch(schema, value);
  if (!r.ok) return r;
  if (r.checked.rejected > 0) return { ok: false, error: r.checked.firstProblem ?? 'invalid event' };
  return { ok: true, batch: r.checked.batch };
}

/** The events whose `keep` flag is set. */
export function filterBatch(batch: ColumnBatch, keep: Uint8Array | null): ColumnBatch {
  if (!keep) return batch;
  const idx: number[] = [];
  for (let i = 0; i < batch.count; i++) if (keep[i]) idx.push(i);
  if (idx.length === batch.count) return batch;
  const columns = newColumns();
  for (const [name, col] of Object.entries(batch.columns)) columns[name] = idx.map((i) => col[i] ?? null) as Column;
  return { count: idx.length, ts: idx.map((i) => batch.ts[i]!), columns };
}

/** Rows `[from, to)` of a batch, sharing nothing mutable with it. */
export function sliceBatch(batch: ColumnBatch, from: number, to: number): ColumnBatch {
  const columns = newColumns();
  for (const [name, col] of Object.entries(batch.columns)) columns[name] = col.slice(from, to);
  return { count: Math.max(0, Math.min(to, batch.count) - from), ts: batch.ts.slice(from, to), columns };
}

/** Concatenates batches of one schema. */
export function concatBatches(schema: DatasetSchema, batches: readonly ColumnBatch[]): ColumnBatch {
  if (batches.length === 1 && batches[0]) return batches[0];
  const ts: number[] = [];
  const columns = newColumns();
  for (const f of schema.fields) columns[f.name] = [];
  let count = 0;
  for (const b of batches) {
    count += b.count;
    for (let i = 0; i < b.count; i++) ts.push(b.ts[i] as number);
    for (const f of schema.fields) {
      const dst = columns[f.name] as FieldValue[];
      const src = (columnOf(b, f.name) ?? []) as FieldValue[];
      for (let i = 0; i < b.count; i++) dst.push(src[i] ?? null);
    }
  }
  return { count, ts, columns };
}

/** `batch` with every field of `schema`, those it lacks filled with nulls (a schema widened since). */
export function padBatch(schema: DatasetSchema, batch: ColumnBatch): ColumnBatch {
  if (schema.fields.every((f) => Object.hasOwn(batch.columns, f.name))) return batch;
  const columns = newColumns();
  for (const f of schema.fields) columns[f.name] = Object.hasOwn(batch.columns, f.name) ? batch.columns[f.name]! : new Array<null>(batch.count).fill(null);
  return { count: batch.count, ts: batch.ts, columns };
}
