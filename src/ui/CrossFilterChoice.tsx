/**
 * Chooses a value of the breakdown's field to filter the dataset's other cards by (cross-filtering),
 * from a list a keyboard can reach; the choice shows until cleared.
 */
import type { KeyValue, ViewDef } from '../views/ViewDef';
import { ControlError } from './ControlError';
import { usePipeline, usePipelineSnapshot } from './PipelineContext';
import { runControl } from './runControl';

export function CrossFilterChoice({ def, values }: { def: ViewDef; values: readonly { key: string; raw: KeyValue }[] }) {
  const pipeline = usePipeline();
  const { crossFilter } = usePipelineSnapshot();
  const field = def.groupBy[0];
  if (field === undefined) return null;
  const active = crossFilter?.sourceViewId === def.id ? crossFilter : null;
  const index = active ? values.findIndex((v) => v.raw === active.value) : -1;
  const choose = (i: number) =>
    runControl('cross-filter', i < 0 ? 'Clearing the filter' : `Filtering the other cards by ${field} = ${values[i]!.key}`, () =>
      pipeline.setCrossFilter(i < 0 ? null : { dataset: def.dataset, field, value: values[i]!.raw, sourceViewId: def.id }),
    );
  return (
    <div className="cross-filter">
      <label>
        Filter the other cards by {field}{' '}
        <select data-testid="cross-filter" value={index} onChange={(e) => choose(Number(e.target.value))}>
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
  const { crossFilter } = usePipelineSnapshot();
  if (!crossFilter || crossFilter.dataset !== dataset) return null;
  return (
    <p className="frozen-banner" role="status" data-testid="cross-filter-banner">
      The cards show only events where {crossFilter.field} = {crossFilter.value === null ? 'no value' : String(crossFilter.value)} (chosen in the breakdown, which stays whole).{' '}
      <button type="button" onClick={() => runControl('cross-filter', 'Clearing the filter', () => pipeline.setCrossFilter(null))}>
        Show all
      </button>
    </p>
  );
}
