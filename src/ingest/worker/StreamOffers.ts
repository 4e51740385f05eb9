/**
 * Which of the server's streams the writer reads, and what follows from what the server offers:
 * the person's choice per stream (subscribe, pause, stop), else the `stream` URL parameter's list,
 * else every stream; new streams are subscribed, retired ones noted, a widened schema widens the
 * dataset and an incompatible one stops the stream with the reason.
 */
import { type DatasetSchema, schemaProblem } from '../../protocol/schema';
import { schemaChange } from '../../protocol/schemaChange';
import type { StreamInfo } from '../../protocol/stream';
import type { FollowState } from './protocol';
import type { IngestContext } from './StreamIngest';

export const refusedChange = (stream: string, error: string) => `stream ${stream} changed its schema in a way its dataset cannot follow (${error}); not reading it, the dataset keeps what it has`;

export const gainedFields = (stream: string, added: readonly string[]) =>
  `stream ${stream} gained ${added.length === 1 ? 'the field' : 'the fields'} ${added.join(', ')}; earlier events read ${added.length === 1 ? 'it' : 'them'} as empty (NULL)`;

export class StreamOffers {
  /** The person's choices per stream; streams without one follow `only`. */
  private follow: Record<string, FollowState> = Object.create(null);
  private only: string[] | null = null;
  /** What the server offers now, and what this connection has subscribed to. */
  private offered: StreamInfo[] = [];
  readonly subscribed = new Set<string>();

  constructor(
    private readonly cx: IngestContext,
    private readonly io: { subscribe(stream: string): void; unsubscribe(stream: string): void },
  ) {}

  /** Which streams to read: the person's choices, else the `only` list, else every stream offered. */
  configure(follow: Record<string, FollowState>, only: string[] | null): void {
    this.follow = Object.assign(Object.create(null) as Record<string, FollowState>, follow);
    this.only = only;
  }

  wanted(stream: string): FollowState {
    if (Object.hasOwn(this.follow, stream)) return this.follow[stream]!;
    return this.only === null || this.only.includes(stream) ? 'on' : 'off';
  }

  /** Subscribes, pauses or stops one stream; the others go on. */
  setFollow(stream: string, state: FollowState): void {
    this.follow[stream] = state;
    const info = this.current(stream);
    if (state === 'on' && info && !this.subscribed.has(stream)) this.io.subscribe(stream);
    if (state !== 'on' && this.subscribed.has(stream)) {
      this.subscribed.delete(stream);
      this.io.unsubscribe(stream);
    }
    this.cx.sources.of(stream).follow = info ? state : 'retired';
    this.cx.throttle.markDirty();
  }

  /** The server's streams (its hello, or a change since): subscribe to the wanted ones, note the rest. */
  offer(streams: StreamInfo[]): void {
    const before = this.offered;
    this.offered = streams;
    // Each entry's schema is judged alone (the hello's check leaves it to us): a bad one lists no fields.
    this.cx.status.offered = streams.map((s) => ({
      id: s.id,
      fields: schemaProblem(s.schema) === null ? s.schema.fields.map((f) => ({ name: f.name, type: f.type })) : [],
      nextOffset: s.nextOffset,
    }));
    const now = new Set(streams.map((s) => s.id));
    for (const { id } of before) {
      if (now.has(id)) continue;
      if (this.subscribed.delete(id)) this.cx.emit({ type: 'info', message: `stream ${id} was retired by the server; its dataset keeps what it received` });
      this.cx.sources.of(id).follow = 'retired';
    }
    for (const s of streams) {
      const want = this.wanted(s.id);
      if (want === 'on' && !this.subscribed.has(s.id)) this.io.subscribe(s.id);
      else if (want === 'on') this.widenNow(s.id, s.schema);
      else this.cx.sources.of(s.id).follow = want;
    }
    this.cx.throttle.markDirty();
  }

  /** What the server offers of `stream` now (a subscribe queued earlier reads it when it runs). */
  current(stream: string): StreamInfo | undefined {
    return this.offered.find((s) => s.id === stream);
  }

  /**
   * A subscribed stream's schema changed on the server. The speed path's schema widens at once (the
   * events behind this message may carry the new field), the log's in order with the appends.
   */
  private widenNow(stream: string, schema: DatasetSchema): void {
    if (!this.cx.feed.knows(stream) || schemaProblem(schema)) return;
    const change = schemaChange(this.cx.feed.schemaOf(stream), schema);
    if (change.kind === 'same') return;
    if (change.kind === 'refused') {
      this.subscribed.delete(stream);
      this.io.unsubscribe(stream);
      this.cx.sources.of(stream).follow = 'paused';
      this.cx.problems.report(refusedChange(stream, change.error));
      return;
    }
    this.cx.feed.widen(stream, change.schema);
    void this.cx.serially(async () => {
      const ds = await this.cx.log().widenDataset(stream, change.schema);
      const d = this.cx.status.datasets[stream];
      if (d) d.schema = ds.schema;
    });
    this.cx.emit({ type: 'info', message: gainedFields(stream, change.added) });
  }
}
