/**
 * The coordinator on the main thread (after Mosaic's Coordinator): it owns the two workers,
 * schedules recomputes, hands the speed layer's state over to batch at each new watermark,
 * reconciles the two, and merges batch and speed into the views the dashboard reads.
 * No React here: the UI subscribes.
 */
import type { BatchClient } from '../batch/BatchClient';
import type { RecomputeResult } from '../batch/worker/protocol';
import type { IngestClient } from '../ingest/IngestClient';
import type { DatasetSchema } from '../protocol/schema';
import { rowsToTally, type TallyRows } from '../speed/SpeedLayer';
import { compileView, type CompiledView, type Tally } from '../views/compileView';
import type { ViewDef } from '../views/ViewDef';
import type { StoredBatch } from './BatchViewStore';
import { mergeView, type MergedView } from './mergeView';
import { emptyBatch, type Handover, type PipelineMessage, type PipelineOptions, type PipelineSnapshot, type PipelineWorkers, type WorkerHandle } from './pipelineTypes';
import { reconcile, type ViewDrift } from './reconcile';

export type { BatchInfo, Handover, PipelineMessage, PipelineOptions, PipelineSnapshot, PipelineWorkers, WorkerHandle } from './pipelineTypes';

interface PublishedBatch {
  w: Record<string, number>;
  tallies: Map<string, Tally>;
}

const MAX_MESSAGES = 30;
const MAX_HANDOVERS = 20;

export class Pipeline {
  private snap: PipelineSnapshot;
  private readonly listeners = new Set<(urgent: boolean) => void>();
  private readonly compiled = new Map<string, CompiledView>();
  private schemas: Record<string, DatasetSchema> = {};
  private published: PublishedBatch | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private running: Promise<RecomputeResult> | null = null;
  private again = false;
  private ingestHandle: WorkerHandle<IngestClient>;
  private batchHandle: WorkerHandle<BatchClient>;

  constructor(
    private readonly workers: PipelineWorkers,
    private readonly options: PipelineOptions,
  ) {
    this.ingestHandle = this.startIngest();
    this.batchHandle = workers.batch();
    this.snap = {
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
      messages: [],
    };
  }

  private get ingest(): IngestClient {
    return this.ingestHandle.client;
  }

  private get batch(): BatchClient {
    return this.batchHandle.client;
  }

  private startIngest(): WorkerHandle<IngestClient> {
    const h = this.workers.ingest();
    h.client.onEvent((e) => {
      if (h !== this.ingestHandle) return; // a terminated worker's last words
      if (e.type === 'snapshot') {
        this.update({ ingest: e.status, speed: e.speed });
        this.remerge();
      } else this.message(e.type, e.message);
    });
    return h;
  }

  /** Starts both workers, runs the first recompute and the recompute schedule. */
  async start(): Promise<void> {
    try {
      const saved = (await this.options.store?.list()) ?? [];
      const views = [...this.options.views, ...saved];
      this.update({ viewDefs: views, userViewIds: saved.map((v) => v.id) });
      const stored = (await this.options.batchViews?.load(views).catch(() => null)) ?? null;
      const batchReady = this.initBatch();
      const ingest = await this.ingest.call('init', { dbName: this.options.dbName, url: this.options.streamUrl, views, speedBase: stored?.w ?? {} });
      if (stored) this.publishStored(stored, ingest.datasets);
      await batchReady;
      await this.recomputeNow();
      this.update({ phase: 'ready' });
      this.schedule();
    } catch (e) {
      this.message('error', `pipeline failed to start: ${errorText(e)}`);
      this.update({ phase: 'failed' });
    }
  }

  /**
   * Serves the batch views saved before the reload, for the datasets whose speed layer now starts at
   * their W; the first recompute replaces them. Until then the dashboard shows exact batch output as
   * of that W, plus the speed layer's tally of everything since.
   */
  private publishStored(stored: StoredBatch, datasets: Record<string, { speedBase: number }>): void {
    this.schemas = { ...stored.schemas, ...this.schemas };
    const w: Record<string, number> = {};
    for (const [id, wd] of Object.entries(stored.w)) if (datasets[id]?.speedBase === wd) w[id] = wd;
    const tallies = new Map<string, Tally>();
    for (const v of this.snap.viewDefs) {
      const rows = stored.rows[v.id];
      const c = this.compiledFor(v);
      if (rows && c && w[v.dataset] !== undefined) tallies.set(v.id, c.fromRows(rows));
    }
    if (tallies.size === 0) return;
    this.published = { w, tallies };
    this.update({ batch: { ...this.snap.batch, w, recomputedAt: stored.savedAt } });
    this.message('info', 'serving the batch views saved before the reload while the batch layer reloads the log');
    this.remerge();
  }

  private async initBatch(): Promise<void> {
    const init = await this.batch.call('init', { dbName: this.options.dbName });
    await this.batch.call('setViews', { views: this.snap.viewDefs });
    this.update({ batch: { ...this.snap.batch, engine: init.engine, initMs: init.initMs } });
  }

  /**
   * Kills a worker and starts a new one, as a crash would (tests and teaching). Whatever it was doing
   * is lost; the log is not: the new ingest worker resumes the stream from the durable offset, the
   * new batch worker reloads the log into a fresh DuckDB.
   */
  async restartWorker(kind: 'ingest' | 'batch'): Promise<void> {
    const lost = new Error(`the ${kind} worker was restarted`);
    if (kind === 'ingest') {
      this.ingestHandle.worker.terminate();
      this.ingestHandle.client.failAll(lost);
      this.ingestHandle = this.startIngest();
      await this.ingest.call('init', { dbName: this.options.dbName, url: this.options.streamUrl, views: this.snap.viewDefs });
      if (this.snap.speedFault !== null) await this.ingest.call('setSpeedFault', { dropEvery: this.snap.speedFault });
    } else {
      this.batchHandle.worker.terminate();
      this.batchHandle.client.failAll(lost);
      this.batchHandle = this.workers.batch();
      await this.initBatch();
    }
    this.message('info', `${kind} worker restarted`);
    // The new worker's base is the log's end; a recompute brings batch there and the pair together again.
    await this.recomputeNow().catch(() => undefined);
  }

  /** Teaching: the next recompute fails after loading and one query; the old batch views must stay. */
  async failNextRecompute(): Promise<void> {
    await this.batch.call('failNextRecompute', {});
  }

  /** Teaching: cut the stream (the log and batch go on) or connect it again. */
  async setStreamConnected(connected: boolean): Promise<void> {
    const url = this.options.streamUrl;
    if (!url) return;
    if (connected) await this.ingest.call('connect', { url });
    else await this.ingest.call('disconnect', {});
    this.message('info', connected ? 'stream connected again: it resumes from the last durable offset' : 'stream disconnected by you');
  }

  /** The tab became visible or the network came back: reconnect now if waiting to. */
  nudge(): void {
    void this.ingest.call('nudge', {}).catch(() => undefined);
  }

  /** `urgent` marks changes the user just asked for (a toggle), which a UI should show at once. */
  subscribe = (listener: (urgent: boolean) => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): PipelineSnapshot => this.snap;

  /** The schema of a dataset, once the log or the stream has told us. */
  schemaOf(dataset: string): DatasetSchema | null {
    return this.schemas[dataset] ?? this.snap.ingest?.datasets[dataset]?.schema ?? null;
  }

  /**
   * Adds or replaces a user view: validated against its dataset (a ViewError says what to fix),
   * saved in the workspace, given to both layers, then computed by a recompute.
   */
  async saveView(def: ViewDef): Promise<void> {
    const schema = this.schemaOf(def.dataset);
    if (!schema) throw new Error(`dataset ${def.dataset} is not known yet`);
    compileView(def, schema);
    await this.options.store?.save(def);
    const others = this.snap.viewDefs.filter((v) => v.id !== def.id);
    await this.applyViews([...others, def], [...this.snap.userViewIds.filter((id) => id !== def.id), def.id]);
  }

  async removeView(id: string): Promise<void> {
    if (!this.snap.userViewIds.includes(id)) return;
    await this.options.store?.remove(id);
    await this.applyViews(
      this.snap.viewDefs.filter((v) => v.id !== id),
      this.snap.userViewIds.filter((x) => x !== id),
    );
  }

  setBatchInterval(ms: number): void {
    this.update({ batchIntervalMs: ms }, true);
    this.schedule();
  }

  setBatchPaused(paused: boolean): void {
    this.update({ batchPaused: paused }, true);
    this.schedule();
  }

  /** Teaching control: a speed layer that loses every nth event, which reconciliation exposes. */
  async setSpeedFault(dropEvery: number | null): Promise<void> {
    this.update({ speedFault: dropEvery }, true);
    await this.ingest.call('setSpeedFault', { dropEvery });
    this.message('info', dropEvery === null ? 'speed layer healthy again' : `speed layer made faulty: it drops every ${dropEvery}th event; the next recompute corrects the totals`);
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

  private async applyViews(views: ViewDef[], userViewIds: string[]): Promise<void> {
    this.update({ viewDefs: views, userViewIds });
    await Promise.all([this.batch.call('setViews', { views }), this.ingest.call('setViews', { views })]);
    await this.recomputeNow().catch(() => undefined);
  }

  private async runRecompute(): Promise<RecomputeResult> {
    this.update({ batch: { ...this.snap.batch, running: true } });
    let r: RecomputeResult;
    try {
      r = await this.batch.call('recompute', {});
    } catch (e) {
      // A failed recompute leaves the published batch views and W as they were.
      const error = errorText(e);
      this.update({ batch: { ...this.snap.batch, running: false, error } });
      this.message('error', `recompute failed, batch views unchanged: ${error}`);
      throw e;
    }
    this.schemas = { ...this.schemas, ...r.schemas };
    const tallies = new Map<string, Tally>();
    for (const v of this.snap.viewDefs) {
      const rows = r.views[v.id];
      const c = this.compiledFor(v);
      if (rows && c) tallies.set(v.id, c.fromRows(rows));
    }
    const w: Record<string, number> = {};
    for (const [id, d] of Object.entries(r.datasets)) w[id] = d.w;
    this.published = { w, tallies };
    void this.options.batchViews?.save(r, this.snap.viewDefs).catch((e: unknown) => this.message('error', `could not save the batch views: ${errorText(e)}`));
    // Hand over: the speed layer drops seq <= W; until its next snapshot says so, the old pair stays on screen.
    const handed = await Promise.all(Object.entries(w).map(async ([dataset, wd]) => ({ dataset, w: wd, ...(await this.ingest.call('dropUpTo', { dataset, w: wd })) })));
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
    for (const h of handed) if (h.w > h.fromSeq) await this.reconcileHandover(h.dataset, h.fromSeq, h.w, h.events, h.handedOver);
    const stats = await this.batch.call('stats', {}).catch(() => null);
    if (stats) this.update({ batch: { ...this.snap.batch, memoryBytes: stats.memoryBytes } });
    return r;
  }

  /** Compares what the speed layer handed over with batch's answer for the same seq range. */
  private async reconcileHandover(dataset: string, fromSeq: number, toSeq: number, events: number, handedOver: Record<string, TallyRows>): Promise<void> {
    try {
      const { views } = await this.batch.call('reconcile', { ranges: { [dataset]: { after: fromSeq, upto: toSeq } } });
      const drifts: ViewDrift[] = [];
      for (const v of this.snap.viewDefs) {
        const c = this.compiledFor(v);
        const rows = views[v.id];
        if (v.dataset !== dataset || !c || !rows) continue;
        drifts.push(reconcile(c, c.fromRows(rows), rowsToTally(handedOver[v.id] ?? [])));
      }
      const h: Handover = { at: Date.now(), dataset, fromSeq, toSeq, events, views: drifts, ok: drifts.every((d) => d.driftKeys === 0) };
      this.update({ handovers: [h, ...this.snap.handovers].slice(0, MAX_HANDOVERS) });
      if (!h.ok)
        this.message(
          'error',
          `reconciliation: the speed layer disagreed with batch on seq ${fromSeq + 1}..${toSeq} (${drifts
            .filter((d) => d.driftKeys > 0)
            .map((d) => d.viewName)
            .join(', ')}); batch's figures now stand`,
        );
    } catch (e) {
      this.message('error', `reconciliation of seq ${fromSeq + 1}..${toSeq} failed: ${errorText(e)}`);
    }
  }

  private compiledFor(v: ViewDef): CompiledView | null {
    const schema = this.schemaOf(v.dataset);
    if (!schema) return null;
    let c = this.compiled.get(v.id);
    if (!c || c.view !== v) {
      try {
        c = compileView(v, schema);
      } catch (e) {
        this.message('error', `view ${v.name}: ${errorText(e)}`);
        return null;
      }
      this.compiled.set(v.id, c);
    }
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
    for (const v of this.snap.viewDefs) {
      const c = this.compiledFor(v);
      const batchTally = pub.tallies.get(v.id);
      if (!c || !batchTally) continue;
      const w = pub.w[v.dataset] ?? 0;
      const base = speed.datasets[v.dataset]?.baseW ?? 0;
      const previous = this.snap.views[v.id];
      if (base !== w) {
        if (previous) views[v.id] = previous;
        continue;
      }
      views[v.id] = mergeView(c, batchTally, rowsToTally(speed.views[v.id] ?? []), w);
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
    const [last, ...rest] = this.snap.messages;
    const messages =
      last && last.text === text && last.level === level
        ? [{ ...last, at: Date.now(), repeat: last.repeat + 1 }, ...rest]
        : [{ at: Date.now(), level, text, repeat: 1 }, ...this.snap.messages].slice(0, MAX_MESSAGES);
    this.update({ messages });
  }

  private update(patch: Partial<PipelineSnapshot>, urgent = false): void {
    this.snap = { ...this.snap, ...patch };
    for (const l of this.listeners) l(urgent);
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
