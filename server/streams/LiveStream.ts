/**
 * One stream the server offers: its declaration, the replay buffer its subscribers read (StreamHub),
 * its exact totals, and who holds its events: this process (in memory, or on disk with --data-dir)
 * or a broker upstream, whose sequence numbers are then the offsets. Every event enters through
 * `publish`, already validated against the schema; what a broker delivers is validated here.
 */
import { randomUUID } from 'node:crypto';
import { type ColumnBatch, padBatch } from '../../src/protocol/schema';
import { SHOP_STREAM_ID } from '../../src/protocol/shop';
import type { StreamStats } from '../../src/protocol/stream';
import type { BrokerSource, SourceDelivery } from '../broker/BrokerSource';
import { EventRows } from '../httpIngest';
import { ShopTotals } from '../ShopTotals';
import { StreamFile } from '../StreamFile';
import { StreamHub } from '../StreamHub';
import type { StreamDeclaration } from './declaration';
import { StreamTotals } from './StreamTotals';

export interface LiveStreamOptions {
  replayBuffer: number;
  ackWindow: number;
  /** Keep the events on disk here (ignored when a broker holds them). */
  dataDir?: string;
  broker?: BrokerSource;
  /** The synthetic demo stream (shop totals to the cent). */
  demo?: boolean;
  /** Events kept past the replay buffer at a restart, for a cluster loader that may need them. */
  heldAtStart?: number;
  log: (line: string) => void;
}

const utf8 = new TextEncoder();
/** Keys remembered per stream held here: a retry comes within seconds, not after 10,000 batches. */
const RECENT_KEYS = 10_000;
const fromUtf8 = new TextDecoder();

export class LiveStream {
  readonly hub: StreamHub;
  readonly totals: StreamTotals;
  readonly shop: ShopTotals | null;
  private readonly file: StreamFile | null;
  readonly broker: BrokerSource | null;
  /** Idempotency keys of recent batches stored here, oldest first (a broker keeps its own). */
  private readonly recentKeys = new Map<string, { first: number; last: number }>();
  /** Valid events published (offsets also carry refused broker messages and fault injections). */
  validEvents = 0;
  retired = false;

  constructor(
    public declaration: StreamDeclaration,
    private readonly options: LiveStreamOptions,
  ) {
    this.hub = new StreamHub(declaration.id, declaration.schema, options.replayBuffer, options.ackWindow);
    this.totals = new StreamTotals(declaration.schema);
    this.shop = options.demo && declaration.id === SHOP_STREAM_ID ? new ShopTotals() : null;
    this.broker = options.broker ?? null;
    this.file = !this.broker && options.dataDir ? new StreamFile(options.dataDir, declaration.id) : null;
  }

  get id(): string {
    return this.declaration.id;
  }

  /** Restores the stream from disk, or starts reading it from its broker. */
  async open(): Promise<void> {
    // Held in memory only: a restart starts the offsets over, under a new name.
    this.hub.epoch = this.file ? this.file.epoch() : `memory-${randomUUID()}`;
    if (this.file) {
      // Every stored event is counted; only the newest (the replay buffer) stay in memory.
      const held = this.options.heldAtStart ?? 0;
      this.hub.maxHeld = held;
      const stored = this.file
        .load(this.options.replayBuffer + held, (b) => this.count(padBatch(this.declaration.schema, b.batch)))
        .map((b) => ({ offset: b.offset, batch: padBatch(this.declaration.schema, b.batch) }));
      this.hub.restore(stored);
      if (stored.length) this.options.log(`restored stream ${this.id} from disk: offsets 0..${this.hub.nextOffset - 1}`);
    }
    if (this.broker) {
      await this.broker.open(0, (d) => this.fromBroker(d));
      this.hub.epoch = this.broker.epoch();
    }
  }

  /**
   * Stores validated events and offers them to subscribers; resolves with their offsets once they
   * are durable where the stream is held. Over a broker, the events reach the hub when the broker
   * delivers them back, in the broker's order.
   */
  async publish(batch: ColumnBatch, idempotencyKey?: string): Promise<{ first: number; last: number }> {
    if (!this.broker) {
      // A producer's retry of a batch this server already stored (its answer was lost): the same offsets, stored once.
      const seen = idempotencyKey === undefined ? undefined : this.recentKeys.get(idempotencyKey);
      if (seen && seen.last - seen.first + 1 === batch.count) return seen;
      const r = this.publishHere(batch);
      if (idempotencyKey !== undefined) {
        this.recentKeys.set(idempotencyKey, r);
        if (this.recentKeys.size > RECENT_KEYS) this.recentKeys.delete(this.recentKeys.keys().next().value!);
      }
      return r;
    }
    return this.broker.publish(
      toPayloads(
        this.declaration.schema.fields.map((f) => f.name),
        batch,
      ),
      idempotencyKey,
    );
  }

  /** Publishes on this server (the demo generator's path: synchronous, no broker). */
  publishHere(batch: ColumnBatch): { first: number; last: number } {
    const first = this.hub.nextOffset;
    this.count(batch);
    this.file?.append(first, batch);
    this.hub.publish(batch);
    return { first, last: first + batch.count - 1 };
  }

  /** Fault injection: events that take offsets but are not counted (the client must refuse them). */
  publishUncounted(batch: ColumnBatch, rawJson?: string): number {
    const first = this.hub.nextOffset;
    this.file?.append(first, batch);
    this.hub.publish(batch, rawJson);
    return first;
  }

  widen(declaration: StreamDeclaration): void {
    this.declaration = declaration;
    this.hub.widen(declaration.schema);
    this.totals.widen(declaration.schema);
  }

  stats(generator: { paused: boolean; rate: number } | null): StreamStats {
    const status = this.broker?.status();
    const s: StreamStats = {
      id: this.id,
      schema: this.declaration.schema,
      timeZone: this.declaration.timeZone,
      holder: this.broker ? 'nats-jetstream' : this.file ? 'disk' : 'memory',
      broker: status ? { up: status.up, detail: status.detail } : null,
      produced: this.hub.nextOffset,
      validEvents: this.validEvents,
      totals: this.totals.totals(),
      demo: generator !== null,
      paused: generator?.paused ?? false,
      ratePerSecond: generator?.rate ?? 0,
      bufferedFrom: this.hub.bufferedFrom,
      clients: this.hub.subscribers.size,
    };
    if (this.shop) Object.assign(s, { amountTotal: this.shop.amountCents / 100, quantityTotal: this.shop.quantity, breakdown: this.shop.breakdown() });
    return s;
  }

  async close(): Promise<void> {
    await this.broker?.close();
  }

  private count(batch: ColumnBatch): void {
    this.validEvents += batch.count;
    this.totals.add(batch);
    this.shop?.add(batch);
  }

  /**
   * What the broker holds, in offset order: valid events go to the hub; a message that is not a
   * valid event (a team's own producer may publish anything) keeps its offset as a refused range.
   */
  private fromBroker(d: SourceDelivery): void {
    if (d.offset < this.hub.nextOffset) return; // already here (the source promises not, but be sure)
    if (d.offset > this.hub.nextOffset) {
      if (this.hub.nextOffset === 0 && this.hub.subscribers.size === 0) this.hub.startAt(d.offset);
      else this.hub.skip(d.offset - this.hub.nextOffset, 'lost', 'the broker no longer holds them');
    }
    if (d.kind === 'missing') {
      this.hub.skip(d.count, 'lost', 'the broker no longer holds them');
      return;
    }
    let rows = new EventRows(this.declaration.schema, this.declaration.timeZone, Date.now());
    const flush = () => {
      if (rows.count === 0) return;
      const batch = rows.batch();
      this.count(batch);
      this.hub.publish(batch);
      rows = new EventRows(this.declaration.schema, this.declaration.timeZone, Date.now());
    };
    for (const payload of d.payloads) {
      let value: unknown;
      let problem: string | null;
      try {
        value = JSON.parse(fromUtf8.decode(payload));
        problem = rows.add(value);
      } catch {
        problem = 'not valid JSON';
      }
      if (problem) {
        flush();
        this.hub.skip(1, 'rejected', `the broker's message at offset ${this.hub.nextOffset} is not a valid event: ${problem}`);
        this.options.log(`stream ${this.id}: refused broker message at offset ${this.hub.nextOffset - 1}: ${problem}`);
      }
    }
    flush();
  }
}

/** Events as broker payloads: one JSON object each, as a line of NDJSON ingest would carry it. */
function toPayloads(names: readonly string[], batch: ColumnBatch): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < batch.count; i++) {
    // No prototype: a field named __proto__ stays a field.
    const ev = Object.create(null) as Record<string, unknown>;
    ev.ts = batch.ts[i];
    for (const n of names) ev[n] = batch.columns[n]![i] ?? null;
    out.push(utf8.encode(JSON.stringify(ev)));
  }
  return out;
}
