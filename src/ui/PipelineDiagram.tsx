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
import { FollowCaption, useFollow } from './FollowEvent';
import { eventsHeld, policyText } from '../log/retention';

function Figure({ id, value, text }: { id: string; value: number | string; text: string }) {
  return (
    <span className="fig" data-testid={`flow-${id}`} data-value={value}>
      {text}
    </span>
  );
}

function Box({ kind, title, here = false, children }: { kind: string; title: string; here?: boolean; children: ReactNode }) {
  return (
    <div className={`flow-box flow-${kind}${here ? ' flow-here' : ''}`} data-testid={`flow-box-${kind}`} data-here={here}>
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
  const status = useDatasetStatus(dataset);
  if (dataset === null || !status) return null;
  return <Diagram key={dataset} dataset={dataset} />;
}

function Diagram({ dataset }: { dataset: string }) {
  const s = usePipelineSnapshot();
  const status = useDatasetStatus(dataset)!;
  const views = useDashboardViews(dataset);
  const ing = s.ingest;
  const inLog = status.highWater;
  const w = (Object.hasOwn(s.batch.w, dataset) ? s.batch.w[dataset] : undefined) ?? 0;
  const cluster = Object.hasOwn(s.batch.clusters, dataset) ? s.batch.clusters[dataset] : undefined;
  const speed = s.speed?.datasets && Object.hasOwn(s.speed.datasets, dataset) ? s.speed.datasets[dataset] : undefined;
  const stream = ing && Object.hasOwn(ing.streams, dataset) ? ing.streams[dataset] : undefined;
  const rate = Math.round(stream?.eventsPerSecond ?? 0);
  const last = s.handovers.find((h) => h.dataset === dataset);
  const drift = last ? last.views.reduce((n, v) => n + v.driftKeys, 0) : null;
  const viewCount = s.viewDefs.filter((v) => v.dataset === dataset && !isCrossView(v.id)).length;
  const follow = useFollow(dataset, { highWater: inLog, w, speedLast: speed && speed.events > 0 ? speed.lastSeq : 0 }, status.origin === 'stream');
  const at = follow.stage;
  const source = status.origin === 'file' ? `${status.files.length} file${status.files.length === 1 ? '' : 's'}` : `stream ${status.name}`;
  return (
    <section className="card flow" data-testid="pipeline-diagram" aria-label="The pipeline, live">
      <div className="flow-row">
        <Box kind="source" title="Source" here={at === 'source'}>
          <div>{source}</div>
          {status.origin === 'stream' && <Figure id="rate" value={rate} text={`${fmtInt(rate)} events/s`} />}
        </Box>
        <Arrow label={status.origin === 'stream' ? `${fmtInt(rate)}/s` : 'imported'} />
        <Box kind="log" title="Log (IndexedDB)" here={at === 'log'}>
          <Figure id="log" value={eventsHeld(status)} text={`${fmtInt(eventsHeld(status))} events`} />
          <div className="muted small">
            {fmtInt(status.segments)} segments, append-only{status.retention && status.retention.policy.kind !== 'all' ? `; keeps ${policyText(status.retention.policy)}` : ''}
          </div>
        </Box>
        <div className="flow-fork">
          <div className="flow-branch">
            <Arrow label={`seq ≤ ${fmtInt(w)}`} />
            <Box kind="batch" title={cluster ? 'Batch (ClickHouse)' : 'Batch (DuckDB)'} here={at === 'batch'}>
              <div>
                W = <Figure id="w" value={w} text={fmtInt(w)} /> · lag <Figure id="lag" value={inLog - w} text={`${fmtInt(inLog - w)} events`} />
              </div>
              {cluster && (
                <div className="small" data-testid="batch-source" data-shards={cluster.shards}>
                  ClickHouse, {cluster.shards} shard{cluster.shards === 1 ? '' : 's'}, {fmtInt(w)} events{cluster.kept ? '' : `, ${fmtDuration(cluster.ms)}`}
                </div>
              )}
              {cluster?.kept && (
                <div className="small error-text" data-testid="batch-kept" role="status" title={cluster.kept}>
                  the cluster did not answer: W kept (see Messages)
                </div>
              )}
              <div className="muted small">
                {s.batch.recomputedAt === null ? 'no recompute yet' : `at ${fmtClock(s.batch.recomputedAt)}, ${fmtDuration(s.batch.lastDurationMs)}`}
                {s.batchPaused ? ' · paused' : ''}
              </div>
            </Box>
          </div>
          <div className="flow-branch">
            <Arrow label={`seq > ${fmtInt(w)}`} />
            <Box kind="speed" title="Speed (live tally)" here={at === 'speed'}>
              <Figure id="speed" value={speed?.events ?? 0} text={`${fmtInt(speed?.events ?? 0)} events`} />
              <div className="muted small">{speed?.oldestAppendedAt ? `oldest ${fmtDuration(Math.max(0, Date.now() - speed.oldestAppendedAt))} ago` : 'nothing past W'}</div>
            </Box>
          </div>
        </div>
        <Arrow label="merge" />
        <Box kind="serving" title="Serving" here={at === 'speed' || at === 'batch'}>
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
        <Box kind="views" title="Views" here={at === 'speed' || at === 'batch'}>
          <Figure id="views" value={viewCount} text={`${viewCount} view${viewCount === 1 ? '' : 's'}`} />
          <div className="muted small">{views.tiles ? 'on this dashboard' : 'add one with New view'}</div>
        </Box>
        {!follow.followed && (
          <button type="button" className="follow-start" data-testid="follow-event" onClick={follow.start} title="Light up the boxes that hold one event as it travels">
            {status.origin === 'stream' ? 'Follow the next event' : 'Follow its last event'}
          </button>
        )}
      </div>
      {follow.followed && at && <FollowCaption followed={follow.followed} stage={at} w={w} onStop={follow.stop} />}
    </section>
  );
}
