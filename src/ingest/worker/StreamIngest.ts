/**
 * The writer tab's stream path: socket messages -> checks -> micro-batches -> durable log appends ->
 * acknowledgements and the speed layer. Appends run one at a time in arrival order (through the
 * dispatcher's queue); the server is only told an offset once the events before it are durable, and
 * the speed layer only tallies events the log holds, so a crash, reload or reconnect never loses or
 * double-counts an event.
 */
import type { EventLog } from '../../log/EventLog';
import { LogGapError } from '../../log/EventLog';
import { type ColumnBatch, checkBatch, padBatch, schemaProblem } from '../../protocol/schema';
import { PROTOCOL_VERSION, type ServerMessage } from '../../protocol/stream';
import { schemaChange } from '../../protocol/schemaChange';
import { idProblem } from '../../protocol/ids';
import { startOnCluster } from '../../log/clusterStart';
import { ownGet } from '../../protocol/ownRecord';
import { fromWire } from '../../protocol/wire';
import { datasetStatus, sourceStatus } from './datasetStatus';
import type { IngestDeps, StreamSocket } from './ingestDeps';
import { MicroBatcher } from './MicroBatcher';
import { eventsHeader } from './microBatch';
import type { ProblemReporter } from './ProblemReporter';
import type { ConnectionState, IngestEvent, IngestStatus } from './protocol';
import { gainedFields, refusedChange, StreamOffers } from './StreamOffers';
import { RateMeter } from './RateMeter';
import type { SnapshotThrottle } from './SnapshotThrottle';
import type { SpeedFeed } from './SpeedFeed';
import type { StreamSources } from './StreamSources';
import type { Appended } from '../../log/appendChannel';

/** Tiny segments appended before the log's tail is compacted. */
const COMPACT_EVERY = 16;

/** What the stream path shares with the dispatcher. */
export interface IngestContext {
  log(): EventLog;
  feed: SpeedFeed;
  sources: StreamSources;
  status: IngestStatus;
  problems: ProblemReporter;
  throttle: SnapshotThrottle;
  emit(e: IngestEvent): void;
  /** Runs log work after the work queued before it. */
  serially(job: () => Promise<void>): Promise<void>;
  /** Tells other tabs (and the rate meter) that the log grew. */
  appended(a: Appended): void;
}

export class StreamIngest {
  private conn: StreamSocket | null = null;
  private sinceCompact = 0;
  /** Which streams this writer reads, and what the server offers. */
  readonly offers: StreamOffers;
  private readonly rates = new Map<string, RateMeter>();
  private readonly batcher = new MicroBatcher(
    (stream) => this.cx.feed.schemaOf(stream),
    (stream, batch, offset, keep) => void this.cx.serially(() => this.append(stream, batch, offset, keep)),
  );

  constructor(private readonly cx: IngestContext) {
    this.offers = new StreamOffers(cx, {
      subscribe: (stream) => void this.subscribe(stream),
      unsubscribe: (stream) => this.conn?.send({ type: 'unsubscribe', stream }),
    });
  }

  private get log(): EventLog {
    return this.cx.log();
  }

  private get st(): IngestStatus {
    return this.cx.status;
  }

  get state(): ConnectionState {
    return this.conn?.state ?? 'idle';
  }

  /** Opens (or reopens) the stream socket. */
  connect(url: string, openStream: IngestDeps['openStream']): void {
    this.conn?.stop();
    this.conn = openStream(url, {
      onMessage: (m) => this.onMessage(m),
      onInvalid: (error, head) => this.onUnreadable(error, head),
      onState: (state, detail) => this.onState(state, detail),
    });
    this.conn.start();
  }

  nudge(): void {
    this.conn?.nudge();
  }

  /** Per stream, events made durable per second (for the page). */
  rateOf(stream: string, now: number): number {
    return this.rates.get(stream)?.rate(now) ?? 0;
  }

  stop(): void {
    this.conn?.stop();
    this.dropPending();
  }

  private onState(state: ConnectionState, detail?: string): void {
    this.st.connection = state;
    this.st.reconnects = this.conn?.reconnects ?? 0;
    if (state === 'backoff' || state === 'stopped') this.offers.subscribed.clear();
    if (state === 'backoff') {
      // Buffered events are not durable; the server replays them from our durable offset.
      this.dropPending();
      if (detail) {
        this.st.lastError = `connection ${detail}`;
        this.cx.emit({ type: 'info', message: `stream connection ${detail}` });
      }
    }
    this.cx.throttle.markDirty();
  }

  private onMessage(msg: ServerMessage): void {
    switch (msg.type) {
      case 'hello':
        // A new connection: nothing is subscribed on it yet.
        this.offers.subscribed.clear();
        if (msg.protocolVersion !== PROTOCOL_VERSION) {
          this.cx.problems.report(`server speaks protocol ${msg.protocolVersion}, this app ${PROTOCOL_VERSION}`);
          this.conn?.stop();
          return;
        }
        this.offers.offer(msg.streams);
        return;
      case 'streams':
        this.offers.offer(msg.streams);
        return;
      case 'events':
        this.onEvents(msg.stream, msg.offset, msg.batch);
        return;
      case 'gap':
        if (msg.kind === 'rejected') this.onRejected(msg.stream, msg.requested, msg.resumeAt, msg.reason ?? 'no reason given');
        else this.onGap(msg.stream, msg.requested, msg.resumeAt);
        return;
      case 'error':
        // A subscribe the server refused (the stream was retired meanwhile): not subscribed after all.
        if (msg.code === 'unknown-stream' && msg.stream !== undefined && this.offers.subscribed.delete(msg.stream)) this.cx.sources.of(msg.stream).follow = 'retired';
        this.cx.problems.report(`server: ${msg.message}`);
        return;
      case 'pong':
        return;
    }
  }

  /**
   * Subscribes to `stream` once the log work before it is done, with what the server offers then
   * (a widening may have come since this was asked for), and only on an open socket: a subscribe
   * sent into a closed one is lost, and the next hello subscribes again.
   */
  private subscribe(stream: string): Promise<void> {
    return this.cx.serially(async () => {
      const info = this.offers.current(stream);
      if (!info || this.conn?.state !== 'open') return;
      const { schema, bufferedFrom } = info;
      const badId = idProblem(stream);
      if (badId) return this.cx.problems.report(`stream ${JSON.stringify(stream)}: ${badId}; not subscribing`);
      const problem = schemaProblem(schema);
      if (problem) return this.cx.problems.report(`stream ${stream}: ${problem}; not subscribing`);
      if (this.offers.wanted(stream) !== 'on' || this.offers.subscribed.has(stream)) return;
      let ds = await this.log.ensureDataset(stream, stream, schema);
      const change = schemaChange(ds.schema, schema);
      if (change.kind === 'refused') {
        this.cx.sources.of(stream).follow = 'paused';
        return this.cx.problems.report(refusedChange(stream, change.error));
      }
      if (change.kind === 'widen') {
        ds = await this.log.widenDataset(stream, change.schema);
        this.cx.emit({ type: 'info', message: gainedFields(stream, change.added) });
      }
      const reset = info.epoch !== undefined && (await this.log.checkEpoch(stream, stream, info.epoch)) === 'reset';
      if (reset) {
        ds = (await this.log.dataset(stream)) ?? ds;
        this.cx.problems.report(
          `the server's stream ${stream} started its offsets over (a server restarted without --data-dir, or a broker stream made again): reading it from its new start; the dataset keeps the ${ds.highWater} events it has`,
        );
      }
      // A stream the server holds on a ClickHouse cluster: a new log starts where the cluster is.
      if (info.cluster) {
        const start = await startOnCluster(this.log.db, stream, stream, info.cluster.w, info.cluster.wOffset, !reset);
        ds = start.ds;
        if (start.message) this.cx.emit({ type: 'info', message: start.message });
      }
      if (!this.cx.feed.knows(stream)) this.cx.feed.addDataset(stream, ds.schema, ds.highWater);
      else this.cx.feed.widen(stream, ds.schema);
      const stored = ownGet(ds.sources, stream);
      const fromOffset = this.cx.sources.subscribing(stream, stored, bufferedFrom);
      this.cx.sources.set(stream, { ...sourceStatus(ds, stream, fromOffset), follow: 'on' });
      this.st.datasets[stream] = datasetStatus(ds);
      this.offers.subscribed.add(stream);
      this.conn?.send({ type: 'subscribe', protocolVersion: PROTOCOL_VERSION, stream, fromOffset });
    });
  }

  private onGap(stream: string, requested: number, resumeAt: number): void {
    this.batcher.flush(stream);
    if (this.cx.sources.takeFresh(stream)) {
      // Nothing before resumeAt was ever ours: the source starts there, no loss.
      void this.cx.serially(async () => {
        await this.log.startSource(stream, stream, resumeAt);
        this.cx.sources.of(stream).durableOffset = resumeAt;
      });
      return;
    }
    void this.cx.serially(async () => {
      const lost = await this.log.recordGap(stream, stream, requested, resumeAt);
      if (lost < 0) return; // the range does not follow the log's end: it comes again after the resubscribe
      this.cx.sources.advance(stream, resumeAt).gapEvents += lost;
      if (lost > 0) this.cx.problems.report(`stream ${stream}: the server no longer holds ${lost} events (offsets ${requested}..${resumeAt - 1}); they are missing from the log`);
    });
  }

  /** The server refused what its broker held at these offsets (not events): recorded as rejected. */
  private onRejected(stream: string, requested: number, resumeAt: number, reason: string): void {
    if (!this.cx.feed.knows(stream)) return;
    this.batcher.flush(stream);
    if (this.cx.sources.takeFresh(stream)) void this.cx.serially(() => this.log.startSource(stream, stream, requested).then(() => undefined));
    void this.cx.serially(async () => {
      const n = await this.log.recordGap(stream, stream, requested, resumeAt, 'rejected');
      if (n < 0) return;
      const s = this.cx.sources.advance(stream, resumeAt);
      s.rejectedEvents += n;
      if (n > 0) this.cx.problems.report(`stream ${stream} offsets ${requested}..${resumeAt - 1}: ${n} message(s) refused by the server, never appended (${reason})`);
      this.conn?.send({ type: 'ack', stream, offset: s.durableOffset });
    });
  }

  /**
   * A message that cannot be read at all. If it was an events message, its offsets are skipped:
   * the next readable message says where it ended, and the skipped range is recorded as rejected.
   */
  private onUnreadable(error: string, head: string): void {
    const h = eventsHeader(head);
    if (h && this.cx.feed.knows(h.stream)) this.cx.sources.markUnreadable(h.stream, h.offset);
    this.cx.problems.report(`unreadable message from the server${h ? ` (stream ${h.stream}, offset ${h.offset})` : ''}: ${error}; nothing from it is appended`);
  }

  private onEvents(stream: string, offset: number, raw: unknown): void {
    if (!this.cx.feed.knows(stream)) {
      this.cx.problems.report(`events for stream ${stream} before its hello; ignored`);
      return;
    }
    const wire = fromWire(raw);
    const v = wire.ok ? checkBatch(this.cx.feed.schemaOf(stream), wire.batch) : wire;
    if (!v.ok) {
      this.onUnreadable(v.error, JSON.stringify({ type: 'events', stream, offset }));
      return;
    }
    const { batch, keep, rejected, firstProblem } = v.checked;
    if (this.cx.sources.takeFresh(stream)) void this.cx.serially(() => this.log.startSource(stream, stream, offset).then(() => undefined));
    if (rejected > 0) this.cx.problems.report(`stream ${stream} offsets ${offset}..${offset + batch.count - 1}: ${rejected} invalid event(s) rejected, never appended (${firstProblem})`);
    const skippedFrom = this.cx.sources.takeSkipped(stream, offset);
    if (skippedFrom !== null) {
      this.batcher.flush(stream);
      void this.cx.serially(async () => {
        const n = await this.log.recordGap(stream, stream, skippedFrom, offset, 'rejected');
        if (n < 0) return;
        const s = this.cx.sources.advance(stream, offset);
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
      // A batch that arrived before its stream widened lacks the new fields: they are NULL for it.
      const r = await this.log.append(stream, padBatch(this.cx.feed.schemaOf(stream), batch), { stream, offset }, keep);
      if (r.segment) {
        this.cx.feed.speed.add(stream, r.firstSeq, r.batch, r.segment.appendedAt);
        const d = this.st.datasets[stream];
        if (d) {
          d.highWater = r.lastSeq;
          d.segments += 1;
          if (d.bytes !== null) d.bytes += r.byteLength;
          d.minTs = d.minTs === null ? r.segment.minTs : Math.min(d.minTs, r.segment.minTs);
          d.maxTs = d.maxTs === null ? r.segment.maxTs : Math.max(d.maxTs, r.segment.maxTs);
        }
        this.sinceCompact++;
      }
      this.st.appended += r.appended;
      this.st.duplicates += r.duplicates;
      this.st.rejected += r.rejected;
      this.cx.sources.of(stream).rejectedEvents += r.rejected;
      if (r.segment) this.cx.appended({ dataset: stream, highWater: r.lastSeq });
      if (r.appended > 0) {
        let meter = this.rates.get(stream);
        if (!meter) this.rates.set(stream, (meter = new RateMeter()));
        meter.record(r.lastSeq);
      }
      // Acknowledged only now: everything before nextOffset is durable.
      if (r.nextOffset !== null) this.conn?.send({ type: 'ack', stream, offset: this.cx.sources.advance(stream, r.nextOffset).durableOffset });
      if (r.appended > 0) this.cx.throttle.soon();
      else this.cx.throttle.markDirty();
      if (this.sinceCompact >= COMPACT_EVERY) {
        this.sinceCompact = 0;
        const merged = await this.log.compactTail(stream);
        const d = this.st.datasets[stream];
        if (merged > 0 && d) d.segments -= merged - 1;
      }
    } catch (e) {
      const what = e instanceof LogGapError ? e.message : `could not append to the log: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
      this.cx.problems.report(`${what}; the stream resumes from the last durable offset`);
      this.conn?.restart('log append failed');
    } finally {
      this.st.pending = Math.max(0, this.st.pending - batch.count);
    }
  }

  private dropPending(): void {
    this.st.pending = Math.max(0, this.st.pending - this.batcher.drop());
  }
}
