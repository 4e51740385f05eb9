/**
 * A stream held by a durable broker a team already runs, instead of by this server. The broker's
 * own sequence numbers are the stream's offsets (offset = broker sequence - 1, so both start where
 * the broker's do), which is what lets a browser resume after a server restart exactly where its
 * log ends: the server holds nothing a restart could lose.
 *
 * A source moves opaque payloads, one per event (a JSON object, as one NDJSON line of HTTP
 * ingest); the stream that owns it decodes and validates them against its schema. So a team's own
 * producers can publish straight to the broker, and every way in is judged by the same rules.
 */

/** What a source delivers, in offset order, each offset exactly once per `open`. */
export type SourceDelivery =
  /** `payloads[i]` is the event at offset `offset + i`. */
  | { kind: 'messages'; offset: number; payloads: Uint8Array[] }
  /** Offsets `offset..offset+count-1` hold nothing (the broker deleted or purged them). */
  | { kind: 'missing'; offset: number; count: number };

export interface SourceStatus {
  /** Connected to the broker and reading. */
  up: boolean;
  /** Plain words for the page and the log: "broker unreachable since 12:03:04; retrying". */
  detail: string | null;
  /** The offset after the newest one the broker holds, as far as the source knows. */
  nextOffset: number;
}

/** The broker cannot take the events now; `stored` says how many of them it acknowledged. */
export class BrokerUnavailableError extends Error {
  override name = 'BrokerUnavailableError';
  constructor(
    message: string,
    readonly stored: number,
  ) {
    super(message);
  }
}

export interface BrokerSource {
  /** For stats and messages: "nats-jetstream". */
  readonly kind: string;
  /**
   * Connects (creating the broker-side stream when the broker has none of that name) and starts
   * delivering: the stored events from `fromOffset` (clamped to the oldest the broker still holds),
   * then each new one as the broker stores it. Survives broker restarts on its own: when the broker
   * comes back, delivery continues after the last offset delivered, nothing skipped or repeated.
   * Resolves once connected and the stream exists; rejects when the broker cannot be reached at all.
   */
  open(fromOffset: number, deliver: (d: SourceDelivery) => void): Promise<void>;
  /**
   * Stores events, one payload each, in order, as one run of offsets when no one else publishes at
   * the same time. Resolves with the offsets the broker assigned once it acknowledged every one.
   * `idempotencyKey`: a producer's key for this batch; resending the same batch with the same key
   * within the broker's duplicate window stores nothing twice.
   * Rejects with BrokerUnavailableError when the broker does not acknowledge them all.
   */
  publish(payloads: readonly Uint8Array[], idempotencyKey?: string): Promise<{ first: number; last: number }>;
  status(): SourceStatus;
  /**
   * Names this incarnation of the broker's stream (known once `open` resolved): a stream deleted and
   * made again starts its sequence over, and a reader holding offsets of the old one must know.
   */
  epoch(): string;
  /** Stops reading and disconnects; the broker keeps the stream. */
  close(): Promise<void>;
}
