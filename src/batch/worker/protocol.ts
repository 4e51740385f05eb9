/** The batch worker's protocol: what the main thread may ask and what it answers. */
import type { BatchTimeSplit } from './timeSplit';
import type { DatasetSchema } from '../../protocol/schema';
import type { RetentionPolicy } from '../../log/retention';
import type { SqlRow } from '../../views/compileView';
import type { ViewDef } from '../../views/ViewDef';
import type { QueryResult } from '../BatchEngine';
import type { ConsoleBatch, ConsoleResult, ConsoleSchema } from '../console/consoleTypes';
import type { RestoreResult } from '../backup/restoreBackup';
import type { BackupProgress, BackupResult } from '../backup/writeBackup';
import type { ExportFormat, ExportResult } from '../export/exportData';
import type { ViewColumn } from '../export/viewColumns';
import type { NamedBlob } from '../files/types';
import type { FilePreview, ImportPlan, ImportProgress, ImportResult } from '../import/importTypes';

export interface DatasetBatchState {
  /** The watermark: the last seq these batch views include. */
  w: number;
  /** Events loaded into the engine table (the cache of the log). */
  loaded: number;
  /**
   * Batch came from the server's ClickHouse cluster: its shards, and how long its answer took.
   * `kept`: the cluster could not answer, and this is the batch it last published (why, in words).
   */
  cluster?: { shards: number; ms: number; kept?: string };
}

export interface RecomputeResult {
  datasets: Record<string, DatasetBatchState>;
  schemas: Record<string, DatasetSchema>;
  /** Per view id: the compiled SQL's rows over seq <= W. */
  views: Record<string, SqlRow[]>;
  startedAt: number;
  loadMs: number;
  queryMs: number;
  totalMs: number;
  segmentsLoaded: number;
  eventsLoaded: number;
  /** What to tell the user: datasets that kept their last batch, and why. */
  problems?: string[];
}

export interface BatchStats {
  engine: string;
  ready: boolean;
  datasets: Record<string, DatasetBatchState>;
  memoryBytes: number | null;
}

export type BatchMethods = {
  /** `apiBase`: the page's server, asked for datasets whose batch layer is its ClickHouse cluster. */
  init: { req: { dbName: string; apiBase?: string }; res: { engine: string; initMs: number } };
  setViews: { req: { views: ViewDef[] }; res: { errors: Record<string, string> } };
  /**
   * Fixes W at each dataset's log end, loads unseen segments, recomputes every view. With `retain`
   * (the writer tab only) each dataset's retention policy is applied first, at or below the W this
   * worker last published.
   */
  recompute: { req: { retain?: boolean }; res: RecomputeResult };
  /** Drops the engine's cache and reloads everything from the log. */
  rebuild: { req: { retain?: boolean }; res: RecomputeResult };
  /** A dataset's retention policy; the next recompute applies it. */
  setRetention: { req: { datasetId: string; policy: RetentionPolicy }; res: null };
  /**
   * Each view's compiled SQL over `after < seq <= upto` of its dataset: batch's answer for the
   * events the speed layer just handed over, for reconciliation.
   */
  reconcile: { req: { ranges: Record<string, { after: number; upto: number }> }; res: { views: Record<string, SqlRow[]> } };
  /** Teaching: the batch side of a time-boundary split at W (timeSplit.ts). */
  timeSplit: { req: { dataset: string; w: number; bucketMs: number }; res: BatchTimeSplit };
  query: { req: { sql: string }; res: QueryResult };
  /** Fault injection: the next recompute throws halfway (after loading and the first view). */
  failNextRecompute: { req: Record<string, never>; res: null };
  stats: { req: Record<string, never>; res: BatchStats };
  /** Reads a dropped file's columns and first rows; writes nothing. */
  previewFile: { req: { file: NamedBlob; formats?: Record<string, string | null> }; res: FilePreview };
  /** Appends a file to the log whole or not at all (progress comes as `import-progress` events). */
  importFile: { req: { file: NamedBlob; plan: ImportPlan }; res: ImportResult };
  /** Stops an import; it then fails with "cancelled" and leaves the log as it was. */
  cancelImport: { req: { importId: string }; res: boolean };
  renameDataset: { req: { datasetId: string; name: string }; res: null };
  /** Deletes a dataset from the log with its views; returns the ids of the views deleted. */
  deleteDataset: { req: { datasetId: string }; res: { views: string[] } };
  /** Runs console SQL (read-only for datasets); the rows come first as `console-batch` events. */
  /** `target` cluster: one read-only statement on the server's ClickHouse cluster instead of this tab's DuckDB. */
  consoleQuery: { req: { queryId: string; sql: string; target?: 'tab' | 'cluster' }; res: ConsoleResult };
  consoleCancel: { req: { queryId: string }; res: boolean };
  consoleSchema: { req: Record<string, never>; res: ConsoleSchema };
  /** A dataset's log up to its end now, as a file (progress comes as `export-progress` events). */
  exportDataset: { req: { exportId: string; datasetId: string; format: ExportFormat }; res: ExportResult };
  cancelExport: { req: { exportId: string }; res: boolean };
  /** A query result (Arrow IPC streams, one schema) as a file. */
  exportArrow: { req: { ipc: Uint8Array[]; format: ExportFormat }; res: ExportResult };
  /** A view's merged rows as a file. */
  exportColumns: { req: { columns: ViewColumn[]; format: ExportFormat }; res: ExportResult };
  /** The whole workspace as one backup file (progress comes as `backup-progress` events). */
  backupWorkspace: { req: { jobId: string }; res: BackupResult };
  /** A backup file into an empty workspace, all or nothing (progress as `backup-progress`). */
  restoreWorkspace: { req: { jobId: string; file: Blob }; res: RestoreResult };
  cancelBackup: { req: { jobId: string }; res: boolean };
};

export type BatchEvent =
  | { type: 'log'; message: string }
  | { type: 'import-progress'; progress: ImportProgress }
  | { type: 'console-batch'; batch: ConsoleBatch }
  | { type: 'export-progress'; exportId: string; done: number; total: number }
  | { type: 'backup-progress'; jobId: string; progress: BackupProgress };
