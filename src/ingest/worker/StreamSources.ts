/**
 * What the ingest path knows of each stream it reads: where the log's copy ends (the durable offset,
 * the only place a resubscribe may start), whether the log has ever read it, and an unreadable
 * message whose offsets are to be skipped once the next readable one says where it ended.
 */
import type { StreamStatus } from './protocol';

export class StreamSources {
  /** Per stream, shared with the status the page reads. */
  readonly status: Record<string, StreamStatus> = Object.create(null);
  /**
   * Streams the log has never read. Their start is fixed by the first message that arrives (events
   * or a gap), since the oldest replayable offset moves on between the hello and our subscribe.
   */
  private readonly fresh = new Set<string>();
  private readonly unreadableAt = new Map<string, number>();

  of(stream: string): StreamStatus {
    let s = this.status[stream];
    if (!s) {
      s = { durableOffset: 0, gapEvents: 0, rejectedEvents: 0 };
      this.status[stream] = s;
    }
    return s;
  }

  set(stream: string, s: StreamStatus): void {
    this.status[stream] = s;
  }

  /** The log's figures for streams (another tab's appends): what this worker knows beyond them stays. */
  merge(fromLog: Record<string, StreamStatus>): void {
    for (const [stream, s] of Object.entries(fromLog)) this.status[stream] = { ...this.status[stream], ...s };
  }

  /**
   * A subscribe is about to be sent: from the log's stored offset, or, for a stream the log has never
   * read, from the oldest offset the server still holds. Returns the offset to subscribe from.
   */
  subscribing(stream: string, stored: number | undefined, bufferedFrom: number): number {
    const from = stored ?? (Number.isSafeInteger(bufferedFrom) && bufferedFrom >= 0 ? bufferedFrom : 0);
    if (stored === undefined) this.fresh.add(stream);
    else this.fresh.delete(stream);
    this.unreadableAt.delete(stream);
    this.of(stream).durableOffset = from;
    return from;
  }

  /** True once, for the first message of a stream the log has never read. */
  takeFresh(stream: string): boolean {
    return this.fresh.delete(stream);
  }

  /** An events message at `offset` could not be read; the first such offset is kept. */
  markUnreadable(stream: string, offset: number): void {
    if (!this.unreadableAt.has(stream)) this.unreadableAt.set(stream, offset);
  }

  /** A readable message at `offset` arrived: the unreadable range before it, if any, as its start. */
  takeSkipped(stream: string, offset: number): number | null {
    const from = this.unreadableAt.get(stream);
    if (from === undefined || offset <= from) return null;
    this.unreadableAt.delete(stream);
    return from;
  }

  /** Everything before `offset` is durable (or will never come): resubscribe from there. */
  advance(stream: string, offset: number): StreamStatus {
    const s = this.of(stream);
    s.durableOffset = Math.max(s.durableOffset, offset);
    return s;
  }
}
