/**
 * Teaching: Lambda vs Kappa on the dataset on screen. Kappa recomputes its views by replaying the
 * whole log through the speed path alone; Lambda's batch layer answers with SQL. Same events, same
 * answers (shown), different costs (timed).
 */
import { useMutation } from '@tanstack/react-query';
import { errorText } from '../protocol/errorText';
import { fmtDuration, fmtInt } from './format';
import { usePipeline } from './PipelineContext';

export function KappaCompare({ dataset }: { dataset: string | null }) {
  const pipeline = usePipeline();
  const run = useMutation({ mutationFn: (id: string) => pipeline.teaching.kappa(id) });
  const r = run.data;
  return (
    <span className="kappa">
      <button type="button" data-testid="kappa-run" disabled={dataset === null || run.isPending} onClick={() => dataset !== null && run.mutate(dataset)}>
        {run.isPending ? 'Replaying the log…' : 'Lambda vs Kappa'}
      </button>
      {r && (
        <span data-testid="kappa-result" data-ok={r.ok} data-events={r.events} data-w={r.w} className={r.ok ? 'ok' : 'error-text'}>
          Kappa replayed {fmtInt(r.events)} events through the speed path in {fmtDuration(r.kappaMs)}; Lambda's batch layer answered the same {r.views.length} view{r.views.length === 1 ? '' : 's'} in{' '}
          {fmtDuration(r.batchMs)}:{' '}
          {r.ok
            ? 'the same answers'
            : `they differ (${r.views
                .filter((v) => v.driftKeys > 0)
                .map((v) => v.viewName)
                .join(', ')})`}
        </span>
      )}
      {run.error && (
        <span className="error-text" role="alert" data-testid="kappa-error">
          Lambda vs Kappa failed: {errorText(run.error)}
        </span>
      )}
    </span>
  );
}
