/**
 * A field as the batch SQL reads it: the same JS value the speed tally sees (fieldRules.ts
 * VALUE_FORM), so keys, filters and measures agree on both paths. A timestamp is stored as
 * TIMESTAMP_MS and read as its ms since the epoch, a date as its days since 1970-01-01; both are
 * core functions, no time-zone extension involved.
 */
import type { DatasetSchema, FieldType } from '../protocol/schema';
import { quoteIdent } from './quoteIdent';

export function fieldSql(name: string, type: FieldType): string {
  const q = quoteIdent(name);
  if (type === 'timestamp') return `epoch_ms(${q})`;
  if (type === 'date') return `(${q} - DATE '1970-01-01')`;
  return q;
}

/** The type of a schema's field, or undefined. */
export function typeOf(schema: DatasetSchema, name: string): FieldType | undefined {
  return schema.fields.find((f) => f.name === name)?.type;
}
