/** Headline figures: one tile per measure of the dataset's totals view, each split into its batch part and its speed part. */
import { typeOf } from '../views/fieldSql';
import { MEASURES } from '../views/measures';
import type { ViewDef } from '../views/ViewDef';
import { slug, useBaseView, useDashboardViews } from './dashboardViews';
import { measureFormat } from './format';
import { usePipelineSnapshot } from './PipelineContext';
import { useDatasetStatus } from './selectedDataset';
import { RemoveViewButton } from './ViewCard';

/** Test ids from the labels ("Events" -> kpi-events), numbered when two labels read alike. */
function tileIds(labels: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return labels.map((label) => {
    const base = slug(label);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  });
}

const WHOLE_ROW = { gridColumn: '1 / -1' };

export function KpiTiles({ dataset }: { dataset: string | null }) {
  const def = useDashboardViews(dataset).tiles;
  if (!def) return null;
  return <Tiles def={def} />;
}

function Tiles({ def }: { def: ViewDef }) {
  const s = usePipelineSnapshot();
  const schema = useDatasetStatus(def.dataset)?.schema;
  const base = useBaseView(def);
  const view = s.views[def.id];
  const row = view?.rows[0];
  const ids = tileIds(def.measures.map((m) => m.label));
  return (
    <div className="kpis" data-view-id={def.id} data-ready={view !== undefined}>
      {s.userViewIds.includes(base.id) && (
        <div className="card-head" style={WHOLE_ROW}>
          <h2>{def.name}</h2>
          <RemoveViewButton view={base} />
        </div>
      )}
      {def.measures.map((m, i) => {
        const f = measureFormat(m.op, m.field === undefined || !schema ? undefined : typeOf(schema, m.field));
        // A sum's parts add up, so a part with no events is 0; a min, max or average of nothing has no value.
        const none = m.op === 'sum' ? 0 : MEASURES[m.op].empty;
        const merged = view ? (row?.merged[i] ?? none) : null;
        const batch = row?.batch?.[i] ?? none;
        const speed = row?.speed?.[i] ?? none;
        const id = ids[i];
        return (
          <div className="card kpi" key={id} data-testid={`kpi-${id}`}>
            <div className="kpi-label">{m.label}</div>
            <div className="kpi-value" data-testid={`kpi-${id}-merged`} data-value={f.raw(merged)}>
              {view ? f.text(merged) : 'waiting for batch…'}
            </div>
            <div className="kpi-split">
              <span className="part batch" data-testid={`kpi-${id}-batch`} data-value={f.raw(batch)}>
                batch {f.text(batch)}
              </span>
              <span className="part speed" data-testid={`kpi-${id}-speed`} data-value={f.raw(speed)}>
                + speed {f.text(speed)}
              </span>
            </div>
          </div>
        );
      })}
    </div>
  );
}
