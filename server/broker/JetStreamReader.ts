/**
 * The reading side of a JetStreamSource: one pull consumer at a time, from the next offset to
 * deliver, so each offset is delivered once per `open`, what the broker no longer holds is reported
 * `missing`, and the consumer is replaced whenever there is doubt about what it sends.
 */
import { AckPolicy, type ConsumerMessages, DeliverPolicy, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { SourceDelivery } from './BrokerSource';

const MAX_DELIVERY = 5_000;
const RETRY_MS = 500;

/** What a reader uses of the JetStreamSource that owns it. */
export interface JetStreamReaderLink {
  /** The JetStream stream name. */
  stream: string;
  log: (line: string) => void;
  /** The source's connection, connecting first when it has none. */
  connect(): Promise<{ js: JetStreamClient; jsm: JetStreamManager }>;
  /** The source's connection when it has one and is connected now; never connects. */
  connectedNow(): Promise<JetStreamManager | null>;
  /** Each broker sequence the reader sees, for the source's nextOffset. */
  sawSeq(seq: number): void;
}

/** One broker-side consumer and its messages; replaced whenever there is doubt about what it sends. */
interface Reading {
  messages: ConsumerMessages;
  name: string;
}

export class JetStreamReader {
  readonly #link: JetStreamReaderLink;
  #closed = false;
  #readError: string | null = null;
  #deliver: ((d: SourceDelivery) => void) | null = null;
  /** The next offset to deliver: everything below it was delivered or reported missing. */
  #expected = 0;
  #batch: Uint8Array[] = [];
  #flushScheduled = false;
  #reading: Reading | null = null;
  /** Bumped for each new consumer, so what an older one still sends is dropped. */
  #generation = 0;
  #wake: () => void = () => {};

  constructor(link: JetStreamReaderLink) {
    this.#link = link;
  }

  /** Whether `open` was called and did not fail. */
  get opened(): boolean {
    return this.#deliver !== null;
  }

  /** Why the last consumer could not be started, until one is; null when reading. */
  get readError(): string | null {
    return this.#readError;
  }

  async open(jsm: JetStreamManager, fromOffset: number, deliver: (d: SourceDelivery) => void): Promise<void> {
    const { stream, log } = this.#link;
    this.#deliver = deliver;
    this.#expected = Math.max(0, Math.floor(fromOffset));
    try {
      // Report a purged head now rather than when the next event arrives, which may be never.
      const { state } = await jsm.streams.info(stream);
      this.#link.sawSeq(state.last_seq);
      const gone = state.messages === 0 ? state.last_seq : state.first_seq - 1;
      if (gone > this.#expected) this.#reportMissing(gone);
      if (state.last_seq < this.#expected) log(`reading ${stream} from offset ${this.#expected}, after its newest (${state.last_seq}): it lost events or was recreated`);
      this.#reading = await this.#consume();
    } catch (err) {
      this.#deliver = null;
      throw err;
    }
    void this.#superviseReading();
  }

  /** Called after each reconnect: reads afresh from the next offset to deliver. */
  reconnected(jsm: JetStreamManager): void {
    const { stream, log } = this.#link;
    // A restarted broker has forgotten the consumer, and messages in flight to us may be lost.
    this.#recycle('reconnected');
    jsm.streams.info(stream).then(
      ({ state }) => {
        this.#link.sawSeq(state.last_seq);
        if (this.#deliver && state.last_seq < this.#expected) {
          log(`JetStream stream ${stream} now ends at offset ${state.last_seq}, before the ${this.#expected} delivered: the broker lost events or the stream was recreated`);
        }
      },
      (err: unknown) => log(`could not read JetStream stream ${stream} after reconnecting: ${messageOf(err)}`),
    );
  }

  /** Stops reading and deletes the consumer; delivers nothing more. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#wake();
    this.#batch = [];
    this.#generation++;
    const reading = this.#reading;
    this.#reading = null;
    await reading?.messages.close().catch(() => {});
    if (reading) await this.#dropConsumer(reading.name);
  }

  /**
   * A consumer from the next offset to deliver. Not the library's ordered consumer: that one
   * re-creates itself after a broker restart but keeps its old pull accounting, and can then stall
   * until two heartbeats are missed. Here any doubt (a reconnect, a gap in delivery sequence, the
   * consumer gone) ends the consumer, and #superviseReading starts a new one from #expected.
   */
  async #consume(): Promise<Reading> {
    const { js, jsm } = await this.#link.connect();
    const generation = ++this.#generation;
    const info = await jsm.consumers.add(this.#link.stream, {
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: this.#expected + 1,
      ack_policy: AckPolicy.None,
      mem_storage: true,
      num_replicas: 1,
      // Left behind if this process dies; the broker drops it a minute later.
      inactive_threshold: nanos(60_000),
    });
    let delivered = 0;
    const messages = await js.consumers.getConsumerFromInfo(info).consume({
      max_messages: MAX_DELIVERY,
      expires: 10_000,
      abort_on_missing_resource: true,
      callback: (m) => {
        if (generation !== this.#generation) return;
        // Nothing is resent without acks: a message lost with a dropped connection shows only as a skipped delivery sequence.
        if (m.info.deliverySequence !== ++delivered) return this.#recycle(`delivery sequence jumped to ${m.info.deliverySequence}`);
        this.#take(m);
      },
    });
    if (generation !== this.#generation) {
      await messages.close();
      throw new Error('superseded by a newer consumer');
    }
    this.#readError = null;
    return { messages, name: info.name };
  }

  #recycle(why: string): void {
    if (!this.#reading) return;
    this.#link.log(`restarting the JetStream consumer on ${this.#link.stream} at offset ${this.#expected}: ${why}`);
    this.#generation++;
    void this.#reading.messages.close();
  }

  async #superviseReading(): Promise<void> {
    while (!this.#closed) {
      const reading = this.#reading;
      if (reading) {
        const ended = await reading.messages.closed();
        if (this.#closed) return;
        this.#generation++;
        this.#reading = null;
        if (ended instanceof Error) this.#link.log(`JetStream consumer on ${this.#link.stream} stopped (${ended.message}); reading again from offset ${this.#expected}`);
        void this.#dropConsumer(reading.name);
      }
      try {
        this.#reading = await this.#consume();
      } catch (err) {
        this.#readError = messageOf(err);
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
          setTimeout(resolve, RETRY_MS);
        });
      }
    }
  }

  async #dropConsumer(name: string): Promise<void> {
    const jsm = await this.#link.connectedNow();
    if (jsm) await jsm.consumers.delete(this.#link.stream, name).catch(() => {});
  }

  #take(m: JsMsg): void {
    if (this.#closed || !this.#deliver) return;
    const offset = m.seq - 1;
    if (offset < this.#expected) return;
    this.#link.sawSeq(m.seq);
    if (offset > this.#expected) this.#reportMissing(offset);
    this.#batch.push(m.data);
    this.#expected = offset + 1;
    if (this.#batch.length >= MAX_DELIVERY) this.#flush();
    else if (!this.#flushScheduled) {
      // What arrived in the same socket reads comes before the next macrotask: one delivery.
      this.#flushScheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  /** Offsets from the next expected one up to `until` (exclusive) are gone from the broker. */
  #reportMissing(until: number): void {
    this.#flush();
    const offset = this.#expected;
    this.#expected = until;
    this.#emit({ kind: 'missing', offset, count: until - offset });
  }

  #flush(): void {
    this.#flushScheduled = false;
    if (this.#batch.length === 0 || this.#closed) return;
    const payloads = this.#batch;
    this.#batch = [];
    this.#emit({ kind: 'messages', offset: this.#expected - payloads.length, payloads });
  }

  #emit(d: SourceDelivery): void {
    try {
      this.#deliver?.(d);
    } catch (err) {
      // These offsets count as delivered: a throwing receiver must not stop the reading or get them twice.
      this.#link.log(`delivering offsets from ${d.offset} of ${this.#link.stream} failed: ${messageOf(err)}`);
    }
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
