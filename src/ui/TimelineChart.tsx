/**
 * The merged time series: each bucket stacked as batch part + speed part, the buckets holding any
 * speed-layer contribution shaded, and a line at the boundary where pure batch output ends.
 */
import { memo, useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, ReferenceArea, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { TIMELINE_VIEW } from '../views/defaultViews';
import { fmtClock, fmtCompact, fmtIntValue, fmtMoneyValue } from './format';
import { usePipelineSnapshot } from './PipelineContext';
import { useUiStore, type TimelineMetric } from './uiStore';
import { PlainTick } from './PlainTick';
import { useStaggered } from './useStaggered';

const WINDOWS: { label: string; ms: number | null }[] = [
  { label: '2 min', ms: 2 * 60_000 },
  { label: '5 min', ms: 5 * 60_000 },
  { label: '15 min', ms: 15 * 60_000 },
  { label: 'all', ms: null },
];

export function TimelineChart() {
  const s = usePipelineSnapshot();
  const view = useStaggered(s.views[TIMELINE_VIEW.id], 0, s.batch.running);
  const { timelineMetric: metric, timelineWindowMs: windowMs, setTimelineMetric, setTimelineWindow } = useUiStore();
  // Derived once per shown view: a new array on every render would make recharts redo all its work.
  const data = useMemo(() => {
    const rows = view?.rows ?? [];
    const last = rows.length ? (rows[rows.length - 1]!.key[0] as number) : 0;
    return rows.filter((r) => windowMs === null || (r.key[0] as number) > last - windowMs).map((r) => ({ t: r.key[0] as number, batch: r.batch?.[metric] ?? 0, speed: r.speed?.[metric] ?? 0 }));
  }, [view, metric, windowMs]);
  const boundary = view?.boundary ?? null;
  const shadedFrom = boundary !== null ? (data.find((d) => d.t >= boundary)?.t ?? null) : null;
  return (
    <div className="card chart-card" data-testid="timeline">
      <div className="card-head">
        <h2>{TIMELINE_VIEW.name}</h2>
        <div className="seg">
          {TIMELINE_VIEW.measures.map((m, i) => (
            <button type="button" key={m.label} className={metric === i ? 'on' : ''} onClick={() => setTimelineMetric(i as TimelineMetric)}>
              {m.label}
            </button>
          ))}
        </div>
        <div className="seg">
          {WINDOWS.map((w) => (
            <button type="button" key={w.label} className={windowMs === w.ms ? 'on' : ''} onClick={() => setTimelineWindow(w.ms)}>
              {w.label}
            </button>
          ))}
        </div>
      </div>
      <p className="hint" data-testid="boundary" data-value={boundary ?? ''}>
        {boundary === null
          ? 'Every bucket is exact batch output: the speed layer holds nothing right now.'
          : `Buckets before ${fmtClock(boundary)} are exact batch output; shaded buckets include the speed layer's live tally, which the next recompute replaces.`}
      </p>
      <TimelineBars data={data} shadedFrom={shadedFrom} money={metric === 1} />
    </div>
  );
}

const MARGIN = { top: 10, right: 16, bottom: 0, left: 8 };
const REF_LABEL = { value: 'batch | speed', position: 'insideTopLeft', fontSize: 11, fill: '#b45309' } as const;

// Made once, like the formatters in format.ts: recharts treats a new function as a changed prop.
const bucketLabel = (t: unknown) => `bucket ${fmtClock(Number(t))}`;

/** The bars themselves, redrawn only when their data changes. */
const TimelineBars = memo(function TimelineBars({ data, shadedFrom, money }: { data: { t: number; batch: number; speed: number }[]; shadedFrom: number | null; money: boolean }) {
  return (
    <div className="chart">
      <ResponsiveContainer width="100%" height={280}>
        <BarChart data={data} margin={MARGIN} barCategoryGap={1}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" vertical={false} />
          {/* Fixed tick intervals: recharts' gap-based tick choice measures every label in the DOM on each redraw. */}
          <XAxis tick={PlainTick} dataKey="t" tickFormatter={fmtClock} interval={Math.max(0, Math.ceil(data.length / 7) - 1)} fontSize={11} />
          <YAxis tick={PlainTick} tickFormatter={fmtCompact} fontSize={11} width={48} interval={0} />
          <Tooltip labelFormatter={bucketLabel} formatter={money ? fmtMoneyValue : fmtIntValue} isAnimationActive={false} />
          {shadedFrom !== null && <ReferenceArea x1={shadedFrom} x2={data[data.length - 1]?.t} fill="#f59e0b" fillOpacity={0.12} ifOverflow="extendDomain" />}
          {shadedFrom !== null && <ReferenceLine x={shadedFrom} stroke="#b45309" strokeDasharray="4 2" strokeWidth={2} label={REF_LABEL} />}
          <Bar dataKey="batch" name="batch (exact)" stackId="a" fill="#2563eb" isAnimationActive={false} />
          <Bar dataKey="speed" name="speed (live tally)" stackId="a" fill="#f59e0b" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
});
