/**
 * The ingest worker: the log's writer for this workspace (StreamIngest reads the stream into the log)
 * or a follower of another tab's writes (LogFollower), and in both roles the speed layer (SpeedFeed),
 * whose snapshots go to the page (SnapshotThrottle) with the status, problems included
 * (ProblemReporter). Log work runs one job at a time, in the order it was asked for.
 */
import type { EventLog } from '../../log/EventLog';
import type { Tally } from '../../views/compileView';
import { datasetStatus, sourceStatuses } from './datasetStatus';
import { browserIngestDeps, type IngestDeps } from './ingestDeps';
import { LogFollower } from './LogFollower';
import { ProblemReporter } from './ProblemReporter';
import type { IngestEvent, IngestMethods, IngestStatus } from './protocol';
import { RateMeter } from './RateMeter';
import { SnapshotThrottle } from './SnapshotThrottle';
import { SpeedFeed } from './SpeedFeed';
import { StreamIngest } from './StreamIngest';
import { StreamSources } from './StreamSources';

export { FLUSH_EVENTS, FLUSH_MS } from './MicroBatcher';
export { SNAPSHOT_MS } from './SnapshotThrottle';

type Req<K extends keyof IngestMethods> = IngestMethods[K]['req'];
type Res<K extends keyof IngestMethods> = IngestMethods[K]['res'];

/** Events past a restored W the speed layer re-tallies from the log at start; beyond, batch must catch up first. */
export const MAX_SPEED_REBUILD = 2_000_000;

export class IngestDispatcher {
  private logRef: EventLog | null = null;
  private readonly sources = new StreamSources();
  private readonly st: IngestStatus = {
    connection: 'idle',
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
    streams: this.sources.status,
    offered: [],
    datasets: {},
  };
  private readonly feed = new SpeedFeed(() => this.log);
  private readonly follower = new LogFollower(
    () => this.log,
    this.feed,
    (job) => this.serially(job),
    (ds) => {
      this.st.datasets[ds.id] = datasetStatus(ds);
      this.sources.merge(sourceStatuses(ds));
      this.rate.record(this.st.appended + this.follower.tallied);
      this.throttle.soon();
    },
    (gone) => {
      delete this.st.datasets[gone];
      this.throttle.soon();
    },
  );
  private readonly throttle = new SnapshotThrottle((now) => this.sendSnapshot(now));
  private readonly problems = new ProblemReporter(
    (message) => this.emit({ type: 'error', message }),
    (message) => {
      this.st.errors++;
      this.st.lastError = message;
      this.throttle.markDirty();
    },
  );
  private readonly stream = new StreamIngest({
    log: () => this.log,
    feed: this.feed,
    sources: this.sources,
    status: this.st,
    problems: this.problems,
    throttle: this.throttle,
    emit: (e) => this.emit(e),
    serially: (job) => this.serially(job),
    appended: (a) => {
      this.announcer?.announce(a);
      this.rate.record(this.st.appended + this.follower.tallied);
    },
  });
  private writes: Promise<void> = Promise.resolve();
  private readonly rate = new RateMeter();
  /** Whether this tab reads the stream and appends, or follows the log another tab writes (writerRole.ts). */
  private role: 'claiming' | 'writer' | 'follower' = 'claiming';
  private wantedUrl: string | null = null;
  private disposed = false;
  private announcer: { announce(a: { dataset: string; highWater: number }): void } | null = null;

  constructor(
    private readonly emit: (e: IngestEvent) => void,
    private readonly deps: IngestDeps = browserIngestDeps,
  ) {}

  private get log(): EventLog {
    if (!this.logRef) throw new Error('ingest worker not initialised');
    return this.logRef;
  }

  async init({ dbName, url, views, speedBase = {}, follow = {}, only = null }: Req<'init'>): Promise<Res<'init'>> {
    this.logRef = this.deps.openLog(dbName);
    this.stream.offers.configure(follow, only);
    const datasets: Res<'init'>['datasets'] = {};
    const rebuild: string[] = [];
    for (const ds of await this.log.datasets()) {
      // Everything already in the log is batch's to compute; the speed layer starts past it, or past
      // the restored batch views' W when re-tallying the events since is cheap enough.
      const wanted = speedBase[ds.id];
      const base = wanted !== undefined && wanted <= ds.highWater && ds.highWater - wanted <= MAX_SPEED_REBUILD ? wanted : ds.highWater;
      this.feed.addDataset(ds.id, ds.schema, base);
      if (base < ds.highWater) rebuild.push(ds.id);
      this.st.datasets[ds.id] = datasetStatus(ds);
      this.sources.merge(sourceStatuses(ds));
      datasets[ds.id] = { highWater: ds.highWater, speedBase: base };
    }
    this.feed.setViews(views);
    await this.serially(async () => {
      for (const id of rebuild) await this.feed.rebuild(id);
    });
    this.throttle.start();
    this.wantedUrl = url;
    this.st.url = url ?? '';
    // Every role listens: a follower for the writer's appends, every tab for file imports and deletes.
    this.announcer = this.deps.announcer(dbName, (a) => this.follower.onAppended(a));
    this.deps.claimWriter(
      dbName,
      () => this.becomeWriter(),
      () => this.becomeFollower(),
    );
    return { datasets };
  }

  async setViews({ views }: Req<'setViews'>): Promise<Res<'setViews'>> {
    const errors = this.feed.setViews(views);
    await this.serially(async () => {
      for (const id of this.feed.datasets()) await this.feed.rebuild(id);
    });
    this.throttle.markDirty();
    return { errors };
  }

  async dropUpTo({ dataset, w }: Req<'dropUpTo'>): Promise<Res<'dropUpTo'>> {
    // This worker may not have tallied all of (base, w] yet (another tab's appends, a file import);
    // what it hands over must be exactly that range.
    await this.serially(() => this.follower.catchUp(dataset));
    const { handedOver, fromSeq, events, straddled, straddleAfter } = this.feed.speed.dropUpTo(dataset, w);
    let handed = events;
    if (straddled) {
      // A chunk reaching past w cannot be split: re-tally what is past w from the log, and what is at
      // or below it too, so the hand-over covers (fromSeq, w] whole (a cluster's W falls mid-chunk).
      await this.serially(() => this.feed.rebuild(dataset));
      const part = await this.feed.replay(dataset, w, straddleAfter);
      this.feed.mergeTallies(dataset, handedOver, part.tallies);
      handed += part.events;
    }
    this.throttle.markDirty();
    const out: Record<string, Tally> = {};
    for (const [id, t] of handedOver) out[id] = t;
    return { handedOver: out, fromSeq, events: handed };
  }

  async kappa({ dataset, upto }: Req<'kappa'>): Promise<Res<'kappa'>> {
    const ds = await this.log.dataset(dataset);
    if (ds?.cluster)
      throw new Error(
        `Kappa replays the whole log through the speed path, and the history of ${ds.name} is on the ClickHouse cluster: this tab holds only its events past seq ${Math.max(ds.cluster.from, ds.cluster.trimmedTo ?? 0).toLocaleString('en-US')}. Try it on a dataset this tab holds whole.`,
      );
    const t0 = performance.now();
    const r = await this.feed.replay(dataset, upto);
    return { ...r, ms: performance.now() - t0 };
  }

  async pastW({ dataset, w, boundary }: Req<'pastW'>): Promise<Res<'pastW'>> {
    // What this worker's log holds past W, as appended so far (a writer's queued appends first).
    await this.serially(async () => {});
    return this.feed.pastW(dataset, w, boundary);
  }

  setSpeedFault({ dropEvery }: Req<'setSpeedFault'>): null {
    this.feed.speed.setFault(dropEvery);
    this.throttle.markDirty();
    return null;
  }

  connect({ url }: Req<'connect'>): null {
    this.wantedUrl = url;
    this.st.url = url;
    this.throttle.markDirty();
    if (this.role !== 'writer') return null; // connected when this tab becomes the writer
    this.stream.connect(url, this.deps.openStream);
    return null;
  }

  setFollow({ stream, state }: Req<'setFollow'>): null {
    this.stream.offers.setFollow(stream, state);
    return null;
  }

  /** The network came back or the tab became visible: retry now rather than after backoff. */
  nudge(): null {
    this.stream.nudge();
    return null;
  }

  disconnect(): null {
    this.wantedUrl = null;
    this.stream.stop();
    return null;
  }

  /** Stops timers and the socket (tests; a worker simply ends). */
  dispose(): void {
    this.disposed = true;
    this.throttle.stop();
    this.stream.stop();
  }

  private async becomeWriter(): Promise<void> {
    if (this.disposed) return; // the writer lock came after dispose(): nothing to write for
    this.role = 'writer';
    // What the previous writer appended since this tab last looked is in the log, not yet tallied here.
    await this.serially(async () => {
      for (const ds of await this.log.datasets()) await this.follower.catchUp(ds.id);
    });
    if (this.wantedUrl !== null && !this.disposed) this.connect({ url: this.wantedUrl });
    this.throttle.markDirty();
  }

  private becomeFollower(): void {
    this.role = 'follower';
    this.st.connection = 'elsewhere';
    this.throttle.markDirty();
    this.emit({ type: 'info', message: 'This workspace is open in another tab, which reads the stream; this tab follows the log it writes and takes over when that tab closes.' });
  }

  private serially(job: () => Promise<void>): Promise<void> {
    const run = this.writes.then(job, job);
    this.writes = run.catch((e: unknown) => this.problems.report(String(e)));
    return run;
  }

  private sendSnapshot(now: number): number {
    this.st.eventsPerSecond = this.rate.rate(now);
    this.st.connection = this.role === 'follower' ? 'elsewhere' : this.stream.state;
    for (const [id, s] of Object.entries(this.sources.status)) s.eventsPerSecond = this.stream.rateOf(id, now);
    const speed = this.feed.speed.snapshot();
    let groups = 0;
    for (const t of Object.values(speed.views)) groups += t.size;
    this.emit({ type: 'snapshot', speed, status: structuredClone(this.st), at: now });
    return groups;
  }
}
