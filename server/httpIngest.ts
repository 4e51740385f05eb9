/**
 * POST /api/streams/:id/events: a JSON array of event objects, or NDJSON (one object per line).
 * Every line is validated; the body is accepted whole or refused whole (422 with the reason per
 * line), so a client never has to work out which half of its batch got in.
 */
import * as v from 'valibot';
import { tsProblem, valueProblem } from '../src/protocol/fieldRules';
import { newColumns, type ColumnBatch, type DatasetSchema } from '../src/protocol/schema';
import { JsonObject } from '../src/protocol/shapes';

export const MAX_INGEST_BYTES = 10 * 1024 * 1024;
export const MAX_INGEST_EVENTS = 100_000;
const MAX_REPORTED_ERRORS = 100;

export interface LineError {
  /** 1-based line (NDJSON) or 1-based array position (JSON). */
  line: number;
  error: string;
}

/** A JSON body: an array (of events, each checked on its own line). */
const JsonBody = v.array(v.unknown(), 'a JSON body must be an array of events');

/** An own property only: an event without `toString` has no `toString` value. */
const own = (ev: Record<string, unknown>, key: string): unknown => (Object.hasOwn(ev, key) ? ev[key] : undefined);

export type IngestParse = { ok: true; batch: ColumnBatch } | { ok: false; status: 400 | 413 | 422; errors: LineError[] };

function items(text: string): { ok: true; values: { line: number; value: unknown; error?: string }[] } | { ok: false; error: string } {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (e) {
      return { ok: false, error: `body is not valid JSON: ${(e as Error).message}` };
    }
    const arr = v.safeParse(JsonBody, body);
    if (!arr.success) return { ok: false, error: arr.issues[0].message };
    return { ok: true, values: arr.output.map((value, i) => ({ line: i + 1, value })) };
  }
  const values: { line: number; value: unknown; error?: string }[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    try {
      values.push({ line: i + 1, value: JSON.parse(line) });
    } catch {
      values.push({ line: i + 1, value: undefined, error: 'not valid JSON' });
    }
  });
  return { ok: true, values };
}

/** Parses and validates a posted body; events without `ts` get `now` (ingest time). */
export function parseIngestBody(text: string, schema: DatasetSchema, now: number): IngestParse {
  const parsed = items(text);
  if (!parsed.ok) return { ok: false, status: 400, errors: [{ line: 0, error: parsed.error }] };
  if (parsed.values.length === 0) return { ok: false, status: 400, errors: [{ line: 0, error: 'no events in the body' }] };
  if (parsed.values.length > MAX_INGEST_EVENTS) return { ok: false, status: 413, errors: [{ line: 0, error: `at most ${MAX_INGEST_EVENTS} events per request` }] };
  const errors: LineError[] = [];
  const ts: number[] = [];
  const columns = newColumns();
  for (const f of schema.fields) columns[f.name] = [];
  const known = new Set(['ts', ...schema.fields.map((f) => f.name)]);
  for (const { line, value, error } of parsed.values) {
    const bad = (e: string) => errors.length < MAX_REPORTED_ERRORS && errors.push({ line, error: e });
    if (error) {
      bad(error);
      continue;
    }
    if (!v.is(JsonObject, value)) {
      bad('an event must be a JSON object');
      continue;
    }
    const ev = value;
    const unknown = Object.keys(ev).filter((k) => !known.has(k));
    if (unknown.length) {
      bad(`unknown field ${JSON.stringify(unknown[0])}`);
      continue;
    }
    const given = own(ev, 'ts');
    let t: number;
    if (given === undefined || given === null) t = now;
    else if (typeof given === 'number') t = given;
    else if (typeof given === 'string' && !Number.isNaN(Date.parse(given))) t = Date.parse(given);
    else {
      bad('ts must be ms since the epoch or an ISO-8601 time');
      continue;
    }
    const tProblem = tsProblem(t, String(given ?? t));
    if (tProblem) {
      bad(tProblem);
      continue;
    }
    let problem: string | null = null;
    for (const f of schema.fields) {
      const p = valueProblem(f.type, own(ev, f.name) ?? null);
      if (p) {
        problem = `${JSON.stringify(f.name)} ${p}`;
        break;
      }
    }
    if (problem) {
      bad(problem);
      continue;
    }
    ts.push(t);
    for (const f of schema.fields) (columns[f.name] as (number | string | null)[]).push((own(ev, f.name) as number | string | null | undefined) ?? null);
  }
  if (errors.length) return { ok: false, status: 422, errors };
  return { ok: true, batch: { count: ts.length, ts, columns } };
}
