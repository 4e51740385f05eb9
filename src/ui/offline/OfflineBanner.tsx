/**
 * Says plainly what offline means here: the server is out of reach, the workbench is not. Shown after
 * a few seconds offline, so a socket dropped and reopened at once does not shift the page.
 */
import { useNow, usePipelineSnapshot } from '../PipelineContext';
import { useStreamOffline } from './streamOffline';
import './offline.css';

const SHOW_AFTER_MS = 3000;

export function OfflineBanner() {
  const since = useStreamOffline(usePipelineSnapshot().ingest?.connection ?? 'idle');
  const now = useNow(1000);
  if (since === null || Math.max(now, Date.now()) - since < SHOW_AFTER_MS) return null;
  return (
    <p className="offline-banner" role="status" data-testid="offline-banner">
      <strong>Offline.</strong> The stream server cannot be reached. Every dataset in this browser, its views, the SQL console, file import and export work as before; the stream resumes where its log
      ends when the server is back.
    </p>
  );
}
