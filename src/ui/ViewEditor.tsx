/** Defining a view: dataset, group-by, time bucket, measures, filters. The view appears at once. */
import { useState } from 'react';
import type { FieldDef, FieldType } from '../protocol/schema';
import { parseValueText } from '../protocol/valueText';
import { MEASURES } from '../views/measures';
import { measureAccepts } from '../views/compileView';
import { BUCKETS, type FilterDef, type FilterOp, type FilterValue, type MeasureOp, type ViewDef } from '../views/ViewDef';
import { usePipeline, usePipelineSnapshot } from './PipelineContext';
import { useUiStore } from './uiStore';
import { measureText } from './viewText';
import { errorText } from '../protocol/errorText';

interface MeasureDraft {
  op: MeasureOp;
  field: string;
}
interface FilterDraft {
  field: string;
  op: FilterOp;
  value: string;
}

const OPS: { op: MeasureOp; label: string }[] = [
  { op: 'count', label: 'count' },
  { op: 'sum', label: 'sum' },
  { op: 'avg', label: 'average' },
  { op: 'min', label: 'min' },
  { op: 'max', label: 'max' },
  { op: 'count_distinct', label: 'count distinct (exact)' },
];
const FILTER_OPS: FilterOp[] = ['=', '!=', 'in', '<', '<=', '>', '>=', 'is null', 'is not null'];

function parseFilter(d: FilterDraft, fields: readonly FieldDef[]): FilterDef {
  if (d.op === 'is null' || d.op === 'is not null') return { field: d.field, op: d.op };
  const type = fields.find((f) => f.name === d.field)?.type ?? 'text';
  const parse = (s: string): FilterValue => {
    try {
      return parseValueText(type, s);
    } catch (e) {
      throw new Error(`filter on ${d.field}: ${errorText(e)}`);
    }
  };
  return d.op === 'in' ? { field: d.field, op: d.op, value: d.value.split(',').map((s) => parse(type === 'text' ? s.trim() : s)) } : { field: d.field, op: d.op, value: parse(d.value) };
}

/** What a filter's value box suggests for a field of each type. */
const PLACEHOLDER: Readonly<Record<FieldType, string>> = {
  integer: 'a whole number',
  float: 'a number',
  boolean: 'true or false',
  text: 'text',
  date: '2024-01-31',
  timestamp: '2024-01-31 13:45:00',
};

const fieldLabel = (f: FieldDef) => `${f.name} (${f.type})`;

/** `dataset`: the one the dashboard shows, chosen to begin with. */
export function ViewEditor({ dataset: shown, onClose }: { dataset: string | null; onClose: () => void }) {
  const pipeline = usePipeline();
  const snap = usePipelineSnapshot();
  const setShownDataset = useUiStore((u) => u.setDatasetId);
  const datasets = Object.entries(snap.ingest?.datasets ?? {});
  const [dataset, setDataset] = useState(shown ?? datasets[0]?.[0] ?? '');
  const fields = (dataset && (pipeline.schemaOf(dataset)?.fields ?? snap.ingest?.datasets[dataset]?.schema.fields)) || [];
  const [name, setName] = useState('');
  const [groupBy, setGroupBy] = useState<string[]>([]);
  const [bucketMs, setBucketMs] = useState<number | null>(null);
  const [measures, setMeasures] = useState<MeasureDraft[]>([{ op: 'count', field: '' }]);
  const [filters, setFilters] = useState<FilterDraft[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  // Fields picked belong to the dataset they were picked from.
  const chooseDataset = (id: string) => {
    setDataset(id);
    setGroupBy([]);
    setMeasures(measures.map((m) => ({ ...m, field: '' })));
    setFilters([]);
  };

  const save = async () => {
    setError(null);
    setSaving(true);
    try {
      const ms = measures.map((m) => {
        const def = m.field === '' ? { op: m.op } : { op: m.op, field: m.field };
        return { ...def, label: measureText(def) };
      });
      const def: ViewDef = {
        id: `view-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`,
        name: name.trim() || ms.map((m) => m.label).join(', '),
        dataset,
        groupBy,
        bucketMs,
        measures: ms,
        filters: filters.map((f) => parseFilter(f, fields)),
      };
      await pipeline.saveView(def);
      // A view made for another dataset would vanish from this dashboard: show its dataset.
      if (def.dataset !== shown) setShownDataset(def.dataset);
      onClose();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setSaving(false);
    }
  };

  const setMeasure = (i: number, patch: Partial<MeasureDraft>) => setMeasures(measures.map((m, j) => (j === i ? { ...m, ...patch } : m)));
  const setFilter = (i: number, patch: Partial<FilterDraft>) => setFilters(filters.map((f, j) => (j === i ? { ...f, ...patch } : f)));

  return (
    <div className="card editor" data-testid="view-editor">
      <div className="card-head">
        <h2>New view</h2>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
      <div className="editor-grid">
        <label>
          Name <input aria-label="View name" value={name} placeholder="(from the measures)" onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Dataset{' '}
          <select aria-label="View dataset" value={dataset} onChange={(e) => chooseDataset(e.target.value)}>
            {datasets.map(([id, d]) => (
              <option key={id} value={id}>
                {d.name}
              </option>
            ))}
          </select>
        </label>
        <fieldset>
          <legend>Group by</legend>
          {fields.map((f) => (
            <label key={f.name} className="check">
              <input
                type="checkbox"
                aria-label={`Group by ${f.name}`}
                checked={groupBy.includes(f.name)}
                onChange={(e) => setGroupBy(e.target.checked ? [...groupBy, f.name] : groupBy.filter((g) => g !== f.name))}
              />
              {fieldLabel(f)}
            </label>
          ))}
        </fieldset>
        <label>
          Time bucket{' '}
          <select aria-label="Time bucket" value={bucketMs ?? ''} onChange={(e) => setBucketMs(e.target.value === '' ? null : Number(e.target.value))}>
            <option value="">none</option>
            {BUCKETS.map((b) => (
              <option key={b.ms} value={b.ms}>
                {b.label}
              </option>
            ))}
          </select>
        </label>
        <fieldset>
          <legend>Measures</legend>
          {measures.map((m, i) => (
            <div key={i} className="row">
              <select aria-label={`Measure ${i + 1}`} value={m.op} onChange={(e) => setMeasure(i, { op: e.target.value as MeasureOp })}>
                {OPS.map((o) => (
                  <option key={o.op} value={o.op}>
                    {o.label}
                  </option>
                ))}
              </select>
              <select aria-label={`Measure ${i + 1} field`} value={m.field} onChange={(e) => setMeasure(i, { field: e.target.value })}>
                <option value="">{m.op === 'count' ? '(events)' : '(pick a field)'}</option>
                {fields
                  .filter((f) => measureAccepts(m.op, f.type))
                  .map((f) => (
                    <option key={f.name} value={f.name}>
                      {fieldLabel(f)}
                    </option>
                  ))}
              </select>
              {MEASURES[m.op].note && <span className="muted small">{MEASURES[m.op].note}</span>}
              <button type="button" aria-label={`Remove measure ${i + 1}`} onClick={() => setMeasures(measures.filter((_, j) => j !== i))}>
                ×
              </button>
            </div>
          ))}
          <button type="button" onClick={() => setMeasures([...measures, { op: 'sum', field: '' }])}>
            Add measure
          </button>
        </fieldset>
        <fieldset>
          <legend>Filters (all must hold)</legend>
          {filters.map((f, i) => (
            <div key={i} className="row">
              <select aria-label={`Filter ${i + 1} field`} value={f.field} onChange={(e) => setFilter(i, { field: e.target.value })}>
                {fields.map((x) => (
                  <option key={x.name} value={x.name}>
                    {fieldLabel(x)}
                  </option>
                ))}
              </select>
              <select aria-label={`Filter ${i + 1} operator`} value={f.op} onChange={(e) => setFilter(i, { op: e.target.value as FilterOp })}>
                {FILTER_OPS.map((o) => (
                  <option key={o}>{o}</option>
                ))}
              </select>
              {f.op !== 'is null' && f.op !== 'is not null' && (
                <input
                  aria-label={`Filter ${i + 1} value`}
                  value={f.value}
                  placeholder={f.op === 'in' ? 'a, b, c' : PLACEHOLDER[fields.find((x) => x.name === f.field)?.type ?? 'text']}
                  onChange={(e) => setFilter(i, { value: e.target.value })}
                />
              )}
              <button type="button" aria-label={`Remove filter ${i + 1}`} onClick={() => setFilters(filters.filter((_, j) => j !== i))}>
                ×
              </button>
            </div>
          ))}
          <button type="button" onClick={() => setFilters([...filters, { field: fields[0]?.name ?? '', op: '=', value: '' }])}>
            Add filter
          </button>
        </fieldset>
      </div>
      {error && (
        <p className="error-text" role="alert" data-testid="view-error">
          {error}
        </p>
      )}
      <button type="button" className="primary" disabled={saving || !dataset} onClick={() => void save()}>
        Add view
      </button>
    </div>
  );
}
