/**
 * Random schemas, events and views for the two-path fuzz suites (DuckDB, ClickHouse): hostile
 * names and strings, nulls, the ends of each type, out-of-order and far-off event times.
 */
import { schemaProblem, type Column, type ColumnBatch, type DatasetSchema, type FieldDef, type FieldType, type FieldValue } from '../../protocol/schema';
import { measureAccepts } from '../compileView';
import { BUCKETS, type FilterDef, type MeasureDef, type MeasureOp, type ViewDef } from '../ViewDef';

const NAMES = ['amount', 'amount"; DROP TABLE x; --', 'ünï cödé', 'a b', 'SELECT', '"', "it's", 'x.y', 'k', 'Country', 'country', '数量', '🙂'];
const STRINGS = ['', 'US', 'DE', 'ünï', '🙂', '\uFF5E', 'Z', 'z', '\u00e9', "O'Brien", 'a"b', '<script>alert(1)</script>', ' lead', 'trail ', 'x'.repeat(200), 'NULL'];
const NUMBERS = [0, -0, 1, -1, 2.5, -7.25, 1e-9, -1e-9, 123456.789, 1e12, -1e12, 9.5e14, 0.1, 0.2, 0.3];
// Integers include an int16's ends (summed, they overflow an int16) and values whose sums stay below 2^53.
const INTEGERS = [0, 1, -1, 32_767, -32_768, 65_535, 2 ** 31, -(2 ** 31), 2 ** 40 + 7, -(2 ** 40) - 3];
const DATES = [0, -1, 19_000, -25_567, 84_000, 11_016];
const TIMESTAMPS = [0, -1, 1, 1_700_000_000_123, -2_208_988_800_000, 7_258_118_400_000, 951_782_400_999];
const TYPES: readonly FieldType[] = ['integer', 'float', 'boolean', 'text', 'date', 'timestamp'];

/** A random value of a field type, in the form the log holds it. */
export function randomValue(r: () => number, type: FieldType): number | string | boolean {
  switch (type) {
    case 'float':
      return r() < 0.6 ? pick(r, NUMBERS) : Math.round((r() - 0.5) * 1e6) / 100;
    case 'integer':
      return r() < 0.5 ? pick(r, INTEGERS) : Math.floor((r() - 0.5) * 2000);
    case 'boolean':
      return r() < 0.5;
    case 'date':
      return r() < 0.5 ? pick(r, DATES) : 19_000 + Math.floor(r() * 40);
    case 'timestamp':
      return r() < 0.5 ? pick(r, TIMESTAMPS) : 1_700_000_000_000 + Math.floor(r() * 1e7);
    case 'text':
      return pick(r, STRINGS);
  }
}

export function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

export function randomSchema(r: () => number): DatasetSchema {
  const n = 1 + Math.floor(r() * 4);
  const names = [...NAMES].sort(() => r() - 0.5).slice(0, n);
  const schema = { fields: names.map((name): FieldDef => ({ name, type: pick(r, TYPES) })) };
  // The log refuses schemas DuckDB cannot hold (see the pinned seed 1379): drop such a field.
  return schemaProblem(schema) === null ? schema : { fields: schema.fields.filter((f) => f.name !== 'Country') };
}

export function randomEvents(r: () => number, schema: DatasetSchema, n: number): ColumnBatch {
  const t0 = 1_700_000_000_000;
  const ts: number[] = [];
  const columns: Record<string, FieldValue[]> = {};
  for (const f of schema.fields) columns[f.name] = [];
  for (let i = 0; i < n; i++) {
    const u = r();
    // Out of order, duplicated, far past and future event times.
    ts.push(u < 0.1 ? (ts[Math.floor(r() * ts.length)] ?? t0) : u < 0.13 ? t0 - 5e11 + Math.floor(r() * 1e6) : u < 0.16 ? t0 + 5e11 : t0 + Math.floor((r() - 0.5) * 7_200_000));
    for (const f of schema.fields) {
      const col = columns[f.name]!;
      col.push(r() < 0.12 ? null : randomValue(r, f.type));
    }
  }
  return { count: n, ts, columns: columns as Record<string, Column> };
}

export function randomView(r: () => number, schema: DatasetSchema, events: ColumnBatch): ViewDef {
  const fieldsFor = (op: MeasureOp) => schema.fields.filter((f) => measureAccepts(op, f.type));
  const groupBy = schema.fields
    .filter(() => r() < 0.3)
    .map((f) => f.name)
    .slice(0, 2);
  const measures: MeasureDef[] = [];
  const nm = 1 + Math.floor(r() * 4);
  for (let i = 0; i < nm; i++) {
    const ops = (['count', 'sum', 'min', 'max', 'avg', 'count_distinct'] as const).filter((op) => fieldsFor(op).length > 0);
    const op = pick(r, ops);
    if (op === 'count' && r() < 0.5) measures.push({ op, label: 'n' });
    else measures.push({ op, field: pick(r, fieldsFor(op)).name, label: op });
  }
  const filters: FilterDef[] = [];
  if (r() < 0.5) {
    const f = pick(r, schema.fields);
    const seen = (events.columns[f.name] ?? []).filter((v) => v !== null);
    const some = () => (seen.length && r() < 0.8 ? pick(r, seen) : randomValue(r, f.type));
    const ops = f.type === 'boolean' ? (['=', '!=', 'in', 'is null', 'is not null'] as const) : (['=', '!=', 'in', '<', '<=', '>', '>=', 'is null', 'is not null'] as const);
    const op = pick(r, ops);
    filters.push(op === 'in' ? { field: f.name, op, value: [some(), some()] } : op === 'is null' || op === 'is not null' ? { field: f.name, op } : { field: f.name, op, value: some() });
  }
  return { id: 'v', name: 'fuzz', dataset: 'd', groupBy, bucketMs: r() < 0.5 ? null : pick(r, BUCKETS).ms, measures, filters };
}
