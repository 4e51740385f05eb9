/**
 * One view on the dashboard: its merged result with the batch and speed parts visible, the
 * watermark it is relative to, and the last reconciliation of a hand-over.
 */
import { ViewExport } from './export/ViewExport';
import { useMemo } from 'react';
import type { DatasetSchema } from '../protocol/schema';
import type { MergedView } from '../serving/mergeView';
import type { Handover } from '../serving/Pipeline';
import { typeOf } from '../views/fieldSql';
import { MEASURES } from '../views/measures';
import type { KeyValue, ViewDef } from '../views/ViewDef';
import { ControlError } from './ControlError';
import { bucketFormat, fmtClock, fmtInt, fmtNumber, keyText, measureFormat, type BucketFormat, type MeasureFormat } from './format';
import { PartsAge } from './PartsAge';
import { usePipeline, usePipelineSnapshot } from './PipelineContext';
import { LiveBars } from './LiveBars';
import { PartsTooltip } from './PartsTooltip';
import { runControl } from './runControl';
import { useDatasetStatus } from './selectedDataset';
import { useStaggered } from './useStaggered';
import { Table } from './ViewTable';
import { viewText } from './viewText';
import { useBaseView } from './dashboardViews';

/** How a view's keys and measures read, from its dataset's schema and origin. */
export interface ViewFormats {
  /** Per key column (the bucket first, when there is one). */
  keys: ((k: KeyValue) => string)[];
  measures: MeasureFormat[];
  bucket: BucketFormat | null;
}

function viewFormats(view: ViewDef, schema: DatasetSchema | undefined, wallClock: boolean): ViewFormats {
  const type = (field: string | undefined) => (field === undefined || !schema ? undefined : typeOf(schema, field));
  const bucket = view.bucketMs === null ? null : bucketFormat(view.bucketMs, wallClock);
  const groupKeys = view.groupBy.map((g) => (k: KeyValue) => keyText(type(g), k));
  return {
    keys: [...(bucket ? [(k: KeyValue) => (k === null ? '(null)' : bucket.full(Number(k)))] : []), ...groupKeys],
    measures: view.measures.map((m) => measureFormat(m.op, type(m.field))),
    bucket,
  };
}

/** Removes one of the user's views; what went wrong, if anything, is shown beside it. */
export function RemoveViewButton({ view }: { view: ViewDef }) {
  const pipeline = usePipeline();
  return (
    <>
      <button type="button" aria-label={`Remove view ${view.name}`} onClick={() => runControl(`remove-${view.id}`, `Removing the view ${view.name}`, () => pipeline.removeView(view.id))}>
        Remove
      </button>
      <ControlError control={`remove-${view.id}`} />
    </>
  );
}

function Reconciliation({ view, handover }: { view: ViewDef; handover: Handover | undefined }) {
  const d = handover?.views.find((x) => x.viewId === view.id);
  if (!handover || !d) return <span className="muted">no hand-over reconciled yet</span>;
  return d.driftKeys === 0 ? (
    <span className="ok" data-testid="view-drift" data-value={0}>
      ✓ speed = batch on the {fmtInt(handover.events)} events handed over at {fmtClock(handover.at)}
    </span>
  ) : (
    <span className="error-text" data-testid="view-drift" data-value={d.driftKeys}>
      ✗ drift on {d.driftKeys} of {d.keys} keys at {fmtClock(handover.at)} (max {fmtNumber(d.maxAbsDrift)}); batch's figures now stand
    </span>
  );
}

const CHART_MARGIN = { top: 6, right: 8, bottom: 0, left: 0 };

function Chart({ merged: live, offsetMs, formats }: { merged: MergedView; offsetMs: number; formats: ViewFormats }) {
  const merged = useStaggered(live, offsetMs, usePipelineSnapshot().batch.running, undefined, live.id);
  const data = useMemo(() => merged.rows.slice(-60).map((r) => ({ t: r.key[0] as number, batch: r.batch?.[0] ?? 0, speed: r.speed?.[0] ?? 0, merged: r.merged[0] ?? 0 })), [merged]);
  const from = merged.boundary !== null ? data.findIndex((d) => d.t >= merged.boundary!) : -1;
  const times = formats.bucket ?? bucketFormat(1, false);
  const values = formats.measures[0] ?? measureFormat('count', undefined);
  // Made once per shown value: the card renders on every snapshot, the chart only when its data changes.
  return useMemo(
    () => (
      <LiveBars
        data={data}
        label="Batch part and speed part per bucket"
        layout="columns"
        height={180}
        margin={CHART_MARGIN}
        fontSize={10}
        axisWidth={40}
        categoryText={(d) => times.tick(d.t)}
        tickEvery={Math.ceil(data.length / 5)}
        valueTick={values.tick}
        boundary={from < 0 ? null : { from }}
        tooltip={(d) => <PartsTooltip active label={d.t} payload={[{ payload: d }]} values={values} labelText={times.label} />}
      />
    ),
    [data, from, times, values],
  );
}

export function ViewCard({
  view,
  merged,
  handover,
  removable,
  offsetMs = 60,
}: {
  view: ViewDef;
  merged: MergedView | undefined;
  /** The newest hand-over of the view's dataset. */
  handover: Handover | undefined;
  removable: boolean;
  offsetMs?: number;
}) {
  const status = useDatasetStatus(view.dataset);
  const base = useBaseView(view);
  const wallClock = status?.origin === 'file';
  // Keyed by the types the view reads, not the schema object: every ingest snapshot brings a new
  // copy of it, and new formats would redraw the table on every snapshot instead of on its own schedule.
  const schema = status?.schema;
  const types = [...view.groupBy, ...view.measures.map((m) => m.field ?? '')].map((f) => (schema ? typeOf(schema, f) : '')).join();
  // biome-ignore lint/correctness/useExhaustiveDependencies: `types` stands for the schema (above)
  const formats = useMemo(() => viewFormats(view, schema, wallClock), [view, types, wallClock]);
  const notes = [...new Set(view.measures.map((m) => MEASURES[m.op].note).filter((n): n is string => !!n))];
  return (
    <div className="card view-card" data-testid="view-card" data-view-id={view.id} data-view-name={view.name} data-ready={merged !== undefined}>
      <div className="card-head">
        <h2>{view.name}</h2>
        <PartsAge dataset={view.dataset} />
        <ViewExport def={base} />
        {removable && <RemoveViewButton view={base} />}
      </div>
      <p className="hint">
        {viewText(view)} · {status?.name ?? view.dataset}
      </p>
      {notes.map((n) => (
        <p key={n} className="hint">
          {n}
        </p>
      ))}
      <p className="hint">
        W {fmtInt(merged?.w)} · {merged ? `${merged.rows.filter((r) => r.speed).length} of ${merged.rows.length} rows hold live speed-layer events` : 'waiting for batch…'} ·{' '}
        <Reconciliation view={view} handover={handover} />
      </p>
      {merged &&
        (view.bucketMs !== null && view.groupBy.length === 0 ? (
          <Chart merged={merged} offsetMs={offsetMs} formats={formats} />
        ) : (
          <Table view={view} merged={merged} offsetMs={offsetMs} formats={formats} />
        ))}
    </div>
  );
}
