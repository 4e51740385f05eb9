/** Batch controls: recompute now, the recompute interval, pause; and the teaching experiments. */
import { useMutation } from '@tanstack/react-query';
import { BoundaryRules } from './BoundaryRules';
import { ControlError } from './ControlError';
import { FreezeButton } from './FreezeView';
import { KappaCompare } from './KappaCompare';
import { LateEvents } from './LateEvents';
import { TimeTravel } from './TimeTravel';
import { fmtDuration, fmtInt } from './format';
import { usePipeline, usePipelineSnapshot } from './PipelineContext';
import { errorText } from '../protocol/errorText';
import { runControl } from './runControl';

const INTERVALS = [5_000, 10_000, 30_000, 60_000];

export function Controls({ dataset }: { dataset: string | null }) {
  const pipeline = usePipeline();
  const s = usePipelineSnapshot();
  const recompute = useMutation({ mutationFn: () => pipeline.recomputeNow() });
  const streamStopped = s.ingest?.connection === 'stopped';
  return (
    <div className="controls">
      <button type="button" className="primary" data-testid="recompute-now" disabled={s.phase !== 'ready'} onClick={() => recompute.mutate()}>
        {s.batch.running ? 'Recomputing…' : 'Recompute now'}
      </button>
      <label>
        every{' '}
        <select
          data-testid="batch-interval"
          value={s.batchIntervalMs}
          onChange={(e) => {
            const ms = Number(e.target.value);
            runControl('batch-interval', 'Changing the recompute interval', () => pipeline.setBatchInterval(ms));
          }}
        >
          {[...new Set([...INTERVALS, s.batchIntervalMs])]
            .sort((a, b) => a - b)
            .map((ms) => (
              <option key={ms} value={ms}>
                {fmtDuration(ms)}
              </option>
            ))}
        </select>
      </label>
      <ControlError control="batch-interval" />
      <label>
        <input
          type="checkbox"
          data-testid="pause-batch"
          checked={s.batchPaused}
          onChange={(e) => {
            const paused = e.target.checked;
            runControl('pause-batch', paused ? 'Pausing batch' : 'Resuming batch', () => pipeline.setBatchPaused(paused));
          }}
        />{' '}
        pause batch
      </label>
      <ControlError control="pause-batch" />
      {recompute.data && (
        <span className="muted" data-testid="recompute-result">
          last: {fmtInt(recompute.data.eventsLoaded)} new events loaded, {fmtDuration(recompute.data.totalMs)}
        </span>
      )}
      {s.batch.error ? (
        <span className="error-text" data-testid="batch-error">
          recompute failed, batch views unchanged: {s.batch.error}
        </span>
      ) : (
        // A recompute can also fail after batch answered (the hand-over to the speed layer).
        recompute.error && (
          <span className="error-text" role="alert" data-testid="recompute-error">
            Recompute now failed: {errorText(recompute.error)}
          </span>
        )
      )}
      <FreezeButton />
      <details className="experiments">
        <summary>Experiments</summary>
        <fieldset className="exp-group">
          <legend className="exp-label">See it</legend>
          <LateEvents />
          <BoundaryRules dataset={dataset} />
          <KappaCompare dataset={dataset} />
          <button
            type="button"
            data-testid="rebuild-batch"
            title="Drop DuckDB's copy of the log and recompute every view from the log alone"
            onClick={() => runControl('rebuild-batch', 'Rebuilding the batch store', () => pipeline.rebuildBatch().then(() => undefined))}
          >
            Rebuild the batch store from the log
          </button>
          <ControlError control="rebuild-batch" />
        </fieldset>
        {dataset !== null && (
          <fieldset className="exp-group">
            <legend className="exp-label">Time travel</legend>
            <TimeTravel dataset={dataset} />
          </fieldset>
        )}
        <fieldset className="exp-group">
          <legend className="exp-label">Break it</legend>
          <label title="The speed layer loses every 10th event; reconciliation shows the drift and the next recompute corrects the totals">
            <input
              type="checkbox"
              data-testid="faulty-speed"
              checked={s.speedFault !== null}
              onChange={(e) => {
                const faulty = e.target.checked;
                runControl('faulty-speed', faulty ? 'Making the speed layer faulty' : 'Making the speed layer healthy again', () => pipeline.setSpeedFault(faulty ? 10 : null));
              }}
            />{' '}
            faulty speed layer
          </label>
          <ControlError control="faulty-speed" />
          <button
            type="button"
            data-testid="toggle-stream"
            disabled={s.ingest?.connection === 'elsewhere'}
            title={s.ingest?.connection === 'elsewhere' ? 'Another tab reads the stream for this workspace' : undefined}
            onClick={() => runControl('toggle-stream', streamStopped ? 'Reconnecting the stream' : 'Disconnecting the stream', () => pipeline.setStreamConnected(streamStopped))}
          >
            {streamStopped ? 'Reconnect the stream' : 'Disconnect the stream'}
          </button>
          <ControlError control="toggle-stream" />
          <button type="button" data-testid="fail-next-recompute" onClick={() => runControl('fail-next-recompute', 'Arming the failing recompute', () => pipeline.failNextRecompute())}>
            Make the next recompute fail halfway
          </button>
          <ControlError control="fail-next-recompute" />
          <button type="button" data-testid="restart-ingest" onClick={() => runControl('restart-ingest', 'Restarting the ingest worker', () => pipeline.restartWorker('ingest'))}>
            Kill and restart the ingest worker
          </button>
          <ControlError control="restart-ingest" />
          <button type="button" data-testid="restart-batch" onClick={() => runControl('restart-batch', 'Restarting the batch worker', () => pipeline.restartWorker('batch'))}>
            Kill and restart the batch worker
          </button>
          <ControlError control="restart-batch" />
        </fieldset>
      </details>
    </div>
  );
}
