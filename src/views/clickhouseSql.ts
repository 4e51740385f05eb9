/**
 * A view's batch query in ClickHouse's dialect: the third target of the one view definition (after
 * DuckDB's SQL and the speed tally), for a batch layer on a ClickHouse cluster (issue 14).
 *
 * Written against the subset ClickHouse 18.16 (Debian's) and current releases share: no query
 * parameters, so values are escaped literals; no FILTER clause; no CTEs. The table holds each field
 * in the form the speed tally reads it (fieldRules' VALUE_FORM): a timestamp as Int64 ms since the
 * epoch, a date as Int32 days since 1970-01-01, a boolean as UInt8, every field Nullable; `ts` is
 * Float64 ms and `seq` Int64, as in the log. The rows come back (JSONCompact) in the shape DuckDB's
 * do, once `clickhouseRows` has turned 0/1 back into booleans, so one `fromRows` reads both.
 */
import type { DatasetSchema, FieldType } from '../protocol/schema';
import { compileView, type SqlRow } from './compileView';
import { typeOf } from './fieldSql';
import type { FilterDef, FilterValue, MeasureOp, ViewDef } from './ViewDef';

/** A ClickHouse identifier in backquotes: a field named ``a`; DROP TABLE x; --`` stays a field. */
export function chIdent(name: string): string {
  return `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``;
}

/** A ClickHouse string literal; every byte that could end or bend it is escaped. */
export function chString(s: string): string {
  return `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('\n', '\\n').replaceAll('\r', '\\r').replaceAll('\0', '\\0')}'`;
}

/** A value in the SQL: numbers as exact decimal text, text escaped, booleans as the UInt8 they are stored as. */
function chValue(v: FilterValue): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`a filter value must be a finite number, not ${v}`);
    return Object.is(v, -0) ? '0' : String(v);
  }
  return chString(v);
}

/** The column type a field of `type` has in a cluster table. */
export function chColumnType(type: FieldType): string {
  const base: Record<FieldType, string> = { integer: 'Int64', float: 'Float64', boolean: 'UInt8', text: 'String', date: 'Int32', timestamp: 'Int64' };
  return `Nullable(${base[type]})`;
}

function measureParts(op: MeasureOp, f: string | null): string[] {
  switch (op) {
    case 'count':
      return [f === null ? 'count()' : `count(${f})`];
    case 'sum':
    case 'avg':
      // Summed as Float64: an Int64 sum would wrap past 2^63 where DuckDB's is exact (both are exact below 2^53).
      return [`sum(toFloat64(${f}))`, `count(${f})`];
    case 'min':
    case 'max':
      return [`toFloat64(${op}(${f}))`];
    case 'count_distinct':
      // The values themselves, not uniqExact's number: distinct counts do not add across the batch/speed split.
      return [`groupUniqArray(${f})`];
  }
}

function filterSql(f: FilterDef): string {
  const col = chIdent(f.field);
  if (f.op === 'is null') return `isNull(${col})`;
  if (f.op === 'is not null') return `isNotNull(${col})`;
  if (f.op === 'in') return `${col} IN (${(f.value as FilterValue[]).map(chValue).join(', ')})`;
  return `${col} ${f.op === '!=' ? '!=' : f.op} ${chValue(f.value as FilterValue)}`;
}

function toSeq(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`a seq bound must be a whole number, not ${n}`);
  return String(n);
}

/** The view's SQL over `table` for events with `afterSeq < seq <= uptoSeq`, in ClickHouse's dialect. */
export function clickhouseSql(view: ViewDef, schema: DatasetSchema, table: string, afterSeq: number, uptoSeq: number): string {
  compileView(view, schema); // the same checks as every path: a view that does not compile has no SQL either
  const bucket = view.bucketMs;
  const keys = [...(bucket !== null ? [`floor(ts / ${bucket}) * ${bucket}`] : []), ...view.groupBy.map(chIdent)];
  const parts = view.measures.flatMap((m) => measureParts(m.op, m.field === undefined ? null : chIdent(m.field)));
  const select = [...keys.map((k, i) => `${k} AS k${i}`), ...parts.map((p, i) => `${p} AS s${i}`)].join(', ');
  const where = [`seq > ${toSeq(afterSeq)}`, `seq <= ${toSeq(uptoSeq)}`, ...(view.filters ?? []).map(filterSql)].join(' AND ');
  // Without keys an aggregate returns one row even for no events; the tally has none, so drop it.
  const tail = keys.length ? ` GROUP BY ${keys.map((_, i) => `k${i}`).join(', ')}` : ' HAVING count() > 0';
  return `SELECT ${select} FROM ${chIdent(table)} WHERE ${where}${tail}`;
}

type Scalar = number | string | boolean | null;

/** One JSON value as a key or state part: checked, since it comes from another process. */
function scalar(v: unknown, bool: boolean): Scalar {
  if (v === null) return null;
  if (bool) {
    if (v === 0 || v === 1) return v === 1;
  } else if (typeof v === 'number' || typeof v === 'string') return v;
  throw new Error(`ClickHouse answered ${JSON.stringify(v)} where a ${bool ? 'boolean (0 or 1)' : 'number or text'} was expected`);
}

/** ClickHouse's JSONCompact rows in DuckDB's shape: a boolean key or distinct value is 0/1 there, true/false here. */
export function clickhouseRows(view: ViewDef, schema: DatasetSchema, rows: readonly (readonly unknown[])[]): SqlRow[] {
  const keyBool = [...(view.bucketMs !== null ? [false] : []), ...view.groupBy.map((g) => typeOf(schema, g) === 'boolean')];
  // Per state part: is it a list of distinct values, and of booleans?
  const parts = view.measures.flatMap((m) => {
    if (m.op === 'sum' || m.op === 'avg')
      return [
        { list: false, bool: false },
        { list: false, bool: false },
      ];
    return [{ list: m.op === 'count_distinct', bool: m.field !== undefined && typeOf(schema, m.field) === 'boolean' }];
  });
  const width = keyBool.length + parts.length;
  return rows.map((row) => {
    if (row.length !== width) throw new Error(`ClickHouse answered a row of ${row.length} columns, not ${width}`);
    return row.map((v, i): SqlRow[number] => {
      if (i < keyBool.length) return scalar(v, keyBool[i]!);
      const p = parts[i - keyBool.length]!;
      if (!p.list) return scalar(v, false);
      if (!Array.isArray(v)) throw new Error(`ClickHouse answered ${JSON.stringify(v)} where a list of distinct values was expected`);
      return v.map((x) => scalar(x, p.bool));
    });
  });
}
