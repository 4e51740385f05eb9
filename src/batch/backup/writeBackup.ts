/**
 * Writes the whole workspace as one backup file: per dataset, its log up to its high-water mark
 * when the backup reaches it, as Parquet parts of at most PART_ROWS events, each with its length
 * and SHA-256 in the manifest; then the saved views and statements; the manifest last. Memory holds
 * a page of segments and one part's bytes (a part is hashed whole), whatever the workspace's size.
 */
import type { RecordBatch } from 'apache-arrow';
import type { EventLog } from '../../log/EventLog';
import { eventsHeld } from '../../log/retention';
import { parquetChunks } from '../export/parquetWriter';
import { backupBatches, backupColumnNames, emptyBackupBatch } from './backupColumns';
import { BACKUP_FORMAT, BACKUP_VERSION, type BackupDataset, type BackupManifest, type BackupPart, backedUpRecord, MANIFEST_NAME } from './backupManifest';
import { sha256Hex } from './crc32';
import { ZipWriter } from './zipWriter';

/** Events per Parquet part: a restore reads a part's bytes whole (parquet-wasm's reader needs them), so this bounds its memory. */
export const PART_ROWS = 1024 * 1024;

export const BACKUP_MIME = 'application/vnd.lambda-workbench.backup+zip';

export interface BackupProgress {
  phase: 'writing' | 'checking' | 'restoring';
  /** Events (writing, restoring) or bytes (checking) done, of `total`. */
  done: number;
  total: number;
}

export interface BackupOptions {
  signal?: AbortSignal;
  onProgress?(p: BackupProgress): void;
  partRows?: number;
}

export interface BackupResult {
  blob: Blob;
  bytes: number;
  datasets: number;
  events: number;
  views: number;
  savedQueries: number;
}

/** Hands on batches of `source` up to `limit` rows a call, cutting a batch at the limit. */
class Parts {
  private carry: RecordBatch | null = null;
  private ended = false;

  constructor(private readonly source: AsyncIterator<RecordBatch>) {}

  /** Whether another part has rows. */
  async more(): Promise<boolean> {
    while (!this.carry && !this.ended) {
      const next = await this.source.next();
      if (next.done) this.ended = true;
      else if (next.value.numRows > 0) this.carry = next.value;
    }
    return this.carry !== null;
  }

  async *part(limit: number): AsyncGenerator<RecordBatch> {
    let rows = 0;
    while (rows < limit && (await this.more())) {
      let b = this.carry!;
      this.carry = null;
      if (rows + b.numRows > limit) {
        this.carry = b.slice(limit - rows);
        b = b.slice(0, limit - rows);
      }
      rows += b.numRows;
      yield b;
    }
  }
}

async function parquetBytes(batches: AsyncIterable<RecordBatch> | Iterable<RecordBatch>, signal?: AbortSignal): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const c of parquetChunks(batches)) {
    signal?.throwIfAborted();
    chunks.push(c);
    size += c.byteLength;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** The workspace in `log` as one backup file. Cancelled by `signal` (an AbortError; nothing is kept). */
export async function writeBackup(log: EventLog, opts: BackupOptions = {}): Promise<BackupResult> {
  const { signal } = opts;
  const partRows = opts.partRows ?? PART_ROWS;
  const createdAt = Date.now();
  // Each record is read once: its sources and gaps belong to exactly its high-water mark.
  const records = (await log.datasets()).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  const total = records.reduce((n, d) => n + eventsHeld(d), 0);
  let done = 0;
  let eventCount = 0;
  const zip = new ZipWriter(new Date(createdAt));
  const datasets: BackupDataset[] = [];
  for (const [k, ds] of records.entries()) {
    signal?.throwIfAborted();
    // Dataset ids are letters, digits, "_", "." and "-" (ids.ts): safe as a folder name anywhere.
    const folder = `datasets/${String(k + 1).padStart(3, '0')}-${ds.id}`;
    const parts: BackupPart[] = [];
    const addPart = async (batches: AsyncIterable<RecordBatch> | Iterable<RecordBatch>, rows: () => number) => {
      const bytes = await parquetBytes(batches, signal);
      const path = `${folder}/part-${String(parts.length + 1).padStart(5, '0')}.parquet`;
      parts.push({ path, rows: rows(), bytes: bytes.byteLength, sha256: await sha256Hex(bytes) });
      zip.add(path, bytes);
    };
    if (ds.highWater === 0) await addPart([emptyBackupBatch(ds.schema)], () => 0);
    const source = new Parts(
      backupBatches(
        log,
        ds.id,
        ds.schema,
        ds.highWater,
        (n) => {
          done += n;
          opts.onProgress?.({ phase: 'writing', done, total });
        },
        signal,
      )[Symbol.asyncIterator](),
    );
    while (await source.more()) {
      let rows = 0;
      await addPart(
        (async function* () {
          for await (const b of source.part(partRows)) {
            rows += b.numRows;
            yield b;
          }
        })(),
        () => rows,
      );
    }
    const events = parts.reduce((n, p) => n + p.rows, 0);
    eventCount += events;
    datasets.push({ record: backedUpRecord(ds), events, columns: backupColumnNames(ds.schema), parts });
  }
  const views = await log.db.views.orderBy('createdAt').toArray();
  const savedQueries = await log.db.savedQueries.toArray();
  const manifest: BackupManifest = { format: BACKUP_FORMAT, version: BACKUP_VERSION, createdAt, datasets, views, savedQueries };
  zip.add(MANIFEST_NAME, new TextEncoder().encode(JSON.stringify(manifest, null, 1)));
  const blob = zip.finish(BACKUP_MIME);
  return { blob, bytes: blob.size, datasets: datasets.length, events: eventCount, views: views.length, savedQueries: savedQueries.length };
}
