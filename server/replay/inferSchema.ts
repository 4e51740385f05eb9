/**
 * A schema for a stream that is not declared yet, guessed from the first rows of a text file (the
 * whole file would mean reading 1 GB twice) or taken from Parquet's column types. A guess from the
 * first rows can be wrong later in the file; such a value then stops the replay at its line.
 */
import type { FieldDef, FieldType } from '../../src/protocol/schema';
import { fieldNamesOf } from './columns';
import { parseTimeText } from '../../src/protocol/eventTime';
import type { Row, SourceColumn, SourceKind } from './readRows';

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** 007, 0123.5: codes (zip codes, ids) whose zeros would be lost as numbers. */
const LEADING_ZERO = /^[+-]?0\d/;

function timeType(s: string): FieldType | null {
  const t = parseTimeText(s);
  return t === null ? null : t.dateOnly ? 'date' : 'timestamp';
}

/** The type a CSV value suggests, or null for an empty one. */
export function textType(raw: string): FieldType | null {
  const s = raw.trim();
  if (s === '') return null;
  if (LEADING_ZERO.test(s)) return 'text';
  // An integer beyond 2^53 is an id more often than a quantity: as a number it would be rounded.
  if (INTEGER.test(s)) return Number.isSafeInteger(Number(s)) ? 'integer' : 'text';
  if (NUMBER.test(s)) return Number.isFinite(Number(s)) ? 'float' : 'text';
  const lower = s.toLowerCase();
  if (lower === 'true' || lower === 'false') return 'boolean';
  return timeType(s) ?? 'text';
}

/** The type an NDJSON value suggests, or null for a missing one. A string stays text unless it is a date or time: "42" in JSON was written as text on purpose. */
export function jsonType(v: unknown): FieldType | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? 'integer' : 'float';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string') return timeType(v) ?? 'text';
  return 'text';
}

/** The narrowest type holding values of both types: integers within floats, dates within timestamps, anything within text. */
export function widen(a: FieldType | null, b: FieldType | null): FieldType | null {
  if (a === null || a === b) return b;
  if (b === null) return a;
  const pair = new Set([a, b]);
  if (pair.has('integer') && pair.has('float')) return 'float';
  if (pair.has('date') && pair.has('timestamp')) return 'timestamp';
  return 'text';
}

const TYPED: Partial<Record<SourceKind, FieldType>> = {
  integer: 'integer',
  float: 'float',
  boolean: 'boolean',
  text: 'text',
  date: 'date',
  timestamp: 'timestamp',
  instant: 'timestamp',
};

export interface InferredSchema {
  fields: FieldDef[];
  /** What the person should know: renamed columns, columns with no values to guess from. */
  notes: string[];
}

/** Fields for every column but the time column, in file order, named as `fieldNamesOf` says. */
export function inferFields(columns: readonly SourceColumn[], sample: readonly Row[], timeColumn: number | null): InferredSchema {
  const { names, notes } = fieldNamesOf(columns, timeColumn);
  const fields: FieldDef[] = [];
  columns.forEach((column, c) => {
    const name = names[c];
    if (name === null || name === undefined) return;
    let type = TYPED[column.kind] ?? null;
    if (type === null) {
      const typeOf = column.kind === 'csv' ? (v: unknown) => (typeof v === 'string' ? textType(v) : null) : jsonType;
      for (const row of sample) {
        type = widen(type, typeOf(row.values[c]));
        if (type === 'text') break;
      }
    }
    if (type === null) {
      notes.push(`column ${JSON.stringify(column.name)} is empty in the first ${sample.length} rows: declared as text`);
      type = 'text';
    }
    fields.push({ name, type });
  });
  return { fields, notes };
}
