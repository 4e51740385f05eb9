/**
 * Chooses a value of the breakdown's field to filter the dataset's other cards by (cross-filtering),
 * from a list a keyboard can reach; the choice shows until cleared.
 */
import type { KeyValue, ViewDef } from '../views/ViewDef';
import { ControlError } from './ControlError';
import { usePipeline, usePipelineSnapshot } from './PipelineContext';
import { runControl } from './runControl';
import { bucketFormat } from './format';
import { useDatasetStatus } from './selectedDataset';

export function CrossFilterChoice({ def, values, onFocus }: { def: ViewDef; values: readonly { key: string; raw: KeyValue }[]; onFocus?: () => void }) {
  const pipeline = usePipeline();
  const { crossFilter } = usePipelineSnapshot();
  const field = def.groupBy[0];
  if (field === undefined) return null;
  const active = crossFilter?.kind === 'value' && crossFilter.sourceViewId === def.id ? crossFilter : null;
  const index = active ? values.findIndex((v) => v.raw === active.value) : -1;
  const choose = (i: number) =>
    runControl('cross-filter', i < 0 ? 'Clearing the filter' : `Filtering the other cards by ${field} = ${values[i]!.key}`, () =>
      pipeline.crossFilter.set(i < 0 ? null : { kind: 'value', dataset: def.dataset, field, value: values[i]!.raw, sourceViewId: def.id }),
    );
  return (
    <div className="cross-filter">
      <label>
        Filter the other cards by {field}{' '}
        <select data-testid="cross-filter" value={index} onFocus={onFocus} onChange={(e) => choose(Number(e.target.value))}>
          <option value={-1}>(all)</option>
          {values.map((v, i) => (
            <option key={v.key} value={i}>
              {v.key}
            </option>
          ))}
        </select>
      </label>
      {active && (
        <button type="button" data-testid="cross-filter-clear" onClick={() => choose(-1)}>
          Clear filter
        </button>
      )}
      <ControlError control="cross-filter" />
    </div>
  );
}

/** Above the cards: which filter they show, so filtered figures are never taken for the whole. */
export function CrossFilterBanner({ dataset }: { dataset: string | null }) {
  const pipeline = usePipeline();
  const { crossFilter, crossTwins, views } = usePipelineSnapshot();
  const status = useDatasetStatus(dataset);
  if (!crossFilter || crossFilter.dataset !== dataset) return null;
  const what =
    crossFilter.kind === 'value'
      ? `where ${crossFilter.field} = ${crossFilter.value === null ? 'no value' : String(crossFilter.value)} (chosen in the breakdown, which stays whole)`
      : (() => {
          const t = bucketFormat(crossFilter.bucketMs, status?.origin === 'file');
          return `from ${t.full(crossFilter.from)} to ${t.full(crossFilter.to)} (brushed on the timeline, which stays whole)`;
        })();
  const twins = Object.values(crossTwins);
  const waiting = twins.filter((t) => !views[t.id]).length;
  return (
    <p className="frozen-banner" role="status" data-testid="cross-filter-banner" data-waiting={waiting}>
      The cards show only events {what}.{waiting > 0 ? ` ${waiting} card${waiting === 1 ? ' is' : 's are'} being computed for it.` : ''}{' '}
      <button type="button" onClick={() => runControl('cross-filter', 'Clearing the filter', () => pipeline.crossFilter.set(null))}>
        Show all
      </button>
    </p>
  );
}
