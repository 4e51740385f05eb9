/**
 * compileView(view, schema) -> the DuckDB SQL for the batch layer, the incremental tally for the
 * speed layer, and the merge rule for the serving layer, all from the one definition and from the
 * measure definitions in measures.ts.
 */
import { columnOf, NUMERIC_TYPES, SUMMABLE_TYPES, type Column, type ColumnBatch, type DatasetSchema, type FieldType } from '../protocol/schema';
import { fieldSql, typeOf } from './fieldSql';
import { compileFilters, validateFilters } from './filters';
import { MEASURES, cloneState, type MeasureKind, type SqlValue, type State } from './measures';
import { quoteIdent } from './quoteIdent';
import { ViewError, type KeyValue, type MeasureDef, type ViewDef } from './ViewDef';

/** One group: its key values and the flat state of all its measures. */
export interface Group {
  key: KeyValue[];
  state: State;
}

/** Per key part, the next level; at the last part, the group. */
type KeyTrie = Map<KeyValue, KeyTrie | Group>;

/** A view's partial result: groups by key string. Batch output and speed state share this shape. */
export type Tally = Map<string, Group>;

/** A row as it comes back from the batch SQL: key columns, then the state parts. */
export type SqlRow = SqlValue[];

/** SQL text with `?` placeholders and the values bound to them. */
export interface BoundSql {
  text: string;
  params: (number | string)[];
}

export interface CompiledView {
  view: ViewDef;
  /** Key column names, bucket first when there is one (for display). */
  keyNames: string[];
  /** Indexes of state parts that are floating-point sums: equal across paths only within a tolerance. */
  inexactParts: ReadonlySet<number>;
  /** SQL over `table` for events with `afterSeq < seq <= uptoSeq`. */
  sql(table: string, afterSeq: number, uptoSeq: number): BoundSql;
  /** Adds a batch of events to a tally in place. */
  add(tally: Tally, batch: ColumnBatch): void;
  /** Folds `src` into `dst` in place (the serving layer's merge rule). */
  mergeInto(dst: Tally, src: Tally): void;
  /** Folds one group's state into `dst` under `key` (a cube's group projected onto this view's key). */
  mergeGroup(dst: Tally, key: KeyValue[], state: State): void;
  /** Converts batch SQL rows to a tally. */
  fromRows(rows: readonly SqlRow[]): Tally;
  /** The measure values of one group's state. */
  finalize(state: State): (number | null)[];
}

export { ViewError } from './ViewDef';
export { quoteIdent } from './quoteIdent';

const KEY_SEP = '\u001f';
const NULL_KEY = '\u0000';

/** -0 and 0 group together in SQL; make them one key value here too. */
function keyValue(v: KeyValue | undefined): KeyValue {
  return v === undefined ? null : v === 0 ? 0 : v;
}

/** The key string of a group; the same on both paths because the key values are the same. */
export function keyString(values: readonly KeyValue[]): string {
  let s = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) s += KEY_SEP;
    s += v === null || v === undefined ? NULL_KEY : typeof v === 'number' ? `n${v}` : typeof v === 'boolean' ? (v ? 'b1' : 'b0') : `s${v}`;
  }
  return s;
}

function toSafeSeq(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new ViewError(`${what} must be a non-negative integer, got ${n}`);
  return n;
}

/** Throws a ViewError naming the first problem a user must fix. */
export function validateView(view: ViewDef, schema: DatasetSchema): void {
  const fieldType = (name: string) => typeOf(schema, name);
  const where = view.name ? `view "${view.name}"` : 'view';
  if (view.measures.length === 0) throw new ViewError(`${where}: add at least one measure`);
  for (const g of view.groupBy) if (!fieldType(g)) throw new ViewError(`${where}: unknown group-by field ${JSON.stringify(g)}`);
  if (new Set(view.groupBy).size !== view.groupBy.length) throw new ViewError(`${where}: a field is grouped by twice`);
  if (view.bucketMs !== null && !(Number.isSafeInteger(view.bucketMs) && view.bucketMs > 0)) {
    throw new ViewError(`${where}: the time bucket must be a positive whole number of ms`);
  }
  for (const m of view.measures) {
    if (m.field === undefined) {
      if (m.op !== 'count') throw new ViewError(`${where}: ${m.op} needs a field`);
      continue;
    }
    const t = fieldType(m.field);
    if (!t) throw new ViewError(`${where}: unknown field ${JSON.stringify(m.field)}`);
    if (!measureAccepts(m.op, t)) throw new ViewError(`${where}: ${m.op} does not apply to ${t} field ${JSON.stringify(m.field)}`);
  }
  validateFilters(view.filters ?? [], schema, where);
}

/** Whether measure `op` applies to a field of `type`. */
export function measureAccepts(op: MeasureDef['op'], type: FieldType): boolean {
  const accepts = MEASURES[op].accepts;
  return accepts === 'any' || (accepts === 'numeric' ? NUMERIC_TYPES.has(type) : SUMMABLE_TYPES.has(type));
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
  const initState = (): State => kinds.flatMap((k) => k.init());
  // Sums of integers are exact on both paths (within ±2^53); only float sums depend on the order of addition.
  const inexactParts = new Set(kinds.flatMap((k, m) => (typeOf(schema, view.measures[m]!.field ?? '') === 'float' ? (k.inexact ?? []) : []).map((p) => offsets[m]! + p)));
  const bucket = view.bucketMs;
  const keyNames = [...(bucket !== null ? ['bucket'] : []), ...view.groupBy];
  const filters = compileFilters(view.filters ?? [], schema);
  const sqlOf = (name: string) => fieldSql(name, typeOf(schema, name)!);

  const sql = (table: string, afterSeq: number, uptoSeq: number): BoundSql => {
    const keys = [...(bucket !== null ? [`floor("ts" / ${bucket}) * ${bucket}`] : []), ...view.groupBy.map(sqlOf)];
    const parts = view.measures.flatMap((m, i) => kinds[i]!.sqlParts(m.field === undefined ? null : sqlOf(m.field)));
    const select = [...keys.map((k, i) => `${k} AS k${i}`), ...parts.map((p, i) => `${p} AS s${i}`)].join(', ');
    const where = [`"seq" > ${toSafeSeq(afterSeq, 'afterSeq')}`, `"seq" <= ${toSafeSeq(uptoSeq, 'uptoSeq')}`, ...filters.sql].join(' AND ');
    // Without keys SQL returns one row even for no events; the tally has none, so drop that row.
    const groupBy = keys.length ? ` GROUP BY ${keys.map((_, i) => i + 1).join(', ')}` : ' HAVING count(*) > 0';
    return { text: `SELECT ${select} FROM ${quoteIdent(table)} WHERE ${where}${groupBy}`, params: filters.params };
  };

  /**
   * The tally's group for a key, through a per-batch trie on the raw key values: building and
   * hashing a key string per event was most of the tally's cost; now it happens once per group and
   * batch. (Map's SameValueZero already puts -0 with 0, as SQL does.)
   */
  const groupLookup = (tally: Tally): ((key: KeyValue[]) => Group) => {
    const resolve = (key: KeyValue[]): Group => {
      const ks = keyString(key);
      let group = tally.get(ks);
      if (!group) {
        group = { key: key.slice(), state: initState() };
        tally.set(ks, group);
      }
      return group;
    };
    const root: KeyTrie = new Map();
    let keyless: Group | null = null;
    return (key) => {
      if (key.length === 0) return (keyless ??= resolve(key));
      let node = root;
      const last = key.length - 1;
      for (let i = 0; i < last; i++) {
        let next = node.get(key[i]!) as KeyTrie | undefined;
        if (next === undefined) {
          next = new Map();
          node.set(key[i]!, next);
        }
        node = next;
      }
      let group = node.get(key[last]!) as Group | undefined;
      if (group === undefined) {
        group = resolve(key);
        node.set(key[last]!, group);
      }
      return group;
    };
  };

  const add = (tally: Tally, batch: ColumnBatch): void => {
    const keep = filters.mask(batch);
    const keyCols: Column[] = view.groupBy.map((g) => columnOf(batch, g) ?? []);
    const measureCols: (Column | null)[] = view.measures.map((m) => (m.field === undefined ? null : (columnOf(batch, m.field) ?? [])));
    const key: KeyValue[] = new Array<KeyValue>(keyNames.length);
    const groupOf = groupLookup(tally);
    for (let i = 0; i < batch.count; i++) {
      if (keep && !keep[i]) continue;
      let k = 0;
      if (bucket !== null) key[k++] = Math.floor((batch.ts[i] as number) / bucket) * bucket;
      for (const col of keyCols) key[k++] = keyValue(col[i]);
      const group = groupOf(key);
      for (let m = 0; m < kinds.length; m++) {
        const col = measureCols[m];
        if (col === null || col === undefined) {
          kinds[m]!.add(group.state, offsets[m]!, 1);
          continue;
        }
        const v = col[i];
        if (v === null || v === undefined) continue;
        kinds[m]!.add(group.state, offsets[m]!, v);
      }
    }
  };

  const mergeKeyed = (dst: Tally, ks: string, key: KeyValue[], state: State): void => {
    const d = dst.get(ks);
    if (!d) {
      dst.set(ks, { key: key.slice(), state: cloneState(state) });
      return;
    }
    for (let m = 0; m < kinds.length; m++) kinds[m]!.merge(d.state, offsets[m]!, state, offsets[m]!);
  };
  const mergeInto = (dst: Tally, src: Tally): void => {
    for (const [ks, g] of src) mergeKeyed(dst, ks, g.key, g.state);
  };
  const mergeGroup = (dst: Tally, key: KeyValue[], state: State): void => mergeKeyed(dst, keyString(key), key, state);

  const fromRows = (rows: readonly SqlRow[]): Tally => {
    const tally: Tally = new Map();
    const nk = keyNames.length;
    for (const row of rows) {
      const key = row.slice(0, nk).map((v) => keyValue(typeof v === 'bigint' ? Number(v) : (v as KeyValue)));
      const parts = row.slice(nk);
      const state: State = [];
      let p = 0;
      for (const k of kinds) {
        const n = k.init().length;
        state.push(...k.fromSql(parts.slice(p, p + n)));
        p += n;
      }
      tally.set(keyString(key), { key, state });
    }
    return tally;
  };

  const finalize = (state: State): (number | null)[] => kinds.map((k, m) => k.finalize(state, offsets[m]!));

  return { view, keyNames, inexactParts, sql, add, mergeInto, mergeGroup, fromRows, finalize };
}
