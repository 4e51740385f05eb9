/**
 * Time travel: the dataset's headline view as it was when the log held its first N events, with a
 * slider over seq and a replay from the start at a chosen speed. The log never changes what it
 * holds, so every N is one exact past state (answered by batch's SQL over seq <= N).
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { errorText } from '../protocol/errorText';
import { useDashboardViews, slug } from './dashboardViews';
import { fmtInt, fmtNumber } from './format';
import { usePipeline, usePipelineSnapshot } from './PipelineContext';

/** A replay moves through the log in this many steps (one every 300 ms), whatever its size. */
const SPEEDS = [
  { label: 'fast', steps: 20 },
  { label: 'medium', steps: 50 },
  { label: 'slow', steps: 200 },
];

export function TimeTravel({ dataset }: { dataset: string }) {
  const pipeline = usePipeline();
  const s = usePipelineSnapshot();
  const w = (Object.hasOwn(s.batch.w, dataset) ? s.batch.w[dataset] : undefined) ?? 0;
  const views = useDashboardViews(dataset);
  const [n, setN] = useState<number | null>(null);
  const [steps, setSteps] = useState<number | null>(null);
  const [speed, setSpeed] = useState(50);
  const asOf = n === null ? w : Math.min(n, w);
  const view = views.tiles ?? views.timeline ?? views.breakdown;
  const q = useQuery({
    queryKey: ['as-of', dataset, asOf, view?.id, w > 0],
    enabled: w > 0 && view !== undefined,
    queryFn: () => pipeline.teaching.asOf(dataset, asOf),
    placeholderData: (prev) => prev,
  });
  // Replaying: step through the log from 0 to W, one step every 300 ms.
  useEffect(() => {
    if (steps === null) return;
    const t = setInterval(() => {
      setN((cur) => {
        const next = Math.min(w, (cur ?? 0) + Math.max(1, Math.ceil(w / steps)));
        if (next >= w) setSteps(null);
        return next;
      });
    }, 300);
    return () => clearInterval(t);
  }, [steps, w]);
  if (w === 0 || !view) return <p className="muted">Time travel needs batch views: recompute first.</p>;
  const shown = q.data?.find((v) => v.viewId === view.id);
  return (
    <div className="time-travel" data-testid="time-travel" data-as-of={asOf}>
      <label>
        as of seq <input type="range" min={0} max={w} value={asOf} aria-label="As of seq (slider)" onChange={(e) => setN(Number(e.target.value))} />{' '}
        <input type="number" data-testid="tt-n" min={0} max={w} value={asOf} onChange={(e) => setN(Math.max(0, Math.min(w, Math.round(Number(e.target.value) || 0))))} /> of {fmtInt(w)}
      </label>
      <button
        type="button"
        data-testid="tt-replay"
        onClick={() => {
          if (steps !== null) return setSteps(null);
          setN(0);
          setSteps(speed);
        }}
      >
        {steps === null ? 'Replay from the start' : 'Stop'}
      </button>
      <select aria-label="Replay speed" value={speed} onChange={(e) => setSpeed(Number(e.target.value))}>
        {SPEEDS.map((x) => (
          <option key={x.steps} value={x.steps}>
            {x.label}
          </option>
        ))}
      </select>
      <button type="button" onClick={() => setN(null)} disabled={n === null}>
        Back to now
      </button>
      {q.error ? (
        <span className="error-text">{errorText(q.error)}</span>
      ) : (
        shown && (
          <span className="tt-values">
            {view.name}:{' '}
            {shown.rows.length === 0
              ? 'nothing yet'
              : shown.measures.map((label, i) => {
                  const v = view.groupBy.length === 0 && view.bucketMs === null ? (shown.rows[0]?.values[i] ?? null) : null;
                  return (
                    <span key={label} data-testid={`tt-${slug(label)}`} data-value={v ?? ''}>
                      {label} {v === null ? `(${fmtInt(shown.rows.length)} groups)` : fmtNumber(v)}
                      {i < shown.measures.length - 1 ? ' · ' : ''}
                    </span>
                  );
                })}
          </span>
        )
      )}
    </div>
  );
}
