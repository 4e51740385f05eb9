/** UI-only state (what the user chose to look at, what their controls reported), kept apart from pipeline data. */
import { create } from 'zustand';

/** Where the dataset the dashboard shows is kept, so that a reload shows the same one. */
export const DATASET_STORAGE_KEY = 'lambda-workbench:dataset';

/** localStorage, where there is one that works (not in Node; it throws when storage is disabled). */
function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

function storedDataset(): string | null {
  try {
    return storage()?.getItem(DATASET_STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

interface UiState {
  /** The dataset the dashboard shows, as the user chose it; null or unknown: the default (selectedDataset.ts). */
  datasetId: string | null;
  /** Index of the timeline view's measure shown. */
  timelineMetric: number;
  /** Per dataset: how many of the newest time buckets the timeline shows; null for all. Absent: the default for its origin. */
  timelineWindows: Readonly<Record<string, number | null>>;
  /** Per dataset: the time range the timeline is zoomed to, [from, to); absent: the live window. */
  timelineZoom: Readonly<Record<string, { from: number; to: number }>>;
  /** Per control (its test id): what went wrong the last time it was used, in words. */
  controlErrors: Readonly<Record<string, string>>;
  /** The view is frozen (a person reads it while the pipeline goes on): since when, or null. */
  frozenAt: number | null;
  setFrozen(frozen: boolean): void;
  setDatasetId(id: string | null): void;
  setTimelineMetric(m: number): void;
  setTimelineWindow(dataset: string, buckets: number | null): void;
  setTimelineZoom(dataset: string, range: { from: number; to: number } | null): void;
  setControlError(control: string, text: string | null): void;
}

export const useUiStore = create<UiState>()((set) => ({
  datasetId: storedDataset(),
  timelineMetric: 0,
  timelineWindows: {},
  timelineZoom: {},
  controlErrors: {},
  frozenAt: null,
  setFrozen: (frozen) => set({ frozenAt: frozen ? Date.now() : null }),
  setDatasetId: (datasetId) => {
    try {
      if (datasetId === null) storage()?.removeItem(DATASET_STORAGE_KEY);
      else storage()?.setItem(DATASET_STORAGE_KEY, datasetId);
    } catch {
      // A full or disabled storage costs only the choice surviving a reload.
    }
    set({ datasetId });
  },
  setTimelineMetric: (timelineMetric) => set({ timelineMetric }),
  setTimelineWindow: (dataset, buckets) => set(({ timelineWindows }) => ({ timelineWindows: { ...timelineWindows, [dataset]: buckets } })),
  setTimelineZoom: (dataset, range) =>
    set(({ timelineZoom }) => {
      const { [dataset]: _, ...rest } = timelineZoom;
      return { timelineZoom: range === null ? rest : { ...rest, [dataset]: range } };
    }),
  setControlError: (control, text) =>
    set(({ controlErrors }) => {
      if (text !== null) return { controlErrors: { ...controlErrors, [control]: text } };
      if (!(control in controlErrors)) return {};
      const { [control]: _, ...rest } = controlErrors;
      return { controlErrors: rest };
    }),
}));
