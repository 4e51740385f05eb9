/**
 * The architecture as it runs, for the dataset on screen: where its events come from, the log,
 * the batch and speed layers each with what they hold, the serving layer's last hand-over, and the
 * views. Every figure is live; each carries its raw number in data-value for tests.
 */
import type { ReactNode } from 'react';
import { isCrossView } from '../views/crossFilter';
import { useDashboardViews } from './dashboardViews';
import { fmtClock, fmtDuration, fmtInt } from './format';
import { usePipelineSnapshot } from './PipelineContext';
import { useDatasetStatus } from './selectedDataset';

function Figure({ id, value, text }: { id: string; value: number | string; text: string }) {
  return (
    <span className="fig" data-testid={`flow-${id}`} data-value={value}>
      {text}
    </span>
  );
}

function Box({ kind, title, children }: { kind: string; title: string; children: ReactNode }) {
  return (
    <div className={`flow-box flow-${kind}`}>
      <div className="flow-title">{title}</div>
      {children}
    </div>
  );
}

/** An arrow with what travels along it. */
function Arrow({ label }: { label: ReactNode }) {
  return (
    <div className="flow-arrow">
      <span className="flow-label">{label}</span>
      <span className="flow-line" aria-hidden="true" />
    </div>
  );
}

export function PipelineDiagram({ dataset }: { dataset: string | null }) {
  const s = usePipelineSnapshot();
  const status = useDatasetStatus(dataset);
  const views = useDashboardViews(dataset);
  if (dataset === null || !status) return null;
  const ing = s.ingest;
  const inLog = status.highWater;
  const w = (Object.hasOwn(s.batch.w, dataset) ? s.batch.w[dataset] : undefined) ?? 0;
  const speed = s.speed?.datasets && Object.hasOwn(s.speed.datasets, dataset) ? s.speed.datasets[dataset] : undefined;
  const stream = ing && Object.hasOwn(ing.streams, dataset) ? ing.streams[dataset] : undefined;
  const rate = Math.round(stream?.eventsPerSecond ?? 0);
  const last = s.handovers.find((h) => h.dataset === dataset);
  const drift = last ? last.views.reduce((n, v) => n + v.driftKeys, 0) : null;
  const viewCount = s.viewDefs.filter((v) => v.dataset === dataset && !isCrossView(v.id)).length;
  const source = status.origin === 'file' ? `${status.files.length} file${status.files.length === 1 ? '' : 's'}` : `stream ${status.name}`;
  return (
    <section className="card flow" data-testid="pipeline-diagram" aria-label="The pipeline, live">
      <div className="flow-row">
        <Box kind="source" title="Source">
          <div>{source}</div>
          {status.origin === 'stream' && <Figure id="rate" value={rate} text={`${fmtInt(rate)} events/s`} />}
        </Box>
        <Arrow label={status.origin === 'stream' ? `${fmtInt(rate)}/s` : 'imported'} />
        <Box kind="log" title="Log (IndexedDB)">
          <Figure id="log" value={inLog} text={`${fmtInt(inLog)} events`} />
          <div className="muted small">{fmtInt(status.segments)} segments, append-only</div>
        </Box>
        <div className="flow-fork">
          <div className="flow-branch">
            <Arrow label={`seq ≤ ${fmtInt(w)}`} />
            <Box kind="batch" title="Batch (DuckDB)">
              <div>
                W = <Figure id="w" value={w} text={fmtInt(w)} />
              </div>
              <div className="muted small">
                {s.batch.recomputedAt === null ? 'no recompute yet' : `at ${fmtClock(s.batch.recomputedAt)}, ${fmtDuration(s.batch.lastDurationMs)}`}
                {s.batchPaused ? ' · paused' : ''}
              </div>
            </Box>
          </div>
          <div className="flow-branch">
            <Arrow label={`seq > ${fmtInt(w)}`} />
            <Box kind="speed" title="Speed (live tally)">
              <Figure id="speed" value={speed?.events ?? 0} text={`${fmtInt(speed?.events ?? 0)} events`} />
              <div className="muted small">{speed?.oldestAppendedAt ? `oldest ${fmtDuration(Math.max(0, Date.now() - speed.oldestAppendedAt))} ago` : 'nothing past W'}</div>
            </Box>
          </div>
        </div>
        <Arrow label="merge" />
        <Box kind="serving" title="Serving">
          <div>batch at W + speed past W</div>
          {drift === null ? (
            <div className="muted small">no hand-over yet</div>
          ) : (
            <div className={drift === 0 ? 'ok small' : 'error-text small'}>
              last hand-over: <Figure id="drift" value={drift} text={drift === 0 ? 'no drift' : `${fmtInt(drift)} keys drifted`} />
            </div>
          )}
        </Box>
        <Arrow label="views" />
        <Box kind="views" title="Views">
          <Figure id="views" value={viewCount} text={`${viewCount} view${viewCount === 1 ? '' : 's'}`} />
          <div className="muted small">{views.tiles ? 'on this dashboard' : 'add one with New view'}</div>
        </Box>
      </div>
    </section>
  );
}
