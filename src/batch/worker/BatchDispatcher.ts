/**
 * The batch layer: keeps one engine table per dataset as a cache of the log (loading only segments
 * it has not seen), and recomputes every view over `seq <= W`, W fixed at the log's end when the
 * recompute starts. Plain class, no Worker API, so it runs under vitest too.
 */
import { EventLog } from '../../log/EventLog';
import { LogDb } from '../../log/LogDb';
import { compileView, type CompiledView, type SqlRow } from '../../views/compileView';
import type { ViewDef } from '../../views/ViewDef';
import { tableFor, type BatchEngine } from '../BatchEngine';
import type { BatchEvent, BatchMethods, BatchStats, DatasetBatchState, RecomputeResult } from './protocol';
import { errorText } from '../../protocol/errorText';
import { AppendChannel } from '../../log/appendChannel';
import { deleteDataset, renameDataset } from '../../log/datasetAdmin';
import { recoverImports } from '../../log/fileImport';
import { setRetentionPolicy } from '../../log/retention';
import { RetentionJobs } from './RetentionJobs';
import { ClusterViews } from './ClusterViews';
import { ClusterRecompute } from './ClusterRecompute';
import { clusterResultIpc } from '../console/clusterResult';
import { loadLog } from './loadLog';
import { holdImportLock, importIsLive } from './importLock';
import { FileImporter } from '../import/FileImporter';
import { ConsoleRunner } from '../console/ConsoleRunner';
import { ExportJobs } from '../export/ExportJobs';
import { BackupJobs } from '../backup/BackupJobs';
import { batchTimeSplit } from './timeSplit';
import type { TransferList } from '../../protocol/rpc';

type Res<K extends keyof BatchMethods> = BatchMethods[K]['res'];
type Req<K extends keyof BatchMethods> = BatchMethods[K]['req'];

export class BatchDispatcher {
  private log: EventLog | null = null;
  private engine: BatchEngine | null = null;
  private views: ViewDef[] = [];
  /** Per dataset: last seq loaded into the engine table. */
  private readonly loaded = new Map<string, number>();
  private readonly published = new Map<string, number>();
  /** Recomputes run one at a time; a request during one waits for it. */
  private queue: Promise<unknown> = Promise.resolve();
  private failNext = false;
  /** The page's server, for datasets whose batch layer is its ClickHouse cluster. */
  private apiBase: string | null = null;
  private readonly cluster = new ClusterViews(() => this.apiBase);
  private readonly clusterPart = new ClusterRecompute(this.cluster);
  /** Settles once DuckDB has started (or failed to). */
  private ready: Promise<unknown> = Promise.resolve();
  private readonly retention = new RetentionJobs(
    () => this.log!.db,
    () => this.requireEngine(),
    (dataset, message) => {
      this.channel?.announce({ dataset, highWater: 0 });
      if (message) this.emit({ type: 'log', message });
    },
  );
  private channel: AppendChannel | null = null;
  private fileEngine: Promise<BatchEngine> | null = null;
  private readonly importer = new FileImporter(
    // A DuckDB of its own for reading CSV: the threaded build's registered files are unreliable (see DuckDbEngine).
    () => (this.fileEngine ??= this.createFileEngine()),
    () => this.log!.db,
    (dataset, highWater) => this.channel?.announce({ dataset, highWater }),
  );

  /** Exports read the log, not the engine: they run beside recomputes, each up to the log's end when it starts. */
  readonly exports = new ExportJobs(
    () => this.log!,
    (exportId, done, total) => this.emit({ type: 'export-progress', exportId, done, total }),
  );
  /** Workspace backups and restores; a restore holds an import lock, so a tab closed midway is rolled back at the next start. */
  readonly backups = new BackupJobs(
    () => this.log!,
    (jobId, progress) => this.emit({ type: 'backup-progress', jobId, progress }),
    (dataset, highWater) => this.channel?.announce({ dataset, highWater }),
  );
  /** The SQL console: dataset views in the engine, and the person's queries on a connection of their own. */
  private readonly console = new ConsoleRunner(
    () => this.requireEngine(),
    (batch) => this.emit({ type: 'console-batch', batch }, [batch.ipc.buffer]),
  );

  constructor(
    private readonly createEngine: () => Promise<BatchEngine>,
    private readonly emit: (e: BatchEvent, transfer?: TransferList) => void = () => {},
    private readonly createFileEngine: () => Promise<BatchEngine> = createEngine,
  ) {}

  async init({ dbName, apiBase }: Req<'init'>): Promise<Res<'init'>> {
    this.apiBase = apiBase ?? null;
    const t0 = performance.now();
    this.log = new EventLog(new LogDb(dbName));
    // Imports a closed tab left open (no tab holds their lock any more) are rolled back first.
    const cleaned = await recoverImports(this.log.db, importIsLive);
    for (const name of cleaned) this.emit({ type: 'log', message: `An import into ${name} was interrupted (the tab closed); nothing of it was kept.` });
    this.channel = new AppendChannel(dbName, () => {});
    const ready = (async () => {
      const engine = await this.createEngine();
      // The console's SQL runs on this engine: no file, URL, extension or setting is reachable from it.
      await engine.lockDown();
      this.engine = engine;
      return engine;
    })();
    // A recompute asked for while DuckDB starts (after a quick restore or import) waits for it.
    this.ready = ready.catch(() => undefined);
    this.queue = this.queue.then(() => ready).catch(() => undefined);
    const engine = await ready;
    return { engine: engine.name, initMs: performance.now() - t0 };
  }

  previewFile({ file, formats }: Req<'previewFile'>): Promise<Res<'previewFile'>> {
    return this.importer.preview(file, formats);
  }

  /** Not queued behind recomputes: they read the log only up to its high-water mark, which an import moves once, at its end. */
  importFile({ file, plan }: Req<'importFile'>): Promise<Res<'importFile'>> {
    return holdImportLock(plan.importId, () => this.importer.run(file, plan, (progress) => this.emit({ type: 'import-progress', progress })));
  }

  cancelImport({ importId }: Req<'cancelImport'>): boolean {
    return this.importer.cancel(importId);
  }

  async restoreWorkspace(req: Req<'restoreWorkspace'>): Promise<Res<'restoreWorkspace'>> {
    const r = await holdImportLock(req.jobId, () => this.backups.restore(req));
    if (this.engine) await this.serially(() => this.refreshConsole());
    return r;
  }

  async renameDataset({ datasetId, name }: Req<'renameDataset'>): Promise<null> {
    await renameDataset(this.log!.db, datasetId, name);
    this.channel?.announce({ dataset: datasetId, highWater: 0 });
    if (this.engine) await this.serially(() => this.refreshConsole());
    return null;
  }

  deleteDataset({ datasetId }: Req<'deleteDataset'>): Promise<Res<'deleteDataset'>> {
    return this.serially(async () => {
      const views = await deleteDataset(this.log!.db, datasetId);
      await this.engine?.dropTable(tableFor(datasetId));
      this.loaded.delete(datasetId);
      this.retention.forget(datasetId);
      this.published.delete(datasetId);
      this.channel?.announce({ dataset: datasetId, highWater: 0 });
      await this.refreshConsole();
      return { views };
    });
  }

  /** Takes the views to recompute; reports the ones that do not compile against their dataset. */
  async setViews({ views }: Req<'setViews'>): Promise<Res<'setViews'>> {
    this.views = views;
    const errors: Record<string, string> = {};
    for (const v of views) {
      const ds = await this.log?.dataset(v.dataset);
      if (!ds) continue; // compiled once the dataset exists
      try {
        compileView(v, ds.schema);
      } catch (e) {
        errors[v.id] = errorText(e);
      }
    }
    return { errors };
  }

  recompute({ retain }: Req<'recompute'> = {}): Promise<RecomputeResult> {
    return this.serially(() => this.runRecompute(retain === true));
  }

  rebuild({ retain }: Req<'rebuild'> = {}): Promise<RecomputeResult> {
    return this.serially(async () => {
      const engine = this.requireEngine();
      for (const id of this.loaded.keys()) await engine.dropTable(tableFor(id));
      this.loaded.clear();
      return this.runRecompute(retain === true);
    });
  }

  setRetention({ datasetId, policy }: Req<'setRetention'>): Promise<null> {
    return this.serially(async () => {
      await setRetentionPolicy(this.log!.db, datasetId, policy);
      this.channel?.announce({ dataset: datasetId, highWater: 0 });
      return null;
    });
  }

  timeSplit({ dataset, w, bucketMs }: Req<'timeSplit'>): Promise<Res<'timeSplit'>> {
    return this.serially(async () => {
      if ((await this.log!.dataset(dataset))?.cluster) return this.cluster.timeSplit(dataset, w, bucketMs);
      if (w > (this.loaded.get(dataset) ?? 0)) throw new Error(`time split ${dataset}: seq ${w} is not loaded`);
      return batchTimeSplit(this.requireEngine(), dataset, w, bucketMs);
    });
  }

  reconcile({ ranges }: Req<'reconcile'>): Promise<Res<'reconcile'>> {
    return this.serially(async () => {
      const engine = this.requireEngine();
      const views: Record<string, SqlRow[]> = {};
      const records = await this.log!.datasets();
      const schemas = new Map(records.map((d) => [d.id, d.schema]));
      const retained = new Map(records.map((d) => [d.id, d.retention?.cutUpTo ?? 0]));
      // A cluster's datasets are compared against the cluster, all of a dataset's views in one request.
      for (const ds of records.filter((d) => d.cluster && ranges[d.id])) {
        const range = ranges[ds.id]!;
        const mine = this.views.filter((v) => v.dataset === ds.id);
        if (range.upto <= range.after) for (const v of mine) views[v.id] = [];
        else Object.assign(views, (await this.cluster.views(ds.id, mine, range.upto, range.after)).views);
      }
      for (const v of this.views) {
        const range = ranges[v.dataset];
        const schema = schemas.get(v.dataset);
        if (!range || !schema || records.some((d) => d.id === v.dataset && d.cluster)) continue;
        // Only what batch has loaded can be compared; the range never goes past the published W.
        if (range.upto > (this.loaded.get(v.dataset) ?? 0)) throw new Error(`reconcile ${v.dataset}: seq ${range.upto} is not loaded`);
        // Another tab's retention run reached into the range: speed counted events batch no longer holds, so no comparison.
        if (range.after < (retained.get(v.dataset) ?? 0)) continue;
        if (range.upto <= range.after) {
          views[v.id] = [];
          continue;
        }
        const q = compileView(v, schema).sql(tableFor(v.dataset), range.after, range.upto);
        views[v.id] = (await engine.query(q.text, q.params)).rows;
      }
      return { views };
    });
  }

  failNextRecompute(): null {
    this.failNext = true;
    return null;
  }

  query({ sql }: Req<'query'>): Promise<Res<'query'>> {
    return this.serially(() => this.requireEngine().query(sql));
  }

  /** Not queued behind recomputes: the console reads views cut at the published W, which a recompute moves only at its end. */
  async consoleQuery({ queryId, sql, target }: Req<'consoleQuery'>): Promise<Res<'consoleQuery'>> {
    if (target === 'cluster') {
      const r = await this.cluster.sql(sql);
      const { ipc, columns } = clusterResultIpc(r.columns, r.rows);
      this.emit({ type: 'console-batch', batch: { queryId, ipc, rows: r.rows.length } }, [ipc.buffer]);
      return { queryId, columns, rows: r.rows.length, statements: 1, ms: r.ms, truncated: r.truncated ? `the cluster's first ${r.rows.length.toLocaleString('en-US')} rows` : null, covers: [] };
    }
    // Right after a reload DuckDB may still be starting: the statement waits for it rather than failing.
    await this.ready;
    this.requireEngine();
    return this.console.run(queryId, sql);
  }

  consoleCancel({ queryId }: Req<'consoleCancel'>): boolean {
    return this.console.cancel(queryId);
  }

  async consoleSchema(): Promise<Res<'consoleSchema'>> {
    await this.ready;
    this.requireEngine();
    return this.console.schema();
  }

  /** Gives the console one view per dataset, cut at the W batch has published. */
  private async refreshConsole(): Promise<void> {
    const datasets = await this.log!.datasets();
    await this.console.refreshTables(
      datasets.map((d) => ({
        id: d.id,
        name: d.name,
        createdAt: d.createdAt,
        schema: d.schema,
        w: this.published.get(d.id) ?? 0,
        cacheTable: this.loaded.has(d.id) && (this.loaded.get(d.id) ?? 0) > 0 ? tableFor(d.id) : null,
      })),
    );
  }

  async stats(): Promise<BatchStats> {
    const datasets: Record<string, DatasetBatchState> = {};
    for (const [id, loaded] of this.loaded) datasets[id] = { w: this.published.get(id) ?? 0, loaded };
    return { engine: this.engine?.name ?? 'none', ready: this.engine !== null, datasets, memoryBytes: (await this.engine?.memoryBytes()) ?? null };
  }

  private serially<T>(job: () => Promise<T>): Promise<T> {
    const run = this.queue.then(job, job);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private requireEngine(): BatchEngine {
    if (!this.engine) throw new Error('batch engine not initialised');
    return this.engine;
  }

  private async runRecompute(retain: boolean): Promise<RecomputeResult> {
    const engine = this.requireEngine();
    const log = this.log!;
    if (retain) await this.retention.apply(this.published);
    const startedAt = Date.now();
    const t0 = performance.now();
    const datasets: Record<string, DatasetBatchState> = {};
    const schemas: RecomputeResult['schemas'] = {};
    const compiled: CompiledView[] = [];
    let segmentsLoaded = 0;
    let eventsLoaded = 0;

    // Fix W for every dataset first, then load: views then all describe the same instant.
    // Every dataset, not only those with views: each is a table of the SQL console.
    const records = await log.datasets();
    for (const ds of records) {
      // A cluster's datasets take batch from the cluster, each on its own (ClusterRecompute); one
      // that joined the cluster leaves this engine its old copy, which the log no longer matches.
      if (ds?.cluster && this.loaded.delete(ds.id)) await engine.dropTable(tableFor(ds.id));
      if (!ds || ds.cluster) continue;
      for (const v of this.views) {
        if (v.dataset !== ds.id) continue;
        // A view that does not compile (setViews reported it) must not stop the others.
        try {
          compiled.push(compileView(v, ds.schema));
        } catch {}
      }
      const w = ds.highWater;
      await this.retention.syncCache(ds, this.loaded);
      const r = await loadLog(engine, log, ds, w, this.loaded);
      segmentsLoaded += r.segments;
      eventsLoaded += r.events;
      const loaded = r.loaded;
      datasets[ds.id] = { w, loaded };
      schemas[ds.id] = ds.schema;
    }
    const t1 = performance.now();
    const views: RecomputeResult['views'] = {};
    const onCluster = await this.clusterPart.recompute(
      records.filter((d) => d.cluster),
      this.views,
      this.published,
    );
    Object.assign(datasets, onCluster.datasets);
    Object.assign(views, onCluster.views);
    for (const ds of records) if (ds.cluster) schemas[ds.id] = ds.schema;
    for (const c of compiled) {
      const w = datasets[c.view.dataset]!.w;
      // An empty dataset has no engine table yet; its views are empty.
      if (w === 0) views[c.view.id] = [];
      else {
        const q = c.sql(tableFor(c.view.dataset), 0, w);
        views[c.view.id] = (await engine.query(q.text, q.params)).rows;
      }
      if (this.failNext) {
        this.failNext = false;
        throw new Error('injected failure halfway through the recompute');
      }
    }
    for (const [id, s] of Object.entries(datasets)) this.published.set(id, s.w);
    await this.refreshConsole();
    const t2 = performance.now();
    return { datasets, schemas, views, startedAt, loadMs: t1 - t0, queryMs: t2 - t1, totalMs: t2 - t0, segmentsLoaded, eventsLoaded, problems: onCluster.problems };
  }
}
