import Dexie, { type Table } from 'dexie';
import type { DatasetSchema, FieldType } from '../protocol/schema';
import type { RetentionState } from './retention';

/** One dataset: a named, append-only log with a schema. */
export interface DatasetRecord {
  id: string;
  name: string;
  schema: DatasetSchema;
  createdAt: number;
  /** Last assigned seq; 0 while empty. Seqs are given 1..highWater and never reused; retention may leave holes (retention.ts). */
  highWater: number;
  segmentCount: number;
  minTs: number | null;
  maxTs: number | null;
  /** Per source stream: the next offset not yet in the log (the resume point). */
  sources: Record<string, number>;
  /** Per source stream: events the source reported as lost before they reached us. */
  gaps: Record<string, number>;
  /** Per source stream: events that arrived but failed validation, never appended. */
  rejected?: Record<string, number>;
  /** Per source stream, the server's name for the incarnation its offsets belong to (StreamInfo.epoch). */
  epochs?: Record<string, string>;
  /** Where the events came from: a live stream, or files a person imported. Absent: a stream (older records). */
  origin?: 'stream' | 'file';
  /** The files imported into it, oldest first. */
  files?: ImportedFile[];
  /** Bytes of its segments in IndexedDB; absent on records from before it was counted. */
  bytes?: number;
  /** An import being staged past `highWater`: its segments are invisible until commit moves the mark. */
  pendingImport?: PendingImport;
  /** Its retention policy and the runs that applied it; absent: keep everything. */
  retention?: RetentionState;
  /**
   * Its batch layer is the server's ClickHouse cluster (clusterStart.ts): this log began at seq
   * `from` + 1 (the cluster holds 1..from) and keeps what the tab read from there on.
   */
  cluster?: { from: number; trimmedTo?: number; missedAtStart?: number; reset?: boolean };
}

export interface ImportedFile {
  name: string;
  /** Events appended from it. */
  rows: number;
  /** Rows left out (no usable event time), said at import. */
  skipped: number;
  fileBytes: number;
  importedAt: number;
}

export interface PendingImport {
  id: string;
  /** The seq of the next staged event. */
  nextSeq: number;
  segments: number;
  bytes: number;
  minTs: number | null;
  maxTs: number | null;
  /** The import created the dataset: an abort deletes it. */
  created: boolean;
  startedAt: number;
}

/** An immutable run of events `firstSeq..lastSeq`, stored as Arrow IPC stream bytes. */
export interface SegmentRecord {
  datasetId: string;
  firstSeq: number;
  lastSeq: number;
  count: number;
  minTs: number;
  maxTs: number;
  /** Wall-clock time the segment became durable. */
  appendedAt: number;
  bytes: Uint8Array;
}

/** A view the user saved in the workspace. */
export interface SavedViewRecord {
  id: string;
  createdAt: number;
  def: ViewDefRecord;
}

/**
 * The view definition as stored. Typed loosely here because the log sits below the view layer;
 * src/serving/ViewStore.ts checks records against the view model when it reads them.
 */
export type ViewDefRecord = Record<string, unknown> & { id: string; name: string; dataset: string };

/**
 * The last published batch view of one view, kept so that a reload can serve batch output at once
 * while the batch layer rebuilds its engine cache from the log.
 */
export interface StoredBatchViewRecord {
  viewId: string;
  dataset: string;
  /** The watermark the rows are exact for. */
  w: number;
  /** The view definition (JSON) the rows were computed for; a changed view is not served stale. */
  def: string;
  schema: DatasetSchema;
  rows: unknown[][];
  savedAt: number;
}

/** A statement the SQL console ran (the newest 100 are kept). */
export interface QueryHistoryRecord {
  id?: number;
  sql: string;
  at: number;
  /** Rows it answered, or null when it failed. */
  rows: number | null;
  ms: number;
  error: string | null;
}

/** A console statement the person saved under a name. */
export interface SavedQueryRecord {
  name: string;
  sql: string;
  savedAt: number;
}

export const DEFAULT_DB_NAME = 'lambda-workbench';

/** The master dataset's IndexedDB schema. Opened by the ingest worker (writer) and the batch worker (reader). */
export class LogDb extends Dexie {
  datasets!: Table<DatasetRecord, string>;
  segments!: Table<SegmentRecord, [string, number]>;
  views!: Table<SavedViewRecord, string>;
  batchViews!: Table<StoredBatchViewRecord, string>;
  queryHistory!: Table<QueryHistoryRecord, number>;
  savedQueries!: Table<SavedQueryRecord, string>;

  constructor(name: string = DEFAULT_DB_NAME) {
    super(name);
    this.version(1).stores({
      datasets: 'id',
      segments: '[datasetId+firstSeq], [datasetId+lastSeq]',
    });
    this.version(2).stores({ views: 'id, createdAt' });
    this.version(3).stores({ batchViews: 'viewId' });
    // Schemas before typed files had only number (stored as Float64) and string (dictionary text).
    this.version(4)
      .stores({})
      .upgrade(async (tx) => {
        await tx
          .table('datasets')
          .toCollection()
          .modify((d: { schema: DatasetSchema }) => {
            d.schema = renameLegacyTypes(d.schema);
          });
        await tx
          .table('batchViews')
          .toCollection()
          .modify((b: { schema: DatasetSchema }) => {
            b.schema = renameLegacyTypes(b.schema);
          });
      });
    this.version(5).stores({ queryHistory: '++id, at', savedQueries: 'name' });
    // Retention by event time finds the segments holding old events, and the new time range, without reading the others.
    this.version(6).stores({ segments: '[datasetId+firstSeq], [datasetId+lastSeq], [datasetId+minTs], [datasetId+maxTs]' });
  }
}

/** A new, empty dataset's record. */
export function newDatasetRecord(id: string, name: string, schema: DatasetSchema, origin: 'stream' | 'file'): DatasetRecord {
  return { id, name, schema, createdAt: Date.now(), highWater: 0, segmentCount: 0, minTs: null, maxTs: null, sources: {}, gaps: {}, origin, ...(origin === 'file' ? { files: [] } : {}), bytes: 0 };
}

const LEGACY_TYPES: Record<string, FieldType> = { number: 'float', string: 'text' };

/** A schema written by an earlier version, in today's type names (same bytes in the segments). */
export function renameLegacyTypes(schema: DatasetSchema): DatasetSchema {
  return { fields: schema.fields.map((f) => ({ name: f.name, type: LEGACY_TYPES[f.type] ?? f.type })) };
}
