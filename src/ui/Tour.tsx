/**
 * A guided tour of the architecture in eight steps, each pointing at the part of the page it talks
 * about and, where it helps, offering the action that shows it (pause batch, late events, a faulty
 * speed layer, a rebuild, Lambda vs Kappa) with the live numbers on screen. Keyboard first: the
 * panel takes focus, Next/Back are buttons, Escape closes it.
 */
import { useEffect, useRef, useState } from 'react';
import { SHOP_STREAM_ID } from '../protocol/shop';
import type { Pipeline } from '../serving/Pipeline';
import { ControlError } from './ControlError';
import { fmtDuration, fmtInt } from './format';
import { usePipeline } from './PipelineContext';
import { runControl } from './runControl';

interface Step {
  title: string;
  text: string;
  /** What to outline on the page while the step is shown. */
  target: string;
  /** What the step offers to do; it may say what came of it. */
  action?: { label: string; run: (p: Pipeline, dataset: string | null) => Promise<string | undefined> };
}

const STEPS: Step[] = [
  {
    title: '1. One pipeline, live',
    text: 'Events arrive from a source and are appended to the log in this tab: immutable, append-only, the only truth. From it two layers compute the same views: batch (exact, from the whole log up to a watermark W) and speed (a live tally of what came after W). Press Follow the next event to watch one event travel through the boxes.',
    target: '[data-testid="pipeline-diagram"]',
  },
  {
    title: '2. The batch layer and its watermark W',
    text: 'A recompute fixes W at the end of the log, loads the log into DuckDB and runs every view as SQL over seq ≤ W. Its answers replace the old batch views wholesale. Watch W move.',
    target: '[data-testid="status-w"]',
    action: { label: 'Recompute now', run: async (p) => `recomputed: ${fmtInt((await p.recomputeNow()).eventsLoaded)} new events loaded` },
  },
  {
    title: '3. The speed layer fills the gap',
    text: 'Pause batch: W stays pinned, and every new event is counted by the speed layer alone (the orange part). The figures stay exact because the split is by sequence number, not by time.',
    target: '[data-testid="kpi-events"]',
    action: {
      label: 'Pause batch',
      run: async (p) => {
        p.setBatchPaused(true);
        return 'batch paused: W stays where it is (resume it under the Recompute button)';
      },
    },
  },
  {
    title: '4. Late and out-of-order events',
    text: 'Inject 200 events whose event time is a minute ago. They arrive now, so they are past W: the speed layer tallies them into the old time bucket, and each is counted once.',
    target: '[data-testid="timeline"]',
    action: {
      label: 'Inject 200 late events',
      run: async () => {
        const res = await fetch(`/api/streams/${SHOP_STREAM_ID}/late?count=200&lateMs=60000`, { method: 'POST' });
        if (!res.ok) throw new Error(`the server refused (HTTP ${res.status}); this step needs the demo stream`);
        return '200 events, a minute late, are on their way';
      },
    },
  },
  {
    title: '5. A faulty speed layer is caught',
    text: 'Make the speed layer lose every tenth event, then resume batch. At the hand-over its tally of the events batch takes over is compared with batch: the drift is shown, and batch’s exact figures replace the wrong ones.',
    target: '[data-testid="handovers"]',
    action: {
      label: 'Make speed faulty, resume batch',
      run: async (p) => {
        await p.setSpeedFault(10);
        p.setBatchPaused(false);
        await p.recomputeNow();
        await p.setSpeedFault(null);
        return 'recomputed with a faulty speed layer (healthy again now): see the hand-overs';
      },
    },
  },
  {
    title: '6. Batch can fix anything',
    text: 'Throw the batch store away and rebuild it from the log alone. Every figure comes back the same: the log is the master dataset, everything else is a view of it.',
    target: '[data-testid="status-recompute"]',
    action: { label: 'Rebuild from the log', run: async (p) => `rebuilt: ${fmtInt((await p.rebuildBatch()).eventsLoaded)} events loaded from the log again` },
  },
  {
    title: '7. Lambda vs Kappa',
    text: 'Kappa keeps only the speed path and recomputes by replaying the log through it. Run both over the same events: the answers agree, the costs differ.',
    target: '.kappa',
    action: {
      label: 'Compare',
      run: async (p, dataset) => {
        if (dataset === null) throw new Error('no dataset on screen');
        const r = await p.teaching.kappa(dataset);
        const verdict = r.ok ? 'the same answers' : 'different answers (see the hand-overs)';
        return `Kappa replayed ${fmtInt(r.events)} events in ${fmtDuration(r.kappaMs)}; batch answered in ${fmtDuration(r.batchMs)}: ${verdict}`;
      },
    },
  },
  {
    title: '8. Your own data',
    text: 'Drop a CSV, Parquet or JSON file on the page, point your own producer at the server (Live streams), or ask anything in SQL in the console: every dataset gets the same two layers.',
    target: '[data-testid="streams-panel"], [data-testid="datasets-panel"]',
  },
];

export function Tour({ dataset }: { dataset: string | null }) {
  const pipeline = usePipeline();
  const [step, setStep] = useState<number | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const panel = useRef<HTMLDivElement>(null);
  const open = step !== null;
  const s = step === null ? null : STEPS[step]!;

  // Outline what the step talks about and bring it into view.
  useEffect(() => {
    setResult(null);
    if (!s) return;
    const el = document.querySelector(s.target);
    el?.classList.add('tour-target');
    el?.scrollIntoView({ block: 'center', behavior: 'smooth' });
    return () => el?.classList.remove('tour-target');
  }, [s]);
  // The panel takes focus when it opens and at each step, so the keyboard reads the new text first.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `step` is what the focus follows
  useEffect(() => {
    if (open) panel.current?.focus();
  }, [open, step]);

  if (!s || step === null) {
    return (
      <button type="button" data-testid="tour-start" onClick={() => setStep(0)}>
        Guided tour
      </button>
    );
  }
  return (
    <div
      ref={panel}
      className="tour card"
      role="dialog"
      aria-modal="false"
      aria-labelledby="tour-title"
      tabIndex={-1}
      data-testid="tour"
      data-step={step + 1}
      onKeyDown={(e) => {
        if (e.key === 'Escape') setStep(null);
      }}
    >
      <h2 id="tour-title">{s.title}</h2>
      <p aria-live="polite">{s.text}</p>
      <div className="tour-actions">
        {s.action && (
          <button
            type="button"
            className="primary"
            data-testid="tour-action"
            onClick={() => runControl('tour-action', s.action!.label, async () => setResult((await s.action!.run(pipeline, dataset)) ?? null))}
          >
            {s.action.label}
          </button>
        )}
        <button type="button" data-testid="tour-back" disabled={step === 0} onClick={() => setStep(step - 1)}>
          Back
        </button>
        {step < STEPS.length - 1 ? (
          <button type="button" data-testid="tour-next" onClick={() => setStep(step + 1)}>
            Next
          </button>
        ) : (
          <button type="button" data-testid="tour-done" onClick={() => setStep(null)}>
            Done
          </button>
        )}
        <button type="button" className="link" data-testid="tour-close" onClick={() => setStep(null)}>
          Close (Esc)
        </button>
        <span className="muted small">
          {step + 1} / {STEPS.length}
        </span>
      </div>
      {result && (
        <p className="ok small" data-testid="tour-result">
          {result}
        </p>
      )}
      <ControlError control="tour-action" />
    </div>
  );
}
