/** UI-only state (what the user chose to look at), kept apart from pipeline data. */
import { create } from 'zustand';

export type TimelineMetric = 0 | 1;

interface UiState {
  /** Index of the timeline view's measure shown. */
  timelineMetric: TimelineMetric;
  /** How much event time the timeline shows, in ms; null for all of it. */
  timelineWindowMs: number | null;
  setTimelineMetric(m: TimelineMetric): void;
  setTimelineWindow(ms: number | null): void;
}

export const useUiStore = create<UiState>()((set) => ({
  timelineMetric: 0,
  timelineWindowMs: 5 * 60_000,
  setTimelineMetric: (timelineMetric) => set({ timelineMetric }),
  setTimelineWindow: (timelineWindowMs) => set({ timelineWindowMs }),
}));
