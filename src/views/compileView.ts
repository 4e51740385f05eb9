/**
 * compileView(view, schema) -> the DuckDB SQL for the batch layer, the incremental tally for the
 * speed layer, and the merge rule for the serving layer, all from the one definition and from the
 * measure definitions in measures.ts.
 */
import type { Column, ColumnBatch, DatasetSchema } from '../protocol/schema';
import { MEASURES, type MeasureKind } from './measures';
import type { KeyValue, ViewDef } from './ViewDef';

/** One group: its key values and the flat state of all its measures. */
export interface Group {
  key: KeyValue[];
  state: number[];
}

/** A view's partial result: groups by key string. Batch output and speed state share this shape. */
export type Tally = Map<string, Group>;

/** A row as it comes back from the batch SQL: key columns, then the state parts. */
export type SqlRow = (KeyValue | bigint)[];

export interface CompiledView {
  view: ViewDef;
  /** Key column names, bucket first when there is one (for display). */
  keyNames: string[];
  /** SQL over `table` for events with `afterSeq < seq <= uptoSeq`. */
  sql(table: string, afterSeq: number, uptoSeq: number): string;
  /** Adds a batch of events to a tally in place. */
  add(tally: Tally, batch: ColumnBatch): void;
  /** Folds `src` into `dst` in place (the serving layer's merge rule). */
  mergeInto(dst: Tally, src: Tally): void;
  /** Converts batch SQL rows to a tally. */
  fromRows(rows: readonly SqlRow[]): Tally;
  /** The measure values of one group's state. */
  finalize(state: readonly number[]): (number | null)[];
}

export class ViewError extends Error {
  override name = 'ViewError';
}

/** Quotes an SQL identifier, so a field named `a"; DROP TABLE x; --` stays a field. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const KEY_SEP = '\u001f';
const NULL_KEY = '\u0000';

/** The key string of a group; the same on both paths because the key values are the same. */
export function keyString(values: readonly KeyValue[]): string {
  let s = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) s += KEY_SEP;
    s += v === null || v === undefined ? NULL_KEY : typeof v === 'number' ? `n${v}` : `s${v}`;
  }
  return s;
}

function toSafeSeq(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new ViewError(`${what} must be a non-negative integer, got ${n}`);
  return n;
}

export function validateView(view: ViewDef, schema: DatasetSchema): void {
  const fieldType = (name: string) => schema.fields.find((f) => f.name === name)?.type;
  if (view.measures.length === 0) throw new ViewError(`view ${view.name}: add at least one measure`);
  for (const g of view.groupBy) if (!fieldType(g)) throw new ViewError(`view ${view.name}: unknown group-by field ${JSON.stringify(g)}`);
  if (view.bucketMs !== null && !(Number.isInteger(view.bucketMs) && view.bucketMs > 0)) {
    throw new ViewError(`view ${view.name}: bucket must be a positive number of ms`);
  }
  for (const m of view.measures) {
    if (m.field === undefined) {
      if (m.op !== 'count') throw new ViewError(`view ${view.name}: ${m.op} needs a field`);
      continue;
    }
    const t = fieldType(m.field);
    if (!t) throw new ViewError(`view ${view.name}: unknown field ${JSON.stringify(m.field)}`);
    if (MEASURES[m.op].numeric && t !== 'number') throw new ViewError(`view ${view.name}: ${m.op} over text field ${JSON.stringify(m.field)}`);
  }
}

export function compileView(view: ViewDef, schema: DatasetSchema): CompiledView {
  validateView(view, schema);
  const kinds: MeasureKind[] = view.measures.map((m) => MEASURES[m.op]);
  const offsets: number[] = [];
  let width = 0;
  for (const k of kinds) {
    offsets.push(width);
    width += k.init().length;
  }
  const initState = (): number[] => kinds.flatMap((k) => k.init());
  const bucket = view.bucketMs;
  const keyNames = [...(bucket !== null ? ['bucket'] : []), ...view.groupBy];

  const sql = (table: string, afterSeq: number, uptoSeq: number): string => {
    const keys = [
      ...(bucket !== null ? [`floor("ts" / ${bucket}) * ${bucket}`] : []),
      ...view.groupBy.map(quoteIdent),
    ];
    const parts = view.measures.flatMap((m, i) => kinds[i]!.sqlParts(m.field === undefined ? null : quoteIdent(m.field)));
    const select = [...keys.map((k, i) => `${k} AS k${i}`), ...parts.map((p, i) => `${p} AS s${i}`)].join(', ');
    const where = `"seq" > ${toSafeSeq(afterSeq, 'afterSeq')} AND "seq" <= ${toSafeSeq(uptoSeq, 'uptoSeq')}`;
    // Without keys SQL returns one row even for no events; the tally has none, so drop that row.
    const groupBy = keys.length ? ` GROUP BY ${keys.map((_, i) => i + 1).join(', ')}` : ' HAVING count(*) > 0';
    return `SELECT ${select} FROM ${quoteIdent(table)} WHERE ${where}${groupBy}`;
  };

  const add = (tally: Tally, batch: ColumnBatch): void => {
    const keyCols: Column[] = view.groupBy.map((g) => batch.columns[g] ?? []);
    const measureCols: (Column | null)[] = view.measures.map((m) => (m.field === undefined ? null : (batch.columns[m.field] ?? [])));
    const key: KeyValue[] = new Array<KeyValue>(keyNames.length);
    for (let i = 0; i < batch.count; i++) {
      let k = 0;
      if (bucket !== null) key[k++] = Math.floor((batch.ts[i] as number) / bucket) * bucket;
      for (const col of keyCols) key[k++] = col[i] ?? null;
      const ks = keyString(key);
      let group = tally.get(ks);
      if (!group) {
        group = { key: key.slice(), state: initState() };
        tally.set(ks, group);
      }
      for (let m = 0; m < kinds.length; m++) {
        const col = measureCols[m];
        if (col === null || col === undefined) {
          kinds[m]!.add(group.state, offsets[m]!, 1);
          continue;
        }
        const v = col[i];
        if (v === null || v === undefined) continue;
        kinds[m]!.add(group.state, offsets[m]!, v as number);
      }
    }
  };

  const mergeInto = (dst: Tally, src: Tally): void => {
    for (const [ks, g] of src) {
      const d = dst.get(ks);
      if (!d) {
        dst.set(ks, { key: g.key.slice(), state: g.state.slice() });
        continue;
      }
      for (let m = 0; m < kinds.length; m++) kinds[m]!.merge(d.state, offsets[m]!, g.state, offsets[m]!);
    }
  };

  const fromRows = (rows: readonly SqlRow[]): Tally => {
    const tally: Tally = new Map();
    const nk = keyNames.length;
    for (const row of rows) {
      const key = row.slice(0, nk).map((v) => (typeof v === 'bigint' ? Number(v) : v)) as KeyValue[];
      const nums = row.slice(nk).map((v) => (v === null ? null : Number(v)));
      const state: number[] = [];
      let p = 0;
      for (const k of kinds) {
        const n = k.init().length;
        state.push(...k.fromSql(nums.slice(p, p + n)));
        p += n;
      }
      tally.set(keyString(key), { key, state });
    }
    return tally;
  };

  const finalize = (state: readonly number[]): (number | null)[] => kinds.map((k, m) => k.finalize(state, offsets[m]!));

  return { view, keyNames, sql, add, mergeInto, fromRows, finalize };
}
