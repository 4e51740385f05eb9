/**
 * Which dataset the dashboard shows: the user's choice (uiStore, kept across reloads) when the
 * pipeline knows that dataset, else the demo stream when there is one, else the first dataset.
 */
import type { DatasetStatus } from '../ingest/worker/protocol';
import { SHOP_STREAM_ID } from '../protocol/shop';
import type { PipelineSnapshot } from '../serving/Pipeline';
import { usePipelineSnapshot } from './PipelineContext';
import { useUiStore } from './uiStore';

/** The demo stream is only the default choice: nothing else in the UI depends on it. */
const DEFAULT_DATASET = SHOP_STREAM_ID;

/** The datasets there are: the log's, or until the ingest worker first reports, those the views name. */
export function knownDatasets(s: Pick<PipelineSnapshot, 'ingest' | 'viewDefs'>): string[] {
  const ids = Object.keys(s.ingest?.datasets ?? {});
  return ids.length > 0 ? ids : [...new Set(s.viewDefs.map((v) => v.dataset))];
}

/** The dataset to show given the user's choice; null when there is none at all. */
export function chooseDataset(known: readonly string[], wanted: string | null): string | null {
  if (wanted !== null && known.includes(wanted)) return wanted;
  if (known.includes(DEFAULT_DATASET)) return DEFAULT_DATASET;
  return known[0] ?? null;
}

/**
 * The dataset the dashboard shows. A choice the pipeline does not know (yet) is kept, not
 * overwritten: after a reload the log reports its datasets a moment after the first render.
 */
export function useSelectedDataset(): string | null {
  const s = usePipelineSnapshot();
  const wanted = useUiStore((u) => u.datasetId);
  return chooseDataset(knownDatasets(s), wanted);
}

/** What the log says of a dataset (name, origin, schema, size), once the ingest worker has reported it. */
export function useDatasetStatus(id: string | null): DatasetStatus | undefined {
  const datasets = usePipelineSnapshot().ingest?.datasets;
  return id !== null && datasets && Object.hasOwn(datasets, id) ? datasets[id] : undefined;
}
