/**
 * "A new version is ready": shown when a new service worker waits, never applied under a running
 * session. Also a one-time note when the first install has saved the app for offline use.
 */
import { useSyncExternalStore } from 'react';
import { appUpdate } from './serviceWorker';
import './offline.css';

export function UpdatePrompt() {
  const store = appUpdate();
  const s = useSyncExternalStore(store.subscribe, store.getSnapshot);
  if (s.waiting) {
    return (
      <div className="update-prompt" role="status" data-testid="update-prompt">
        <span>A new version is ready. Your datasets, views and queries stay as they are.</span>
        <button type="button" className="primary" data-testid="update-reload" disabled={s.applying} onClick={() => store.apply()}>
          {s.applying ? 'Reloading…' : 'Reload to update'}
        </button>
      </div>
    );
  }
  if (s.offlineReady) {
    return (
      <div className="update-prompt offline-ready" role="status" data-testid="offline-ready">
        <span>Saved for offline use: this workbench now opens without the server, with every dataset in this browser.</span>
        <button type="button" onClick={() => store.dismissOfflineReady()}>
          OK
        </button>
      </div>
    );
  }
  return null;
}
