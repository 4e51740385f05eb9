/**
 * Backing up and restoring the workspace, the page's side: asks the batch worker to write or read
 * the backup file (src/batch/backup), relays its progress, names the file, and after a restore
 * gives the pipeline the restored views and recomputes, so the dashboard shows the datasets at once
 * (the batch worker's commit notice already caught the speed layer up).
 */
import type { BatchClient } from '../batch/BatchClient';
import type { RestoreResult } from '../batch/backup/restoreBackup';
import type { BackupProgress, BackupResult } from '../batch/backup/writeBackup';
import type { BatchEvent } from '../batch/worker/protocol';
import { fileStamp } from './Exports';

export interface BackupHost {
  batch(): BatchClient;
  /** Reads the saved views again and gives them to both layers, then recomputes. */
  reloadViews(): Promise<void>;
  message(level: 'error' | 'info', text: string): void;
}

export interface BackupFile extends BackupResult {
  fileName: string;
}

let counter = 0;

export class Backups {
  private readonly listeners = new Map<string, (p: BackupProgress) => void>();

  constructor(private readonly host: BackupHost) {}

  /** Batch worker events; called for every batch worker the pipeline starts. */
  onBatchEvent(e: BatchEvent): void {
    if (e.type === 'backup-progress') this.listeners.get(e.jobId)?.(e.progress);
  }

  /** The whole workspace as one file, `workspace-<stamp>.lwb`. */
  async backup(onProgress: (p: BackupProgress) => void, jobId = `b${counter++}`): Promise<BackupFile> {
    const r = await this.track(jobId, onProgress, () => this.host.batch().call('backupWorkspace', { jobId }));
    return { ...r, fileName: `workspace-${fileStamp(Date.now())}.lwb` };
  }

  /** A backup file into this (empty) workspace; refused whole, with the reason, or restored whole. */
  async restore(file: Blob, onProgress: (p: BackupProgress) => void, jobId = `r${counter++}-${Date.now()}`): Promise<RestoreResult> {
    const r = await this.track(jobId, onProgress, () => this.host.batch().call('restoreWorkspace', { jobId, file }));
    await this.host.reloadViews();
    this.host.message(
      'info',
      `restored ${plural(r.datasets.length, 'dataset')} (${plural(r.events, 'event')}), ${plural(r.views, 'view')} and ${plural(r.savedQueries, 'saved statement')} in ${(r.ms / 1000).toFixed(1)} s`,
    );
    return r;
  }

  cancel(jobId: string): Promise<boolean> {
    return this.host.batch().call('cancelBackup', { jobId });
  }

  private async track<T>(jobId: string, onProgress: (p: BackupProgress) => void, job: () => Promise<T>): Promise<T> {
    this.listeners.set(jobId, onProgress);
    try {
      return await job();
    } finally {
      this.listeners.delete(jobId);
    }
  }
}

const plural = (n: number, noun: string) => `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
