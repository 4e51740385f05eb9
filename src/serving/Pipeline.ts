/**
 * The coordinator on the main thread (after Mosaic's Coordinator): it owns the two workers,
 * has recomputes scheduled (RecomputeScheduler), hands the speed layer's state over to batch at each
 * new watermark and reconciles the two (handOver.ts), and merges batch and speed into the views the
 * dashboard reads. No React here: the UI subscribes.
 */
import type { BatchClient } from '../batch/BatchClient';
import type { RecomputeResult } from '../batch/worker/protocol';
import type { IngestClient } from '../ingest/IngestClient';
import type { IngestEvent } from '../ingest/worker/protocol';
import type { DatasetSchema } from '../protocol/schema';
import { type CompiledView, compileView } from '../views/compileView';
import type { ViewDef } from '../views/ViewDef';
import type { StoredBatch } from './BatchViewStore';
import { dropUpTo, reconcileAll } from './handOver';
import { withMessage } from './messages';
import { batchAfter, initialSnapshot, type PipelineMessage, type PipelineOptions, type PipelineSnapshot, type PipelineWorkers, type WorkerHandle } from './pipelineTypes';
import { RecomputeScheduler } from './RecomputeScheduler';
import { ServedViews } from './ServedViews';
import { ViewCatalog } from './ViewCatalog';
import { errorText } from '../protocol/errorText';
import { FileImports } from './FileImports';
import type { QueryHistory } from './QueryHistory';
import { Backups } from './Backups';
import { StreamFollow } from './StreamFollow';
import { isCube } from '../views/crossFilter';
import { CrossFiltering } from './CrossFiltering';
import { Teaching } from './Teaching';
import { StreamStarterViews } from './StreamStarterViews';
import { SqlConsole } from './SqlConsole';
import { Exports } from './Exports';

export type { BatchInfo, Handover, PipelineMessage, PipelineOptions, PipelineSnapshot, PipelineWorkers, WorkerHandle } from './pipelineTypes';

const MAX_HANDOVERS = 20;

export class Pipeline {
  private snap: PipelineSnapshot;
  private readonly listeners = new Set<(urgent: boolean) => void>();
  private readonly catalog = new ViewCatalog((v, message) => this.message('error', `view ${v.name}: ${message}`));
  private readonly served = new ServedViews((v) => this.compiledFor(v));
  private readonly scheduler: RecomputeScheduler<RecomputeResult>;
  private ingestHandle: WorkerHandle<IngestClient>;
  private batchHandle: WorkerHandle<BatchClient>;
  private disposed = false;
  /** Dropped files and dataset administration (serving's side; the batch worker does the work). */
  readonly files = new FileImports({
    batch: () => this.batch,
    addViews: (views) => this.addViews(views),
    dropViews: (ids) =>
      this.applyViews(
        this.snap.viewDefs.filter((v) => !ids.includes(v.id)),
        this.snap.userViewIds.filter((id) => !ids.includes(id)),
      ),
    recomputeNow: () => this.recomputeNow(),
    message: (level, text) => this.message(level, text),
  });

  /** The SQL console over the batch store. */
  readonly console: SqlConsole;
  /** Datasets, views and results written out as files. */
  readonly exports = new Exports(() => this.batch);
  /** The whole workspace backed up to one file, or restored from one. */
  readonly backups = new Backups({
    batch: () => this.batch,
    reloadViews: async () => {
      const saved = (await this.options.store?.list()) ?? { views: [], problems: [] };
      const ids = saved.views.map((v) => v.id);
      await this.applyViews([...this.options.views, ...saved.views], ids);
    },
    message: (level, text) => this.message(level, text),
  });
  /** The console's history and saved statements, when the workspace keeps them. */
  readonly history: QueryHistory | null;
  /** Which streams this workspace reads. */
  readonly follow: StreamFollow;
  /** The teaching comparisons over the published batch store (Teaching.ts). */
  readonly teaching: Teaching;
  private readonly starterViews: StreamStarterViews;
  /** The next recompute drops the batch store and loads the whole log again. */
  private rebuildNext = false;
  /** Cross-filtering: the cubes kept, the filter and the twins the cards show (CrossFiltering.ts). */
  readonly crossFilter = new CrossFiltering({
    snapshot: () => this.snap,
    publish: (patch) => {
      this.snap = { ...this.snap, ...patch };
      this.update(this.merged(), true);
    },
    applyViews: (views, userViewIds) => this.applyViews(views, userViewIds),
  });

  constructor(
    private readonly workers: PipelineWorkers,
    private readonly options: PipelineOptions,
  ) {
    this.scheduler = new RecomputeScheduler(() => this.runRecompute(), options.batchIntervalMs);
    this.history = options.history ?? null;
    this.console = new SqlConsole(() => this.batch, this.history);
    this.teaching = new Teaching({ ingest: () => this.ingest, batch: () => this.batch, snapshot: () => this.snap, compiledFor: (v) => this.compiledFor(v) });
    this.starterViews = new StreamStarterViews(options.dbName, options.prefs ?? null, (views) => this.addViews(views));
    this.follow = new StreamFollow(options.dbName, options.streamsOnly ?? null, options.prefs ?? null, () => this.ingest);
    this.ingestHandle = this.startIngest();
    this.batchHandle = this.startBatch();
    this.snap = initialSnapshot(options);
  }

  private get ingest(): IngestClient {
    return this.ingestHandle.client;
  }

  private get batch(): BatchClient {
    return this.batchHandle.client;
  }

  private startBatch(): WorkerHandle<BatchClient> {
    const h = this.workers.batch();
    this.reportWorkerErrors(h, 'batch');
    h.client.onEvent((e) => {
      if (h !== this.batchHandle || this.disposed) return;
      if (e.type === 'console-batch') this.console.onBatch(e.batch);
      else if (e.type === 'export-progress') this.exports.onBatchEvent(e);
      else if (e.type === 'backup-progress') this.backups.onBatchEvent(e);
      else this.files.onBatchEvent(e);
    });
    return h;
  }

  private startIngest(): WorkerHandle<IngestClient> {
    const h = this.workers.ingest();
    this.reportWorkerErrors(h, 'ingest');
    h.client.onEvent((e: IngestEvent) => {
      if (h !== this.ingestHandle || this.disposed) return; // a terminated worker's last words
      if (e.type !== 'snapshot') return this.message(e.type, e.message);
      // One update, so listeners hear of each snapshot once.
      this.snap = { ...this.snap, ingest: e.status, speed: e.speed };
      if (this.snap.phase === 'ready') this.starterViews.notice(e.status.datasets, this.snap.viewDefs);
      this.update(this.merged());
    });
    return h;
  }

  /** An uncaught exception in a worker that lives on is shown; one that kills it fails its calls (rpc.ts). */
  private reportWorkerErrors(h: WorkerHandle<IngestClient | BatchClient>, kind: 'ingest' | 'batch'): void {
    h.client.onWorkerError((m) => {
      if (h === this.ingestHandle || h === this.batchHandle) this.message('error', `the ${kind} worker reported an uncaught error: ${m}`);
    });
  }

  /** Starts both workers, runs the first recompute and the recompute schedule. */
  async start(): Promise<void> {
    try {
      const saved = (await this.options.store?.list()) ?? { views: [], problems: [] };
      for (const problem of saved.problems) this.message('error', `a saved view was left out: ${problem}`);
      const views = [...this.options.views, ...saved.views];
      this.update({ viewDefs: views, userViewIds: saved.views.map((v) => v.id) });
      const stored = (await this.options.batchViews?.load(views).catch(() => null)) ?? null;
      const batchReady = this.initBatch();
      batchReady.catch(() => undefined); // awaited below; an ingest failure first must not leave it unhandled
      const ingest = await this.ingest.call('init', { dbName: this.options.dbName, url: this.options.streamUrl, views, speedBase: stored?.w ?? {}, ...this.follow.init() });
      if (stored) this.publishStored(stored, ingest.datasets);
      await batchReady;
      await this.scheduler.now();
      this.update({ phase: 'ready' });
      this.scheduler.start();
    } catch (e) {
      this.message('error', `pipeline failed to start: ${errorText(e)}`);
      this.update({ phase: 'failed' });
    }
  }

  /** Stops the schedule and both workers; the snapshot stays as it was. */
  dispose(): void {
    this.disposed = true;
    this.scheduler.dispose();
    const lost = new Error('the pipeline was stopped');
    for (const h of [this.ingestHandle, this.batchHandle]) {
      h.worker.terminate();
      h.client.failAll(lost);
    }
    this.listeners.clear();
  }

  /**
   * Serves the batch views saved before the reload, for the datasets whose speed layer now starts at
   * their W; the first recompute replaces them. Until then the dashboard shows exact batch output as
   * of that W, plus the speed layer's tally of everything since.
   */
  private publishStored(stored: StoredBatch, datasets: Record<string, { speedBase: number }>): void {
    this.catalog.learnSchemas(stored.schemas, true);
    const w: Record<string, number> = {};
    for (const [id, wd] of Object.entries(stored.w)) if (datasets[id]?.speedBase === wd) w[id] = wd;
    if (this.served.publish(w, stored.rows, this.snap.viewDefs, true) === 0) return;
    this.message('info', 'serving the batch views saved before the reload while the batch layer reloads the log');
    this.update({ batch: { ...this.snap.batch, w, recomputedAt: stored.savedAt }, ...this.merged() });
  }

  private async initBatch(): Promise<void> {
    const init = await this.batch.call('init', { dbName: this.options.dbName, ...(typeof location !== 'undefined' ? { apiBase: location.origin } : {}) });
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
      await this.ingest.call('init', { dbName: this.options.dbName, url: this.options.streamUrl, views: this.snap.viewDefs, ...this.follow.init() });
      if (this.snap.speedFault !== null) await this.ingest.call('setSpeedFault', { dropEvery: this.snap.speedFault });
    } else {
      this.batchHandle.worker.terminate();
      this.batchHandle.client.failAll(lost);
      this.batchHandle = this.startBatch();
      await this.initBatch();
    }
    this.message('info', `${kind} worker restarted`);
    // The new worker's base is the log's end; a recompute brings batch there and the pair together again.
    await this.scheduler.now().catch(() => undefined);
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
    return this.catalog.schemaOf(dataset) ?? this.snap.ingest?.datasets[dataset]?.schema ?? null;
  }

  /**
   * Adds or replaces a user view: validated against its dataset (a ViewError says what to fix),
   * saved in the workspace, given to both layers, then computed by a recompute.
   */
  async saveView(def: ViewDef): Promise<void> {
    const schema = this.schemaOf(def.dataset);
    if (!schema) throw new Error(`dataset ${def.dataset} is not known yet`);
    compileView(def, schema); // throws a ViewError saying what to fix
    await this.options.store?.save(def);
    const others = this.snap.viewDefs.filter((v) => v.id !== def.id);
    await this.applyViews([...others, def], [...this.snap.userViewIds.filter((id) => id !== def.id), def.id]);
  }

  /** Saves views (a new dataset's generated ones) as the user's, replacing any of the same id. */
  private async addViews(views: ViewDef[]): Promise<void> {
    for (const v of views) await this.options.store?.save(v);
    const ids = new Set(views.map((v) => v.id));
    await this.applyViews([...this.snap.viewDefs.filter((v) => !ids.has(v.id)), ...views], [...this.snap.userViewIds.filter((id) => !ids.has(id)), ...ids], false);
  }

  async removeView(id: string): Promise<void> {
    if (!this.snap.userViewIds.includes(id)) return;
    await this.options.store?.remove(id);
    // Its cross-filter twin and cubes go with it.
    await this.applyViews(
      await this.crossFilter.forget(id),
      this.snap.userViewIds.filter((x) => x !== id),
    );
  }

  setBatchInterval(ms: number): void {
    this.update({ batchIntervalMs: ms }, true);
    this.scheduler.setInterval(ms);
  }

  setBatchPaused(paused: boolean): void {
    this.update({ batchPaused: paused }, true);
    this.scheduler.setPaused(paused);
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
  recomputeNow(): Promise<RecomputeResult> {
    return this.scheduler.now();
  }

  /**
   * Teaching: throws the batch store away and recomputes it from the log alone, through the same
   * schedule as every other recompute (batch can fix anything: the log is the only truth).
   */
  rebuildBatch(): Promise<RecomputeResult> {
    this.rebuildNext = true;
    return this.scheduler.now();
  }

  /** Gives both layers the views, then recomputes (awaited unless `wait` is false: a new file's dataset shows from speed meanwhile). */
  private async applyViews(views: ViewDef[], userViewIds: string[], wait = true): Promise<void> {
    this.update({ viewDefs: views, userViewIds });
    await Promise.all([this.batch.call('setViews', { views }), this.ingest.call('setViews', { views })]);
    const recompute = this.scheduler.now().catch(() => undefined);
    if (wait) await recompute;
  }

  private async runRecompute(): Promise<RecomputeResult> {
    this.update({ batch: { ...this.snap.batch, running: true } });
    let r: RecomputeResult;
    const method = this.rebuildNext ? 'rebuild' : 'recompute';
    this.rebuildNext = false;
    try {
      // Retention removes events from the log: only the tab that writes it runs it (RetentionJobs).
      const writer = this.snap.ingest !== null && this.snap.ingest.connection !== 'elsewhere';
      r = await this.batch.call(method, { retain: writer });
    } catch (e) {
      // A failed recompute leaves the published batch views and W as they were.
      const error = errorText(e);
      this.update({ batch: { ...this.snap.batch, running: false, error } });
      this.message('error', `recompute failed, batch views unchanged: ${error}`);
      throw e;
    }
    this.catalog.learnSchemas(r.schemas);
    const w: Record<string, number> = {};
    for (const [id, d] of Object.entries(r.datasets)) w[id] = d.w;
    this.served.publish(w, r.views, this.snap.viewDefs);
    void this.options.batchViews?.save(r, this.snap.viewDefs).catch((e: unknown) => this.message('error', `could not save the batch views: ${errorText(e)}`));
    // Hand over: the speed layer drops seq <= W; until its next snapshot says so, the old pair stays on screen.
    let handed: Awaited<ReturnType<typeof dropUpTo>>;
    try {
      handed = await dropUpTo(this.ingest, w);
    } catch (e) {
      // Batch moved to W but speed did not drop up to it: the views keep their last consistent merge until a hand-over succeeds.
      this.update({ batch: { ...this.snap.batch, w, running: false, error: `hand-over to the speed layer failed: ${errorText(e)}` } });
      throw e;
    }
    this.update({ batch: batchAfter(this.snap.batch, w, r), ...this.merged() });
    for (const p of r.problems ?? []) this.message('error', p);
    const compiled = this.snap.viewDefs.map((v) => this.compiledFor(v)).filter((c): c is CompiledView => c !== null);
    await reconcileAll(this.batch, compiled, handed, {
      handover: (h) => this.update({ handovers: [h, ...this.snap.handovers].slice(0, MAX_HANDOVERS) }),
      problem: (p) => this.message('error', p),
    });
    const stats = await this.batch.call('stats', {}).catch(() => null);
    if (stats) this.update({ batch: { ...this.snap.batch, memoryBytes: stats.memoryBytes } });
    return r;
  }

  private compiledFor(v: ViewDef): CompiledView | null {
    return this.catalog.compiledFor(v, this.schemaOf(v.dataset));
  }

  /** The merged views for the snapshot, when batch and speed form a consistent pair. */
  private merged(): Partial<PipelineSnapshot> {
    // Cubes are read only through the twins projected from them: merging them whole would cost much and show nothing.
    const views = this.served.merge(
      this.snap.viewDefs.filter((v) => !isCube(v.id)),
      this.snap.speed,
      this.snap.views,
    );
    if (!views) return {};
    Object.assign(views, this.served.mergeProjected(this.crossFilter.plans, this.snap.speed, this.snap.views));
    return { views, mergedAt: Date.now() };
  }

  private message(level: PipelineMessage['level'], text: string): void {
    this.update({ messages: withMessage(this.snap.messages, level, text, Date.now()) });
  }

  private update(patch: Partial<PipelineSnapshot>, urgent = false): void {
    this.snap = { ...this.snap, ...patch };
    for (const l of this.listeners) l(urgent);
  }
}
