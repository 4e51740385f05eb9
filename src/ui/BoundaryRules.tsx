/**
 * Teaching: our seq split next to a time boundary (Pinot's), with the numbers of both, so the drop a
 * time split makes with late events is there to see, and ours is not.
 */
import { useMutation } from '@tanstack/react-query';
import { errorText } from '../protocol/errorText';
import { fmtInt } from './format';
import { usePipeline } from './PipelineContext';

export function BoundaryRules({ dataset }: { dataset: string | null }) {
  const pipeline = usePipeline();
  const run = useMutation({ mutationFn: (id: string) => pipeline.teaching.compareBoundaries(id) });
  const r = run.data;
  return (
    <span className="boundary-rules">
      <button type="button" data-testid="boundary-run" disabled={dataset === null || run.isPending} onClick={() => dataset !== null && run.mutate(dataset)}>
        Seq split vs time split
      </button>
      {r && (
        <span data-testid="boundary-result" data-seq-total={r.seqSplit.total} data-time-total={r.timeSplit.total} data-dropped={r.timeSplit.dropped}>
          ours, by seq: batch {fmtInt(r.seqSplit.batch)} + speed {fmtInt(r.seqSplit.speed)} = <strong>{fmtInt(r.seqSplit.total)}</strong> · by time (Pinot): batch {fmtInt(r.timeSplit.batch)} + speed{' '}
          {fmtInt(r.timeSplit.speed)} = <strong className={r.timeSplit.dropped > 0 ? 'error-text' : undefined}>{fmtInt(r.timeSplit.total)}</strong>
          {r.timeSplit.dropped > 0 ? `: ${fmtInt(r.timeSplit.dropped)} late events dropped until the next batch` : ': the same, no late events past the boundary'}
        </span>
      )}
      {run.error && (
        <span className="error-text" role="alert">
          {errorText(run.error)}
        </span>
      )}
    </span>
  );
}
