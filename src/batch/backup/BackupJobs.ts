/** The batch worker's backups and restores in flight: each reports progress and can be cancelled by its id. */
import type { EventLog } from '../../log/EventLog';
import { type RestoreResult, restoreBackup } from './restoreBackup';
import { type BackupProgress, type BackupResult, writeBackup } from './writeBackup';

export class BackupJobs {
  private readonly running = new Map<string, AbortController>();

  constructor(
    private readonly log: () => EventLog,
    private readonly progress: (jobId: string, p: BackupProgress) => void,
    /** Told of each dataset a restore committed, with its high-water mark (the other layers catch up). */
    private readonly restored: (datasetId: string, highWater: number) => void,
  ) {}

  /** The whole workspace as one file. */
  backup({ jobId }: { jobId: string }): Promise<BackupResult> {
    return this.track(jobId, (signal) => writeBackup(this.log(), { signal, onProgress: (p) => this.progress(jobId, p) }));
  }

  /** A backup file into this (empty) workspace, all or nothing. */
  async restore({ jobId, file }: { jobId: string; file: Blob }): Promise<RestoreResult> {
    const r = await this.track(jobId, (signal) => restoreBackup(this.log(), file, jobId, { signal, onProgress: (p) => this.progress(jobId, p) }));
    for (const ds of r.datasets) this.restored(ds.id, ds.highWater);
    return r;
  }

  cancel({ jobId }: { jobId: string }): boolean {
    const c = this.running.get(jobId);
    c?.abort(new DOMException('cancelled', 'AbortError'));
    return c !== undefined;
  }

  private async track<T>(jobId: string, job: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const control = new AbortController();
    this.running.set(jobId, control);
    try {
      return await job(control.signal);
    } finally {
      this.running.delete(jobId);
    }
  }
}
