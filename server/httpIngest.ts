/**
 * POST /api/streams/:id/events: a JSON array of event objects, or NDJSON (one object per line).
 * Every line is validated; the body is accepted whole or refused whole (422 with the reason per
 * line), so a client never has to work out which half of its batch got in.
 */
import { MAX_TS, MIN_TS, type Column, type ColumnBatch, type DatasetSchema } from '../src/protocol/schema';

export const MAX_INGEST_BYTES = 10 * 1024 * 1024;
export const MAX_INGEST_EVENTS = 100_000;
const MAX_REPORTED_ERRORS = 100;

export interface LineError {
  /** 1-based line (NDJSON) or 1-based array position (JSON). */
  line: number;
  error: string;
}

export type IngestParse = { ok: true; batch: ColumnBatch } | { ok: false; status: 400 | 413 | 422; errors: LineError[] };

function items(text: string): { ok: true; values: { line: number; value: unknown; error?: string }[] } | { ok: false; error: string } {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    let arr: unknown;
    try {
      arr = JSON.parse(text);
    } catch (e) {
      return { ok: false, error: `body is not valid JSON: ${(e as Error).message}` };
    }
    if (!Array.isArray(arr)) return { ok: false, error: 'a JSON body must be an array of events' };
    return { ok: true, values: arr.map((value, i) => ({ line: i + 1, value })) };
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
  const columns: Record<string, (number | string | null)[]> = Object.fromEntries(schema.fields.map((f) => [f.name, []]));
  const known = new Set(['ts', ...schema.fields.map((f) => f.name)]);
  for (const { line, value, error } of parsed.values) {
    const bad = (e: string) => errors.length < MAX_REPORTED_ERRORS && errors.push({ line, error: e });
    if (error) {
      bad(error);
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      bad('an event must be a JSON object');
      continue;
    }
    const ev = value as Record<string, unknown>;
    const unknown = Object.keys(ev).filter((k) => !known.has(k));
    if (unknown.length) {
      bad(`unknown field ${JSON.stringify(unknown[0])}`);
      continue;
    }
    let t: number;
    if (ev.ts === undefined || ev.ts === null) t = now;
    else if (typeof ev.ts === 'number') t = ev.ts;
    else if (typeof ev.ts === 'string' && !Number.isNaN(Date.parse(ev.ts))) t = Date.parse(ev.ts);
    else {
      bad('ts must be ms since the epoch or an ISO-8601 time');
      continue;
    }
    if (!Number.isFinite(t) || t < MIN_TS || t > MAX_TS) {
      bad(`ts ${String(ev.ts)} is outside 1900..2200`);
      continue;
    }
    const wrong = schema.fields.find((f) => {
      const v = ev[f.name];
      return v !== undefined && v !== null && (f.type === 'number' ? typeof v !== 'number' || !Number.isFinite(v) : typeof v !== 'string');
    });
    if (wrong) {
      bad(`${JSON.stringify(wrong.name)} must be a ${wrong.type}`);
      continue;
    }
    ts.push(t);
    for (const f of schema.fields) columns[f.name]!.push((ev[f.name] as number | string | null | undefined) ?? null);
  }
  if (errors.length) return { ok: false, status: 422, errors };
  return { ok: true, batch: { count: ts.length, ts, columns: columns as Record<string, Column> } };
}
