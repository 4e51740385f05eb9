/**
 * Dataset schemas and the columnar batch every layer passes around.
 * `ts` (event time, ms since epoch) is implicit in every schema; `seq` is assigned by the log.
 */

export type FieldType = 'number' | 'string';

export interface FieldDef {
  readonly name: string;
  readonly type: FieldType;
}

export interface DatasetSchema {
  readonly fields: readonly FieldDef[];
}

export type NumberColumn = (number | null)[];
export type StringColumn = (string | null)[];
export type Column = NumberColumn | StringColumn;

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

/** Names a user or a file may not use for a field: the log owns them. */
export const RESERVED_FIELDS: readonly string[] = ['seq', 'ts'];

/**
 * Checks a schema a stream or a file brings. Field names must be unique ignoring case, because
 * DuckDB resolves even quoted identifiers case-insensitively ("Country" would read "country").
 * Returns the problem, or null.
 */
export function schemaProblem(schema: DatasetSchema): string | null {
  if (!Array.isArray(schema.fields) || schema.fields.length === 0) return 'a schema needs at least one field';
  const seen = new Map<string, string>();
  for (const f of schema.fields) {
    if (typeof f.name !== 'string' || f.name.length === 0) return 'field names must be non-empty text';
    if (f.type !== 'number' && f.type !== 'string') return `field ${JSON.stringify(f.name)} has unknown type ${JSON.stringify(f.type)}`;
    const folded = f.name.toLowerCase();
    if (RESERVED_FIELDS.includes(folded)) return `field name ${JSON.stringify(f.name)} is reserved for the log`;
    const other = seen.get(folded);
    if (other !== undefined) return `fields ${JSON.stringify(other)} and ${JSON.stringify(f.name)} differ only in case`;
    seen.set(folded, f.name);
  }
  return null;
}

export type ValidationResult = { ok: true; batch: ColumnBatch } | { ok: false; error: string };

const MAX_ABS_TS = 8.64e15; // the range of a JS Date

/** Checks an untrusted value against a schema; never throws. */
export function validateBatch(schema: DatasetSchema, value: unknown): ValidationResult {
  if (typeof value !== 'object' || value === null) return { ok: false, error: 'batch is not an object' };
  const v = value as { count?: unknown; ts?: unknown; columns?: unknown };
  const count = v.count;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
    return { ok: false, error: 'batch.count must be a non-negative integer' };
  }
  if (!Array.isArray(v.ts) || v.ts.length !== count) return { ok: false, error: 'batch.ts must hold count event times' };
  for (let i = 0; i < count; i++) {
    const t: unknown = v.ts[i];
    if (typeof t !== 'number' || !Number.isFinite(t) || Math.abs(t) > MAX_ABS_TS) {
      return { ok: false, error: `event ${i}: ts must be a finite time in ms, got ${String(t)}` };
    }
  }
  if (typeof v.columns !== 'object' || v.columns === null) return { ok: false, error: 'batch.columns missing' };
  const cols = v.columns as Record<string, unknown>;
  const out: Record<string, Column> = {};
  for (const field of schema.fields) {
    const col = cols[field.name];
    if (!Array.isArray(col) || col.length !== count) {
      return { ok: false, error: `column ${JSON.stringify(field.name)} must hold ${count} values` };
    }
    for (let i = 0; i < count; i++) {
      const x: unknown = col[i];
      if (x === null) continue;
      const good = field.type === 'number' ? typeof x === 'number' && Number.isFinite(x) : typeof x === 'string';
      if (!good) return { ok: false, error: `event ${i}: ${JSON.stringify(field.name)} must be a ${field.type}` };
    }
    out[field.name] = col as Column;
  }
  for (const name of Object.keys(cols)) {
    if (!schema.fields.some((f) => f.name === name)) return { ok: false, error: `unknown column ${JSON.stringify(name)}` };
  }
  return { ok: true, batch: { count, ts: v.ts as number[], columns: out } };
}

/** Rows `[from, to)` of a batch, sharing nothing mutable with it. */
export function sliceBatch(batch: ColumnBatch, from: number, to: number): ColumnBatch {
  const columns: Record<string, Column> = {};
  for (const [name, col] of Object.entries(batch.columns)) columns[name] = col.slice(from, to);
  return { count: Math.max(0, Math.min(to, batch.count) - from), ts: batch.ts.slice(from, to), columns };
}

/** Concatenates batches of one schema. */
export function concatBatches(schema: DatasetSchema, batches: readonly ColumnBatch[]): ColumnBatch {
  if (batches.length === 1 && batches[0]) return batches[0];
  const ts: number[] = [];
  const columns: Record<string, Column> = {};
  for (const f of schema.fields) columns[f.name] = [];
  let count = 0;
  for (const b of batches) {
    count += b.count;
    for (let i = 0; i < b.count; i++) ts.push(b.ts[i] as number);
    for (const f of schema.fields) {
      const dst = columns[f.name] as (number | string | null)[];
      const src = b.columns[f.name] as (number | string | null)[];
      for (let i = 0; i < b.count; i++) dst.push(src[i] ?? null);
    }
  }
  return { count, ts, columns };
}
