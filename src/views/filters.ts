/**
 * View filters, compiled once to both paths: SQL predicates with bound values for the batch layer
 * and a row mask for the speed layer. SQL's NULL rules hold on both: a comparison with NULL is not
 * true, so only `is null` keeps events whose field is null.
 */
import { columnOf, NUMERIC_TYPES, type Column, type ColumnBatch, type DatasetSchema, type FieldValue } from '../protocol/schema';
import { fieldSql, typeOf } from './fieldSql';
import { ViewError, type FilterDef, type FilterValue } from './ViewDef';

export interface CompiledFilters {
  sql: string[];
  params: (number | string)[];
  /** Which rows pass, or null when there are no filters. */
  mask(batch: ColumnBatch): Uint8Array | null;
}

/**
 * Orders strings as DuckDB does: by UTF-8 bytes, which is code point order. JS's own `<` compares
 * UTF-16 units, which disagrees for characters past U+FFFF against U+E000..U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++; // a surrogate pair: both strings hold the same pair here
  }
  return a.length - b.length;
}

/** Order ops only reach numbers and text: validateFilters refuses them on booleans. */
function cmp(v: FieldValue, w: FilterValue): number {
  return typeof v === 'number' ? v - (w as number) : compareCodePoints(v as string, w as string);
}

const ORDER_OPS = new Set(['<', '<=', '>', '>=']);

export function validateFilters(filters: readonly FilterDef[], schema: DatasetSchema, where: string): void {
  for (const f of filters) {
    const type = typeOf(schema, f.field);
    if (!type) throw new ViewError(`${where}: filter on unknown field ${JSON.stringify(f.field)}`);
    if (f.op === 'is null' || f.op === 'is not null') continue;
    if (type === 'boolean' && ORDER_OPS.has(f.op)) throw new ViewError(`${where}: ${JSON.stringify(f.field)} is true or false; use = or != on it`);
    const values = f.op === 'in' ? f.value : [f.value];
    if (!Array.isArray(values) || values.length === 0) throw new ViewError(`${where}: ${f.op} on ${JSON.stringify(f.field)} needs ${f.op === 'in' ? 'at least one value' : 'a value'}`);
    for (const v of values) {
      const ok = NUMERIC_TYPES.has(type) ? typeof v === 'number' && Number.isFinite(v) : type === 'boolean' ? typeof v === 'boolean' : typeof v === 'string';
      if (!ok) throw new ViewError(`${where}: ${JSON.stringify(f.field)} is a ${type} field; ${JSON.stringify(v)} does not fit it`);
    }
  }
}

function predicate(f: FilterDef): (v: FieldValue) => boolean {
  const one = f.value as FilterValue;
  switch (f.op) {
    case '=':
      return (v) => v !== null && v === one;
    case '!=':
      return (v) => v !== null && v !== one;
    case 'in': {
      const set = new Set(f.value as FilterValue[]);
      return (v) => v !== null && set.has(v);
    }
    case '<':
      return (v) => v !== null && cmp(v, one) < 0;
    case '<=':
      return (v) => v !== null && cmp(v, one) <= 0;
    case '>':
      return (v) => v !== null && cmp(v, one) > 0;
    case '>=':
      return (v) => v !== null && cmp(v, one) >= 0;
    case 'is null':
      return (v) => v === null;
    case 'is not null':
      return (v) => v !== null;
  }
}

/** A value in the SQL: bound as a parameter, except booleans, which are the only two literals there are. */
function sqlValue(v: FilterValue, params: (number | string)[]): string {
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  params.push(v);
  return '?';
}

/** Compiles filters that validateFilters has passed for `schema`. */
export function compileFilters(filters: readonly FilterDef[], schema: DatasetSchema): CompiledFilters {
  const sql: string[] = [];
  const params: (number | string)[] = [];
  for (const f of filters) {
    const col = fieldSql(f.field, typeOf(schema, f.field) ?? 'text');
    if (f.op === 'is null') sql.push(`${col} IS NULL`);
    else if (f.op === 'is not null') sql.push(`${col} IS NOT NULL`);
    else if (f.op === 'in') {
      const values = f.value as FilterValue[];
      sql.push(`${col} IN (${values.map((v) => sqlValue(v, params)).join(', ')})`);
    } else {
      sql.push(`${col} ${f.op === '!=' ? '<>' : f.op} ${sqlValue(f.value as FilterValue, params)}`);
    }
  }
  const preds = filters.map((f) => ({ field: f.field, test: predicate(f) }));
  const mask = (batch: ColumnBatch): Uint8Array | null => {
    if (preds.length === 0) return null;
    const keep = new Uint8Array(batch.count).fill(1);
    for (const p of preds) {
      const col: Column = columnOf(batch, p.field) ?? [];
      for (let i = 0; i < batch.count; i++) if (keep[i] && !p.test(col[i] ?? null)) keep[i] = 0;
    }
    return keep;
  };
  return { sql, params, mask };
}
