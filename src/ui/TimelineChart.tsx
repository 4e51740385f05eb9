/**
 * The merged time series of the dataset's timeline view: each bucket stacked as batch part + speed
 * part, the buckets holding any speed-layer contribution shaded, and a line at the boundary where
 * pure batch output ends.
 */
import { ViewExport } from './export/ViewExport';
import { memo, useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, ReferenceArea, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { DatasetStatus } from '../ingest/worker/protocol';
import { typeOf } from '../views/fieldSql';
import type { ViewDef } from '../views/ViewDef';
import { useDashboardViews } from './dashboardViews';
import { bucketFormat, fmtSpan, measureFormat, type BucketFormat, type MeasureFormat } from './format';
import { PartsAge } from './PartsAge';
import { PartsTooltip } from './PartsTooltip';
import { usePipelineSnapshot } from './PipelineContext';
import { PlainTick } from './PlainTick';
import { useDatasetStatus } from './selectedDataset';
import { useUiStore } from './uiStore';
import { useStaggered } from './useStaggered';
import { RemoveViewButton } from './ViewCard';

/** The windows offered, in buckets: at 10 s buckets 2, 5 and 15 min. */
const WINDOWS: (number | null)[] = [12, 30, 90, null];
/** A live stream shows its newest minutes; a file's events are all of interest at once. */
const defaultWindow = (origin: DatasetStatus['origin'] | undefined) => (origin === 'file' ? null : 30);

export function TimelineChart({ dataset }: { dataset: string | null }) {
  const def = useDashboardViews(dataset).timeline;
  if (!def) {
    return dataset === null ? null : (
      <div className="card chart-card" data-testid="timeline">
        <p className="muted">This dataset has no time-bucketed view; add one with New view (a time bucket, no group-by).</p>
      </div>
    );
  }
  // Keyed by view: the staggered data and its labels start afresh when the dataset changes.
  return <Timeline key={def.id} def={def} />;
}

function Timeline({ def }: { def: ViewDef }) {
  const s = usePipelineSnapshot();
  const status = useDatasetStatus(def.dataset);
  const view = useStaggered(s.views[def.id], 0, s.batch.running);
  const { timelineMetric, timelineWindows, setTimelineMetric, setTimelineWindow } = useUiStore();
  const metric = Math.min(timelineMetric, def.measures.length - 1);
  const windowBuckets = Object.hasOwn(timelineWindows, def.dataset) ? (timelineWindows[def.dataset] ?? null) : defaultWindow(status?.origin);
  const bucketMs = def.bucketMs ?? 1;
  const times = bucketFormat(bucketMs, status?.origin === 'file');
  const measure = def.measures[metric];
  const values = measureFormat(measure?.op ?? 'count', measure?.field === undefined || !status ? undefined : typeOf(status.schema, measure.field));
  // Derived once per shown view: a new array on every render would make recharts redo all its work.
  const data = useMemo(() => {
    const rows = view?.rows ?? [];
    const last = rows.length ? (rows[rows.length - 1]!.key[0] as number) : 0;
    const from = windowBuckets === null ? -Infinity : last - windowBuckets * bucketMs;
    return rows.filter((r) => (r.key[0] as number) > from).map((r) => ({ t: r.key[0] as number, batch: r.batch?.[metric] ?? 0, speed: r.speed?.[metric] ?? 0, merged: r.merged[metric] ?? 0 }));
  }, [view, metric, windowBuckets, bucketMs]);
  const boundary = view?.boundary ?? null;
  const shadedFrom = boundary !== null ? (data.find((d) => d.t >= boundary)?.t ?? null) : null;
  return (
    <div className="card chart-card" data-testid="timeline" data-view-id={def.id}>
      <div className="card-head">
        <h2>{def.name}</h2>
        <PartsAge dataset={def.dataset} />
        <ViewExport def={def} />
        {def.measures.length > 1 && (
          <div className="seg">
            {def.measures.map((m, i) => (
              <button type="button" key={i} className={metric === i ? 'on' : ''} aria-pressed={metric === i} onClick={() => setTimelineMetric(i)}>
                {m.label}
              </button>
            ))}
          </div>
        )}
        <div className="seg">
          {WINDOWS.map((w) => (
            <button type="button" key={w ?? 'all'} className={windowBuckets === w ? 'on' : ''} aria-pressed={windowBuckets === w} onClick={() => setTimelineWindow(def.dataset, w)}>
              {w === null ? 'all' : fmtSpan(w * bucketMs)}
            </button>
          ))}
        </div>
        {s.userViewIds.includes(def.id) && <RemoveViewButton view={def} />}
      </div>
      <p className="hint" data-testid="boundary" data-value={boundary ?? ''}>
        {boundary === null
          ? 'Every bucket is exact batch output: the speed layer holds nothing right now.'
          : `Buckets before ${times.full(boundary)} are exact batch output; shaded buckets include the speed layer's live tally, which the next recompute replaces.`}
      </p>
      <TimelineBars data={data} shadedFrom={shadedFrom} times={times} values={values} />
    </div>
  );
}

const MARGIN = { top: 10, right: 16, bottom: 0, left: 8 };
const REF_LABEL = { value: 'batch | speed', position: 'insideTopLeft', fontSize: 11, fill: 'var(--speed-ink)' } as const;

/** The bars themselves, redrawn only when their data changes. Formats are made once each (format.ts): recharts treats a new function as a changed prop. */
const TimelineBars = memo(function TimelineBars({
  data,
  shadedFrom,
  times,
  values,
}: {
  data: { t: number; batch: number; speed: number }[];
  shadedFrom: number | null;
  times: BucketFormat;
  values: MeasureFormat;
}) {
  return (
    <div className="chart">
      <ResponsiveContainer width="100%" height={280}>
        <BarChart data={data} margin={MARGIN} barCategoryGap={1}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" vertical={false} />
          {/* Fixed tick intervals: recharts' gap-based tick choice measures every label in the DOM on each redraw. */}
          <XAxis tick={PlainTick} dataKey="t" tickFormatter={times.tick} interval={Math.max(0, Math.ceil(data.length / 7) - 1)} fontSize={11} />
          <YAxis tick={PlainTick} tickFormatter={values.tick} fontSize={11} width={48} interval={0} />
          <Tooltip content={<PartsTooltip values={values} labelText={times.label} />} isAnimationActive={false} />
          {shadedFrom !== null && <ReferenceArea x1={shadedFrom} x2={data[data.length - 1]?.t} fill="var(--speed)" fillOpacity={0.12} ifOverflow="extendDomain" />}
          {shadedFrom !== null && <ReferenceLine x={shadedFrom} stroke="var(--speed-ink)" strokeDasharray="4 2" strokeWidth={2} label={REF_LABEL} />}
          <Bar dataKey="batch" name="batch (exact)" stackId="a" fill="var(--batch)" isAnimationActive={false} />
          <Bar dataKey="speed" name="speed (live tally)" stackId="a" fill="var(--speed)" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
});
