/**
 * When to send how many events for a steady `rate`, whatever the event times say. Every batch's due
 * time is counted from the start (event n is due at start + n/rate), not from the previous send, so a
 * slow request does not push the rest of the replay later: the next batches catch up, larger.
 */

/** The server's limit on events per request. */
export const MAX_BATCH_EVENTS = 100_000;
/** Batches go about this often at any rate of 10 events/s or more. */
export const TICK_MS = 100;

export class Pacer {
  /** Events per batch when on time: a tick's worth, at least 1. */
  readonly batchSize: number;

  constructor(
    readonly rate: number,
    private readonly start: number,
  ) {
    if (!(rate > 0) || !Number.isFinite(rate)) throw new Error(`Pacer: the rate must be a positive number, got ${rate}`);
    this.batchSize = Math.min(MAX_BATCH_EVENTS, Math.max(1, Math.round((rate * TICK_MS) / 1000)));
  }

  /** How long to wait, at `now`, before the batch that starts with event `sent` is due (0 when it is). */
  waitMs(sent: number, now: number): number {
    return Math.max(0, this.start + (sent * 1000) / this.rate - now);
  }

  /**
   * How many events to send at `now` after `sent`: the tick's batch plus whatever is overdue, so a
   * replay behind schedule catches up; 0 while the next batch is not due yet.
   */
  due(sent: number, now: number): number {
    if (this.waitMs(sent, now) > 0) return 0;
    const allowed = this.batchSize + Math.floor(((now - this.start) * this.rate) / 1000);
    return Math.min(MAX_BATCH_EVENTS, Math.max(this.batchSize, allowed - sent));
  }
}
