/**
 * Restores a backup file into an empty workspace, in two passes. First the file is checked whole
 * and nothing is written: the archive's directory, the manifest, and every part's length and
 * SHA-256 (a cut or altered file is refused here, with what is wrong). Then each part is read row
 * group by row group and staged (workspaceRestore.ts), and one transaction commits everything; any
 * failure on the way (a Parquet page that will not read, the storage quota, a cancel) deletes what
 * was staged, so the workspace is as it was.
 */
import type { EventLog } from '../../log/EventLog';
import { stageSegment } from '../../log/fileImport';
import type { DatasetRecord } from '../../log/LogDb';
import { encodeArrowSegment } from '../../log/segmentCodec';
import { abortRestore, beginRestore, commitRestore } from '../../log/workspaceRestore';
import { tableFromIPC } from 'apache-arrow';
import { reasonOf } from '../files/FileProblem';
import { parquetWasm } from '../files/parquetWasm';
import { DEFAULT_CHUNK_ROWS } from '../files/types';
import { type BackupDataset, type BackupManifest, MANIFEST_NAME, parseManifest } from './backupManifest';
import { restoredRows } from './backupColumns';
import { BackupProblem } from './BackupProblem';
import { sha256Hex } from './crc32';
import type { BackupOptions } from './writeBackup';
import { ZipReader } from './zipReader';

export interface RestoreResult {
  datasets: DatasetRecord[];
  events: number;
  views: number;
  savedQueries: number;
  ms: number;
}

/** The archive's manifest, checked; refuses a file that is not a backup or is cut or damaged. */
export async function openBackup(file: Blob): Promise<{ zip: ZipReader; manifest: BackupManifest }> {
  const zip = await ZipReader.open(file);
  if (!zip.entries.has(MANIFEST_NAME)) throw new BackupProblem(`this ZIP is not a workspace backup (it has no ${MANIFEST_NAME})`);
  const bytes = await zip.read(MANIFEST_NAME, true);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw new BackupProblem(`the backup's ${MANIFEST_NAME} is not readable JSON (${reasonOf(e)})`);
  }
  const parsed = parseManifest(json);
  if (!parsed.ok) throw new BackupProblem(parsed.error);
  return { zip, manifest: parsed.manifest };
}

/** A part's bytes, refused unless their length and SHA-256 are the manifest's. */
async function partBytes(zip: ZipReader, ds: BackupDataset, index: number): Promise<Uint8Array<ArrayBuffer>> {
  const part = ds.parts[index]!;
  const which = ds.parts.length > 1 ? ` (part ${index + 1} of ${ds.parts.length})` : '';
  const entry = zip.entries.get(part.path);
  if (!entry) throw new BackupProblem(`the backup is missing dataset ${ds.record.name}'s data${which}: ${part.path}`);
  if (entry.size !== part.bytes)
    throw new BackupProblem(`dataset ${ds.record.name}'s data${which} is ${entry.size.toLocaleString('en-US')} bytes, the manifest says ${part.bytes.toLocaleString('en-US')}: the backup is damaged`);
  const bytes = await zip.read(part.path);
  if ((await sha256Hex(bytes)) !== part.sha256) throw new BackupProblem(`dataset ${ds.record.name}'s data${which} does not match its checksum: the backup is damaged`);
  return bytes;
}

/** Pass one: every part's length and checksum, reading one part at a time. */
export async function verifyBackup(zip: ZipReader, manifest: BackupManifest, opts: BackupOptions = {}): Promise<void> {
  const total = manifest.datasets.reduce((n, d) => n + d.parts.reduce((m, p) => m + p.bytes, 0), 0);
  let done = 0;
  for (const ds of manifest.datasets) {
    for (let i = 0; i < ds.parts.length; i++) {
      opts.signal?.throwIfAborted();
      done += (await partBytes(zip, ds, i)).byteLength;
      opts.onProgress?.({ phase: 'checking', done, total });
    }
  }
}

/** Stages one dataset's parts, row group by row group; returns the events staged. */
async function stageDataset(log: EventLog, zip: ZipReader, ds: BackupDataset, restoreId: string, onRows: (n: number) => void, signal?: AbortSignal): Promise<number> {
  const pw = await parquetWasm();
  const { id, name, schema } = ds.record;
  let staged = 0;
  for (let i = 0; i < ds.parts.length; i++) {
    const bytes = await partBytes(zip, ds, i);
    const where = `dataset ${name}'s part ${i + 1}`;
    let groups: number;
    try {
      const file = await pw.ParquetFile.fromFile(new Blob([bytes]));
      groups = file.metadata().numRowGroups();
      file.free();
    } catch (e) {
      throw new BackupProblem(`${where} is not readable Parquet (${reasonOf(e)})`);
    }
    let rows = 0;
    for (let g = 0; g < groups; g++) {
      signal?.throwIfAborted();
      let ipc: Uint8Array;
      try {
        ipc = pw.readParquet(bytes, { rowGroups: [g], batchSize: DEFAULT_CHUNK_ROWS }).intoIPCStream();
      } catch (e) {
        throw new BackupProblem(`${where} could not be read (row group ${g + 1}: ${reasonOf(e)})`);
      }
      for (const batch of tableFromIPC(ipc).batches) {
        if (batch.numRows === 0) continue;
        const r = restoredRows(schema, batch, where);
        await stageSegment(log.db, id, restoreId, { count: r.ts.length, minTs: r.minTs, maxTs: r.maxTs }, (firstSeq) => encodeArrowSegment(schema, r.columns, r.ts, firstSeq));
        rows += batch.numRows;
        onRows(batch.numRows);
      }
      // Lets a cancel (and the rest of the worker) in between row groups.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    if (rows !== ds.parts[i]!.rows) throw new BackupProblem(`${where} holds ${rows} events, the manifest says ${ds.parts[i]!.rows}`);
    staged += rows;
  }
  return staged;
}

/**
 * Restores `file` into the workspace of `log`, all or nothing (see the file's comment). Refuses a
 * workspace that holds events, saying what to do.
 */
export async function restoreBackup(log: EventLog, file: Blob, restoreId: string, opts: BackupOptions = {}): Promise<RestoreResult> {
  const t0 = performance.now();
  const { signal } = opts;
  const { zip, manifest } = await openBackup(file);
  await verifyBackup(zip, manifest, opts);
  const ids = manifest.datasets.map((d) => d.record.id);
  const total = manifest.datasets.reduce((n, d) => n + d.events, 0);
  let done = 0;
  let begun = false;
  try {
    await beginRestore(
      log.db,
      restoreId,
      manifest.datasets.map((d) => d.record),
    );
    begun = true;
    for (const ds of manifest.datasets) {
      await stageDataset(
        log,
        zip,
        ds,
        restoreId,
        (n) => {
          done += n;
          opts.onProgress?.({ phase: 'restoring', done, total });
        },
        signal,
      );
    }
    signal?.throwIfAborted();
    const datasets = await commitRestore(log.db, restoreId, manifest.datasets, manifest.views, manifest.savedQueries);
    return { datasets, events: total, views: manifest.views.length, savedQueries: manifest.savedQueries.length, ms: performance.now() - t0 };
  } catch (e) {
    if (begun) await abortRestore(log.db, restoreId, ids);
    throw e;
  }
}
