/**
 * The WebSocket stream protocol, shared by server/ and the browser's ingest worker.
 * Offsets are the stream's own positions (0-based, dense). A client resumes by subscribing from the
 * first offset it has not made durable; the log stores that offset in the same transaction as the
 * events, so a resume never loses or repeats an event.
 */
import * as v from 'valibot';
import { shown } from './fieldRules';
import type { DatasetSchema } from './schema';
import { FiniteNumber, JsonObject, NonNegativeInteger, Text, issueText, must, type Assert, type Same } from './shapes';
import type { WireBatch } from './wire';

/**
 * 2: batches travel wire-encoded (./wire.ts). 3: many streams per socket (subscribe, unsubscribe),
 * the `streams` message when the server's streams change, and rejected ranges in `gap`.
 */
export const PROTOCOL_VERSION = 3;

/** Server -> client. */
export type ServerMessage =
  | { type: 'hello'; protocolVersion: number; streams: StreamInfo[] }
  | { type: 'events'; stream: string; offset: number; batch: WireBatch }
  /**
   * Offsets `requested..resumeAt-1` will not come: they fell out of the replay buffer or the broker
   * lost them (no kind), or the server refused what a broker held there (`kind: 'rejected'`, `reason`).
   */
  | { type: 'gap'; stream: string; requested: number; resumeAt: number; kind?: 'rejected' | undefined; reason?: string | undefined }
  /** The streams the server offers changed (declared, widened, retired): the whole list. */
  | { type: 'streams'; streams: StreamInfo[] }
  /** `stream`: the stream a refused subscribe named, when the error is about one. */
  | { type: 'error'; code: ErrorCode; message: string; stream?: string | undefined }
  | { type: 'pong'; t: number };

/** Client -> server. */
export type ClientMessage =
  | { type: 'subscribe'; protocolVersion: number; stream: string; fromOffset: number }
  /** Stop sending this stream on this socket (others go on). */
  | { type: 'unsubscribe'; stream: string }
  /** Everything before `offset` is durable at the client. */
  | { type: 'ack'; stream: string; offset: number }
  | { type: 'ping'; t: number };

/** The codes of the server's `error` message. */
export const ERROR_CODES = ['bad-message', 'unknown-stream', 'protocol-version', 'too-large'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface StreamInfo {
  id: string;
  schema: DatasetSchema;
  /** The next offset the stream will produce. */
  nextOffset: number;
  /** The oldest offset still in the replay buffer: where a new subscriber starts. */
  bufferedFrom: number;
  /**
   * The server's name for this incarnation of the stream: it changes when the offsets start over
   * (a restart without --data-dir, a broker stream made again). Absent from older servers.
   */
  epoch?: string | undefined;
  /**
   * The stream's dataset has its batch layer on the server's ClickHouse cluster: the cluster holds
   * seqs 1..w whole, and `wOffset` is the stream offset after the event at seq w. A tab new to the
   * stream starts its log there instead of reading the whole stream. Absent: batch in the tab.
   */
  cluster?: { w: number; wOffset: number } | undefined;
}

/** Exact figures over every valid event a stream published, so tests can check any dashboard. */
export interface StreamTotals {
  count: number;
  /** Per integer or float field: the sum of its non-null values (integers exactly, floats compensated). */
  sums: Record<string, number>;
  /** Per field: how many events have no value. */
  nulls: Record<string, number>;
  /** Event-time range (ms); null while empty. */
  minTs: number | null;
  maxTs: number | null;
}

/** Per-stream figures the server reports at GET /api/streams. */
export interface StreamStats {
  id: string;
  schema: DatasetSchema;
  /** Where a time without an offset is read. */
  timeZone: string;
  /** Who holds the events: the demo generator's memory, this server's disk, or a broker. */
  holder: 'memory' | 'disk' | 'nats-jetstream';
  /** The broker's state, for a stream a broker holds. */
  broker: { up: boolean; detail: string | null } | null;
  /** Offsets the stream has used. */
  produced: number;
  /** Events among them that are valid (fault injection publishes invalid ones): what a client should count. */
  validEvents: number;
  totals: StreamTotals;
  /** The synthetic demo stream only. */
  demo: boolean;
  paused: boolean;
  ratePerSecond: number;
  bufferedFrom: number;
  clients: number;
  /** The demo (shop) stream only: sum of `amount` in integer cents / 100. */
  amountTotal?: number;
  quantityTotal?: number;
  /** The demo stream only: per country, per channel: event count, amount (to the cent) and quantity. */
  breakdown?: Record<string, Record<string, { count: number; amount: number; quantity: number }>>;
}

/** The demo stream's figures: its shop totals are always there. */
export type ShopStreamStats = StreamStats & Required<Pick<StreamStats, 'amountTotal' | 'quantityTotal' | 'breakdown'>>;

/** Events in flight a client may hold un-acknowledged before the server stops sending to it. */
export const DEFAULT_ACK_WINDOW = 200_000;

/** A message that failed its check: `error` names what is wrong, for a log line or a reply. */
export interface InvalidMessage {
  type: 'invalid';
  error: string;
}

/** One valibot shape per message type; each must check exactly what its member of `M` says. */
type Shapes<M extends { type: string }> = { [K in M['type']]: v.GenericSchema<unknown, Extract<M, { type: K }>> };

const StreamInfoShape = v.object(
  {
    id: Text,
    // Only that it is an object: the receiver judges each stream's schema (schemaProblem) and
    // refuses that stream alone, not the whole hello.
    schema: v.custom<DatasetSchema>((x) => v.is(JsonObject, x), must('an object')),
    nextOffset: NonNegativeInteger,
    bufferedFrom: NonNegativeInteger,
    epoch: v.optional(Text),
    cluster: v.optional(v.object({ w: NonNegativeInteger, wOffset: NonNegativeInteger }, must('an object'))),
  },
  must('an object'),
);

const SERVER_SHAPES: Shapes<ServerMessage> = {
  hello: v.object({ type: v.literal('hello'), protocolVersion: FiniteNumber, streams: v.array(StreamInfoShape, must('a list')) }),
  // The batch is left as it came: fromWire and checkBatch judge it per event on the hot path.
  events: v.object({ type: v.literal('events'), stream: Text, offset: NonNegativeInteger, batch: v.custom<WireBatch>(() => true) }),
  gap: v.object({
    type: v.literal('gap'),
    stream: Text,
    requested: NonNegativeInteger,
    resumeAt: NonNegativeInteger,
    kind: v.optional(v.literal('rejected', must('"rejected"'))),
    reason: v.optional(Text),
  }),
  streams: v.object({ type: v.literal('streams'), streams: v.array(StreamInfoShape, must('a list')) }),
  error: v.object({ type: v.literal('error'), code: v.picklist(ERROR_CODES, (i) => `unknown error code ${shown(i.input)}`), message: Text, stream: v.optional(Text) }),
  pong: v.object({ type: v.literal('pong'), t: FiniteNumber }),
};

const CLIENT_SHAPES: Shapes<ClientMessage> = {
  subscribe: v.object({ type: v.literal('subscribe'), protocolVersion: FiniteNumber, stream: Text, fromOffset: NonNegativeInteger }),
  unsubscribe: v.object({ type: v.literal('unsubscribe'), stream: Text }),
  ack: v.object({ type: v.literal('ack'), stream: Text, offset: NonNegativeInteger }),
  ping: v.object({ type: v.literal('ping'), t: FiniteNumber }),
};

/** Compile-time: every message type has a shape and each shape outputs exactly its message. */
export type ServerShapesMatch = Assert<Same<v.InferOutput<(typeof SERVER_SHAPES)[keyof typeof SERVER_SHAPES]>, ServerMessage>>;
export type ClientShapesMatch = Assert<Same<v.InferOutput<(typeof CLIENT_SHAPES)[keyof typeof CLIENT_SHAPES]>, ClientMessage>>;

/** JSON text -> an object with a string `type`, or why not. */
function envelope(text: string): { ok: true; type: string; value: Record<string, unknown> } | { ok: false; error: 'message is not JSON' | 'message has no type' } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: 'message is not JSON' };
  }
  if (!v.is(JsonObject, value) || typeof value.type !== 'string') return { ok: false, error: 'message has no type' };
  return { ok: true, type: value.type, value };
}

function parseWith<M extends { type: string }>(shapes: Shapes<M>, type: string, value: unknown): M | InvalidMessage {
  // Own keys only: a message typed "constructor" or "__proto__" is unknown, not Object's.
  if (!Object.hasOwn(shapes, type)) return { type: 'invalid', error: `unknown message type ${shown(type)}` };
  const r = v.safeParse(shapes[type as M['type']], value, { abortEarly: true });
  return r.success ? r.output : { type: 'invalid', error: `bad ${type}: ${issueText(r.issues)}` };
}

/**
 * Parses a server message without trusting it; anything malformed gives `{ type: 'invalid', error }`
 * naming what is wrong (e.g. `bad gap: requested: must be a non-negative integer, got "x"`).
 * Unknown keys are dropped.
 */
export function parseServerMessage(text: string): ServerMessage | InvalidMessage {
  const e = envelope(text);
  return e.ok ? parseWith(SERVER_SHAPES, e.type, e.value) : { type: 'invalid', error: e.error };
}

/** A client message the server refuses, and the error code its reply carries. */
export interface InvalidClientMessage extends InvalidMessage {
  code: 'bad-message' | 'protocol-version';
}

/**
 * Parses a client message without trusting it (the server's side of the socket). A subscribe in
 * another protocol version is refused as such before its shape is judged: a newer client's
 * messages may look different, and it must learn that the versions differ.
 */
export function parseClientMessage(text: string): ClientMessage | InvalidClientMessage {
  const e = envelope(text);
  if (!e.ok) return { type: 'invalid', code: 'bad-message', error: 'messages must be JSON objects with a type' };
  if (e.type === 'subscribe' && e.value.protocolVersion !== PROTOCOL_VERSION) {
    return { type: 'invalid', code: 'protocol-version', error: `server speaks protocol ${PROTOCOL_VERSION}, not ${shown(e.value.protocolVersion)}` };
  }
  const m = parseWith(CLIENT_SHAPES, e.type, e.value);
  return m.type === 'invalid' ? { ...m, code: 'bad-message' } : m;
}
