/**
 * Collects each stream's events into micro-batches for the log: a batch is appended at FLUSH_EVENTS
 * events, or at the latest FLUSH_MS after the first event held (one timer for every stream, so a
 * batch may go sooner), because one IndexedDB transaction per message would not keep up with a fast
 * stream. A batch holds contiguous offsets only: a message
 * that does not continue it flushes it first.
 */
import { concatBatches, type ColumnBatch, type DatasetSchema } from '../../protocol/schema';
import { concatMasks, type Pending } from './microBatch';

export const FLUSH_EVENTS = 16_384;
export const FLUSH_MS = 50;

export type Flush = (stream: string, batch: ColumnBatch, offset: number, keep: Uint8Array | null) => void;

export class MicroBatcher {
  private readonly pending = new Map<string, Pending>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly schemaOf: (stream: string) => DatasetSchema,
    private readonly onFlush: Flush,
  ) {}

  /** Events held and not yet flushed. */
  get held(): number {
    let n = 0;
    for (const p of this.pending.values()) n += p.count;
    return n;
  }

  /** Adds a checked message's events, `offset` being the first one's. */
  add(stream: string, offset: number, batch: ColumnBatch, keep: Uint8Array | null): void {
    let p = this.pending.get(stream);
    if (p && p.offset + p.count !== offset) {
      this.flush(stream);
      p = undefined;
    }
    if (!p) {
      p = { offset, parts: [], count: 0 };
      this.pending.set(stream, p);
    }
    p.parts.push({ batch, keep });
    p.count += batch.count;
    if (p.count >= FLUSH_EVENTS) this.flush(stream);
    else this.timer ??= setTimeout(() => this.flushAll(), FLUSH_MS);
  }

  flushAll(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    for (const stream of [...this.pending.keys()]) this.flush(stream);
  }

  /** Hands a stream's held events to the log now (before a gap is recorded, say). */
  flush(stream: string): void {
    const p = this.pending.get(stream);
    if (!p || p.count === 0) return;
    this.pending.delete(stream);
    const batch = concatBatches(
      this.schemaOf(stream),
      p.parts.map((x) => x.batch),
    );
    this.onFlush(stream, batch, p.offset, concatMasks(p.parts));
  }

  /** Forgets every held event (not durable, so the server replays them); returns how many. */
  drop(): number {
    const n = this.held;
    this.pending.clear();
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    return n;
  }
}
