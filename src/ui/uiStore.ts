/** UI-only state (what the user chose to look at, what their controls reported), kept apart from pipeline data. */
import { create } from 'zustand';

export type TimelineMetric = 0 | 1;

interface UiState {
  /** Index of the timeline view's measure shown. */
  timelineMetric: TimelineMetric;
  /** How much event time the timeline shows, in ms; null for all of it. */
  timelineWindowMs: number | null;
  /** Per control (its test id): what went wrong the last time it was used, in words. */
  controlErrors: Readonly<Record<string, string>>;
  setTimelineMetric(m: TimelineMetric): void;
  setTimelineWindow(ms: number | null): void;
  setControlError(control: string, text: string | null): void;
}

export const useUiStore = create<UiState>()((set) => ({
  timelineMetric: 0,
  timelineWindowMs: 5 * 60_000,
  controlErrors: {},
  setTimelineMetric: (timelineMetric) => set({ timelineMetric }),
  setTimelineWindow: (timelineWindowMs) => set({ timelineWindowMs }),
  setControlError: (control, text) =>
    set(({ controlErrors }) => {
      if (text !== null) return { controlErrors: { ...controlErrors, [control]: text } };
      if (!(control in controlErrors)) return {};
      const { [control]: _, ...rest } = controlErrors;
      return { controlErrors: rest };
    }),
}));
