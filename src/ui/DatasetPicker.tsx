/** Which dataset the dashboard shows: every dataset in the log, by name, with its size. */
import { fmtInt } from './format';
import { usePipelineSnapshot } from './PipelineContext';
import { useUiStore } from './uiStore';
import { eventsHeld } from '../log/retention';

export function DatasetPicker({ dataset }: { dataset: string | null }) {
  const datasets = Object.entries(usePipelineSnapshot().ingest?.datasets ?? {}).sort(([, a], [, b]) => a.createdAt - b.createdAt);
  const setDatasetId = useUiStore((u) => u.setDatasetId);
  return (
    <span className="dataset-picker">
      {/* Labelled by id, not by wrapping: a wrapping label's name would include the selected option's text. */}
      <label htmlFor="dataset-picker">Dataset</label>{' '}
      <select id="dataset-picker" data-testid="dataset-picker" value={dataset ?? ''} disabled={datasets.length === 0} onChange={(e) => setDatasetId(e.target.value)}>
        {datasets.length === 0 && <option value="">{dataset ?? 'none yet'}</option>}
        {datasets.map(([id, d]) => (
          <option key={id} value={id}>
            {d.name} · {fmtInt(eventsHeld(d))} rows{d.importing ? ' · importing…' : ''}
          </option>
        ))}
      </select>
    </span>
  );
}
