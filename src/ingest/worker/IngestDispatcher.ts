/**
 * The ingest path: stream messages -> validation -> micro-batches -> durable log appends ->
 * acknowledgements and the speed layer. Appends run one at a time in arrival order; the server is
 * only told an offset once the events before it are durable, and the speed layer only tallies
 * events the log holds, so a crash, reload or reconnect never loses or double-counts an event.
 */
import { EventLog, LogGapError } from '../../log/EventLog';
import { LogDb } from '../../log/LogDb';
import { checkBatch, concatBatches, schemaProblem, sliceBatch, type ColumnBatch, type DatasetSchema } from '../../protocol/schema';
import { PROTOCOL_VERSION, type ServerMessage } from '../../protocol/stream';
import { fromWire } from '../../protocol/wire';
import { SpeedLayer, tallyToRows, type TallyRows } from '../../speed/SpeedLayer';
import { compileView, type CompiledView } from '../../views/compileView';
import type { ViewDef } from '../../views/ViewDef';
import { decodeSegment } from '../../log/segmentCodec';
import type { ConnectionState, IngestEvent, IngestMethods, IngestStatus } from './protocol';
import { concatMasks, eventsHeader, type Pending } from './microBatch';
import { RateMeter } from './RateMeter';
import { StreamConnection } from './StreamConnection';
import { AppendChannel, claimWriter, type Appended } from './writerRole';

type Req<K extends keyof IngestMethods> = IngestMethods[K]['req'];
type Res<K extends keyof IngestMethods> = IngestMethods[K]['res'];

/** A micro-batch is appended at this many events, or after FLUSH_MS, whichever comes first. */
export const FLUSH_EVENTS = 16_384;
export const FLUSH_MS = 50;
/** Speed snapshots go to the main thread at most this often. */
export const SNAPSHOT_MS = 50;
/** Events past a restored W the speed layer re-tallies from the log at start; beyond, batch must catch up first. */
const MAX_SPEED_REBUILD = 2_000_000;
/** Problems reported to the page per second; the rest are only counted. */
const MAX_ERRORS_PER_S = 5;
/** Tiny segments appended before the log's tail is compacted. */
const COMPACT_EVERY = 16;

export class IngestDispatcher {
  private log: EventLog | null = null;
  private readonly speed = new SpeedLayer();
  private views: ViewDef[] = [];
  private readonly schemas = new Map<string, DatasetSchema>();
  private conn: StreamConnection | null = null;
  private writes: Promise<void> = Promise.resolve();
  private readonly pending = new Map<string, Pending>();
  /** Per stream: the offset of an unreadable message; the next readable one says where it ended. */
  private readonly unreadableAt = new Map<string, number>();
  /**
   * Streams the log has never read. Their start is fixed by the first message that arrives (events or
   * a gap), since the oldest replayable offset moves on between the hello and our subscribe.
   */
  private readonly fresh = new Set<string>();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private snapshotTimer: ReturnType<typeof setInterval> | null = null;
  private emitTimer: ReturnType<typeof setTimeout> | null = null;
  private dirty = true;
  private lastEmit = 0;
  private emitEvery = SNAPSHOT_MS;
  private sinceCompact = 0;
  private readonly rate = new RateMeter();
  /** Whether this tab reads the stream and appends, or follows the log another tab writes (writerRole.ts). */
  private role: 'claiming' | 'writer' | 'follower' = 'claiming';
  private wantedUrl: string | null = null;
  private appendChannel: AppendChannel | null = null;
  private readonly tailQueued = new Set<string>();
  /** Events this tab tallied from segments another tab appended. */
  private tailed = 0;
  private errorWindowStart = 0;
  private errorsInWindow = 0;
  private suppressed = 0;
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
    streams: {},
    datasets: {},
  };

  constructor(private readonly emit: (e: IngestEvent) => void) {}

  async init({ dbName, url, views, speedBase = {} }: Req<'init'>): Promise<Res<'init'>> {
    this.log = new EventLog(new LogDb(dbName));
    const datasets: Res<'init'>['datasets'] = {};
    const rebuild: string[] = [];
    for (const ds of await this.log.datasets()) {
      this.schemas.set(ds.id, ds.schema);
      // Everything already in the log is batch's to compute; the speed layer starts past it, or past
      // the restored batch views' W when re-tallying the events since is cheap enough.
      const wanted = speedBase[ds.id];
      const base = wanted !== undefined && wanted <= ds.highWater && ds.highWater - wanted <= MAX_SPEED_REBUILD ? wanted : ds.highWater;
      this.speed.reset(ds.id, base);
      if (base < ds.highWater) rebuild.push(ds.id);
      this.st.datasets[ds.id] = { highWater: ds.highWater, segments: ds.segmentCount, schema: ds.schema };
      for (const [stream, offset] of Object.entries(ds.sources)) {
        this.st.streams[stream] = { durableOffset: offset, gapEvents: ds.gaps[stream] ?? 0, rejectedEvents: ds.rejected?.[stream] ?? 0 };
      }
      datasets[ds.id] = { highWater: ds.highWater, speedBase: base };
    }
    this.compile(views);
    await this.serially(async () => {
      for (const id of rebuild) await this.rebuildSpeed(id);
    });
    this.snapshotTimer = setInterval(() => this.maybeEmit(), SNAPSHOT_MS);
    this.wantedUrl = url;
    this.st.url = url ?? '';
    this.appendChannel = new AppendChannel(dbName, (a) => this.onAppended(a));
    claimWriter(
      dbName,
      () => this.becomeWriter(),
      () => this.becomeFollower(),
    );
    return { datasets };
  }

  async setViews({ views }: Req<'setViews'>): Promise<Res<'setViews'>> {
    const errors = this.compile(views);
    await this.serially(async () => {
      for (const id of this.schemas.keys()) await this.rebuildSpeed(id);
    });
    return { errors };
  }

  async dropUpTo({ dataset, w }: Req<'dropUpTo'>): Promise<Res<'dropUpTo'>> {
    // A follower may not have tallied all of (base, w] yet; what it hands over must be exactly that range.
    if (this.role !== 'writer') await this.serially(() => this.tail(dataset));
    const { handedOver, fromSeq, events, straddled } = this.speed.dropUpTo(dataset, w);
    // A compacted chunk reaching past w cannot be split: re-tally what is past w from the log.
    if (straddled) await this.serially(() => this.rebuildSpeed(dataset));
    this.dirty = true;
    const out: Record<string, TallyRows> = {};
    for (const [id, t] of handedOver) out[id] = tallyToRows(t);
    return { handedOver: out, fromSeq, events };
  }

  setSpeedFault({ dropEvery }: Req<'setSpeedFault'>): null {
    this.speed.setFault(dropEvery);
    this.dirty = true;
    return null;
  }

  connect({ url }: Req<'connect'>): null {
    this.wantedUrl = url;
    this.st.url = url;
    if (this.role !== 'writer') {
      // Connected when this tab becomes the writer.
      this.dirty = true;
      return null;
    }
    this.conn?.stop();
    this.conn = new StreamConnection(url, {
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

  private compile(views: ViewDef[]): Record<string, string> {
    this.views = views;
    const errors: Record<string, string> = {};
    const compiled: CompiledView[] = [];
    for (const v of views) {
      const schema = this.schemas.get(v.dataset);
      if (!schema) continue; // compiled once the dataset exists
      try {
        compiled.push(compileView(v, schema));
      } catch (e) {
        errors[v.id] = e instanceof Error ? e.message : String(e);
      }
    }
    this.speed.setViews(compiled);
    this.dirty = true;
    return errors;
  }

  /** Re-tallies the events past the speed layer's base from the log. */
  private async rebuildSpeed(datasetId: string): Promise<void> {
    const schema = this.schemas.get(datasetId);
    if (!schema) return;
    const base = this.speed.baseOf(datasetId);
    this.speed.reset(datasetId, base);
    await this.tallyFromLog(datasetId, schema, base);
    this.dirty = true;
  }

  /** Tallies the log's events past seq `from` into the speed layer; returns how many. */
  private async tallyFromLog(datasetId: string, schema: DatasetSchema, from: number): Promise<number> {
    let n = 0;
    for (const seg of await this.log!.segmentsOverlapping(datasetId, from, Number.MAX_SAFE_INTEGER)) {
      const { batch } = decodeSegment(schema, seg.bytes);
      const skip = Math.max(0, from + 1 - seg.firstSeq);
      if (skip >= batch.count) continue;
      this.speed.add(datasetId, seg.firstSeq + skip, skip === 0 ? batch : sliceBatch(batch, skip, batch.count), seg.appendedAt);
      n += batch.count - skip;
    }
    return n;
  }

  private async becomeWriter(): Promise<void> {
    this.role = 'writer';
    // What the previous writer appended since this tab last looked is in the log, not yet tallied here.
    await this.serially(async () => {
      for (const ds of await this.log!.datasets()) await this.tail(ds.id);
    });
    if (this.wantedUrl !== null) this.connect({ url: this.wantedUrl });
    this.dirty = true;
  }

  private becomeFollower(): void {
    this.role = 'follower';
    this.st.connection = 'elsewhere';
    this.dirty = true;
    this.emit({ type: 'info', message: 'This workspace is open in another tab, which reads the stream; this tab follows the log it writes and takes over when that tab closes.' });
  }

  private onAppended(a: Appended): void {
    if (this.role === 'writer' || this.tailQueued.has(a.dataset)) return;
    this.tailQueued.add(a.dataset);
    void this.serially(async () => {
      this.tailQueued.delete(a.dataset);
      await this.tail(a.dataset);
    });
  }

  /** Catches the speed layer and status up with what another tab appended to the log. */
  private async tail(datasetId: string): Promise<void> {
    const ds = await this.log!.dataset(datasetId);
    if (!ds) return;
    if (!this.schemas.has(ds.id)) {
      this.schemas.set(ds.id, ds.schema);
      this.speed.reset(ds.id, 0);
      this.compile(this.views);
    }
    this.tailed += await this.tallyFromLog(ds.id, ds.schema, this.speed.endOf(ds.id));
    this.st.datasets[ds.id] = { highWater: ds.highWater, segments: ds.segmentCount, schema: ds.schema };
    for (const [stream, offset] of Object.entries(ds.sources)) {
      this.st.streams[stream] = { durableOffset: offset, gapEvents: ds.gaps[stream] ?? 0, rejectedEvents: ds.rejected?.[stream] ?? 0 };
    }
    this.rate.record(this.st.appended + this.tailed);
    this.dirty = true;
    this.emitSoon();
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
    this.dirty = true;
  }

  private onMessage(msg: ServerMessage): void {
    switch (msg.type) {
      case 'hello':
        if (msg.protocolVersion !== PROTOCOL_VERSION) {
          this.fail(`server speaks protocol ${msg.protocolVersion}, this app ${PROTOCOL_VERSION}`);
          this.conn?.stop();
          return;
        }
        for (const s of msg.streams) void this.subscribe(s.id, s.schema, s.bufferedFrom);
        return;
      case 'events':
        return this.onEvents(msg.stream, msg.offset, msg.batch);
      case 'gap':
        this.flush(msg.stream);
        if (this.fresh.delete(msg.stream)) {
          // Nothing before resumeAt was ever ours: the source starts there, no loss.
          void this.serially(async () => {
            await this.log!.startSource(msg.stream, msg.stream, msg.resumeAt);
            this.streamStatus(msg.stream).durableOffset = msg.resumeAt;
          });
          return;
        }
        void this.serially(async () => {
          const lost = await this.log!.recordGap(msg.stream, msg.stream, msg.resumeAt);
          const s = this.streamStatus(msg.stream);
          s.gapEvents += lost;
          s.durableOffset = Math.max(s.durableOffset, msg.resumeAt);
          if (lost > 0) this.fail(`stream ${msg.stream}: the server no longer holds ${lost} events (offsets ${msg.requested}..${msg.resumeAt - 1}); they are missing from the log`);
        });
        return;
      case 'error':
        this.fail(`server: ${msg.message}`);
        return;
      case 'pong':
        return;
    }
  }

  private async subscribe(stream: string, schema: DatasetSchema, bufferedFrom: number): Promise<void> {
    await this.serially(async () => {
      const problem = schemaProblem(schema);
      if (problem) {
        this.fail(`stream ${stream}: ${problem}; not subscribing`);
        return;
      }
      const ds = await this.log!.ensureDataset(stream, stream, schema);
      if (JSON.stringify(ds.schema) !== JSON.stringify(schema)) {
        this.fail(`stream ${stream}: its schema changed; not subscribing (the log keeps the old one)`);
        return;
      }
      if (!this.schemas.has(stream)) {
        this.schemas.set(stream, schema);
        this.speed.reset(stream, ds.highWater);
        this.compile(this.views);
      }
      const stored = ds.sources[stream];
      const fromOffset = stored ?? (Number.isSafeInteger(bufferedFrom) && bufferedFrom >= 0 ? bufferedFrom : 0);
      if (stored === undefined) this.fresh.add(stream);
      else this.fresh.delete(stream);
      this.st.streams[stream] = { durableOffset: fromOffset, gapEvents: ds.gaps[stream] ?? 0, rejectedEvents: ds.rejected?.[stream] ?? 0 };
      this.unreadableAt.delete(stream);
      this.st.datasets[stream] ??= { highWater: ds.highWater, segments: ds.segmentCount, schema: ds.schema };
      this.conn?.send({ type: 'subscribe', protocolVersion: PROTOCOL_VERSION, stream, fromOffset });
    });
  }

  /**
   * A message that cannot be read at all. If it was an events message, its offsets are skipped:
   * the next readable message says where it ended, and the skipped range is recorded as rejected.
   */
  private onUnreadable(error: string, head: string): void {
    const h = eventsHeader(head);
    if (h && this.schemas.has(h.stream) && !this.unreadableAt.has(h.stream)) this.unreadableAt.set(h.stream, h.offset);
    this.fail(`unreadable message from the server${h ? ` (stream ${h.stream}, offset ${h.offset})` : ''}: ${error}; nothing from it is appended`);
  }

  private onEvents(stream: string, offset: number, raw: unknown): void {
    const schema = this.schemas.get(stream);
    if (!schema) return this.fail(`events for stream ${stream} before its hello; ignored`);
    const wire = fromWire(raw);
    const v = wire.ok ? checkBatch(schema, wire.batch) : wire;
    if (!v.ok) return this.onUnreadable(v.error, JSON.stringify({ type: 'events', stream, offset }));
    const { batch, keep, rejected, firstProblem } = v.checked;
    if (this.fresh.delete(stream)) void this.serially(() => this.log!.startSource(stream, stream, offset).then(() => undefined));
    if (rejected > 0) this.fail(`stream ${stream} offsets ${offset}..${offset + batch.count - 1}: ${rejected} invalid event(s) rejected, never appended (${firstProblem})`);
    const skippedFrom = this.unreadableAt.get(stream);
    if (skippedFrom !== undefined && offset > skippedFrom) {
      this.unreadableAt.delete(stream);
      this.flush(stream);
      void this.serially(async () => {
        const n = await this.log!.recordGap(stream, stream, offset, 'rejected');
        const s = this.streamStatus(stream);
        s.rejectedEvents += n;
        s.durableOffset = Math.max(s.durableOffset, offset);
        this.conn?.send({ type: 'ack', stream, offset: s.durableOffset });
      });
    }
    this.st.received += batch.count;
    this.st.pending += batch.count;
    let p = this.pending.get(stream);
    if (p && p.offset + p.count !== offset) {
      this.flush(stream);
      p = undefined;
    }
    if (!p) this.pending.set(stream, (p = { offset, parts: [], count: 0 }));
    p.parts.push({ batch, keep });
    p.count += batch.count;
    if (p.count >= FLUSH_EVENTS) this.flush(stream);
    else this.flushTimer ??= setTimeout(() => this.flushAll(), FLUSH_MS);
  }

  private flushAll(): void {
    this.flushTimer = null;
    for (const stream of [...this.pending.keys()]) this.flush(stream);
  }

  private flush(stream: string): void {
    const p = this.pending.get(stream);
    if (!p || p.count === 0) return;
    this.pending.delete(stream);
    const schema = this.schemas.get(stream)!;
    const batch = concatBatches(
      schema,
      p.parts.map((x) => x.batch),
    );
    const keep = concatMasks(p.parts);
    void this.serially(() => this.append(stream, batch, p.offset, keep));
  }

  private streamStatus(stream: string) {
    return (this.st.streams[stream] ??= { durableOffset: 0, gapEvents: 0, rejectedEvents: 0 });
  }

  private async append(stream: string, batch: ColumnBatch, offset: number, keep: Uint8Array | null): Promise<void> {
    try {
      const r = await this.log!.append(stream, batch, { stream, offset }, keep);
      if (r.segment) {
        this.speed.add(stream, r.firstSeq, r.batch, r.segment.appendedAt);
        this.appendChannel?.announce({ dataset: stream, highWater: r.lastSeq });
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
      this.streamStatus(stream).rejectedEvents += r.rejected;
      this.rate.record(this.st.appended + this.tailed);
      if (r.nextOffset !== null) {
        const s = this.streamStatus(stream);
        s.durableOffset = Math.max(s.durableOffset, r.nextOffset);
        this.conn?.send({ type: 'ack', stream, offset: s.durableOffset });
      }
      this.dirty = true;
      if (r.appended > 0) this.emitSoon();
      if (this.sinceCompact >= COMPACT_EVERY) {
        this.sinceCompact = 0;
        const merged = await this.log!.compactTail(stream);
        if (merged > 0) this.st.datasets[stream]!.segments -= merged - 1;
      }
    } catch (e) {
      const what = e instanceof LogGapError ? e.message : `could not append to the log: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
      this.fail(`${what}; the stream resumes from the last durable offset`);
      this.conn?.restart('log append failed');
    } finally {
      this.st.pending = Math.max(0, this.st.pending - batch.count);
    }
  }

  private dropPending(): void {
    for (const p of this.pending.values()) this.st.pending -= p.count;
    this.pending.clear();
  }

  private serially(job: () => Promise<void>): Promise<void> {
    const run = this.writes.then(job, job);
    this.writes = run.catch((e: unknown) => this.fail(String(e)));
    return run;
  }

  /**
   * Reports a problem. A hostile or broken source can produce thousands a second: past
   * MAX_ERRORS_PER_S they are counted (st.errors, st.lastError) but not each sent to the page.
   */
  private fail(message: string): void {
    this.st.errors++;
    this.st.lastError = message;
    this.dirty = true;
    const now = Date.now();
    if (now - this.errorWindowStart > 1000) {
      if (this.suppressed > 0) this.emit({ type: 'error', message: `…and ${this.suppressed} more problems like these in the last second` });
      this.errorWindowStart = now;
      this.errorsInWindow = 0;
      this.suppressed = 0;
    }
    if (++this.errorsInWindow <= MAX_ERRORS_PER_S) this.emit({ type: 'error', message });
    else this.suppressed++;
  }

  /**
   * New events reach the page as soon as the snapshot interval allows, rather than at the next tick
   * of the interval timer (which alone added up to SNAPSHOT_MS of latency to every event).
   */
  private emitSoon(): void {
    if (this.emitTimer !== null) return;
    const wait = Math.max(0, this.lastEmit + this.emitEvery - Date.now());
    this.emitTimer = setTimeout(() => {
      this.emitTimer = null;
      this.maybeEmit();
    }, wait);
  }

  /**
   * Sends the speed views to the page. The page's cost grows with the groups sent (cloning,
   * merging, drawing), so a big speed layer (a backfill not yet absorbed by batch) is sent less
   * often: about 1 ms of interval per 40 groups, never more often than SNAPSHOT_MS.
   */
  private maybeEmit(): void {
    const now = Date.now();
    if (now - this.lastEmit < this.emitEvery) return;
    if (!this.dirty && now - this.lastEmit < 500) return;
    this.dirty = false;
    this.lastEmit = now;
    this.st.eventsPerSecond = this.rate.rate(now);
    this.st.connection = this.role === 'follower' ? 'elsewhere' : (this.conn?.state ?? 'idle');
    const speed = this.speed.snapshot();
    let groups = 0;
    for (const rows of Object.values(speed.views)) groups += rows.length;
    this.emitEvery = Math.max(SNAPSHOT_MS, Math.min(2_000, groups / 40));
    this.emit({ type: 'snapshot', speed, status: structuredClone(this.st), at: now });
  }
}
