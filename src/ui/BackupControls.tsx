/**
 * "Back up workspace" and "Restore from backup…" in the Datasets panel's header: the whole workspace
 * to one file and back, with progress, Cancel, and the result or the reason for a refusal in plain
 * words. A backup file can also be dropped on the restore button.
 */
import { type DragEvent, useRef, useState } from 'react';
import type { BackupProgress } from '../batch/backup/writeBackup';
import { download } from './export/download';
import { counted, fmtBytes, fmtInt } from './format';
import { usePipeline } from './PipelineContext';

type Busy = { kind: 'backup' | 'restore'; jobId: string; progress: BackupProgress | null };

const PHASE: Record<BackupProgress['phase'], string> = { writing: 'Writing', checking: 'Checking the file', restoring: 'Restoring' };

function progressText(p: BackupProgress | null): string {
  if (!p) return 'Starting…';
  if (p.phase === 'checking') return `${PHASE[p.phase]}: ${fmtBytes(p.done)} of ${fmtBytes(p.total)}`;
  return `${PHASE[p.phase]}: ${fmtInt(p.done)} of ${fmtInt(p.total)} events`;
}

let jobs = 0;

export function BackupControls() {
  const pipeline = usePipeline();
  const [busy, setBusy] = useState<Busy | null>(null);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const buttons = { backup: useRef<HTMLButtonElement>(null), restore: useRef<HTMLButtonElement>(null) };

  const run = async (kind: Busy['kind'], job: (jobId: string, onProgress: (p: BackupProgress) => void) => Promise<string>) => {
    const jobId = `${kind}-${Date.now()}-${jobs++}`;
    setResult(null);
    setBusy({ kind, jobId, progress: null });
    try {
      setResult({ ok: true, text: await job(jobId, (progress) => setBusy({ kind, jobId, progress })) });
    } catch (e) {
      const cancelled = (e as { name?: unknown } | null)?.name === 'AbortError' || /cancelled/.test(String(e));
      const reason = e instanceof Error ? e.message : String(e);
      setResult({ ok: false, text: cancelled ? `${kind === 'backup' ? 'Backup' : 'Restore'} cancelled; nothing was changed.` : `${kind === 'backup' ? 'Backup failed' : 'Not restored'}: ${reason}.` });
    } finally {
      setBusy(null);
      // The button was disabled while the job ran, which dropped the keyboard's focus: give it back.
      requestAnimationFrame(() => {
        if (document.activeElement === document.body || document.activeElement === null) buttons[kind].current?.focus();
      });
    }
  };

  const backup = () =>
    run('backup', async (jobId, onProgress) => {
      const f = await pipeline.backups.backup(onProgress, jobId);
      download(f.blob, f.fileName);
      return `Saved ${f.fileName}: ${counted(f.datasets, 'dataset')}, ${counted(f.events, 'event')}, ${counted(f.views, 'view')}, ${counted(f.savedQueries, 'saved statement')}, ${fmtBytes(f.bytes)}.`;
    });

  const restore = (file: File) =>
    run('restore', async (jobId, onProgress) => {
      const r = await pipeline.backups.restore(file, onProgress, jobId);
      return `Restored ${file.name}: ${counted(r.datasets.length, 'dataset')}, ${counted(r.events, 'event')}, ${counted(r.views, 'view')}, ${counted(r.savedQueries, 'saved statement')}.`;
    });

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    const file = e.dataTransfer.files[0];
    if (file && !busy) void restore(file);
  };

  return (
    <div className="backup-controls" data-testid="backup-controls">
      <button type="button" ref={buttons.backup} onClick={() => void backup()} disabled={busy !== null} data-testid="backup-start">
        Back up workspace
      </button>
      <button
        type="button"
        onClick={() => input.current?.click()}
        onDragOver={(e) => e.preventDefault()}
        onDrop={onDrop}
        disabled={busy !== null}
        data-testid="restore-start"
        ref={buttons.restore}
        title="Or drop a backup file here"
      >
        Restore from backup…
      </button>
      <input
        ref={input}
        type="file"
        accept=".lwb,.zip"
        hidden
        data-testid="restore-input"
        aria-label="Backup file to restore"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) void restore(file);
        }}
      />
      {busy && (
        <span className="backup-progress" role="status" data-testid="backup-progress" data-kind={busy.kind}>
          {progressText(busy.progress)}{' '}
          <button type="button" onClick={() => void pipeline.backups.cancel(busy.jobId)} data-testid="backup-cancel">
            Cancel
          </button>
        </span>
      )}
      {result && (
        <p className={result.ok ? 'muted small' : 'error small'} role={result.ok ? 'status' : 'alert'} data-testid="backup-result" data-ok={String(result.ok)}>
          {result.text}
        </p>
      )}
    </div>
  );
}
