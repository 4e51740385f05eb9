/** Batch controls: recompute now, the recompute interval, pause. */
import { useMutation } from '@tanstack/react-query';
import { fmtDuration, fmtInt } from './format';
import { usePipeline, usePipelineSnapshot } from './PipelineContext';

const INTERVALS = [5_000, 10_000, 30_000, 60_000];

export function Controls() {
  const pipeline = usePipeline();
  const s = usePipelineSnapshot();
  const recompute = useMutation({ mutationFn: () => pipeline.recomputeNow() });
  return (
    <div className="controls">
      <button type="button" className="primary" data-testid="recompute-now" disabled={s.phase !== 'ready'} onClick={() => recompute.mutate()}>
        {s.batch.running ? 'Recomputing…' : 'Recompute now'}
      </button>
      <label>
        every{' '}
        <select data-testid="batch-interval" value={s.batchIntervalMs} onChange={(e) => pipeline.setBatchInterval(Number(e.target.value))}>
          {[...new Set([...INTERVALS, s.batchIntervalMs])]
            .sort((a, b) => a - b)
            .map((ms) => (
              <option key={ms} value={ms}>
                {fmtDuration(ms)}
              </option>
            ))}
        </select>
      </label>
      <label>
        <input type="checkbox" data-testid="pause-batch" checked={s.batchPaused} onChange={(e) => pipeline.setBatchPaused(e.target.checked)} /> pause batch
      </label>
      {recompute.data && (
        <span className="muted" data-testid="recompute-result">
          last: {fmtInt(recompute.data.eventsLoaded)} new events loaded, {fmtDuration(recompute.data.totalMs)}
        </span>
      )}
      {s.batch.error && (
        <span className="error-text" data-testid="batch-error">
          recompute failed, batch views unchanged: {s.batch.error}
        </span>
      )}
      <details className="experiments">
        <summary>Experiments</summary>
        <label title="The speed layer loses every 10th event; reconciliation shows the drift and the next recompute corrects the totals">
          <input type="checkbox" data-testid="faulty-speed" checked={s.speedFault !== null} onChange={(e) => void pipeline.setSpeedFault(e.target.checked ? 10 : null)} /> faulty speed layer
        </label>
        <button
          type="button"
          data-testid="toggle-stream"
          disabled={s.ingest?.connection === 'elsewhere'}
          title={s.ingest?.connection === 'elsewhere' ? 'Another tab reads the stream for this workspace' : undefined}
          onClick={() => void pipeline.setStreamConnected(s.ingest?.connection === 'stopped')}
        >
          {s.ingest?.connection === 'stopped' ? 'Reconnect the stream' : 'Disconnect the stream'}
        </button>
        <button type="button" data-testid="fail-next-recompute" onClick={() => void pipeline.failNextRecompute()}>
          Make the next recompute fail halfway
        </button>
        <button type="button" data-testid="restart-ingest" onClick={() => void pipeline.restartWorker('ingest')}>
          Kill and restart the ingest worker
        </button>
        <button type="button" data-testid="restart-batch" onClick={() => void pipeline.restartWorker('batch')}>
          Kill and restart the batch worker
        </button>
      </details>
    </div>
  );
}
