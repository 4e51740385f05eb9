/**
 * How a batch travels on the stream: a ColumnBatch with two JSON-level compressions that the
 * receiver undoes before it validates anything. A string column travels as a dictionary plus
 * indices, event times as a base plus deltas: a shop event is ~22 bytes of JSON instead of ~43 and
 * parses in about half the time, and each string value then is one shared JS string, which the
 * log's dictionary encoder and the speed tally hash once instead of per event.
 * A column or a time column that does not fit (a number in a string column, a fractional time)
 * travels plain; the receiver's validation judges its values one by one, as for any plain column.
 */
import { StringDictionary } from './dictionary';
import type { Column, ColumnBatch } from './schema';

/** A string column: `idx[i]` is event i's position in `dict`, -1 for null. */
export interface DictColumn {
  dict: string[];
  idx: number[];
}

/** Event times: event i happened at `base + delta[i]` (integers only, so the sum is exact). */
export interface DeltaTimes {
  base: number;
  delta: number[];
}

export interface WireBatch {
  count: number;
  ts: number[] | DeltaTimes;
  columns: Record<string, Column | DictColumn>;
}

function dictEncode(col: readonly unknown[]): DictColumn | null {
  const dict = new StringDictionary();
  const idx: number[] = new Array<number>(col.length);
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    if (v === null) idx[i] = -1;
    else if (typeof v === 'string') idx[i] = dict.indexOf(v);
    else return null;
  }
  return dict.values.length > 0 ? { dict: dict.values, idx } : null;
}

function deltaEncode(ts: readonly unknown[]): DeltaTimes | null {
  if (ts.length === 0 || !Number.isSafeInteger(ts[0])) return null;
  const base = ts[0] as number;
  const delta: number[] = new Array<number>(ts.length);
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i];
    if (!Number.isSafeInteger(t) || !Number.isSafeInteger((t as number) - base)) return null;
    delta[i] = (t as number) - base;
  }
  return { base, delta };
}

/** The batch as it goes on the wire. */
export function toWire(batch: ColumnBatch): WireBatch {
  // No prototype: a field may be called "__proto__".
  const columns = Object.create(null) as Record<string, Column | DictColumn>;
  for (const [name, col] of Object.entries(batch.columns)) columns[name] = dictEncode(col) ?? col;
  return { count: batch.count, ts: deltaEncode(batch.ts) ?? batch.ts, columns };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function expandDict(name: string, c: Record<string, unknown>, count: number): unknown[] | string {
  const { dict, idx } = c;
  if (!Array.isArray(dict) || !dict.every((s) => typeof s === 'string')) return `column ${JSON.stringify(name)}: dictionary must be a list of strings`;
  if (!Array.isArray(idx) || idx.length !== count) return `column ${JSON.stringify(name)} must hold ${count} indices`;
  const out: (string | null)[] = new Array<string | null>(count);
  for (let i = 0; i < count; i++) {
    const k: unknown = idx[i];
    if (k === -1) out[i] = null;
    else if (Number.isInteger(k) && (k as number) >= 0 && (k as number) < dict.length) out[i] = dict[k as number] as string;
    else return `column ${JSON.stringify(name)}: index ${JSON.stringify(k)?.slice(0, 20)} of event ${i} is not in its dictionary`;
  }
  return out;
}

function expandTimes(t: Record<string, unknown>, count: number): unknown[] | string {
  const { base, delta } = t;
  if (!Number.isSafeInteger(base)) return 'batch.ts.base must be an integer';
  if (!Array.isArray(delta) || delta.length !== count) return `batch.ts must hold ${count} deltas`;
  // A delta that is not a number stays as it is: validation then rejects that event alone.
  return delta.map((d: unknown) => (typeof d === 'number' ? (base as number) + d : d));
}

/**
 * Undoes the wire encoding of an untrusted batch. Malformed encodings (an index outside its
 * dictionary, a dictionary of non-strings, lengths that disagree) make the whole batch unreadable;
 * anything else is passed on for `checkBatch` to judge, plain columns untouched.
 */
export function fromWire(value: unknown): { ok: true; batch: unknown } | { ok: false; error: string } {
  if (!isObject(value) || !Number.isSafeInteger(value.count) || (value.count as number) < 0) return { ok: true, batch: value };
  const count = value.count as number;
  let ts: unknown = value.ts;
  if (isObject(ts)) {
    const t = expandTimes(ts, count);
    if (typeof t === 'string') return { ok: false, error: t };
    ts = t;
  }
  let columns: unknown = value.columns;
  if (isObject(columns)) {
    const out = Object.create(null) as Record<string, unknown>;
    for (const [name, c] of Object.entries(columns)) {
      if (!isObject(c)) {
        out[name] = c;
        continue;
      }
      const col = expandDict(name, c, count);
      if (typeof col === 'string') return { ok: false, error: col };
      out[name] = col;
    }
    columns = out;
  }
  return { ok: true, batch: { count, ts, columns } };
}
