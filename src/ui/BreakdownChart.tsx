/** The dataset's breakdown view (one group-by field): a bar per value, each split into its batch part and its speed part. */
import { ViewExport } from './export/ViewExport';
import { memo, useCallback, useMemo, useRef, useState } from 'react';
import { typeOf } from '../views/fieldSql';
import type { Pipeline } from '../serving/Pipeline';
import { baseViewId, type CrossFilter } from '../views/crossFilter';
import type { KeyValue, ViewDef } from '../views/ViewDef';
import { useBaseView, useDashboardViews } from './dashboardViews';
import { fmtInt, keyText, measureFormat, type MeasureFormat } from './format';
import { PartsAge } from './PartsAge';
import { PartsTooltip } from './PartsTooltip';
import { CrossFilterChoice } from './CrossFilterChoice';
import { usePipeline, usePipelineSnapshot } from './PipelineContext';
import { runControl } from './runControl';
import { LiveBars } from './LiveBars';
import { useDatasetStatus } from './selectedDataset';
import { useStaggered } from './useStaggered';
import { RemoveViewButton } from './ViewCard';

/** Bars drawn at most: the largest values; a breakdown of thousands of keys would be unreadable anyway. */
const MAX_BARS = 30;

export function BreakdownChart({ dataset }: { dataset: string | null }) {
  const def = useDashboardViews(dataset).breakdown;
  if (!def) {
    return dataset === null ? null : (
      <div className="card chart-card" data-testid="breakdown">
        <p className="muted">This dataset has no breakdown view; add one with New view (one group-by field, no time bucket).</p>
      </div>
    );
  }
  return <Breakdown key={baseViewId(def.id)} def={def} />;
}

function Breakdown({ def }: { def: ViewDef }) {
  const s = usePipelineSnapshot();
  const pipeline = usePipeline();
  const base = useBaseView(def);
  const cross = s.crossFilter;
  const onPick = useCallback((raw: KeyValue) => pickBar(pipeline, cross, base, raw), [pipeline, cross, base]);
  const schema = useDatasetStatus(def.dataset)?.schema;
  const view = useStaggered(s.views[def.id], 30, s.batch.running, undefined, def.id);
  const [chosen, setMetric] = useState(0);
  const metric = Math.min(chosen, def.measures.length - 1);
  const measure = def.measures[metric];
  const values = measureFormat(measure?.op ?? 'count', measure?.field === undefined || !schema ? undefined : typeOf(schema, measure.field));
  const keyType = schema ? typeOf(schema, def.groupBy[0] ?? '') : undefined;
  const all = useMemo(
    () =>
      (view?.rows ?? [])
        .map((r) => ({ key: keyText(keyType, r.key[0] ?? null), raw: r.key[0] ?? null, batch: r.batch?.[metric] ?? 0, speed: r.speed?.[metric] ?? 0, merged: r.merged[metric] ?? 0 }))
        .sort((a, b) => b.merged - a.merged),
    [view, metric, keyType],
  );
  const data = useMemo(() => all.slice(0, MAX_BARS), [all]);
  // The first pointer or focus on the card builds the cubes its values are answered from.
  const prepared = useRef(false);
  const prepare = useCallback(() => {
    const field = def.groupBy[0];
    if (prepared.current || field === undefined) return;
    prepared.current = true;
    runControl('cross-filter', 'Preparing the filter', () => pipeline.crossFilter.prepare(def.dataset, base.id, { kind: 'value', field }));
  }, [pipeline, def, base]);
  return (
    <div className="card chart-card" data-testid="breakdown" data-view-id={def.id} data-ready={view !== undefined}>
      <div className="card-head">
        <h2>{def.name}</h2>
        <PartsAge dataset={def.dataset} />
        <ViewExport def={base} />
        {def.measures.length > 1 && (
          <div className="seg">
            {def.measures.map((m, i) => (
              <button type="button" key={i} className={metric === i ? 'on' : ''} aria-pressed={metric === i} onClick={() => setMetric(i)}>
                {m.label}
              </button>
            ))}
          </div>
        )}
        {s.userViewIds.includes(base.id) && <RemoveViewButton view={base} />}
      </div>
      <CrossFilterChoice def={base} values={all} onFocus={prepare} />
      <Bars data={data} values={values} onPick={onPick} onEnter={prepare} />
      {all.length > data.length && (
        <p className="muted small">
          the {data.length} largest of {fmtInt(all.length)} values
        </p>
      )}
    </div>
  );
}

const MARGIN = { top: 4, right: 16, bottom: 0, left: 8 };
/** Axis labels are cut at this many characters (the tooltip shows the whole value). */
const MAX_LABEL = 40;
const shortKey = (k: unknown) => {
  const s = String(k);
  return s.length > MAX_LABEL ? `${s.slice(0, MAX_LABEL - 1)}…` : s;
};

/** The bars themselves, redrawn only when their data changes. */
/** A bar clicked: filter the other cards by its value, or clear the filter when it was the one chosen. */
function pickBar(pipeline: Pipeline, current: CrossFilter | null, def: ViewDef, raw: KeyValue): void {
  const field = def.groupBy[0];
  if (field === undefined) return;
  const same = current?.kind === 'value' && current.sourceViewId === def.id && current.value === raw;
  runControl('cross-filter', same ? 'Clearing the filter' : `Filtering the other cards by ${field}`, () =>
    pipeline.crossFilter.set(same ? null : { kind: 'value', dataset: def.dataset, field, value: raw, sourceViewId: def.id }),
  );
}

type Row = { key: string; raw: KeyValue; batch: number; speed: number; merged: number };

const Bars = memo(function Bars({ data, values, onPick, onEnter }: { data: Row[]; values: MeasureFormat; onPick: (raw: KeyValue) => void; onEnter: () => void }) {
  // Room for the longest label at ~6.5 px a character (11 px text), within reason.
  const labelWidth = Math.min(200, Math.max(36, 8 + 6.5 * Math.min(MAX_LABEL, Math.max(0, ...data.map((d) => d.key.length)))));
  return (
    <LiveBars
      data={data}
      label="Breakdown: batch part and speed part per value"
      layout="rows"
      height={Math.max(200, data.length * 22 + 50)}
      margin={MARGIN}
      fontSize={11}
      axisWidth={labelWidth}
      grid
      categoryText={(d) => shortKey(d.key)}
      valueTick={values.tick}
      tooltip={(d) => <PartsTooltip active label={d.key} payload={[{ payload: d }]} values={values} />}
      onPick={(d) => onPick(d.raw)}
      onEnter={onEnter}
    />
  );
});
