/**
 * The WebSocket stream protocol, shared by server/ and the browser's ingest worker.
 * Offsets are the stream's own positions (0-based, dense). A client resumes by subscribing from the
 * first offset it has not made durable; the log stores that offset in the same transaction as the
 * events, so a resume never loses or repeats an event.
 */
import type { DatasetSchema } from './schema';
import type { WireBatch } from './wire';

/** 2: batches travel wire-encoded (./wire.ts). */
export const PROTOCOL_VERSION = 2;

/** Server -> client. */
export type ServerMessage =
  | { type: 'hello'; protocolVersion: number; streams: StreamInfo[] }
  | { type: 'events'; stream: string; offset: number; batch: WireBatch }
  /** The requested offset fell out of the replay buffer; the stream continues at `resumeAt`. */
  | { type: 'gap'; stream: string; requested: number; resumeAt: number }
  | { type: 'error'; code: ErrorCode; message: string }
  | { type: 'pong'; t: number };

/** Client -> server. */
export type ClientMessage =
  | { type: 'subscribe'; protocolVersion: number; stream: string; fromOffset: number }
  /** Everything before `offset` is durable at the client. */
  | { type: 'ack'; stream: string; offset: number }
  | { type: 'ping'; t: number };

export type ErrorCode = 'bad-message' | 'unknown-stream' | 'protocol-version' | 'too-large';

export interface StreamInfo {
  id: string;
  schema: DatasetSchema;
  /** The next offset the stream will produce. */
  nextOffset: number;
  /** The oldest offset still in the replay buffer: where a new subscriber starts. */
  bufferedFrom: number;
}

/** Per-stream figures the server reports at GET /api/streams, so tests can check exact totals. */
export interface StreamStats {
  id: string;
  /** Offsets the stream has used. */
  produced: number;
  /** Events among them that are valid (fault injection publishes invalid ones): what a client should count. */
  validEvents: number;
  /** Sum of `amount` over every produced event, computed in integer cents. */
  amountTotal: number;
  quantityTotal: number;
  /** Per country, per channel: event count, amount (to the cent) and quantity. */
  breakdown: Record<string, Record<string, { count: number; amount: number; quantity: number }>>;
  paused: boolean;
  ratePerSecond: number;
  bufferedFrom: number;
  clients: number;
}

/** Events in flight a client may hold un-acknowledged before the server stops sending to it. */
export const DEFAULT_ACK_WINDOW = 200_000;

/** Parses a server message without trusting it; returns an error string for anything malformed. */
export function parseServerMessage(text: string): ServerMessage | { type: 'invalid'; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { type: 'invalid', error: 'message is not JSON' };
  }
  if (typeof value !== 'object' || value === null || typeof (value as { type?: unknown }).type !== 'string') {
    return { type: 'invalid', error: 'message has no type' };
  }
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'hello':
      // Stream schemas are checked by the receiver (schemaProblem); here only the shape of each entry.
      return typeof m.protocolVersion === 'number' &&
        Array.isArray(m.streams) &&
        m.streams.every((s: unknown) => {
          const x = s as Partial<StreamInfo> | null;
          return typeof x === 'object' && x !== null && typeof x.id === 'string' && typeof x.schema === 'object' && x.schema !== null && Number.isSafeInteger(x.bufferedFrom);
        })
        ? (m as unknown as ServerMessage)
        : { type: 'invalid', error: 'bad hello' };
    case 'events':
      return typeof m.stream === 'string' && Number.isInteger(m.offset) && (m.offset as number) >= 0
        ? (m as unknown as ServerMessage) // the batch itself is validated against the schema by the receiver
        : { type: 'invalid', error: 'bad events header' };
    case 'gap':
      return typeof m.stream === 'string' && Number.isInteger(m.requested) && Number.isInteger(m.resumeAt) ? (m as unknown as ServerMessage) : { type: 'invalid', error: 'bad gap' };
    case 'error':
      return typeof m.message === 'string' ? (m as unknown as ServerMessage) : { type: 'invalid', error: 'bad error message' };
    case 'pong':
      return m as unknown as ServerMessage;
    default:
      return { type: 'invalid', error: `unknown message type ${JSON.stringify(m.type)}` };
  }
}
