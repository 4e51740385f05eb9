/** React binding of the serving layer: the pipeline in context, its snapshot through useSyncExternalStore. */
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { Pipeline, PipelineSnapshot } from '../serving/Pipeline';

const Ctx = createContext<Pipeline | null>(null);

export function PipelineProvider({ pipeline, children }: { pipeline: Pipeline; children: ReactNode }) {
  return <Ctx.Provider value={pipeline}>{children}</Ctx.Provider>;
}

export function usePipeline(): Pipeline {
  const p = useContext(Ctx);
  if (!p) throw new Error('usePipeline outside PipelineProvider');
  return p;
}

export function usePipelineSnapshot(): PipelineSnapshot {
  const p = usePipeline();
  return useSyncExternalStore(p.subscribe, p.getSnapshot);
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
