/**
 * Freeze the view to read it (zoomed, hovered, on a projector) while the pipeline goes on: nothing
 * is lost, the log and both layers keep working, and the newest figures show on resume. The banner
 * says how many events arrived meanwhile, from the live pipeline rather than the frozen snapshot.
 */
import { fmtClock, fmtInt } from './format';
import { useNow, usePipeline, usePipelineSnapshot } from './PipelineContext';
import { useUiStore } from './uiStore';

// Seqs, not events held: what arrived since, whatever retention removed meanwhile.
const logEvents = (datasets: Record<string, { highWater: number }> | undefined) => Object.values(datasets ?? {}).reduce((n, d) => n + d.highWater, 0);

export function FreezeButton() {
  const frozenAt = useUiStore((u) => u.frozenAt);
  const setFrozen = useUiStore((u) => u.setFrozen);
  return (
    <button type="button" data-testid="freeze-view" aria-pressed={frozenAt !== null} onClick={() => setFrozen(frozenAt === null)}>
      {frozenAt === null ? 'Freeze view' : 'Resume view'}
    </button>
  );
}

export function FrozenBanner() {
  const frozenAt = useUiStore((u) => u.frozenAt);
  const setFrozen = useUiStore((u) => u.setFrozen);
  const shown = usePipelineSnapshot();
  const pipeline = usePipeline();
  useNow(500);
  if (frozenAt === null) return null;
  const since = Math.max(0, logEvents(pipeline.getSnapshot().ingest?.datasets) - logEvents(shown.ingest?.datasets));
  return (
    <p className="frozen-banner" role="status" data-testid="frozen-banner" data-since={since}>
      The view is frozen as it was at {fmtClock(frozenAt)}. The pipeline goes on: {fmtInt(since)} event{since === 1 ? '' : 's'} arrived since, none lost.{' '}
      <button type="button" onClick={() => setFrozen(false)}>
        Resume view
      </button>
    </p>
  );
}
