/**
 * The server's live streams and what this workspace does with each: its schema, whether it is read
 * (subscribe, pause, stop), how fast its events become durable here, and how far the log is behind
 * the server. Each stream feeds a dataset of its own name.
 */
import type { FollowState, OfferedStream, StreamStatus } from '../ingest/worker/protocol';
import { ControlError } from './ControlError';
import { fmtInt } from './format';
import { usePipeline, usePipelineSnapshot } from './PipelineContext';
import { runControl } from './runControl';
import { useServerStats } from './serverStats';

const STATE_TEXT: Record<FollowState | 'retired', string> = {
  on: 'reading',
  paused: 'paused',
  off: 'not read',
  retired: 'retired by the server',
};

function FollowButtons({ id, state }: { id: string; state: FollowState | 'retired' }) {
  const pipeline = usePipeline();
  const set = (next: FollowState, what: string) => runControl(`follow-${id}`, `${what} ${id}`, () => pipeline.follow.set(id, next));
  if (state === 'retired') return null;
  return (
    <>
      {state !== 'on' && (
        <button type="button" data-testid="stream-subscribe" onClick={() => set('on', state === 'paused' ? 'Resuming' : 'Subscribing to')}>
          {state === 'paused' ? 'Resume' : 'Subscribe'}
        </button>
      )}
      {state === 'on' && (
        <button type="button" data-testid="stream-pause" onClick={() => set('paused', 'Pausing')}>
          Pause
        </button>
      )}
      {state !== 'off' && (
        <button type="button" data-testid="stream-unsubscribe" onClick={() => set('off', 'Unsubscribing from')}>
          Unsubscribe
        </button>
      )}
    </>
  );
}

function StreamRow({
  s,
  status,
  produced,
  elsewhere,
}: {
  s: OfferedStream | { id: string; fields: null; nextOffset: null };
  status: StreamStatus | undefined;
  produced: number | undefined;
  elsewhere: boolean;
}) {
  const state = status?.follow ?? (s.fields === null ? 'retired' : 'off');
  const lag = produced !== undefined && status && state !== 'off' ? Math.max(0, produced - status.durableOffset) : null;
  return (
    <tr data-testid="stream-row" data-id={s.id} data-state={state} data-durable={status?.durableOffset ?? ''} data-lag={lag ?? ''}>
      <td>
        <strong>{s.id}</strong>
      </td>
      <td className="schema" title={s.fields?.map((f) => `${f.name}: ${f.type}`).join('\n')}>
        {s.fields === null ? '–' : s.fields.map((f) => `${f.name} ${f.type}`).join(', ')}
      </td>
      <td data-testid="stream-state">{elsewhere ? 'read by the other tab' : STATE_TEXT[state]}</td>
      <td className="num">{state === 'on' ? `${fmtInt(Math.round(status?.eventsPerSecond ?? 0))}/s` : '–'}</td>
      <td className="num">{status ? fmtInt(status.durableOffset) : '–'}</td>
      <td className="num" title="Events the server holds that this log does not have yet">
        {lag === null ? '–' : fmtInt(lag)}
      </td>
      <td className="num" title="Events the server could no longer replay, and messages refused">
        {status ? `${fmtInt(status.gapEvents)} / ${fmtInt(status.rejectedEvents)}` : '–'}
      </td>
      <td className="actions">
        {!elsewhere && <FollowButtons id={s.id} state={state} />}
        <ControlError control={`follow-${s.id}`} />
      </td>
    </tr>
  );
}

export function StreamsPanel() {
  const s = usePipelineSnapshot();
  const ing = s.ingest;
  const server = useServerStats(ing?.connection === 'open').data;
  if (!ing || ing.url === '') return null;
  const offered = ing.offered;
  const offeredIds = new Set(offered.map((o) => o.id));
  // Streams this workspace read that the server no longer offers still show, as retired.
  const gone = Object.keys(ing.streams)
    .filter((id) => !offeredIds.has(id) && ing.streams[id]?.follow === 'retired')
    .map((id) => ({ id, fields: null, nextOffset: null }));
  const produced = new Map(server?.map((x) => [x.id, x.produced]));
  return (
    <section className="card streams" data-testid="streams-panel" aria-label="Live streams">
      <div className="card-head">
        <h2>Live streams</h2>
        <span className="muted small">from {ing.url}</span>
      </div>
      {offered.length + gone.length === 0 ? (
        <p className="muted">
          {ing.connection === 'open'
            ? 'The server offers no stream yet: declare one with PUT /api/streams/<id> (see the README).'
            : ing.connection === 'backoff'
              ? 'Offline: the stream server cannot be reached. Every dataset here works from this browser’s own log; the streams resume where the log ends when the server is back.'
              : 'Waiting for the server to say which streams it offers…'}
        </p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Stream</th>
                <th>Fields</th>
                <th>State</th>
                <th className="num">Rate</th>
                <th className="num">Offset here</th>
                <th className="num">Behind</th>
                <th className="num">Lost / refused</th>
                <th>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {[...offered, ...gone].map((o) => (
                <StreamRow key={o.id} s={o} status={Object.hasOwn(ing.streams, o.id) ? ing.streams[o.id] : undefined} produced={produced.get(o.id)} elsewhere={ing.connection === 'elsewhere'} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
