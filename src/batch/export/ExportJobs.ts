/** The batch worker's exports in flight: each can be cancelled by its id and reports its progress. */
import type { EventLog } from '../../log/EventLog';
import { type ExportFormat, type ExportResult, exportArrowIpc, exportColumns, exportLog } from './exportData';
import type { ViewColumn } from './viewColumns';

export class ExportJobs {
  private readonly running = new Map<string, AbortController>();

  constructor(
    private readonly log: () => EventLog,
    private readonly progress: (exportId: string, done: number, total: number) => void,
  ) {}

  /** A dataset's log up to its end now; cancelled by `cancel(exportId)`. */
  async dataset({ exportId, datasetId, format }: { exportId: string; datasetId: string; format: ExportFormat }): Promise<ExportResult> {
    const control = new AbortController();
    this.running.set(exportId, control);
    try {
      return await exportLog(this.log(), datasetId, format, { signal: control.signal, onProgress: (done, total) => this.progress(exportId, done, total) });
    } finally {
      this.running.delete(exportId);
    }
  }

  cancel({ exportId }: { exportId: string }): boolean {
    const c = this.running.get(exportId);
    c?.abort();
    return c !== undefined;
  }

  /** A console result: its Arrow IPC slices. */
  arrow({ ipc, format }: { ipc: Uint8Array[]; format: ExportFormat }): Promise<ExportResult> {
    return exportArrowIpc(ipc, format);
  }

  /** A view's merged rows. */
  columns({ columns, format }: { columns: ViewColumn[]; format: ExportFormat }): Promise<ExportResult> {
    return exportColumns(columns, format);
  }
}
