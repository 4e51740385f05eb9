/**
 * A stream's declaration: its id, its schema (the types of a dataset) and the zone its naive times
 * are read in. Declared by a file at start (`--stream clicks=schemas/clicks.json`) or by
 * `PUT /api/streams/:id`; either way checked here, and a changed declaration is judged here: fields
 * added widen the stream, anything else is refused with the reason.
 */
import { readFileSync } from 'node:fs';
import { canonicalTimeZone } from '../../src/protocol/eventTime';
import { shown } from '../../src/protocol/fieldRules';
import { idProblem } from '../../src/protocol/ids';
import { type DatasetSchema, type FieldDef, schemaProblem } from '../../src/protocol/schema';
import { type SchemaChange, schemaChange } from '../../src/protocol/schemaChange';
import { JsonObject } from '../../src/protocol/shapes';
import * as v from 'valibot';

export interface StreamDeclaration {
  id: string;
  schema: DatasetSchema;
  /** IANA zone for times without an offset; UTC unless declared. */
  timeZone: string;
}

/** More fields than a person would chart; each costs every event on every path. */
const MAX_FIELDS = 500;

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
  if (Array.isArray(body.fields) && body.fields.length > MAX_FIELDS) return { ok: false, error: `a stream has at most ${MAX_FIELDS} fields` };
  const given = body.timeZone ?? 'UTC';
  // The runtime's own spelling ("europe/paris" -> "Europe/Paris"), so one zone is one declaration.
  const zone = typeof given === 'string' ? canonicalTimeZone(given) : null;
  if (zone === null) return { ok: false, error: `timeZone ${shown(given)} is not a time zone name (e.g. "UTC", "Europe/Paris")` };
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

/**
 * What declaring `next` over `current` would do: schemaChange's rule for the fields, and the zone
 * may not change either, since it decided the times already stored.
 */
export function judgeChange(current: StreamDeclaration, next: StreamDeclaration): SchemaChange {
  if (next.timeZone !== current.timeZone)
    return { kind: 'refused', error: `stream ${current.id} reads naive times in ${current.timeZone}; it cannot change to ${next.timeZone} (events already stored were read in ${current.timeZone})` };
  return schemaChange(current.schema, next.schema);
}
