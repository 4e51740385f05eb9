/**
 * The synthetic shop stream `npm start` runs: a generator publishing at a set rate (pausable), and
 * backfill of history at once, so a dashboard has something live before anyone declares a stream.
 */
import type { ColumnBatch } from '../src/protocol/schema';
import { ShopGenerator } from './ShopGenerator';
import type { LiveStream } from './streams/LiveStream';

export class DemoStream {
  private readonly generator: ShopGenerator;
  private carry = 0;
  /** With diagnostics: when each recent batch was published, as [first offset, count, ms]. */
  readonly publishes: [number, number, number][] = [];

  constructor(
    readonly stream: LiveStream,
    public rate: number,
    public paused: boolean,
    seed: number,
    private readonly diagnostics: boolean,
  ) {
    // Continue the synthetic sequence rather than repeat it after a restart.
    this.generator = new ShopGenerator(seed + stream.hub.nextOffset);
  }

  /** Called every tick: publishes what the rate owes since the last one. */
  tick(tickMs: number): void {
    if (this.paused) return;
    this.carry += (this.rate * tickMs) / 1000;
    const n = Math.floor(this.carry);
    this.carry -= n;
    if (n > 0) this.publish(this.generator.next(n, Date.now()));
  }

  /**
   * Generates `count` events of history at once, spread over the `spanMs` before now. On a stream
   * whose batch layer is a cluster (its hub held for the loader), it waits between chunks while the
   * loader is far behind, so the history reaches the cluster rather than past what the stream
   * holds for it; with no progress for two minutes (the cluster down) it goes on regardless.
   */
  async backfill(count: number, spanMs: number): Promise<{ first: number; last: number }> {
    const hub = this.stream.hub;
    const first = hub.nextOffset;
    const now = Date.now();
    const chunk = 5_000; // the size of a catch-up message, so each is serialised once for all clients
    let waiting = true;
    for (let done = 0; done < count; done += chunk) {
      const n = Math.min(chunk, count - done);
      this.publish(this.generator.next(n, now - spanMs + (spanMs * (done + n)) / count, (spanMs * n) / count));
      for (let last = hub.hold?.(), since = Date.now(); waiting && hub.hold && hub.nextOffset - hub.hold() > hub.maxHeld / 4; ) {
        await new Promise((r) => setTimeout(r, 20));
        if (hub.hold?.() !== last) [last, since] = [hub.hold?.(), Date.now()];
        // No progress for two minutes: the loader is stuck; the rest goes out without waiting.
        else if (Date.now() - since > 120_000) waiting = false;
      }
    }
    return { first, last: hub.nextOffset - 1 };
  }

  /** Teaching: `count` events whose event time is `lateMs` before now, arriving now (late, out of order). */
  late(count: number, lateMs: number): { first: number; last: number } {
    const at = Date.now() - lateMs;
    const batch = this.generator.next(count, at);
    batch.ts.fill(at);
    const first = this.stream.hub.nextOffset;
    this.publish(batch);
    return { first, last: first + count - 1 };
  }

  private publish(batch: ColumnBatch): void {
    const { first } = this.stream.publishHere(batch);
    if (this.diagnostics) {
      this.publishes.push([first, batch.count, Date.now()]);
      if (this.publishes.length > 20_000) this.publishes.splice(0, 10_000);
    }
  }
}
