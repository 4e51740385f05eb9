/**
 * The manifest of a workspace backup (`manifest.json`, the archive's last file): what the backup
 * holds and how to check it. Each dataset's record as the log keeps it (its sources, gaps and epochs
 * too, so a live stream resumes where the restored log ends, and its retention policy without its
 * runs: a restore renumbers the events), its event count, and its Parquet parts with their
 * byte lengths and SHA-256; then the saved views and the saved console statements.
 * Read back, every value is checked: a backup is a file from anywhere.
 */
import * as v from 'valibot';
import type { DatasetRecord, SavedQueryRecord, SavedViewRecord } from '../../log/LogDb';
import { restoredRetention } from '../../log/retention';
import { idProblem } from '../../protocol/ids';
import { schemaProblem } from '../../protocol/schema';
import { check, DatasetSchemaShape, FiniteNumber, NonEmptyText, NonNegativeInteger, Text } from '../../protocol/shapes';

export const BACKUP_FORMAT = 'lambda-workbench-backup';
export const BACKUP_VERSION = 1;
export const MANIFEST_NAME = 'manifest.json';

/** The columns of every part: `ts` (TIMESTAMP ms, floored), the schema's fields, then `ts_sub_ms`. */
export const SUB_MS_COLUMN = 'ts_sub_ms';

export interface BackupPart {
  /** Its name in the archive. */
  path: string;
  rows: number;
  bytes: number;
  sha256: string;
}

/** A dataset's record without what the log derives from its segments (recounted on restore) or an import in flight. */
export type BackedUpRecord = Omit<DatasetRecord, 'highWater' | 'segmentCount' | 'bytes' | 'pendingImport'>;

export interface BackupDataset {
  record: BackedUpRecord;
  /** Events 1..events, in log order. */
  events: number;
  /** Column names in each part, in order (for a person reading the Parquet). */
  columns: string[];
  parts: BackupPart[];
}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_VERSION;
  createdAt: number;
  datasets: BackupDataset[];
  views: SavedViewRecord[];
  savedQueries: SavedQueryRecord[];
}

/** Keys of a stored record a backup never carries or restores as written. */
export const DERIVED_KEYS = ['highWater', 'segmentCount', 'bytes', 'pendingImport'] as const;

const Counts = v.record(v.string(), NonNegativeInteger);
const Nullable = v.nullable(FiniteNumber);

// Only known keys are restored, each checked: a backup is data from outside.
const RecordShape = v.object({
  id: NonEmptyText,
  name: NonEmptyText,
  schema: DatasetSchemaShape,
  createdAt: FiniteNumber,
  minTs: Nullable,
  maxTs: Nullable,
  sources: Counts,
  gaps: Counts,
  rejected: v.optional(Counts),
  epochs: v.optional(v.record(v.string(), Text)),
  origin: v.optional(v.picklist(['stream', 'file'])),
  files: v.optional(v.array(v.object({ name: Text, rows: NonNegativeInteger, skipped: NonNegativeInteger, fileBytes: NonNegativeInteger, importedAt: FiniteNumber }))),
  retention: v.optional(v.unknown()),
});

const Sha256 = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in hex'));
const PartShape = v.object({ path: NonEmptyText, rows: NonNegativeInteger, bytes: NonNegativeInteger, sha256: Sha256 });

const ManifestShape = v.object({
  format: v.literal(BACKUP_FORMAT),
  version: v.literal(BACKUP_VERSION),
  createdAt: FiniteNumber,
  datasets: v.array(v.object({ record: RecordShape, events: NonNegativeInteger, columns: v.array(Text), parts: v.array(PartShape) })),
  views: v.array(v.object({ id: NonEmptyText, createdAt: FiniteNumber, def: v.looseObject({ id: NonEmptyText, name: Text, dataset: NonEmptyText }) })),
  savedQueries: v.array(v.object({ name: NonEmptyText, sql: Text, savedAt: FiniteNumber })),
});

/** The record a backup carries for a dataset: everything but what the log derives. */
export function backedUpRecord(ds: DatasetRecord): BackedUpRecord {
  const { highWater, segmentCount, bytes, pendingImport, ...record } = ds;
  return record;
}

/**
 * The manifest in `json`, checked whole, or why it cannot be used (one line). The records keep the
 * input's keys (valibot's output drops some key names), minus the derived ones.
 */
export function parseManifest(json: unknown): { ok: true; manifest: BackupManifest } | { ok: false; error: string } {
  const head = check(v.looseObject({ format: v.unknown(), version: v.unknown() }), json);
  if (!head.ok || head.value.format !== BACKUP_FORMAT) return { ok: false, error: 'this ZIP is not a workspace backup (its manifest.json is not one)' };
  if (head.value.version !== BACKUP_VERSION) return { ok: false, error: `the backup is of format version ${String(head.value.version)}; this app reads version ${BACKUP_VERSION}` };
  const r = check(ManifestShape, json);
  if (!r.ok) return { ok: false, error: `the backup's manifest is damaged: ${r.error}` };
  const m = r.value;
  const ids = new Set<string>();
  const paths = new Set<string>();
  const datasets: BackupDataset[] = [];
  for (const d of m.datasets) {
    const { id, name, schema } = d.record;
    const problem = idProblem(id) ?? schemaProblem(schema);
    if (problem) return { ok: false, error: `the backup's dataset ${name}: ${problem}` };
    if (ids.has(id)) return { ok: false, error: `the backup holds the dataset ${id} twice` };
    ids.add(id);
    const rows = d.parts.reduce((n, p) => n + p.rows, 0);
    if (rows !== d.events) return { ok: false, error: `the backup's manifest is damaged: dataset ${name}'s parts hold ${rows} events, not ${d.events}` };
    for (const p of d.parts) {
      if (paths.has(p.path) || p.path === MANIFEST_NAME) return { ok: false, error: `the backup's manifest names the file ${p.path} twice` };
      paths.add(p.path);
    }
    const { retention, ...rest } = d.record;
    const kept = restoredRetention(retention);
    if (kept === null) return { ok: false, error: `the backup's manifest is damaged: dataset ${name}'s retention policy is not one this app knows` };
    const record: BackedUpRecord = kept ? { ...rest, retention: kept } : rest;
    datasets.push({ record, events: d.events, columns: d.columns, parts: d.parts });
  }
  // Checked above; taken from the input, where a definition keeps every key it was saved with.
  const input = json as Pick<BackupManifest, 'views' | 'savedQueries'>;
  return { ok: true, manifest: { format: m.format, version: m.version, createdAt: m.createdAt, datasets, views: input.views, savedQueries: m.savedQueries } };
}
