/** The ingest worker's protocol: it owns the socket, the log appends and the speed layer. */
import type { DatasetSchema } from '../../protocol/schema';
import type { RetentionState } from '../../log/retention';
import type { SpeedSnapshot } from '../../speed/SpeedLayer';
import type { Tally } from '../../views/compileView';
import type { ViewDef } from '../../views/ViewDef';

/** `elsewhere`: another tab holds the workspace's writer role and reads the stream; this one follows the log. */
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'backoff' | 'stopped' | 'elsewhere';

/**
 * Whether this workspace reads a stream: `on` (subscribed), `paused` (not now; resumes where its
 * log ends), `off` (not followed: a stream the page lists but never reads, or stopped for good).
 */
export type FollowState = 'on' | 'paused' | 'off';

/** A stream the server offers, as its hello or streams message said. */
export interface OfferedStream {
  id: string;
  fields: { name: string; type: string }[];
  /** The server's next offset when it last told us. */
  nextOffset: number;
}

export interface StreamStatus {
  /** The next offset not yet durable in the log: where a resubscribe starts. */
  durableOffset: number;
  /** What this workspace wants of the stream; `retired` when the server no longer offers it. */
  follow?: FollowState | 'retired';
  /** Events made durable per second, recently. */
  eventsPerSecond?: number;
  /** Events the server reported it could no longer replay. */
  gapEvents: number;
  /** Events that arrived unreadable or invalid and were never appended. */
  rejectedEvents: number;
}

/** What the page shows of a dataset's log. */
export interface DatasetStatus {
  name: string;
  /** When it was created (ms): the order the page lists datasets in. */
  createdAt: number;
  /** A live stream, or files a person imported. */
  origin: 'stream' | 'file';
  /** Names of the files imported into it, oldest first. */
  files: string[];
  highWater: number;
  segments: number;
  /** Bytes of its segments in the log; null on records from before it was counted. */
  bytes: number | null;
  /** Event-time range, ms; null while empty. */
  minTs: number | null;
  maxTs: number | null;
  /** A file is being imported into it right now (its events appear all at once when it commits). */
  importing: boolean;
  schema: DatasetSchema;
  /** Its retention policy and latest runs; null: it keeps everything and never had a run. */
  retention: RetentionState | null;
  /** Its batch layer: DuckDB in this tab, or the server's ClickHouse cluster (the log then began at seq `clusterFrom` + 1). */
  clusterFrom: number | null;
}

export interface IngestStatus {
  connection: ConnectionState;
  url: string;
  reconnects: number;
  lastError: string | null;
  errors: number;
  eventsPerSecond: number;
  received: number;
  appended: number;
  duplicates: number;
  rejected: number;
  /** Received but not yet durable (and so not yet acknowledged nor tallied). */
  pending: number;
  streams: Record<string, StreamStatus>;
  /** What the server offers (empty until its hello). */
  offered: OfferedStream[];
  datasets: Record<string, DatasetStatus>;
}

export type IngestMethods = {
  /**
   * `speedBase`: per dataset, the W of batch views the page already serves (restored after a
   * reload); the speed layer then re-tallies the log past it. It reports the base it actually used.
   */
  init: {
    req: {
      dbName: string;
      url: string | null;
      views: ViewDef[];
      speedBase?: Record<string, number>;
      /** The person's choice per stream (kept by the page); streams not in it follow `only`. */
      follow?: Record<string, FollowState>;
      /** Read only these streams unless chosen otherwise (the `stream` URL parameter); null: every stream offered. */
      only?: string[] | null;
    };
    res: { datasets: Record<string, { highWater: number; speedBase: number }> };
  };
  setViews: { req: { views: ViewDef[] }; res: { errors: Record<string, string> } };
  /** Batch published views at `w`: hand over the speed state for seq <= w and return what it held. */
  dropUpTo: { req: { dataset: string; w: number }; res: { handedOver: Record<string, Tally>; fromSeq: number; events: number } };
  /** Teaching control: make the speed layer drop every nth event (null: healthy). Batch corrects it. */
  setSpeedFault: { req: { dropEvery: number | null }; res: null };
  /** Teaching (Lambda vs Kappa): the dataset's views replayed from the log up to `upto` through the speed path alone. */
  kappa: { req: { dataset: string; upto: number }; res: { tallies: Record<string, Tally>; events: number; ms: number } };
  /** Teaching: the events past W split by event time at `boundary` (a time-boundary split's speed side). */
  pastW: { req: { dataset: string; w: number; boundary: number }; res: { atOrBefore: number; after: number } };
  connect: { req: { url: string }; res: null };
  /** Subscribe to, pause or stop following one stream; the others go on. */
  setFollow: { req: { stream: string; state: FollowState }; res: null };
  disconnect: { req: Record<string, never>; res: null };
  /** Reconnect now if waiting to (the tab became visible, the network came back). */
  nudge: { req: Record<string, never>; res: null };
};

export type IngestEvent = { type: 'snapshot'; speed: SpeedSnapshot; status: IngestStatus; at: number } | { type: 'error'; message: string } | { type: 'info'; message: string };
