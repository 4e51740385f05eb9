/**
 * Registers the service worker the build makes (vite-plugin-pwa, `sw.js`) and hands its lifecycle to
 * an `AppUpdate` store. `npm run dev` has no service worker, so there the store stays empty.
 */
import { Workbox } from 'workbox-window';
import { AppUpdate, type UpdateWorker } from './AppUpdate';

/** How often a long-running session asks the server for a new version (also on becoming visible). */
export const UPDATE_CHECK_MS = 30 * 60_000;

let current = new AppUpdate(null, () => {});

/** The page's update store: empty until `startServiceWorker` runs. */
export function appUpdate(): AppUpdate {
  return current;
}

function adapt(wb: Workbox): UpdateWorker {
  return {
    on(event, listener) {
      if (event === 'waiting') wb.addEventListener('waiting', () => listener());
      else if (event === 'controlling') wb.addEventListener('controlling', () => listener());
      // A first install (not an update) has cached every file once it activates.
      else wb.addEventListener('activated', (e) => !e.isUpdate && listener());
    },
    skipWaiting: () => wb.messageSkipWaiting(),
  };
}

/** Registers `/sw.js` after the page has loaded (its precache is ~80 MB and must not compete with the app's start). */
export function startServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  const wb = new Workbox('/sw.js', { scope: '/' });
  current = new AppUpdate(adapt(wb), () => location.reload());
  // Checks fail while the server is down; the browser retries at the next one, nothing to report.
  const check = () => void wb.update().catch(() => undefined);
  const register = () =>
    void wb
      .register()
      .then(() => {
        setInterval(check, UPDATE_CHECK_MS);
        document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && check());
      })
      // Without it the app still works, online only: worth a line in the console, not an error on the page.
      .catch((e: unknown) => console.warn('the service worker was not registered: the app will not open offline', e));
  if (document.readyState === 'complete') register();
  else addEventListener('load', register, { once: true });
}
