/**
 * A stream's declaration: its id, its schema (the types of a dataset) and the zone its naive times
 * are read in. Declared by a file at start (`--stream clicks=schemas/clicks.json`) or by
 * `PUT /api/streams/:id`; either way checked here, and a changed declaration is judged here: fields
 * added widen the stream, anything else is refused with the reason.
 */
import { readFileSync } from 'node:fs';
import { isTimeZone } from '../../src/protocol/eventTime';
import { shown } from '../../src/protocol/fieldRules';
import { idProblem } from '../../src/protocol/ids';
import { type DatasetSchema, type FieldDef, schemaProblem } from '../../src/protocol/schema';
import { JsonObject } from '../../src/protocol/shapes';
import * as v from 'valibot';

export interface StreamDeclaration {
  id: string;
  schema: DatasetSchema;
  /** IANA zone for times without an offset; UTC unless declared. */
  timeZone: string;
}

export type Declared = { ok: true; declaration: StreamDeclaration } | { ok: false; error: string };

/** A declaration body: `{ "fields": [...], "timeZone": "Europe/Paris" }` (timeZone optional). */
export function parseDeclaration(id: string, body: unknown): Declared {
  const badId = idProblem(id);
  if (badId) return { ok: false, error: `stream id ${shown(id)}: ${badId}` };
  if (!v.is(JsonObject, body)) return { ok: false, error: 'a stream declaration is a JSON object: {"fields": [{"name": …, "type": …}], "timeZone": "UTC"}' };
  const extra = Object.keys(body).filter((k) => k !== 'fields' && k !== 'timeZone');
  if (extra.length) return { ok: false, error: `unknown key ${shown(extra[0])} in the declaration (it has "fields" and, optionally, "timeZone")` };
  const schema = { fields: body.fields };
  const problem = schemaProblem(schema);
  if (problem) return { ok: false, error: problem };
  const zone = body.timeZone ?? 'UTC';
  if (typeof zone !== 'string' || !isTimeZone(zone)) return { ok: false, error: `timeZone ${shown(zone)} is not a time zone name (e.g. "UTC", "Europe/Paris")` };
  const fields = (body.fields as FieldDef[]).map((f) => ({ name: f.name, type: f.type }));
  return { ok: true, declaration: { id, schema: { fields }, timeZone: zone } };
}

/** `id=path/to/schema.json` from the command line. */
export function readDeclarationFlag(flag: string): StreamDeclaration {
  const at = flag.indexOf('=');
  if (at < 1) throw new Error(`--stream ${flag}: write it as <id>=<schema file>, e.g. --stream clicks=schemas/clicks.json`);
  const id = flag.slice(0, at);
  const path = flag.slice(at + 1);
  let body: unknown;
  try {
    body = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`--stream ${id}: cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const d = parseDeclaration(id, body);
  if (!d.ok) throw new Error(`--stream ${id} (${path}): ${d.error}`);
  return d.declaration;
}

export type Change = { kind: 'same' } | { kind: 'widen'; added: string[] } | { kind: 'refused'; error: string };

/**
 * What declaring `next` over `current` would do. Fields may only be added: a client's log, the
 * events already stored and every view read the old fields as they were, so a removed field or a
 * changed type would make them wrong. The zone may not change either: it decided stored times.
 */
export function judgeChange(current: StreamDeclaration, next: StreamDeclaration): Change {
  if (next.timeZone !== current.timeZone)
    return { kind: 'refused', error: `stream ${current.id} reads naive times in ${current.timeZone}; it cannot change to ${next.timeZone} (events already stored were read in ${current.timeZone})` };
  const nextByName = new Map(next.schema.fields.map((f) => [f.name.toLowerCase(), f]));
  for (const f of current.schema.fields) {
    const n = nextByName.get(f.name.toLowerCase());
    if (!n) return { kind: 'refused', error: `field ${shown(f.name)} is missing: a stream's fields can be added, never removed` };
    if (n.name !== f.name) return { kind: 'refused', error: `field ${shown(f.name)} cannot be renamed to ${shown(n.name)}` };
    if (n.type !== f.type) return { kind: 'refused', error: `field ${shown(f.name)} is ${f.type}; it cannot become ${n.type} (stored events and views read it as ${f.type})` };
  }
  const known = new Set(current.schema.fields.map((f) => f.name.toLowerCase()));
  const added = next.schema.fields.filter((f) => !known.has(f.name.toLowerCase())).map((f) => f.name);
  return added.length ? { kind: 'widen', added } : { kind: 'same' };
}

/** The widened schema: the current fields in their order, then the added ones. */
export function widened(current: DatasetSchema, next: DatasetSchema): DatasetSchema {
  const known = new Set(current.fields.map((f) => f.name.toLowerCase()));
  return { fields: [...current.fields, ...next.fields.filter((f) => !known.has(f.name.toLowerCase()))] };
}
