// @vitest-environment happy-dom
/** The controls tell the user when what they asked for failed, and the page says when the pipeline stopped. */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, type ReactNode } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Pipeline } from '../serving/Pipeline';
import { emptyBatch, type PipelineSnapshot } from '../serving/pipelineTypes';
import { App } from './App';
import { Controls } from './Controls';
import { PipelineProvider } from './PipelineContext';
import { runControl } from './runControl';
import { useDomRoot } from './testing/domRoot';
import { useUiStore } from './uiStore';

const snapshot = (patch: Partial<PipelineSnapshot> = {}): PipelineSnapshot => ({
  phase: 'ready',
  ingest: null,
  speed: null,
  batch: emptyBatch,
  viewDefs: [],
  userViewIds: [],
  views: {},
  mergedAt: null,
  handovers: [],
  batchIntervalMs: 10_000,
  batchPaused: false,
  speedFault: null,
  crossFilter: null,
  crossTwins: {},
  messages: [],
  ...patch,
});

/** The part of a Pipeline the controls call; every call fails as a dead worker's would. */
function fakePipeline(snap: PipelineSnapshot) {
  const dead = () => Promise.reject(new Error('the ingest worker failed: its script failed to load'));
  return {
    getSnapshot: () => snap,
    subscribe: () => () => {},
    restartWorker: vi.fn(dead),
    setSpeedFault: vi.fn(dead),
    setStreamConnected: vi.fn(dead),
    failNextRecompute: vi.fn(dead),
    recomputeNow: vi.fn(dead),
    setBatchInterval: vi.fn(() => {
      throw new Error('no such interval');
    }),
    setBatchPaused: vi.fn(),
  } as unknown as Pipeline & Record<string, ReturnType<typeof vi.fn>>;
}

describe('controls', () => {
  const dom = useDomRoot();
  const render = (pipeline: Pipeline, ui: ReactNode) =>
    act(() =>
      dom.root.render(
        <QueryClientProvider client={new QueryClient()}>
          <PipelineProvider pipeline={pipeline}>{ui}</PipelineProvider>
        </QueryClientProvider>,
      ),
    );
  // A task after the click: react-query tells a mutation's observers in a timeout of its own.
  const settle = () => new Promise((r) => setTimeout(r, 5));
  const click = (testId: string) =>
    act(async () => {
      dom.container.querySelector<HTMLElement>(`[data-testid="${testId}"]`)!.click();
      await settle();
    });
  const alerts = () => [...dom.container.querySelectorAll('[role="alert"]')].map((e) => e.textContent);

  beforeEach(() => {
    useUiStore.setState({ controlErrors: {} });
  });

  it('shows, beside each control, why what it asked for failed', async () => {
    const pipeline = fakePipeline(snapshot());
    await render(pipeline, <Controls dataset="shop" />);
    await click('restart-ingest');
    expect(pipeline.restartWorker).toHaveBeenCalledWith('ingest');
    expect(alerts()).toEqual(['Restarting the ingest worker failed: the ingest worker failed: its script failed to load ×']);
    await click('faulty-speed');
    await click('toggle-stream');
    await click('fail-next-recompute');
    await click('recompute-now');
    expect(alerts()).toEqual([
      'Recompute now failed: the ingest worker failed: its script failed to load',
      'Making the speed layer faulty failed: the ingest worker failed: its script failed to load ×',
      'Disconnecting the stream failed: the ingest worker failed: its script failed to load ×',
      'Arming the failing recompute failed: the ingest worker failed: its script failed to load ×',
      'Restarting the ingest worker failed: the ingest worker failed: its script failed to load ×',
    ]);
  });

  it('clears a control’s error when it is used again and succeeds, or dismissed', async () => {
    let fail = true;
    runControl('x', 'Doing x', () => {
      if (fail) throw new Error('nope');
    });
    expect(useUiStore.getState().controlErrors).toEqual({ x: 'Doing x failed: nope' });
    fail = false;
    runControl('x', 'Doing x', () => {});
    expect(useUiStore.getState().controlErrors).toEqual({});

    const pipeline = fakePipeline(snapshot());
    await render(pipeline, <Controls dataset="shop" />);
    await click('restart-batch');
    expect(alerts()).toHaveLength(1);
    await act(async () => dom.container.querySelector<HTMLElement>('[aria-label="Dismiss"]')!.click());
    expect(alerts()).toEqual([]);
  });

  it('says the pipeline stopped, and why, when it failed', async () => {
    const failed = snapshot({ phase: 'failed', messages: [{ at: 0, level: 'error', text: 'pipeline failed to start: the batch worker failed: boom', repeat: 1 }] });
    await render(fakePipeline(failed), <App />);
    expect(dom.container.querySelector('[data-testid="pipeline-failed"]')?.textContent).toMatch(/^The pipeline stopped: pipeline failed to start: the batch worker failed: boom\./);
  });
});
