/**
 * "Export CSV" / "Export Parquet" for anything the page can write out: what to write comes as a
 * function, so the same two buttons serve a query result, a view and a dataset's log. A long export
 * shows its progress and can be cancelled.
 */
import { useState } from 'react';
import type { ExportFormat } from '../../batch/export/exportData';
import type { SavedFile } from '../../serving/Exports';
import { ControlError } from '../ControlError';
import { fmtBytes, fmtInt } from '../format';
import { runControl } from '../runControl';
import { download } from './download';

export interface ExportRun {
  /** Writes the file; `onProgress` for a long one. */
  start(format: ExportFormat, onProgress: (done: number, total: number) => void): Promise<SavedFile>;
  cancel?(): void;
}

export function ExportButtons({ control, what, run, disabled = false }: { control: string; what: string; run: ExportRun; disabled?: boolean }) {
  const [busy, setBusy] = useState<{ format: ExportFormat; done: number; total: number } | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const go = (format: ExportFormat) =>
    runControl(control, `Exporting ${what}`, async () => {
      setSaved(null);
      setBusy({ format, done: 0, total: 0 });
      try {
        const file = await run.start(format, (done, total) => setBusy({ format, done, total }));
        download(file.blob, file.fileName);
        setSaved(`${file.fileName}: ${fmtInt(file.rows)} rows, ${fmtBytes(file.bytes)}`);
      } finally {
        setBusy(null);
      }
    });
  return (
    <span className="export-menu" data-testid={`${control}-export`}>
      <span className="muted small" aria-hidden="true">
        Export
      </span>
      <button type="button" disabled={disabled || busy !== null} onClick={() => go('csv')} aria-label={`Export ${what} as CSV`} data-testid={`${control}-csv`}>
        CSV
      </button>
      <button type="button" disabled={disabled || busy !== null} onClick={() => go('parquet')} aria-label={`Export ${what} as Parquet`} data-testid={`${control}-parquet`}>
        Parquet
      </button>
      {busy && (
        <span className="export-progress" role="status">
          <progress max={busy.total || 1} value={busy.done} aria-label={`Exporting ${what}`} data-testid={`${control}-progress`} />
          {busy.total > 0 ? `${fmtInt(busy.done)} of ${fmtInt(busy.total)} rows` : 'writing…'}
          {run.cancel && (
            <button type="button" onClick={() => run.cancel?.()} data-testid={`${control}-cancel`}>
              Cancel
            </button>
          )}
        </span>
      )}
      {saved && (
        <span className="ok small" role="status" data-testid={`${control}-saved`}>
          Saved {saved}
        </span>
      )}
      <ControlError control={control} />
    </span>
  );
}
