/** How a view definition reads to a person. */
import { BUCKETS, type FilterDef, type MeasureDef, type ViewDef } from '../views/ViewDef';

export function measureText(m: Pick<MeasureDef, 'op' | 'field'>): string {
  if (m.op === 'count') return m.field === undefined ? 'count' : `count(${m.field})`;
  if (m.op === 'count_distinct') return `count distinct(${m.field ?? ''})`;
  return `${m.op}(${m.field ?? ''})`;
}

export function filterText(f: FilterDef): string {
  if (f.op === 'is null' || f.op === 'is not null') return `${f.field} ${f.op}`;
  const v = Array.isArray(f.value) ? `(${f.value.map((x) => JSON.stringify(x)).join(', ')})` : JSON.stringify(f.value);
  return `${f.field} ${f.op} ${v}`;
}

export function viewText(v: ViewDef): string {
  const parts = [v.measures.map(measureText).join(', ')];
  if (v.groupBy.length) parts.push(`by ${v.groupBy.join(', ')}`);
  if (v.bucketMs !== null) parts.push(`per ${BUCKETS.find((b) => b.ms === v.bucketMs)?.label ?? `${v.bucketMs} ms`}`);
  if (v.filters?.length) parts.push(`where ${v.filters.map(filterText).join(' and ')}`);
  return parts.join(' ');
}
