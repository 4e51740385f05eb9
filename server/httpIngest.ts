/**
 * POST /api/streams/:id/events: a JSON array of event objects, or NDJSON (one object per line).
 * Every line is validated; the body is accepted whole or refused whole (422 with the reason per
 * line), so a client never has to work out which half of its batch got in.
 */
import * as v from 'valibot';
import { DAY_MS, parseEventTimeText, parseTimeText } from '../src/protocol/eventTime';
import { shown, tsProblem, VALUE_FORM, valueProblem } from '../src/protocol/fieldRules';
import { newColumns, type ColumnBatch, type DatasetSchema, type FieldValue } from '../src/protocol/schema';
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

/**
 * Builds a batch from event objects one at a time, each checked against the schema: the one place
 * the rules for a posted, produced or brokered event live.
 */
export class EventRows {
  private readonly ts: number[] = [];
  private readonly columns = newColumns();
  private readonly known: Set<string>;

  /** `zone`: where a time without an offset is read (the stream's declared zone; UTC by default). */
  constructor(
    private readonly schema: DatasetSchema,
    private readonly zone: string,
    private readonly now: number,
  ) {
    for (const f of schema.fields) this.columns[f.name] = [];
    this.known = new Set(['ts', ...schema.fields.map((f) => f.name)]);
  }

  get count(): number {
    return this.ts.length;
  }

  /** Adds the event, or returns why it is not one (and adds nothing). */
  add(value: unknown): string | null {
    if (!v.is(JsonObject, value)) return 'an event must be a JSON object';
    const ev = value;
    const unknown = Object.keys(ev).filter((k) => !this.known.has(k));
    if (unknown.length) return `unknown field ${JSON.stringify(unknown[0])}`;
    const given = own(ev, 'ts');
    let t: number;
    if (given === undefined || given === null) t = this.now;
    else if (typeof given === 'number') t = given;
    else if (typeof given === 'string' && parseEventTimeText(given, this.zone) !== null) t = parseEventTimeText(given, this.zone)!;
    else return 'ts must be ms since the epoch or an ISO-8601 time';
    const tProblem = tsProblem(t, String(given ?? t));
    if (tProblem) return tProblem;
    const values: FieldValue[] = [];
    for (const f of this.schema.fields) {
      const raw = own(ev, f.name) ?? null;
      const timeText = typeof raw === 'string' && (f.type === 'timestamp' || f.type === 'date');
      const x = timeText ? timeFieldValue(raw, f.type as 'date' | 'timestamp') : raw;
      const p = valueProblem(f.type, x);
      if (p && timeText) return `${JSON.stringify(f.name)} must be ${VALUE_FORM[f.type]} or an ISO-8601 ${f.type === 'date' ? 'date' : 'date-time'}, got ${shown(raw)}`;
      if (p) return `${JSON.stringify(f.name)} ${p}`;
      values.push(x as FieldValue);
    }
    this.ts.push(t);
    this.schema.fields.forEach((f, i) => {
      (this.columns[f.name] as FieldValue[]).push(values[i]!);
    });
    return null;
  }

  batch(): ColumnBatch {
    return { count: this.ts.length, ts: this.ts, columns: this.columns };
  }
}

/**
 * A date or timestamp field's ISO text as its wire form (days, or a wall-clock reading in ms): a
 * reading with an offset is moved to UTC, one without is kept as written. The text itself when it
 * is not ISO-8601 (the caller then reports it).
 */
function timeFieldValue(text: string, type: 'date' | 'timestamp'): number | string {
  const t = parseTimeText(text);
  if (!t) return text;
  return type === 'date' ? Math.floor(t.ms / DAY_MS) : t.ms;
}

/** Parses and validates a posted body; events without `ts` get `now` (ingest time). */
export function parseIngestBody(text: string, schema: DatasetSchema, now: number, zone = 'UTC'): IngestParse {
  const parsed = items(text);
  if (!parsed.ok) return { ok: false, status: 400, errors: [{ line: 0, error: parsed.error }] };
  return checkEvents(parsed.values, schema, now, zone);
}

/** Checks event objects (from a body, or a producer socket's message), all or nothing. */
export function checkEvents(values: readonly { line: number; value: unknown; error?: string }[], schema: DatasetSchema, now: number, zone = 'UTC'): IngestParse {
  const parsed = { values };
  if (parsed.values.length === 0) return { ok: false, status: 400, errors: [{ line: 0, error: 'no events in the body' }] };
  if (parsed.values.length > MAX_INGEST_EVENTS) return { ok: false, status: 413, errors: [{ line: 0, error: `at most ${MAX_INGEST_EVENTS} events per request` }] };
  const errors: LineError[] = [];
  const rows = new EventRows(schema, zone, now);
  for (const { line, value, error } of parsed.values) {
    const problem = error ?? rows.add(value);
    if (problem && errors.length < MAX_REPORTED_ERRORS) errors.push({ line, error: problem });
  }
  if (errors.length) return { ok: false, status: 422, errors };
  return { ok: true, batch: rows.batch() };
}
