/** Headline totals, each split into its batch part and its speed part. */
import { TOTALS_VIEW } from '../views/defaultViews';
import { centsString, fmtInt, fmtMoney } from './format';
import { usePipelineSnapshot } from './PipelineContext';

const TILES = [
  { measure: 0, id: 'events', fmt: fmtInt, raw: (n: number) => String(n) },
  { measure: 1, id: 'revenue', fmt: fmtMoney, raw: centsString },
  { measure: 2, id: 'items', fmt: fmtInt, raw: (n: number) => String(n) },
] as const;

export function KpiTiles() {
  const view = usePipelineSnapshot().views[TOTALS_VIEW.id];
  const row = view?.rows[0];
  return (
    <div className="kpis">
      {TILES.map((t) => {
        const merged = row?.merged[t.measure] ?? (view ? 0 : null);
        const batch = row?.batch?.[t.measure] ?? 0;
        const speed = row?.speed?.[t.measure] ?? 0;
        return (
          <div className="card kpi" key={t.id} data-testid={`kpi-${t.id}`}>
            <div className="kpi-label">{TOTALS_VIEW.measures[t.measure]?.label}</div>
            <div className="kpi-value" data-testid={`kpi-${t.id}-merged`} data-value={merged === null ? '' : t.raw(merged)}>
              {merged === null ? 'waiting for batch…' : t.fmt(merged)}
            </div>
            <div className="kpi-split">
              <span className="part batch" data-testid={`kpi-${t.id}-batch`} data-value={t.raw(batch)}>
                batch {t.fmt(batch)}
              </span>
              <span className="part speed" data-testid={`kpi-${t.id}-speed`} data-value={t.raw(speed)}>
                + speed {t.fmt(speed)}
              </span>
            </div>
          </div>
        );
      })}
    </div>
  );
}
