/**
 * The ingest path: stream messages -> validation -> micro-batches -> durable log appends ->
 * acknowledgements and the speed layer. Appends run one at a time in arrival order; the server is
 * only told an offset once the events before it are durable, and the speed layer only tallies
 * events the log holds, so a crash, reload or reconnect never loses or double-counts an event.
 * The parts with state of their own live beside it: MicroBatcher, StreamSources, SpeedFeed,
 * LogFollower, SnapshotThrottle, ProblemReporter.
 */
import type { EventLog } from '../../log/EventLog';
import { LogGapError } from '../../log/EventLog';
import { type ColumnBatch, checkBatch, type DatasetSchema, schemaProblem } from '../../protocol/schema';
import { PROTOCOL_VERSION, type ServerMessage } from '../../protocol/stream';
import { fromWire } from '../../protocol/wire';
import type { Tally } from '../../views/compileView';
import { datasetStatus, sourceStatus, sourceStatuses } from './datasetStatus';
import { browserIngestDeps, type IngestDeps, type StreamSocket } from './ingestDeps';
import { LogFollower } from './LogFollower';
import { MicroBatcher } from './MicroBatcher';
import { eventsHeader } from './microBatch';
import { ProblemReporter } from './ProblemReporter';
import type { ConnectionState, IngestEvent, IngestMethods, IngestStatus } from './protocol';
import { RateMeter } from './RateMeter';
import { SnapshotThrottle } from './SnapshotThrottle';
import { SpeedFeed } from './SpeedFeed';
import { StreamSources } from './StreamSources';

export { FLUSH_EVENTS, FLUSH_MS } from './MicroBatcher';
export { SNAPSHOT_MS } from './SnapshotThrottle';

type Req<K extends keyof IngestMethods> = IngestMethods[K]['req'];
type Res<K extends keyof IngestMethods> = IngestMethods[K]['res'];

/** Events past a restored W the speed layer re-tallies from the log at start; beyond, batch must catch up first. */
export const MAX_SPEED_REBUILD = 2_000_000;
/** Tiny segments appended before the log's tail is compacted. */
const COMPACT_EVERY = 16;

export class IngestDispatcher {
  private logRef: EventLog | null = null;
  private readonly feed = new SpeedFeed(() => this.log);
  private readonly sources = new StreamSources();
  private readonly batcher = new MicroBatcher(
    (stream) => this.feed.schemaOf(stream),
    (stream, batch, offset, keep) => void this.serially(() => this.append(stream, batch, offset, keep)),
  );
  private readonly follower = new LogFollower(
    () => this.log,
    this.feed,
    (job) => this.serially(job),
    (ds) => {
      this.st.datasets[ds.id] = datasetStatus(ds);
      Object.assign(this.sources.status, sourceStatuses(ds));
      this.rate.record(this.st.appended + this.follower.tallied);
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
  private conn: StreamSocket | null = null;
  private writes: Promise<void> = Promise.resolve();
  private sinceCompact = 0;
  private readonly rate = new RateMeter();
  /** Whether this tab reads the stream and appends, or follows the log another tab writes (writerRole.ts). */
  private role: 'claiming' | 'writer' | 'follower' = 'claiming';
  private wantedUrl: string | null = null;
  private announcer: { announce(a: { dataset: string; highWater: number }): void } | null = null;
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
    datasets: {},
  };

  constructor(
    private readonly emit: (e: IngestEvent) => void,
    private readonly deps: IngestDeps = browserIngestDeps,
  ) {}

  private get log(): EventLog {
    if (!this.logRef) throw new Error('ingest worker not initialised');
    return this.logRef;
  }

  async init({ dbName, url, views, speedBase = {} }: Req<'init'>): Promise<Res<'init'>> {
    this.logRef = this.deps.openLog(dbName);
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
      Object.assign(this.sources.status, sourceStatuses(ds));
      datasets[ds.id] = { highWater: ds.highWater, speedBase: base };
    }
    this.feed.setViews(views);
    await this.serially(async () => {
      for (const id of rebuild) await this.feed.rebuild(id);
    });
    this.throttle.start();
    this.wantedUrl = url;
    this.st.url = url ?? '';
    this.announcer = this.deps.announcer(dbName, (a) => {
      if (this.role !== 'writer') this.follower.onAppended(a);
    });
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
    // A follower may not have tallied all of (base, w] yet; what it hands over must be exactly that range.
    if (this.role !== 'writer') await this.serially(() => this.follower.catchUp(dataset));
    const { handedOver, fromSeq, events, straddled } = this.feed.speed.dropUpTo(dataset, w);
    // A compacted chunk reaching past w cannot be split: re-tally what is past w from the log.
    if (straddled) await this.serially(() => this.feed.rebuild(dataset));
    this.throttle.markDirty();
    const out: Record<string, Tally> = {};
    for (const [id, t] of handedOver) out[id] = t;
    return { handedOver: out, fromSeq, events };
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
    this.conn?.stop();
    this.conn = this.deps.openStream(url, {
      onMessage: (m) => this.onMessage(m),
      onInvalid: (error, head) => this.onUnreadable(error, head),
      onState: (state, detail) => this.onState(state, detail),
    });
    this.conn.start();
    return null;
  }

  /** The network came back or the tab became visible: retry now rather than after backoff. */
  nudge(): null {
    this.conn?.nudge();
    return null;
  }

  disconnect(): null {
    this.wantedUrl = null;
    this.conn?.stop();
    this.dropPending();
    return null;
  }

  /** Stops timers and the socket (tests; a worker simply ends). */
  dispose(): void {
    this.throttle.stop();
    this.conn?.stop();
    this.dropPending();
  }

  private async becomeWriter(): Promise<void> {
    this.role = 'writer';
    // What the previous writer appended since this tab last looked is in the log, not yet tallied here.
    await this.serially(async () => {
      for (const ds of await this.log.datasets()) await this.follower.catchUp(ds.id);
    });
    if (this.wantedUrl !== null) this.connect({ url: this.wantedUrl });
    this.throttle.markDirty();
  }

  private becomeFollower(): void {
    this.role = 'follower';
    this.st.connection = 'elsewhere';
    this.throttle.markDirty();
    this.emit({ type: 'info', message: 'This workspace is open in another tab, which reads the stream; this tab follows the log it writes and takes over when that tab closes.' });
  }

  private onState(state: ConnectionState, detail?: string): void {
    this.st.connection = state;
    this.st.reconnects = this.conn?.reconnects ?? 0;
    if (state === 'backoff') {
      // Buffered events are not durable; the server replays them from our durable offset.
      this.dropPending();
      if (detail) {
        this.st.lastError = `connection ${detail}`;
        this.emit({ type: 'info', message: `stream connection ${detail}` });
      }
    }
    this.throttle.markDirty();
  }

  private onMessage(msg: ServerMessage): void {
    switch (msg.type) {
      case 'hello':
        if (msg.protocolVersion !== PROTOCOL_VERSION) {
          this.problems.report(`server speaks protocol ${msg.protocolVersion}, this app ${PROTOCOL_VERSION}`);
          this.conn?.stop();
          return;
        }
        for (const s of msg.streams) void this.subscribe(s.id, s.schema, s.bufferedFrom);
        return;
      case 'events':
        this.onEvents(msg.stream, msg.offset, msg.batch);
        return;
      case 'gap':
        this.onGap(msg.stream, msg.requested, msg.resumeAt);
        return;
      case 'error':
        this.problems.report(`server: ${msg.message}`);
        return;
      case 'pong':
        return;
    }
  }

  private subscribe(stream: string, schema: DatasetSchema, bufferedFrom: number): Promise<void> {
    return this.serially(async () => {
      const problem = schemaProblem(schema);
      if (problem) return this.problems.report(`stream ${stream}: ${problem}; not subscribing`);
      const ds = await this.log.ensureDataset(stream, stream, schema);
      if (JSON.stringify(ds.schema) !== JSON.stringify(schema)) {
        return this.problems.report(`stream ${stream}: its schema changed; not subscribing (the log keeps the old one)`);
      }
      if (!this.feed.knows(stream)) this.feed.addDataset(stream, schema, ds.highWater);
      const stored = ds.sources[stream];
      const fromOffset = this.sources.subscribing(stream, stored, bufferedFrom);
      this.sources.set(stream, sourceStatus(ds, stream, fromOffset));
      this.st.datasets[stream] ??= datasetStatus(ds);
      this.conn?.send({ type: 'subscribe', protocolVersion: PROTOCOL_VERSION, stream, fromOffset });
    });
  }

  private onGap(stream: string, requested: number, resumeAt: number): void {
    this.batcher.flush(stream);
    if (this.sources.takeFresh(stream)) {
      // Nothing before resumeAt was ever ours: the source starts there, no loss.
      void this.serially(async () => {
        await this.log.startSource(stream, stream, resumeAt);
        this.sources.of(stream).durableOffset = resumeAt;
      });
      return;
    }
    void this.serially(async () => {
      const lost = await this.log.recordGap(stream, stream, resumeAt);
      this.sources.advance(stream, resumeAt).gapEvents += lost;
      if (lost > 0) this.problems.report(`stream ${stream}: the server no longer holds ${lost} events (offsets ${requested}..${resumeAt - 1}); they are missing from the log`);
    });
  }

  /**
   * A message that cannot be read at all. If it was an events message, its offsets are skipped:
   * the next readable message says where it ended, and the skipped range is recorded as rejected.
   */
  private onUnreadable(error: string, head: string): void {
    const h = eventsHeader(head);
    if (h && this.feed.knows(h.stream)) this.sources.markUnreadable(h.stream, h.offset);
    this.problems.report(`unreadable message from the server${h ? ` (stream ${h.stream}, offset ${h.offset})` : ''}: ${error}; nothing from it is appended`);
  }

  private onEvents(stream: string, offset: number, raw: unknown): void {
    if (!this.feed.knows(stream)) {
      this.problems.report(`events for stream ${stream} before its hello; ignored`);
      return;
    }
    const wire = fromWire(raw);
    const v = wire.ok ? checkBatch(this.feed.schemaOf(stream), wire.batch) : wire;
    if (!v.ok) {
      this.onUnreadable(v.error, JSON.stringify({ type: 'events', stream, offset }));
      return;
    }
    const { batch, keep, rejected, firstProblem } = v.checked;
    if (this.sources.takeFresh(stream)) void this.serially(() => this.log.startSource(stream, stream, offset).then(() => undefined));
    if (rejected > 0) this.problems.report(`stream ${stream} offsets ${offset}..${offset + batch.count - 1}: ${rejected} invalid event(s) rejected, never appended (${firstProblem})`);
    if (this.sources.takeSkipped(stream, offset) !== null) {
      this.batcher.flush(stream);
      void this.serially(async () => {
        const n = await this.log.recordGap(stream, stream, offset, 'rejected');
        const s = this.sources.advance(stream, offset);
        s.rejectedEvents += n;
        this.conn?.send({ type: 'ack', stream, offset: s.durableOffset });
      });
    }
    this.st.received += batch.count;
    this.st.pending += batch.count;
    this.batcher.add(stream, offset, batch, keep);
  }

  private async append(stream: string, batch: ColumnBatch, offset: number, keep: Uint8Array | null): Promise<void> {
    try {
      const r = await this.log.append(stream, batch, { stream, offset }, keep);
      if (r.segment) {
        this.feed.speed.add(stream, r.firstSeq, r.batch, r.segment.appendedAt);
        this.announcer?.announce({ dataset: stream, highWater: r.lastSeq });
        const d = this.st.datasets[stream];
        if (d) {
          d.highWater = r.lastSeq;
          d.segments += 1;
        }
        this.sinceCompact++;
      }
      this.st.appended += r.appended;
      this.st.duplicates += r.duplicates;
      this.st.rejected += r.rejected;
      this.sources.of(stream).rejectedEvents += r.rejected;
      this.rate.record(this.st.appended + this.follower.tallied);
      // Acknowledged only now: everything before nextOffset is durable.
      if (r.nextOffset !== null) this.conn?.send({ type: 'ack', stream, offset: this.sources.advance(stream, r.nextOffset).durableOffset });
      if (r.appended > 0) this.throttle.soon();
      else this.throttle.markDirty();
      if (this.sinceCompact >= COMPACT_EVERY) {
        this.sinceCompact = 0;
        const merged = await this.log.compactTail(stream);
        const d = this.st.datasets[stream];
        if (merged > 0 && d) d.segments -= merged - 1;
      }
    } catch (e) {
      const what = e instanceof LogGapError ? e.message : `could not append to the log: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
      this.problems.report(`${what}; the stream resumes from the last durable offset`);
      this.conn?.restart('log append failed');
    } finally {
      this.st.pending = Math.max(0, this.st.pending - batch.count);
    }
  }

  private dropPending(): void {
    this.st.pending = Math.max(0, this.st.pending - this.batcher.drop());
  }

  private serially(job: () => Promise<void>): Promise<void> {
    const run = this.writes.then(job, job);
    this.writes = run.catch((e: unknown) => this.problems.report(String(e)));
    return run;
  }

  private sendSnapshot(now: number): number {
    this.st.eventsPerSecond = this.rate.rate(now);
    this.st.connection = this.role === 'follower' ? 'elsewhere' : (this.conn?.state ?? 'idle');
    const speed = this.feed.speed.snapshot();
    let groups = 0;
    for (const t of Object.values(speed.views)) groups += t.size;
    this.emit({ type: 'snapshot', speed, status: structuredClone(this.st), at: now });
    return groups;
  }
}
