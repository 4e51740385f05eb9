/**
 * A view's merged rows as columns for a file: the key columns (the time bucket as a timestamp, the
 * group-by fields in their own types), then per measure its merged value and its batch and speed
 * parts, so the file says what the dashboard says, split included.
 */
import type { ViewColumn } from '../batch/export/viewColumns';
import type { DatasetSchema, FieldType } from '../protocol/schema';
import { typeOf } from '../views/fieldSql';
import type { MeasureDef, ViewDef } from '../views/ViewDef';
import type { MergedView } from './mergeView';

function measureType(m: MeasureDef, schema: DatasetSchema): FieldType {
  if (m.op === 'count' || m.op === 'count_distinct') return 'integer';
  if (m.op === 'avg') return 'float';
  const t = m.field === undefined ? undefined : typeOf(schema, m.field);
  if (m.op === 'sum') return t === 'integer' ? 'integer' : 'float';
  return t === 'integer' || t === 'date' || t === 'timestamp' ? t : 'float';
}

export function viewExportColumns(def: ViewDef, schema: DatasetSchema, view: MergedView): ViewColumn[] {
  const columns: ViewColumn[] = view.keyNames.map((name, k) => ({
    name: def.bucketMs !== null && k === 0 ? 'bucket' : name,
    type: def.bucketMs !== null && k === 0 ? 'timestamp' : (typeOf(schema, name) ?? 'text'),
    values: view.rows.map((r) => r.key[k] ?? null),
  }));
  const taken = new Set(columns.map((c) => c.name.toLowerCase()));
  const unique = (name: string) => {
    let n = name;
    for (let i = 2; taken.has(n.toLowerCase()); i++) n = `${name}_${i}`;
    taken.add(n.toLowerCase());
    return n;
  };
  def.measures.forEach((m, i) => {
    const type = measureType(m, schema);
    const label = view.measureLabels[i] ?? m.label;
    columns.push({ name: unique(label), type, values: view.rows.map((r) => r.merged[i] ?? null) });
    columns.push({ name: unique(`${label} (batch)`), type, values: view.rows.map((r) => r.batch?.[i] ?? null) });
    columns.push({ name: unique(`${label} (speed)`), type, values: view.rows.map((r) => r.speed?.[i] ?? null) });
  });
  return columns;
}
