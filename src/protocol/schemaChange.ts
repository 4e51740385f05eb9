/**
 * How a stream's schema may change under a dataset that already holds its events: fields may be
 * added (old events read them as NULL), never removed, renamed or retyped, since the events stored,
 * the views and the batch store all read the old fields as they were. The one place for the rule:
 * the server judges a re-declaration by it, the log a widening it is told of.
 */
import { shown } from './fieldRules';
import type { DatasetSchema } from './schema';

export type SchemaChange = { kind: 'same' } | { kind: 'widen'; added: string[]; schema: DatasetSchema } | { kind: 'refused'; error: string };

export function schemaChange(current: DatasetSchema, next: DatasetSchema): SchemaChange {
  const nextByName = new Map(next.fields.map((f) => [f.name.toLowerCase(), f]));
  for (const f of current.fields) {
    const n = nextByName.get(f.name.toLowerCase());
    if (!n) return { kind: 'refused', error: `field ${shown(f.name)} is missing: a stream's fields can be added, never removed` };
    if (n.name !== f.name) return { kind: 'refused', error: `field ${shown(f.name)} cannot be renamed to ${shown(n.name)}` };
    if (n.type !== f.type) return { kind: 'refused', error: `field ${shown(f.name)} is ${f.type}; it cannot become ${n.type} (stored events and views read it as ${f.type})` };
  }
  const known = new Set(current.fields.map((f) => f.name.toLowerCase()));
  const added = next.fields.filter((f) => !known.has(f.name.toLowerCase()));
  if (added.length === 0) return { kind: 'same' };
  // The current fields keep their order and the added ones follow, so stored segments stay a prefix.
  return { kind: 'widen', added: added.map((f) => f.name), schema: { fields: [...current.fields, ...added] } };
}
