/**
 * The merged time series of the dataset's timeline view: each bucket stacked as batch part + speed
 * part, the buckets holding any speed-layer contribution shaded, and a line at the boundary where
 * pure batch output ends. Dragging across buckets (or arrows, Shift+arrows and Enter) brushes a
 * range that filters the other cards; a range can be zoomed to and panned while live buckets keep
 * collecting past it (TimelineRangeBar).
 */
import { ViewExport } from './export/ViewExport';
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { DatasetStatus } from '../ingest/worker/protocol';
import { baseViewId } from '../views/crossFilter';
import { typeOf } from '../views/fieldSql';
import type { ViewDef } from '../views/ViewDef';
import { useBaseView, useDashboardViews } from './dashboardViews';
import { bucketFormat, fmtSpan, measureFormat } from './format';
import { PartsAge } from './PartsAge';
import { usePipeline, usePipelineSnapshot } from './PipelineContext';
import { runControl } from './runControl';
import { useDatasetStatus } from './selectedDataset';
import { TimelineBars } from './TimelineBars';
import { TimelineRangeBar } from './TimelineRangeBar';
import { type KeyCursor, moveCursor, rangeOf, type TimeRange } from './timelineRange';
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
  // Keyed by view: the staggered data and its labels start afresh when the dataset changes; not when a
  // cross filter puts its twin in its place (the chart stays mounted and redraws at once).
  return <Timeline key={baseViewId(def.id)} def={def} />;
}

function Timeline({ def }: { def: ViewDef }) {
  const s = usePipelineSnapshot();
  const pipeline = usePipeline();
  const base = useBaseView(def);
  const status = useDatasetStatus(def.dataset);
  const view = useStaggered(s.views[def.id], 0, s.batch.running, undefined, def.id);
  const { timelineMetric, timelineWindows, timelineZoom, setTimelineMetric, setTimelineWindow } = useUiStore();
  const metric = Math.min(timelineMetric, def.measures.length - 1);
  const zoom = timelineZoom[def.dataset] ?? null;
  const windowBuckets = Object.hasOwn(timelineWindows, def.dataset) ? (timelineWindows[def.dataset] ?? null) : defaultWindow(status?.origin);
  const bucketMs = def.bucketMs ?? 1;
  const times = bucketFormat(bucketMs, status?.origin === 'file');
  const measure = def.measures[metric];
  const values = measureFormat(measure?.op ?? 'count', measure?.field === undefined || !status ? undefined : typeOf(status.schema, measure.field));
  const rows = view?.rows;
  // Derived once per shown view: a new array on every render would make recharts redo all its work.
  const data = useMemo(() => {
    const all = rows ?? [];
    const last = all.length ? (all[all.length - 1]!.key[0] as number) : 0;
    const shown = zoom ?? { from: windowBuckets === null ? -Infinity : last - windowBuckets * bucketMs + 1, to: Infinity };
    return all
      .filter((r) => (r.key[0] as number) >= shown.from && (r.key[0] as number) < shown.to)
      .map((r) => ({ t: r.key[0] as number, batch: r.batch?.[metric] ?? 0, speed: r.speed?.[metric] ?? 0, merged: r.merged[metric] ?? 0 }));
  }, [rows, metric, windowBuckets, bucketMs, zoom]);
  const newest = rows?.length ? (rows[rows.length - 1]!.key[0] as number) : null;
  const boundary = view?.boundary ?? null;
  const shadedFrom = boundary !== null ? (data.find((d) => d.t >= boundary)?.t ?? null) : null;

  const cross = s.crossFilter;
  const brushed: TimeRange | null = cross?.kind === 'range' && cross.sourceViewId === base.id ? { from: cross.from, to: cross.to } : null;
  const [drag, setDrag] = useState<KeyCursor | null>(null);
  const [cursor, setCursor] = useState<KeyCursor | null>(null);
  const pending = drag ?? cursor;
  const chosen = pending ? rangeOf(pending.anchor, pending.head, bucketMs) : brushed;
  // One object per range, so that the memoised bars redraw when it changes, not on every render.
  const [selFrom, selTo] = [chosen?.from ?? null, chosen?.to ?? null];
  const selection = useMemo(() => (selFrom === null || selTo === null ? null : { from: selFrom, to: selTo }), [selFrom, selTo]);
  const brush = (r: TimeRange | null) =>
    runControl('cross-filter', r ? `Filtering the other cards by ${times.full(r.from)} to ${times.full(r.to)}` : 'Clearing the filter', () =>
      pipeline.crossFilter.set(r ? { kind: 'range', dataset: def.dataset, sourceViewId: base.id, bucketMs, from: r.from, to: r.to } : null),
    );
  // Stable handlers, so that the memoised bars redraw for data, not for every render of the card.
  const latest = useRef({ drag, brushed, brush });
  latest.current = { drag, brushed, brush };
  const mouse = useMemo(
    () => ({
      onDown: (t: number | null) => {
        if (t !== null) setDrag({ anchor: t, head: t });
      },
      onMove: (t: number | null) => {
        if (t !== null) setDrag((d) => (d && d.head !== t ? { ...d, head: t } : d));
      },
      onUp: (t: number | null) => {
        const { drag, brushed, brush } = latest.current;
        if (!drag) return;
        setDrag(null);
        const r = rangeOf(drag.anchor, t ?? drag.head, bucketMs);
        // A click on the one brushed range clears it; anything else brushes.
        brush(brushed && r.from === brushed.from && r.to === brushed.to ? null : r);
      },
    }),
    [bucketMs],
  );
  // The first pointer or focus on the chart builds the cubes its ranges are answered from.
  const prepared = useRef(false);
  const prepare = () => {
    if (prepared.current || def.bucketMs === null) return;
    prepared.current = true;
    runControl('cross-filter', 'Preparing the time filter', () => pipeline.crossFilter.prepare(def.dataset, base.id, { kind: 'range', bucketMs }));
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && cursor) {
      brush(rangeOf(cursor.anchor, cursor.head, bucketMs));
      setCursor(null);
    } else if (e.key === 'Escape') {
      setCursor(null);
      if (brushed) brush(null);
    } else {
      const next = moveCursor(
        cursor,
        e.key,
        e.shiftKey,
        data.map((d) => d.t),
      );
      if (!next) return;
      setCursor(next);
    }
    e.preventDefault();
  };
  return (
    <div className="card chart-card" data-testid="timeline" data-view-id={def.id} data-ready={view !== undefined}>
      <div className="card-head">
        <h2>{def.name}</h2>
        <PartsAge dataset={def.dataset} />
        <ViewExport def={base} />
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
            <button type="button" key={w ?? 'all'} className={!zoom && windowBuckets === w ? 'on' : ''} aria-pressed={!zoom && windowBuckets === w} onClick={() => setTimelineWindow(def.dataset, w)}>
              {w === null ? 'all' : fmtSpan(w * bucketMs)}
            </button>
          ))}
        </div>
        {s.userViewIds.includes(base.id) && <RemoveViewButton view={base} />}
      </div>
      <p className="hint" data-testid="boundary" data-value={boundary ?? ''}>
        {boundary === null
          ? 'Every bucket is exact batch output: the speed layer holds nothing right now.'
          : `Buckets before ${times.full(boundary)} are exact batch output; shaded buckets include the speed layer's live tally, which the next recompute replaces.`}
      </p>
      <TimelineRangeBar dataset={def.dataset} bucketMs={bucketMs} times={times} brushed={brushed} zoom={zoom} newest={newest} onBrush={brush} />
      {/* A slider over the shown buckets: its value is the bucket the keyboard's range reaches. */}
      <div
        className="chart-focus"
        tabIndex={0}
        role="slider"
        aria-valuemin={0}
        aria-valuemax={Math.max(0, data.length - 1)}
        aria-valuenow={
          cursor
            ? Math.max(
                0,
                data.findIndex((d) => d.t === cursor.head),
              )
            : Math.max(0, data.length - 1)
        }
        aria-valuetext={selection ? `${times.full(selection.from)} to ${times.full(selection.to)}` : 'no range chosen'}
        aria-label={`${def.name}: arrow keys choose a bucket, Shift+arrows widen the range, Enter filters the other cards by it, Escape clears`}
        data-testid="timeline-chart"
        onPointerEnter={prepare}
        onFocus={prepare}
        onKeyDown={onKey}
        onBlur={() => setCursor(null)}
      >
        <TimelineBars data={data} shadedFrom={shadedFrom} w={view?.w ?? 0} times={times} values={values} selection={selection} onDown={mouse.onDown} onMove={mouse.onMove} onUp={mouse.onUp} />
      </div>
    </div>
  );
}
