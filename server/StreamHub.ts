/**
 * One live stream: a bounded replay buffer of produced batches and the subscribers reading it.
 * Each subscriber has a send position and an acknowledged position; the server sends at most
 * `ackWindow` events past the last ack, so a slow client is paused rather than buffered without bound.
 */
import type { WebSocket } from 'ws';
import type { ColumnBatch, DatasetSchema } from '../src/protocol/schema';
import { padBatch, sliceBatch } from '../src/protocol/schema';
import type { ServerMessage, StreamInfo } from '../src/protocol/stream';
import { toWire } from '../src/protocol/wire';

interface Entry {
  offset: number;
  batch: ColumnBatch;
  json?: string;
  /** The json is a deliberate fault and must be sent whole, never re-sliced. */
  raw?: boolean;
  /** Offsets that hold no event: lost at the broker, or refused by this server (with why). */
  skip?: { kind: 'lost' | 'rejected'; reason: string };
}

/** A stored entry as an in-process reader sees it: events, or offsets that carry none (`batch` null). */
export interface TappedEntry {
  offset: number;
  count: number;
  batch: ColumnBatch | null;
}

export interface Subscriber {
  ws: WebSocket;
  sendOffset: number;
  ackedOffset: number;
}

/** Largest batch sent in one catch-up message. */
const MAX_EVENTS_PER_MESSAGE = 5_000;
/** Past this many bytes queued in the socket, wait for it to drain. */
const MAX_SOCKET_BUFFER = 8 * 1024 * 1024;

export class StreamHub {
  private readonly entries: Entry[] = [];
  private buffered = 0;
  nextOffset = 0;
  /** This incarnation of the stream (StreamInfo.epoch), set by its owner. */
  epoch = '';
  /** Where a ClickHouse cluster holding this stream's dataset is (StreamInfo.cluster), set by the cluster loader. */
  clusterAt: (() => { w: number; wOffset: number } | null) | null = null;
  /**
   * An in-process reader that must not miss events (the cluster loader, stopped while the cluster
   * catches up) holds the buffer from this offset on, up to `maxHeld` events past its usual bound;
   * beyond that the oldest go as for any reader.
   */
  hold: (() => number) | null = null;
  maxHeld = 0;
  readonly subscribers = new Set<Subscriber>();
  /** In-process readers (the cluster loader): each entry as it is stored. */
  private readonly taps = new Set<(e: TappedEntry) => void>();

  constructor(
    readonly id: string,
    public schema: DatasetSchema,
    private readonly maxBuffered: number,
    private readonly ackWindow: number,
  ) {}

  info(): StreamInfo {
    return {
      id: this.id,
      schema: this.schema,
      nextOffset: this.nextOffset,
      bufferedFrom: this.bufferedFrom,
      ...(this.epoch ? { epoch: this.epoch } : {}),
      ...(this.clusterAt?.() ? { cluster: this.clusterAt()! } : {}),
    };
  }

  get bufferedFrom(): number {
    return this.entries[0]?.offset ?? this.nextOffset;
  }

  /** Restores a stream from disk: its offsets continue, the newest events are replayable again. */
  restore(stored: readonly { offset: number; batch: ColumnBatch }[]): void {
    for (const b of stored) {
      this.entries.push({ offset: b.offset, batch: b.batch });
      this.buffered += b.batch.count;
      this.nextOffset = b.offset + b.batch.count;
    }
    // The held events too: the reader that holds them (the cluster loader) attaches after this.
    while (this.buffered > this.maxBuffered + this.maxHeld && this.entries.length > 1) this.buffered -= this.entries.shift()!.batch.count;
  }

  /** A stream whose offsets start past 0 (a broker that no longer holds its oldest events). */
  startAt(offset: number): void {
    if (this.entries.length === 0 && offset > this.nextOffset) this.nextOffset = offset;
  }

  /**
   * A widened schema: buffered batches gain the new fields as nulls, so a client reading them with
   * the new schema finds every column.
   */
  widen(schema: DatasetSchema): void {
    this.schema = schema;
    for (const e of this.entries) {
      if (e.raw || e.skip) continue;
      e.batch = padBatch(schema, e.batch);
      delete e.json;
    }
  }

  /** Offsets that will carry no event (`count` of them), told to subscribers as a gap. */
  skip(count: number, kind: 'lost' | 'rejected', reason: string): void {
    if (count <= 0) return;
    this.entries.push({ offset: this.nextOffset, batch: { count, ts: [], columns: {} }, skip: { kind, reason } });
    this.nextOffset += count;
    this.buffered += count;
    this.trim();
    for (const t of this.taps) t({ offset: this.nextOffset - count, count, batch: null });
    for (const sub of this.subscribers) this.pump(sub);
  }

  /**
   * Appends produced events to the stream and sends them to everyone caught up. `rawJson` replaces
   * the message sent for them (fault injection: an unreadable message that still spans offsets).
   */
  publish(batch: ColumnBatch, rawJson?: string): void {
    if (batch.count === 0) return;
    this.entries.push({ offset: this.nextOffset, batch, ...(rawJson !== undefined ? { json: rawJson, raw: true } : {}) });
    this.nextOffset += batch.count;
    this.buffered += batch.count;
    this.trim();
    // A deliberately broken message carries no event a reader accepts: its offsets are a gap.
    for (const t of this.taps) t({ offset: this.nextOffset - batch.count, count: batch.count, batch: rawJson === undefined ? batch : null });
    for (const sub of this.subscribers) this.pump(sub);
  }

  /**
   * Reads the stream in-process from `fromOffset`: the buffered entries now, then each new one as it
   * is stored. Returns null, reading nothing, when `fromOffset` is no longer buffered.
   */
  tap(fromOffset: number, reader: (e: TappedEntry) => void): { close(): void } | null {
    if (fromOffset < this.bufferedFrom) return null;
    for (const e of this.entries) {
      if (e.offset + e.batch.count <= fromOffset) continue;
      reader({ offset: e.offset, count: e.batch.count, batch: e.skip || e.raw ? null : e.batch });
    }
    this.taps.add(reader);
    return { close: () => this.taps.delete(reader) };
  }

  private trim(): void {
    const held = this.hold?.() ?? Number.POSITIVE_INFINITY;
    while (this.buffered > this.maxBuffered && this.entries.length > 1) {
      const first = this.entries[0]!;
      if (first.offset + first.batch.count > held && this.buffered <= this.maxBuffered + this.maxHeld) break;
      this.buffered -= this.entries.shift()!.batch.count;
    }
  }

  unsubscribe(sub: Subscriber): void {
    this.subscribers.delete(sub);
  }

  subscribe(ws: WebSocket, fromOffset: number): Subscriber {
    const sub: Subscriber = { ws, sendOffset: Math.min(fromOffset, this.nextOffset), ackedOffset: Math.min(fromOffset, this.nextOffset) };
    this.subscribers.add(sub);
    this.pump(sub);
    return sub;
  }

  ack(sub: Subscriber, offset: number): void {
    if (offset > sub.ackedOffset && offset <= sub.sendOffset) sub.ackedOffset = offset;
    this.pump(sub);
  }

  /** Sends what the subscriber may have now: up to the ack window, while its socket is not backed up. */
  pump(sub: Subscriber): void {
    if (sub.sendOffset < this.bufferedFrom) {
      const msg: ServerMessage = { type: 'gap', stream: this.id, requested: sub.sendOffset, resumeAt: this.bufferedFrom };
      sub.ws.send(JSON.stringify(msg));
      sub.sendOffset = this.bufferedFrom;
      sub.ackedOffset = Math.max(sub.ackedOffset, this.bufferedFrom);
    }
    let i = this.findEntry(sub.sendOffset);
    while (i >= 0 && i < this.entries.length) {
      if (sub.sendOffset - sub.ackedOffset >= this.ackWindow) return;
      if (sub.ws.bufferedAmount > MAX_SOCKET_BUFFER) return;
      const e = this.entries[i]!;
      const skip = sub.sendOffset - e.offset;
      if (e.skip) {
        const end = e.offset + e.batch.count;
        const msg: ServerMessage = { type: 'gap', stream: this.id, requested: sub.sendOffset, resumeAt: end, ...(e.skip.kind === 'rejected' ? { kind: 'rejected', reason: e.skip.reason } : {}) };
        sub.ws.send(JSON.stringify(msg));
        sub.sendOffset = end;
        // Nothing to make durable: the client records the gap itself, so the window moves on.
        sub.ackedOffset = Math.max(sub.ackedOffset, end);
        i++;
        continue;
      }
      if (e.raw) {
        sub.ws.send(e.json!);
        sub.sendOffset = e.offset + e.batch.count;
        i++;
        continue;
      }
      if (skip === 0 && e.batch.count <= MAX_EVENTS_PER_MESSAGE) {
        e.json ??= JSON.stringify({ type: 'events', stream: this.id, offset: e.offset, batch: toWire(e.batch) } satisfies ServerMessage);
        sub.ws.send(e.json);
        sub.sendOffset += e.batch.count;
        i++;
        continue;
      }
      const end = Math.min(e.batch.count, skip + MAX_EVENTS_PER_MESSAGE);
      const part = sliceBatch(e.batch, skip, end);
      sub.ws.send(JSON.stringify({ type: 'events', stream: this.id, offset: sub.sendOffset, batch: toWire(part) } satisfies ServerMessage));
      sub.sendOffset += part.count;
      if (end === e.batch.count) i++;
    }
  }

  /** Index of the entry holding `offset`, or -1 when it is not buffered (yet). */
  private findEntry(offset: number): number {
    let lo = 0;
    let hi = this.entries.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const e = this.entries[mid]!;
      if (offset < e.offset) hi = mid - 1;
      else if (offset >= e.offset + e.batch.count) lo = mid + 1;
      else return mid;
    }
    return -1;
  }
}
