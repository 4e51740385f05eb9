/**
 * Taking data out, the page's side: asks the batch worker to write a dataset's log, a query result
 * or a view's merged rows as CSV or Parquet (src/batch/export), relays progress, and names the file
 * for what it holds and when.
 */
import type { BatchClient } from '../batch/BatchClient';
import type { ExportFormat, ExportResult } from '../batch/export/exportData';
import type { ViewColumn } from '../batch/export/viewColumns';
import type { BatchEvent } from '../batch/worker/protocol';

export interface SavedFile extends ExportResult {
  fileName: string;
}

/** A file name part: letters, digits, `.`, `-` and `_` only, at most 80 characters. */
export function fileNamePart(text: string): string {
  const safe = text.replace(/[^\p{L}\p{N}._-]+/gu, '_').replace(/^[_.]+|_+$/g, '');
  return (safe === '' ? 'data' : safe).slice(0, 80);
}

/** `2026-12-06T11-45-03Z`: sorts, and is legal in every file system. */
export function fileStamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replaceAll(':', '-');
}

let counter = 0;

export class Exports {
  private readonly listeners = new Map<string, (done: number, total: number) => void>();

  constructor(private readonly batch: () => BatchClient) {}

  /** Batch worker events; called for every batch worker the pipeline starts. */
  onBatchEvent(e: BatchEvent): void {
    if (e.type === 'export-progress') this.listeners.get(e.exportId)?.(e.done, e.total);
  }

  /** A dataset's whole log, up to its end when the export starts. */
  async dataset(datasetId: string, name: string, format: ExportFormat, onProgress: (done: number, total: number) => void, exportId = `x${counter++}`): Promise<SavedFile> {
    this.listeners.set(exportId, onProgress);
    try {
      const r = await this.batch().call('exportDataset', { exportId, datasetId, format });
      return { ...r, fileName: `${fileNamePart(name)}-log-${fileStamp(Date.now())}.${format}` };
    } finally {
      this.listeners.delete(exportId);
    }
  }

  cancel(exportId: string): Promise<boolean> {
    return this.batch().call('cancelExport', { exportId });
  }

  /** Exactly the result the console shows (its Arrow slices). */
  async query(ipc: readonly Uint8Array[], format: ExportFormat): Promise<SavedFile> {
    // Not transferred: postMessage copies them, and the console keeps showing its own.
    const r = await this.batch().call('exportArrow', { ipc: [...ipc], format });
    return { ...r, fileName: `query-${fileStamp(Date.now())}.${format}` };
  }

  /** A view's merged rows (batch at W plus speed), as the dashboard shows them. */
  async view(datasetName: string, viewName: string, w: number, columns: ViewColumn[], format: ExportFormat): Promise<SavedFile> {
    const r = await this.batch().call('exportColumns', { columns, format });
    return { ...r, fileName: `${fileNamePart(datasetName)}-${fileNamePart(viewName)}-W${w}-${fileStamp(Date.now())}.${format}` };
  }
}
