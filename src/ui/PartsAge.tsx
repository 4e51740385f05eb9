/**
 * Under a card's title: how old its batch part is (since the recompute that made it) and how many
 * events its speed part holds (past W), so a reader knows what each colour stands for right now.
 */
import { fmtDuration, fmtInt } from './format';
import { useNow, usePipelineSnapshot } from './PipelineContext';

export function PartsAge({ dataset }: { dataset: string }) {
  const s = usePipelineSnapshot();
  const now = useNow();
  const speed = s.speed?.datasets && Object.hasOwn(s.speed.datasets, dataset) ? s.speed.datasets[dataset] : undefined;
  const held = speed?.events ?? 0;
  const at = s.batch.recomputedAt;
  return (
    <span className="parts-age small" data-testid="parts-age" data-speed-events={held}>
      <span className="part batch">batch {at === null ? 'not computed yet' : `${fmtDuration(Math.max(0, Math.max(now, Date.now()) - at))} old`}</span>
      {' · '}
      <span className="part speed">
        speed {fmtInt(held)} event{held === 1 ? '' : 's'}
      </span>
    </span>
  );
}
