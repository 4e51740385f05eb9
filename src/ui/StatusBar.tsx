/**
 * Live pipeline status. The socket's figures (connection, rate, what the server sent, in flight)
 * are the stream's; log size, watermark, lag and a stream's losses are the selected dataset's.
 */
import { fmtClock, fmtDuration, fmtInt, fmtNumber } from './format';
import { useStreamOffline } from './offline/streamOffline';
import { useNow, usePipelineSnapshot } from './PipelineContext';
import { useDatasetStatus } from './selectedDataset';
import { useServerStats } from './serverStats';
import { eventsHeld } from '../log/retention';

const CONNECTION_LABEL = {
  idle: 'not connected',
  connecting: 'connecting…',
  open: 'connected',
  backoff: 'disconnected, retrying',
  stopped: 'disconnected',
  elsewhere: 'live in another tab',
} as const;

function Stat({ label, value, testId, raw, title }: { label: string; value: string; testId: string; raw?: number | string; title?: string }) {
  return (
    <div className="stat" title={title}>
      <span className="stat-label">{label}</span>
      <span className="stat-value" data-testid={testId} data-value={raw}>
        {value}
      </span>
    </div>
  );
}

export function StatusBar({ dataset }: { dataset: string | null }) {
  const s = usePipelineSnapshot();
  const now = useNow();
  const ing = s.ingest;
  const status = useDatasetStatus(dataset);
  const logEvents = status ? eventsHeld(status) : 0;
  const w = (dataset !== null && Object.hasOwn(s.batch.w, dataset) ? s.batch.w[dataset] : undefined) ?? 0;
  // Past W seqs have no holes (retention cuts only at or below it): the seq distance is the events held.
  const pastW = (status?.highWater ?? 0) - w;
  const speed = s.speed?.datasets;
  const oldest = (dataset !== null && speed && Object.hasOwn(speed, dataset) ? speed[dataset]?.oldestAppendedAt : null) ?? null;
  const connection = ing?.connection ?? 'idle';
  const offline = useStreamOffline(connection) !== null;
  const stream = dataset !== null && ing && Object.hasOwn(ing.streams, dataset) ? ing.streams[dataset] : undefined;
  // Poll only while connected: a server known to be down would just fill the console with refused requests.
  const streams = useServerStats(connection === 'open').data;
  // The selected dataset's own stream when the server has one of its name; else everything it sent.
  const own = streams?.find((x) => x.id === dataset);
  const serverSent = own ? own.produced : streams?.reduce((n, x) => n + x.produced, 0);
  return (
    <div className="status-bar" data-testid="status-bar">
      <div className="stat">
        <span className="stat-label">Source</span>
        <span
          className="stat-value"
          title={offline ? 'The stream server cannot be reached. Everything in this browser works; the stream resumes where the log ends when the server is back.' : undefined}
        >
          <span className={`dot dot-${offline ? 'offline' : connection}`} />
          <span data-testid="status-connection" data-value={connection} data-offline={offline}>
            {offline ? 'offline' : CONNECTION_LABEL[connection]}
          </span>
        </span>
      </div>
      <Stat label="Events/s" value={fmtInt(ing?.eventsPerSecond ?? 0)} testId="status-rate" raw={Math.round(ing?.eventsPerSecond ?? 0)} />
      <Stat
        label="Server sent"
        value={fmtInt(serverSent)}
        testId="status-server-sent"
        raw={serverSent ?? ''}
        title={own ? `Offsets the server's stream ${own.id} has used` : 'Events the stream server reports it produced, over all its streams'}
      />
      <Stat
        label="In log"
        value={`${fmtInt(logEvents)}${status?.importing ? ' · importing…' : ''}`}
        testId="status-log"
        raw={logEvents}
        title={`Durable events of ${status?.name ?? 'this dataset'} in the IndexedDB log (the master dataset)`}
      />
      <Stat label="Batch W" value={fmtInt(w)} testId="status-w" raw={w} title="Watermark: the last seq the batch views include" />
      <Stat
        label="Batch lag"
        value={`${fmtInt(pastW)} ev · ${oldest === null ? '0 s' : fmtDuration(Math.max(0, Math.max(now, Date.now()) - oldest))}`}
        testId="status-lag"
        raw={pastW}
        title="Events in the log that batch has not absorbed yet (the speed layer holds them), and the age of the oldest"
      />
      <Stat
        label="Last recompute"
        value={s.batch.recomputedAt === null ? (s.batch.running ? 'running…' : '–') : `${fmtClock(s.batch.recomputedAt)} · ${fmtDuration(s.batch.lastDurationMs)}`}
        testId="status-recompute"
        raw={s.batch.recomputes}
        title={`${s.batch.recomputes} recomputes; the last loaded ${fmtInt(s.batch.lastEventsLoaded)} new events from the log in ${fmtDuration(s.batch.lastLoadMs)}`}
      />
      <span hidden data-testid="status-recompute-running" data-value={s.batch.running ? 1 : 0} />
      <span hidden data-testid="status-recompute-ms" data-value={s.batch.lastDurationMs ?? ''} />
      <span hidden data-testid="status-recompute-load-ms" data-value={s.batch.lastLoadMs ?? ''} />
      <span hidden data-testid="status-recompute-loaded" data-value={s.batch.lastEventsLoaded ?? ''} />
      <Stat
        label="DuckDB memory"
        value={s.batch.memoryBytes === null ? '–' : `${fmtNumber(s.batch.memoryBytes / 1048576)} MB`}
        testId="status-duckdb-memory"
        raw={s.batch.memoryBytes ?? ''}
        title="Memory held by DuckDB's buffer manager in the batch worker"
      />
      <Stat
        label="In flight"
        value={fmtInt(ing?.pending ?? 0)}
        testId="status-pending"
        raw={ing?.pending ?? 0}
        title="Received from the stream, not yet durable in the log (nor acknowledged, nor counted)"
      />
      {stream && stream.gapEvents > 0 && (
        <Stat label="Lost at source" value={`${fmtInt(stream.gapEvents)} ev`} testId="status-gap" raw={stream.gapEvents} title="Events the server could no longer replay: missing from the log" />
      )}
      {stream && stream.rejectedEvents > 0 && (
        <Stat
          label="Rejected"
          value={`${fmtInt(stream.rejectedEvents)} ev`}
          testId="status-rejected"
          raw={stream.rejectedEvents}
          title="Events that arrived invalid or unreadable and were never appended"
        />
      )}
    </div>
  );
}
