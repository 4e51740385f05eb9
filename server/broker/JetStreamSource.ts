/**
 * A workbench stream kept in a NATS JetStream stream: JetStream's sequence numbers are the offsets
 * (offset = seq - 1), so any producer that publishes to the subject feeds the stream, and a
 * restarted workbench server resumes from the broker's log, not from anything it held itself.
 */
import { AckPolicy, type ConsumerMessages, DeliverPolicy, JetStreamApiCodes, JetStreamApiError, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { StorageType, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection, connect, nanos } from '@nats-io/transport-node';
import { type BrokerSource, BrokerUnavailableError, type SourceDelivery, type SourceStatus } from './BrokerSource';

export interface JetStreamSourceOptions {
  /** e.g. nats://127.0.0.1:4222 */
  servers: string;
  /** The JetStream stream name. */
  stream: string;
  /** The subject the stream stores and `publish` publishes to. */
  subject: string;
  log?: (line: string) => void;
}

/** How long `open` (or a first `publish`) keeps trying to reach a broker that is not there. */
const FIRST_CONNECT_MS = 5_000;
const PUBLISH_TIMEOUT_MS = 3_000;
/** Publish requests in flight at once: a whole huge batch at once would time out its tail. */
const PUBLISH_WINDOW = 1_024;
const MAX_DELIVERY = 5_000;
const RETRY_MS = 500;
/** After the first connection the client reconnects on its own, forever, every half second or so. */
const RECONNECTING = { maxReconnectAttempts: -1, reconnectTimeWait: 500, reconnectJitter: 250, pingInterval: 10_000, maxPingOut: 2 };

/**
 * Default broker names for a workbench stream id (/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/). Stream
 * names cannot hold '.', and a subject token cannot be empty ('a..b'), so '_' and '.' are escaped
 * ('_' -> '__', '.' -> '_d'): every '_' of the result starts a two-character escape, so the
 * encoding can be read back, and two ids never share a stream or a subject.
 */
export function jetStreamNames(streamId: string): { stream: string; subject: string } {
  const token = streamId.replace(/[_.]/g, (c) => (c === '_' ? '__' : '_d'));
  return { stream: `LW_${token}`, subject: `lw.${token}` };
}

interface Connection {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
}

/** One broker-side consumer and its messages; replaced whenever there is doubt about what it sends. */
interface Reading {
  messages: ConsumerMessages;
  name: string;
}

export class JetStreamSource implements BrokerSource {
  readonly kind = 'nats-jetstream';
  readonly #opts: JetStreamSourceOptions;
  readonly #log: (line: string) => void;
  #connection: Promise<Connection> | null = null;
  #connected = false;
  #downSince: Date | null = null;
  #readError: string | null = null;
  #closed: Promise<void> | null = null;
  #nextOffset = 0;
  #publishing: Promise<unknown> = Promise.resolve();
  #deliver: ((d: SourceDelivery) => void) | null = null;
  /** The next offset to deliver: everything below it was delivered or reported missing. */
  #expected = 0;
  #batch: Uint8Array[] = [];
  #flushScheduled = false;
  #reading: Reading | null = null;
  /** Bumped for each new consumer, so what an older one still sends is dropped. */
  #generation = 0;
  #wake: () => void = () => {};

  constructor(opts: JetStreamSourceOptions) {
    this.#opts = opts;
    this.#log = opts.log ?? (() => {});
  }

  async open(fromOffset: number, deliver: (d: SourceDelivery) => void): Promise<void> {
    const { stream, servers } = this.#opts;
    if (this.#closed || this.#deliver) throw new Error(`JetStream source ${stream} is ${this.#closed ? 'closed' : 'already open'}`);
    const { jsm } = await this.#connect();
    this.#deliver = deliver;
    this.#expected = Math.max(0, Math.floor(fromOffset));
    try {
      // Report a purged head now rather than when the next event arrives, which may be never.
      const { state } = await jsm.streams.info(stream);
      this.#sawSeq(state.last_seq);
      const gone = state.messages === 0 ? state.last_seq : state.first_seq - 1;
      if (gone > this.#expected) this.#reportMissing(gone);
      if (state.last_seq < this.#expected) this.#log(`reading ${stream} from offset ${this.#expected}, after its newest (${state.last_seq}): it lost events or was recreated`);
      this.#reading = await this.#consume();
    } catch (err) {
      this.#deliver = null;
      throw new Error(`JetStream stream ${stream} at ${servers} cannot be read: ${messageOf(err)}`);
    }
    void this.#superviseReading();
  }

  publish(payloads: readonly Uint8Array[], idempotencyKey?: string): Promise<{ first: number; last: number }> {
    if (payloads.length === 0) return Promise.reject(new Error('publish needs at least one payload'));
    // One call at a time, so one call's events get one run of sequences.
    const run = this.#publishing.then(() => this.#publishNow(payloads, idempotencyKey));
    this.#publishing = run.catch(() => {});
    return run;
  }

  status(): SourceStatus {
    const { servers, stream } = this.#opts;
    let detail: string | null = null;
    if (this.#closed) detail = 'closed';
    else if (this.#downSince) detail = `NATS at ${servers} unreachable since ${this.#downSince.toTimeString().slice(0, 8)}; reconnecting`;
    else if (!this.#connected) detail = `not connected to NATS at ${servers} yet`;
    else if (this.#readError !== null) detail = `cannot read JetStream stream ${stream} at ${servers} (${this.#readError}); retrying`;
    return { up: detail === null, detail, nextOffset: this.#nextOffset };
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#wake();
      this.#batch = [];
      this.#generation++;
      const reading = this.#reading;
      this.#reading = null;
      await reading?.messages.close().catch(() => {});
      if (reading) await this.#dropConsumer(reading.name);
      const connection = await this.#connection?.catch(() => null);
      await connection?.nc.close().catch(() => {});
      this.#connected = false;
    })();
    return this.#closed;
  }

  #connect(): Promise<Connection> {
    this.#connection ??= this.#establish().catch((err: unknown) => {
      this.#connection = null;
      throw err;
    });
    return this.#connection;
  }

  async #establish(): Promise<Connection> {
    const { servers, stream, subject } = this.#opts;
    const deadline = Date.now() + FIRST_CONNECT_MS;
    let nc: NatsConnection | null = null;
    while (nc === null) {
      try {
        // noAsyncTraces: a stack trace captured per request is most of the cost of a pipelined publish.
        nc = await connect({ servers, timeout: Math.max(500, deadline - Date.now()), noAsyncTraces: true, name: `lambda-workbench ${stream}`, ...RECONNECTING });
      } catch (err) {
        if (this.#closed || Date.now() + 250 > deadline) throw new Error(`NATS at ${servers} cannot be reached: ${messageOf(err)}`);
        await sleep(250);
      }
    }
    try {
      if (this.#closed) throw new Error('the source was closed');
      const jsm = await jetstreamManager(nc);
      try {
        const { config, state } = await jsm.streams.info(stream);
        this.#sawSeq(state.last_seq);
        if (!config.subjects?.includes(subject)) this.#log(`JetStream stream ${stream} is for ${config.subjects?.join(', ')}, not exactly ${subject}: publishing may fail`);
      } catch (err) {
        if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
        await jsm.streams.add({ name: stream, subjects: [subject], storage: StorageType.File, duplicate_window: nanos(120_000) });
        this.#log(`created JetStream stream ${stream} for subject ${subject}`);
      }
      this.#connected = true;
      void this.#watch(nc, jsm);
      return { nc, js: jetstream(nc), jsm };
    } catch (err) {
      await nc.close();
      throw new Error(`NATS at ${servers} has no usable JetStream stream ${stream} for ${subject} (is nats-server running with -js?): ${messageOf(err)}`);
    }
  }

  /** Follows the connection for status(), and starts reading afresh after each reconnect. */
  async #watch(nc: NatsConnection, jsm: JetStreamManager): Promise<void> {
    const { servers, stream } = this.#opts;
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') {
        if (this.#connected) this.#log(`lost NATS at ${servers}; reconnecting`);
        this.#connected = false;
        this.#downSince ??= new Date();
      } else if (s.type === 'reconnect') {
        this.#connected = true;
        this.#downSince = null;
        this.#log(`reconnected to NATS at ${servers}`);
        // A restarted broker has forgotten the consumer, and messages in flight to us may be lost.
        this.#recycle('reconnected');
        jsm.streams.info(stream).then(
          ({ state }) => {
            this.#sawSeq(state.last_seq);
            if (this.#deliver && state.last_seq < this.#expected) {
              this.#log(`JetStream stream ${stream} now ends at offset ${state.last_seq}, before the ${this.#expected} delivered: the broker lost events or the stream was recreated`);
            }
          },
          (err: unknown) => this.#log(`could not read JetStream stream ${stream} after reconnecting: ${messageOf(err)}`),
        );
      }
    }
  }

  /**
   * A consumer from the next offset to deliver. Not the library's ordered consumer: that one
   * re-creates itself after a broker restart but keeps its old pull accounting, and can then stall
   * until two heartbeats are missed. Here any doubt (a reconnect, a gap in delivery sequence, the
   * consumer gone) ends the consumer, and #superviseReading starts a new one from #expected.
   */
  async #consume(): Promise<Reading> {
    const { js, jsm } = await this.#connect();
    const generation = ++this.#generation;
    const info = await jsm.consumers.add(this.#opts.stream, {
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
    this.#log(`restarting the JetStream consumer on ${this.#opts.stream} at offset ${this.#expected}: ${why}`);
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
        if (ended instanceof Error) this.#log(`JetStream consumer on ${this.#opts.stream} stopped (${ended.message}); reading again from offset ${this.#expected}`);
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
    const connection = await this.#connection?.catch(() => null);
    if (connection && this.#connected) await connection.jsm.consumers.delete(this.#opts.stream, name).catch(() => {});
  }

  #take(m: JsMsg): void {
    if (this.#closed || !this.#deliver) return;
    const offset = m.seq - 1;
    if (offset < this.#expected) return;
    this.#sawSeq(m.seq);
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
      this.#log(`delivering offsets from ${d.offset} of ${this.#opts.stream} failed: ${messageOf(err)}`);
    }
  }

  async #publishNow(payloads: readonly Uint8Array[], key: string | undefined): Promise<{ first: number; last: number }> {
    const { servers, stream, subject } = this.#opts;
    if (this.#closed) throw new BrokerUnavailableError(`the JetStream source for ${stream} is closed; nothing was stored`, 0);
    const js = await this.#connect().then(
      (c) => c.js,
      (err: unknown) => Promise.reject(new BrokerUnavailableError(`${messageOf(err)}; nothing was stored`, 0)),
    );
    // While reconnecting, the client would queue the events and might store them after we gave up on them.
    if (!this.#connected) throw new BrokerUnavailableError(`NATS at ${servers} is unreachable; nothing was stored`, 0);
    const seqs: number[] = [];
    for (let start = 0; start < payloads.length; start += PUBLISH_WINDOW) {
      // Sent without waiting, in call order on one connection: the broker stores them in that order.
      const window = payloads.slice(start, start + PUBLISH_WINDOW).map((payload, j) => {
        return js.publish(subject, payload, { timeout: PUBLISH_TIMEOUT_MS, ...(key === undefined ? {} : { msgID: `${key}:${start + j}` }) });
      });
      const results = await Promise.allSettled(window);
      for (const result of results) {
        if (result.status !== 'fulfilled') continue;
        seqs.push(result.value.seq);
        this.#sawSeq(result.value.seq);
      }
      const failed = results.findIndex((r) => r.status === 'rejected');
      const failure = results[failed];
      if (failure?.status === 'rejected') {
        const stored = seqs.length;
        throw new BrokerUnavailableError(`NATS at ${servers} did not store event ${start + failed + 1} of ${payloads.length} (${messageOf(failure.reason)}); it acknowledged ${stored}`, stored);
      }
    }
    return { first: seqs[0]! - 1, last: seqs[seqs.length - 1]! - 1 };
  }

  #sawSeq(seq: number): void {
    if (seq > this.#nextOffset) this.#nextOffset = seq;
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
