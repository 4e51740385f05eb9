/**
 * Teaching: late and out-of-order events on the demo stream, a chosen count at a chosen lateness.
 * They arrive now with an event time in the past: the speed layer tallies them into old buckets
 * until the next recompute, and the seq split counts each once however late it is.
 */
import { useState } from 'react';
import { SHOP_STREAM_ID } from '../protocol/shop';
import { ControlError } from './ControlError';
import { usePipelineSnapshot } from './PipelineContext';
import { runControl } from './runControl';

async function injectLate(count: number, lateS: number): Promise<void> {
  const res = await fetch(`/api/streams/${SHOP_STREAM_ID}/late?count=${count}&lateMs=${Math.round(lateS * 1000)}`, { method: 'POST' });
  if (!res.ok) throw new Error(`the server refused: ${((await res.json().catch(() => ({}))) as { error?: string }).error ?? `HTTP ${res.status}`}`);
}

export function LateEvents() {
  const s = usePipelineSnapshot();
  const [count, setCount] = useState(200);
  const [lateS, setLateS] = useState(60);
  // The demo stream only: the server makes these events itself.
  if (!s.ingest?.offered.some((o) => o.id === SHOP_STREAM_ID)) return null;
  return (
    <form
      className="late-events"
      onSubmit={(e) => {
        e.preventDefault();
        runControl('late-events', `Injecting ${count} events ${lateS} s late`, () => injectLate(count, lateS));
      }}
    >
      <label>
        inject into {SHOP_STREAM_ID}{' '}
        <input type="number" data-testid="late-count" min={1} max={1_000_000} value={count} onChange={(e) => setCount(Math.max(1, Math.min(1_000_000, Math.round(Number(e.target.value) || 1))))} />
      </label>
      <label>
        events <input type="number" data-testid="late-seconds" min={0} max={86_400} value={lateS} onChange={(e) => setLateS(Math.max(0, Math.min(86_400, Number(e.target.value) || 0)))} /> s late
      </label>
      <button type="submit" data-testid="late-inject">
        Inject
      </button>
      <ControlError control="late-events" />
    </form>
  );
}
