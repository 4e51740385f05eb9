/**
 * A workbench stream kept in a NATS JetStream stream: JetStream's sequence numbers are the offsets
 * (offset = seq - 1), so any producer that publishes to the subject feeds the stream, and a
 * restarted workbench server resumes from the broker's log, not from anything it held itself.
 */
import { JetStreamApiCodes, JetStreamApiError, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { StorageType, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection, connect, nanos } from '@nats-io/transport-node';
import { type BrokerSource, BrokerUnavailableError, type SourceDelivery, type SourceStatus } from './BrokerSource';
import { JetStreamReader } from './JetStreamReader';

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

export class JetStreamSource implements BrokerSource {
  readonly kind = 'nats-jetstream';

  epoch(): string {
    return this.#epoch;
  }
  readonly #opts: JetStreamSourceOptions;
  readonly #log: (line: string) => void;
  #connection: Promise<Connection> | null = null;
  #connected = false;
  #downSince: Date | null = null;
  #closed: Promise<void> | null = null;
  #nextOffset = 0;
  /** The broker stream's name and creation time, read when connecting. */
  #epoch = '';
  #publishing: Promise<unknown> = Promise.resolve();
  readonly #reader: JetStreamReader;

  constructor(opts: JetStreamSourceOptions) {
    this.#opts = opts;
    this.#log = opts.log ?? (() => {});
    this.#reader = new JetStreamReader({
      stream: opts.stream,
      log: this.#log,
      connect: () => this.#connect(),
      connectedNow: async () => {
        const connection = await this.#connection?.catch(() => null);
        return connection && this.#connected ? connection.jsm : null;
      },
      sawSeq: (seq) => this.#sawSeq(seq),
    });
  }

  async open(fromOffset: number, deliver: (d: SourceDelivery) => void): Promise<void> {
    const { stream, servers } = this.#opts;
    if (this.#closed || this.#reader.opened) throw new Error(`JetStream source ${stream} is ${this.#closed ? 'closed' : 'already open'}`);
    const { jsm } = await this.#connect();
    try {
      await this.#reader.open(jsm, fromOffset, deliver);
    } catch (err) {
      throw new Error(`JetStream stream ${stream} at ${servers} cannot be read: ${messageOf(err)}`);
    }
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
    else if (this.#reader.readError !== null) detail = `cannot read JetStream stream ${stream} at ${servers} (${this.#reader.readError}); retrying`;
    return { up: detail === null, detail, nextOffset: this.#nextOffset };
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.#reader.close();
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
        const { config, state, created } = await jsm.streams.info(stream);
        this.#epoch = `${stream}@${created}`;
        this.#sawSeq(state.last_seq);
        if (!config.subjects?.includes(subject)) this.#log(`JetStream stream ${stream} is for ${config.subjects?.join(', ')}, not exactly ${subject}: publishing may fail`);
      } catch (err) {
        if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
        const made = await jsm.streams.add({ name: stream, subjects: [subject], storage: StorageType.File, duplicate_window: nanos(120_000) });
        this.#epoch = `${stream}@${made.created}`;
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
    const { servers } = this.#opts;
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') {
        if (this.#connected) this.#log(`lost NATS at ${servers}; reconnecting`);
        this.#connected = false;
        this.#downSince ??= new Date();
      } else if (s.type === 'reconnect') {
        this.#connected = true;
        this.#downSince = null;
        this.#log(`reconnected to NATS at ${servers}`);
        this.#reader.reconnected(jsm);
      }
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
