/**
 * The coordinator on the main thread (after Mosaic's Coordinator): it owns the two workers,
 * schedules recomputes, hands the speed layer's state over to batch at each new watermark, and
 * merges batch and speed into the views the dashboard reads. No React here: the UI subscribes.
 */
import type { BatchClient } from '../batch/BatchClient';
import type { RecomputeResult } from '../batch/worker/protocol';
import type { IngestClient } from '../ingest/IngestClient';
import type { IngestStatus } from '../ingest/worker/protocol';
import type { DatasetSchema } from '../protocol/schema';
import { rowsToTally, type SpeedSnapshot } from '../speed/SpeedLayer';
import { compileView, type CompiledView, type Tally } from '../views/compileView';
import type { ViewDef } from '../views/ViewDef';
import { mergeView, type MergedView } from './mergeView';

export interface PipelineOptions {
  dbName: string;
  streamUrl: string | null;
  views: ViewDef[];
  batchIntervalMs: number;
}

export interface BatchInfo {
  engine: string | null;
  initMs: number | null;
  /** Per dataset: the watermark of the published batch views. */
  w: Record<string, number>;
  recomputedAt: number | null;
  lastDurationMs: number | null;
  lastLoadMs: number | null;
  lastEventsLoaded: number | null;
  recomputes: number;
  running: boolean;
  error: string | null;
}

export interface PipelineMessage {
  at: number;
  level: 'error' | 'info';
  text: string;
}

export interface PipelineSnapshot {
  phase: 'starting' | 'ready' | 'failed';
  ingest: IngestStatus | null;
  speed: SpeedSnapshot | null;
  batch: BatchInfo;
  /** Merged views from a consistent (batch at W, speed past W) pair; absent until batch's first recompute. */
  views: Record<string, MergedView>;
  /** When the merged views were last refreshed. */
  mergedAt: number | null;
  batchIntervalMs: number;
  batchPaused: boolean;
  messages: PipelineMessage[];
}

interface PublishedBatch {
  w: Record<string, number>;
  tallies: Map<string, Tally>;
}

const MAX_MESSAGES = 30;

export class Pipeline {
  private snap: PipelineSnapshot;
  private readonly listeners = new Set<() => void>();
  private compiled = new Map<string, CompiledView>();
  private schemas: Record<string, DatasetSchema> = {};
  private published: PublishedBatch | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private running: Promise<RecomputeResult> | null = null;
  private again = false;

  constructor(
    private readonly ingest: IngestClient,
    private readonly batch: BatchClient,
    private readonly options: PipelineOptions,
  ) {
    this.snap = {
      phase: 'starting',
      ingest: null,
      speed: null,
      batch: { engine: null, initMs: null, w: {}, recomputedAt: null, lastDurationMs: null, lastLoadMs: null, lastEventsLoaded: null, recomputes: 0, running: false, error: null },
      views: {},
      mergedAt: null,
      batchIntervalMs: options.batchIntervalMs,
      batchPaused: false,
      messages: [],
    };
    ingest.onEvent((e) => {
      if (e.type === 'snapshot') {
        this.update({ ingest: e.status, speed: e.speed });
        this.remerge();
      } else this.message('error', e.message);
    });
  }

  /** Starts both workers, runs the first recompute and the recompute schedule. */
  async start(): Promise<void> {
    try {
      const views = this.options.views;
      const [batchInit] = await Promise.all([
        this.batch.call('init', { dbName: this.options.dbName }),
        this.ingest.call('init', { dbName: this.options.dbName, url: this.options.streamUrl, views }),
      ]);
      await this.batch.call('setViews', { views });
      this.update({ batch: { ...this.snap.batch, engine: batchInit.engine, initMs: batchInit.initMs } });
      await this.recomputeNow();
      this.update({ phase: 'ready' });
      this.schedule();
    } catch (e) {
      this.message('error', `pipeline failed to start: ${e instanceof Error ? e.message : String(e)}`);
      this.update({ phase: 'failed' });
    }
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): PipelineSnapshot => this.snap;

  setBatchInterval(ms: number): void {
    this.update({ batchIntervalMs: ms });
    this.schedule();
  }

  setBatchPaused(paused: boolean): void {
    this.update({ batchPaused: paused });
    this.schedule();
  }

  /**
   * Fixes W at the log's end, recomputes every view in the batch worker, publishes the new batch
   * views wholesale and hands the speed layer's events up to W over to them. A call while one runs
   * waits for it and runs once more, so "now" always means "including what arrived until now".
   */
  async recomputeNow(): Promise<RecomputeResult> {
    if (this.running) {
      this.again = true;
      const current = this.running;
      await current.catch(() => undefined);
      if (this.running && this.running !== current) return this.running;
    }
    this.again = false;
    this.running = this.runRecompute();
    try {
      return await this.running;
    } finally {
      this.running = null;
      if (this.again) void this.recomputeNow().catch(() => undefined);
    }
  }

  private async runRecompute(): Promise<RecomputeResult> {
    this.update({ batch: { ...this.snap.batch, running: true } });
    try {
      const r = await this.batch.call('recompute', {});
      this.schemas = { ...this.schemas, ...r.schemas };
      const tallies = new Map<string, Tally>();
      for (const v of this.options.views) {
        const rows = r.views[v.id];
        const c = this.compiledFor(v);
        if (rows && c) tallies.set(v.id, c.fromRows(rows));
      }
      const w: Record<string, number> = {};
      for (const [id, d] of Object.entries(r.datasets)) w[id] = d.w;
      this.published = { w, tallies };
      // Hand over: the speed layer drops seq <= W; until its next snapshot says so, the old pair stays on screen.
      await Promise.all(Object.entries(w).map(([dataset, wd]) => this.ingest.call('dropUpTo', { dataset, w: wd })));
      this.update({
        batch: {
          ...this.snap.batch,
          w,
          recomputedAt: Date.now(),
          lastDurationMs: r.totalMs,
          lastLoadMs: r.loadMs,
          lastEventsLoaded: r.eventsLoaded,
          recomputes: this.snap.batch.recomputes + 1,
          running: false,
          error: null,
        },
      });
      this.remerge();
      return r;
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      // A failed recompute leaves the published batch views and W as they were.
      this.update({ batch: { ...this.snap.batch, running: false, error } });
      this.message('error', `recompute failed, batch views unchanged: ${error}`);
      throw e;
    }
  }

  private compiledFor(v: ViewDef): CompiledView | null {
    const schema = this.schemas[v.dataset] ?? this.snap.ingest?.datasets[v.dataset]?.schema;
    if (!schema) return null;
    let c = this.compiled.get(v.id);
    if (!c || c.view !== v) this.compiled.set(v.id, (c = compileView(v, schema)));
    return c;
  }

  /**
   * Merges batch and speed per view, but only from a consistent pair: batch at W and a speed
   * snapshot that excludes exactly seq <= W. Otherwise the view keeps its last consistent merge.
   */
  private remerge(): void {
    const pub = this.published;
    const speed = this.snap.speed;
    if (!pub || !speed) return;
    const views: Record<string, MergedView> = {};
    for (const v of this.options.views) {
      const c = this.compiledFor(v);
      if (!c) continue;
      const w = pub.w[v.dataset] ?? 0;
      const base = speed.datasets[v.dataset]?.baseW ?? 0;
      const previous = this.snap.views[v.id];
      if (base !== w) {
        if (previous) views[v.id] = previous;
        continue;
      }
      views[v.id] = mergeView(c, pub.tallies.get(v.id) ?? new Map(), rowsToTally(speed.views[v.id] ?? []), w);
    }
    this.update({ views, mergedAt: Date.now() });
  }

  private schedule(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.snap.batchPaused || this.snap.phase === 'failed') return;
    this.timer = setInterval(() => {
      if (!this.running) void this.recomputeNow().catch(() => undefined);
    }, this.snap.batchIntervalMs);
  }

  private message(level: PipelineMessage['level'], text: string): void {
    this.update({ messages: [{ at: Date.now(), level, text }, ...this.snap.messages].slice(0, MAX_MESSAGES) });
  }

  private update(patch: Partial<PipelineSnapshot>): void {
    this.snap = { ...this.snap, ...patch };
    for (const l of this.listeners) l();
  }
}
