/**
 * The page's side of the service worker: whether the app is saved for offline use, and whether a
 * new version waits. A new version never replaces the running one by itself (a session may be
 * mid-import or mid-query); it waits until the person chooses to reload. Applying it touches only
 * the service worker's caches: the log, views and history live in IndexedDB, which the worker never opens.
 */

export interface AppUpdateState {
  /** This version's files are all cached: the app opens without the server. */
  readonly offlineReady: boolean;
  /** A new version is installed and waits for the person to reload. */
  readonly waiting: boolean;
  /** The person chose to reload; the new version is taking over. */
  readonly applying: boolean;
}

export type UpdateWorkerEvent = 'offline-ready' | 'waiting' | 'controlling';

/** What the store needs from the service worker registration (workbox-window's Workbox in the app, a fake in tests). */
export interface UpdateWorker {
  on(event: UpdateWorkerEvent, listener: () => void): void;
  /** Asks the waiting worker to activate; the page hears `controlling` when it has. */
  skipWaiting(): void;
}

const NOTHING: AppUpdateState = { offlineReady: false, waiting: false, applying: false };

/** A small external store (for `useSyncExternalStore`) over the registration's events. */
export class AppUpdate {
  private state: AppUpdateState = NOTHING;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly worker: UpdateWorker | null,
    private readonly reload: () => void,
  ) {
    worker?.on('offline-ready', () => this.set({ offlineReady: true }));
    worker?.on('waiting', () => this.set({ waiting: true }));
    // The first install also takes control of the page (clientsClaim): only a chosen update reloads.
    worker?.on('controlling', () => {
      if (this.state.applying) this.reload();
    });
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): AppUpdateState => this.state;

  /** Activates the waiting version; the page reloads once it controls the page. */
  apply(): void {
    if (!this.worker || !this.state.waiting || this.state.applying) return;
    this.set({ applying: true });
    this.worker.skipWaiting();
  }

  /** Hides the "saved for offline use" note. */
  dismissOfflineReady(): void {
    this.set({ offlineReady: false });
  }

  private set(change: Partial<AppUpdateState>): void {
    this.state = { ...this.state, ...change };
    for (const l of this.listeners) l();
  }
}
