/** What went wrong, in words. Text only: messages may quote data from the stream. */
import { fmtClock } from './format';
import { usePipelineSnapshot } from './PipelineContext';

export function Messages() {
  const { messages, ingest } = usePipelineSnapshot();
  if (messages.length === 0 && !ingest?.lastError) return null;
  return (
    <div className="card messages" data-testid="messages">
      <h2>Messages</h2>
      <ul>
        {messages.slice(0, 8).map((m, i) => (
          <li key={`${m.at}-${i}`} className={m.level}>
            <span className="muted">{fmtClock(m.at)}</span> {m.text}
            {m.repeat > 1 && <span className="muted"> (×{m.repeat})</span>}
          </li>
        ))}
        {messages.length === 0 && ingest?.lastError && <li className="info">{ingest.lastError}</li>}
      </ul>
    </div>
  );
}
