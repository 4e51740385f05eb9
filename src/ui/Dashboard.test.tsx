// @vitest-environment happy-dom
/** The dashboard shows whichever dataset is picked, each value as its field's type reads, and keeps the choice across reloads. */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DatasetStatus, IngestStatus } from '../ingest/worker/protocol';
import type { DatasetSchema } from '../protocol/schema';
import { SHOP_SCHEMA } from '../protocol/shop';
import type { MergedView } from '../serving/mergeView';
import type { Pipeline } from '../serving/Pipeline';
import { emptyBatch, type PipelineSnapshot } from '../serving/pipelineTypes';
import { DEFAULT_VIEWS, TOTALS_VIEW } from '../views/defaultViews';
import { generateViews } from '../views/generatedViews';
import type { ViewDef } from '../views/ViewDef';
import { App } from './App';
import { PipelineProvider } from './PipelineContext';
import { useDomRoot } from './testing/domRoot';
import { DATASET_STORAGE_KEY, useUiStore } from './uiStore';

const SALES: DatasetSchema = {
  fields: [
    { name: 'sold_on', type: 'date' },
    { name: 'at', type: 'timestamp' },
    { name: 'paid', type: 'boolean' },
    { name: 'units', type: 'integer' },
    { name: 'price', type: 'float' },
  ],
};
const T = Date.UTC(2024, 0, 31, 13, 45, 7);
const salesViews = generateViews('sales', SALES, { minTs: T, maxTs: T + 30 * 86_400_000, lowCardinalityText: [] });
const byDay: ViewDef = { id: 'by-day', name: 'By day and time', dataset: 'sales', groupBy: ['sold_on', 'at'], bucketMs: null, measures: [{ op: 'max', field: 'at', label: 'last' }] };

const status = (name: string, origin: DatasetStatus['origin'], schema: DatasetSchema, highWater: number): DatasetStatus => ({
  name,
  createdAt: 0,
  origin,
  files: [],
  highWater,
  segments: 1,
  bytes: null,
  minTs: null,
  maxTs: null,
  importing: false,
  retention: null,
  clusterFrom: null,
  schema,
});

const ingest: IngestStatus = {
  connection: 'stopped', // 'open' would poll the server's stats
  url: '',
  reconnects: 0,
  lastError: null,
  errors: 0,
  eventsPerSecond: 0,
  received: 0,
  appended: 0,
  duplicates: 0,
  rejected: 0,
  pending: 0,
  streams: {},
  offered: [],
  datasets: { shop: status('shop', 'stream', SHOP_SCHEMA, 5), sales: status('Sales 2024', 'file', SALES, 3) },
};

const merged = (id: string, keyNames: string[], rows: { key: MergedView['rows'][number]['key']; batch: number[]; speed: number[] | null }[]): MergedView => ({
  id,
  keyNames,
  measureLabels: [],
  w: 3,
  boundary: null,
  rows: rows.map((r) => ({ key: r.key, batch: r.batch, speed: r.speed, merged: r.batch.map((b, i) => b + (r.speed?.[i] ?? 0)) })),
});

const snapshot: PipelineSnapshot = {
  phase: 'ready',
  ingest,
  speed: null,
  batch: { ...emptyBatch, w: { shop: 3, sales: 3 } },
  viewDefs: [...DEFAULT_VIEWS, ...salesViews, byDay],
  userViewIds: ['by-day'],
  crossFilter: null,
  crossTwins: {},
  views: {
    [TOTALS_VIEW.id]: merged(TOTALS_VIEW.id, [], [{ key: [], batch: [3, 10.5, 4], speed: [2, 2.25, 1] }]),
    'sales:totals': merged('sales:totals', [], [{ key: [], batch: [3, 12, 7.5], speed: null }]),
    'by-day': merged('by-day', ['sold_on', 'at'], [{ key: [19753, T], batch: [T], speed: null }]),
  },
  mergedAt: null,
  handovers: [],
  batchIntervalMs: 10_000,
  batchPaused: false,
  speedFault: null,
  messages: [],
};

const fakePipeline = { getSnapshot: () => snapshot, subscribe: () => () => {}, schemaOf: (d: string) => ingest.datasets[d]?.schema ?? null } as unknown as Pipeline;

describe('dashboard', () => {
  const dom = useDomRoot();
  const render = () =>
    act(() =>
      dom.root.render(
        <QueryClientProvider client={new QueryClient()}>
          <PipelineProvider pipeline={fakePipeline}>
            <App />
          </PipelineProvider>
        </QueryClientProvider>,
      ),
    );
  const byTestId = (id: string) => dom.container.querySelector(`[data-testid="${id}"]`);
  const value = (id: string) => byTestId(id)?.getAttribute('data-value');
  const pick = (id: string) =>
    act(() => {
      const select = byTestId('dataset-picker') as HTMLSelectElement;
      select.value = id;
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });

  beforeEach(() => {
    localStorage.clear();
    useUiStore.setState({ datasetId: null });
  });

  it('shows the demo stream first, its tiles under the test ids the e2e tests read', async () => {
    await render();
    expect((byTestId('dataset-picker') as HTMLSelectElement).value).toBe('shop');
    expect([...dom.container.querySelectorAll('[data-testid="dataset-picker"] option')].map((o) => o.textContent)).toEqual(['shop · 5 rows', 'Sales 2024 · 3 rows']);
    expect([value('kpi-events-merged'), value('kpi-events-batch'), value('kpi-events-speed')]).toEqual(['5', '3', '2']);
    expect([value('kpi-revenue-merged'), value('kpi-revenue-batch'), value('kpi-items-merged')]).toEqual(['12.75', '10.50', '5.00']);
    expect(value('status-log')).toBe('5');
    expect(byTestId('timeline')?.querySelector('h2')?.textContent).toBe(DEFAULT_VIEWS[1]!.name);
    expect(dom.container.querySelectorAll('[data-testid="view-card"]')).toHaveLength(0);
  });

  it('switches to a picked dataset: its generated views, its figures, its values by type; the choice is kept', async () => {
    await render();
    await pick('sales');
    expect(localStorage.getItem(DATASET_STORAGE_KEY)).toBe('sales');
    expect(byTestId('kpi-events-merged')).not.toBeNull();
    expect([value('kpi-events-merged'), value('kpi-sum-of-units-merged'), value('kpi-sum-of-price-merged')]).toEqual(['3', '12', '7.50']);
    expect(byTestId('kpi-revenue-merged')).toBeNull();
    expect(byTestId('timeline')?.getAttribute('data-view-id')).toBe('sales:timeline');
    expect(byTestId('breakdown')?.getAttribute('data-view-id')).toBe('sales:top-paid');
    expect(value('status-log')).toBe('3');
    const card = dom.container.querySelector('[data-testid="view-card"][data-view-id="by-day"]')!;
    expect([...card.querySelectorAll('[data-testid="view-row"] td')].map((td) => td.textContent)).toEqual(['2024-01-31', '2024-01-31 13:45:07', '2024-01-31 13:45:07']);
    expect([...card.querySelectorAll('.card-head button')].map((b) => b.textContent)).toEqual(['CSV', 'Parquet', 'Remove']);
  });

  it('shows the dataset chosen before a reload', async () => {
    localStorage.setItem(DATASET_STORAGE_KEY, 'sales');
    vi.resetModules();
    const fresh = await import('./uiStore');
    expect(fresh.useUiStore.getState().datasetId).toBe('sales');
  });

  it("opens the view editor on the dashboard's dataset, with each field's type", async () => {
    await render();
    await pick('sales');
    await act(() => (dom.container.querySelector('.user-views button.primary') as HTMLButtonElement).click());
    expect((dom.container.querySelector('[aria-label="View dataset"]') as HTMLSelectElement).value).toBe('sales');
    expect([...dom.container.querySelectorAll('[aria-label="Measure 1 field"] option')].map((o) => o.textContent)).toEqual([
      '(events)',
      'sold_on (date)',
      'at (timestamp)',
      'paid (boolean)',
      'units (integer)',
      'price (float)',
    ]);
  });
});
