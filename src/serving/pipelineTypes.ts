/** The serving layer's public shapes: what the pipeline needs and what the UI reads. */
import type { CrossFilter } from '../views/crossFilter';
import type { KeyValueStore } from './StreamFollow';
import type { BatchClient } from '../batch/BatchClient';
import type { IngestClient } from '../ingest/IngestClient';
import type { IngestStatus } from '../ingest/worker/protocol';
import type { SpeedSnapshot } from '../speed/SpeedLayer';
import type { ViewDef } from '../views/ViewDef';
import type { BatchViewStore } from './BatchViewStore';
import type { MergedView } from './mergeView';
import type { ViewDrift } from './reconcile';
import type { QueryHistory } from './QueryHistory';
import type { ViewStore } from './ViewStore';
import type { RecomputeResult } from '../batch/worker/protocol';

/** A started worker and the RPC client that talks to it. */
export interface WorkerHandle<C> {
  client: C;
  worker: { terminate(): void };
}

export interface PipelineWorkers {
  ingest: () => WorkerHandle<IngestClient>;
  batch: () => WorkerHandle<BatchClient>;
}

export interface PipelineOptions {
  dbName: string;
  streamUrl: string | null;
  /** The streams to read unless the person chose otherwise (the `stream` URL parameter); null: all. */
  streamsOnly?: string[] | null;
  /** Where the person's per-stream choices are kept (localStorage in a page). */
  prefs?: KeyValueStore;
  /** Built-in views; the user's saved views are added from the store. */
  views: ViewDef[];
  batchIntervalMs: number;
  store?: ViewStore;
  batchViews?: BatchViewStore;
  /** Where the SQL console keeps its history and saved statements. */
  history?: QueryHistory;
}

export interface BatchInfo {
  engine: string | null;
  initMs: number | null;
  /** Per dataset: the watermark of the published batch views. */
  w: Record<string, number>;
  /** Per dataset whose batch came from the server's ClickHouse cluster: its shards and how long it took. */
  clusters: Record<string, { shards: number; ms: number; kept?: string }>;
  recomputedAt: number | null;
  lastDurationMs: number | null;
  lastLoadMs: number | null;
  lastEventsLoaded: number | null;
  recomputes: number;
  running: boolean;
  error: string | null;
  /** Memory DuckDB's buffer manager holds, after the last recompute. */
  memoryBytes: number | null;
}

/** One hand-over from speed to batch, and whether the two agreed on the events handed over. */
export interface Handover {
  at: number;
  dataset: string;
  /** The events handed over: seq in (fromSeq, toSeq]. */
  fromSeq: number;
  toSeq: number;
  events: number;
  views: ViewDrift[];
  /** True when every view agreed on every key. */
  ok: boolean;
}

export interface PipelineMessage {
  at: number;
  level: 'error' | 'info';
  text: string;
  /** How many times it came in a row. */
  repeat: number;
}

export interface PipelineSnapshot {
  phase: 'starting' | 'ready' | 'failed';
  ingest: IngestStatus | null;
  speed: SpeedSnapshot | null;
  batch: BatchInfo;
  /** Every view on the dashboard: built-in first, then the user's. */
  viewDefs: ViewDef[];
  userViewIds: string[];
  /** Merged views from a consistent (batch at W, speed past W) pair; absent until batch has the view. */
  views: Record<string, MergedView>;
  mergedAt: number | null;
  handovers: Handover[];
  batchIntervalMs: number;
  batchPaused: boolean;
  /** The teaching fault asked of the speed layer: drop every nth event (null: healthy). */
  speedFault: number | null;
  /** A value chosen in one card filtering the dataset's other cards (their twins carry the filter). */
  crossFilter: CrossFilter | null;
  /** While there is a cross filter: per view id, the filtered twin its card shows instead (crossFilter.ts). */
  crossTwins: Readonly<Record<string, ViewDef>>;
  messages: PipelineMessage[];
}

export const emptyBatch: BatchInfo = {
  engine: null,
  initMs: null,
  w: {},
  clusters: {},
  recomputedAt: null,
  lastDurationMs: null,
  lastLoadMs: null,
  lastEventsLoaded: null,
  recomputes: 0,
  running: false,
  error: null,
  memoryBytes: null,
};

/** The snapshot before anything has started. */
export function initialSnapshot(options: PipelineOptions): PipelineSnapshot {
  return {
    phase: 'starting',
    ingest: null,
    speed: null,
    batch: emptyBatch,
    viewDefs: options.views,
    userViewIds: [],
    views: {},
    mergedAt: null,
    handovers: [],
    batchIntervalMs: options.batchIntervalMs,
    batchPaused: false,
    speedFault: null,
    crossFilter: null,
    crossTwins: {},
    messages: [],
  };
}

/** What the snapshot's batch says once a recompute's result is published at `w`. */
export function batchAfter(prev: BatchInfo, w: Record<string, number>, r: RecomputeResult): BatchInfo {
  return {
    ...prev,
    w,
    recomputedAt: Date.now(),
    lastDurationMs: r.totalMs,
    lastLoadMs: r.loadMs,
    lastEventsLoaded: r.eventsLoaded,
    clusters: Object.fromEntries(Object.entries(r.datasets).flatMap(([id, d]) => (d.cluster ? [[id, d.cluster]] : []))),
    recomputes: prev.recomputes + 1,
    running: false,
    error: null,
  };
}
