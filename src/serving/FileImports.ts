/**
 * The page's side of file imports and dataset administration: asks the batch worker to preview and
 * import, relays its progress, and once a file is in the log gives a new dataset its default views
 * (generated from its schema) and recomputes, so the dashboard shows it at once: first from the
 * speed layer (which the batch worker's commit notice caught up), then from batch.
 */
import type { BatchClient } from '../batch/BatchClient';
import type { NamedBlob } from '../batch/files/types';
import type { FilePreview, ImportPlan, ImportProgress, ImportResult } from '../batch/import/importTypes';
import type { BatchEvent } from '../batch/worker/protocol';
import type { RetentionPolicy } from '../log/retention';
import { generateViews } from '../views/generatedViews';
import type { ViewDef } from '../views/ViewDef';

export interface FileImportHost {
  batch(): BatchClient;
  /** Saves views and gives them to both layers (no recompute). */
  addViews(views: ViewDef[]): Promise<void>;
  /** Drops a deleted dataset's views from the page. */
  dropViews(ids: string[]): Promise<void>;
  recomputeNow(): Promise<unknown>;
  message(level: 'error' | 'info', text: string): void;
}

export class FileImports {
  private readonly listeners = new Map<string, (p: ImportProgress) => void>();

  constructor(private readonly host: FileImportHost) {}

  /** Batch worker events; called for every batch worker the pipeline starts. */
  onBatchEvent(e: BatchEvent): void {
    if (e.type === 'import-progress') this.listeners.get(e.progress.importId)?.(e.progress);
    else if (e.type === 'log') this.host.message('info', e.message);
  }

  preview(file: NamedBlob, formats?: Record<string, string | null>): Promise<FilePreview> {
    return this.host.batch().call('previewFile', formats ? { file, formats } : { file });
  }

  async import(file: NamedBlob, plan: ImportPlan, onProgress: (p: ImportProgress) => void): Promise<ImportResult> {
    this.listeners.set(plan.importId, onProgress);
    let result: ImportResult;
    try {
      result = await this.host.batch().call('importFile', { file, plan });
    } finally {
      this.listeners.delete(plan.importId);
    }
    if (result.created) {
      await this.host.addViews(generateViews(result.datasetId, result.schema, { minTs: result.minTs, maxTs: result.maxTs, lowCardinalityText: result.lowCardinality }));
    }
    const skipped = result.skipped > 0 ? `; ${result.skipped.toLocaleString('en-US')} rows without a usable event time were left out` : '';
    this.host.message('info', `${file.name}: ${result.rows.toLocaleString('en-US')} rows imported into ${result.name} in ${(result.ms / 1000).toFixed(1)} s${skipped}`);
    void this.host.recomputeNow().catch(() => undefined);
    return result;
  }

  cancel(importId: string): Promise<boolean> {
    return this.host.batch().call('cancelImport', { importId });
  }

  async rename(datasetId: string, name: string): Promise<void> {
    await this.host.batch().call('renameDataset', { datasetId, name });
  }

  /** Sets a dataset's retention policy; the recompute it starts applies it (in the tab that writes the log). */
  async setRetention(datasetId: string, policy: RetentionPolicy): Promise<void> {
    await this.host.batch().call('setRetention', { datasetId, policy });
    await this.host.recomputeNow();
  }

  async remove(datasetId: string): Promise<void> {
    const { views } = await this.host.batch().call('deleteDataset', { datasetId });
    await this.host.dropViews(views);
  }
}
