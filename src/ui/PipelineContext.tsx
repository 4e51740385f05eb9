/**
 * React binding of the serving layer: the pipeline in context, its snapshot as React state.
 * Snapshots arrive up to 20 times a second and a full dashboard render with its charts takes tens of
 * milliseconds on a busy 2-core machine, so each new snapshot renders in a transition: React slices the
 * work and yields to the browser, and a newer snapshot supersedes one still rendering. (A
 * useSyncExternalStore binding would render each snapshot synchronously, in one long task.)
 * Changes the user just asked for (a toggle) render at once. While the view is frozen (a person
 * reads it as it was) snapshots are not rendered; the pipeline goes on and the newest shows on resume.
 */
import { createContext, startTransition, useContext, useEffect, useState, type ReactNode } from 'react';
import type { Pipeline, PipelineSnapshot } from '../serving/Pipeline';
import { useUiStore } from './uiStore';

const PipelineCtx = createContext<Pipeline | null>(null);
const SnapshotCtx = createContext<PipelineSnapshot | null>(null);

export function PipelineProvider({ pipeline, children }: { pipeline: Pipeline; children: ReactNode }) {
  const [snapshot, setSnapshot] = useState(pipeline.getSnapshot);
  const frozen = useUiStore((u) => u.frozenAt !== null);
  useEffect(() => {
    if (frozen) return;
    setSnapshot(pipeline.getSnapshot());
    return pipeline.subscribe((urgent) => {
      if (urgent) setSnapshot(pipeline.getSnapshot());
      else startTransition(() => setSnapshot(pipeline.getSnapshot()));
    });
  }, [pipeline, frozen]);
  return (
    <PipelineCtx.Provider value={pipeline}>
      <SnapshotCtx.Provider value={snapshot}>{children}</SnapshotCtx.Provider>
    </PipelineCtx.Provider>
  );
}

export function usePipeline(): Pipeline {
  const p = useContext(PipelineCtx);
  if (!p) throw new Error('usePipeline outside PipelineProvider');
  return p;
}

export function usePipelineSnapshot(): PipelineSnapshot {
  const s = useContext(SnapshotCtx);
  if (!s) throw new Error('usePipelineSnapshot outside PipelineProvider');
  return s;
}

/** The current time, refreshed every `ms`, for "n seconds ago" figures. */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
