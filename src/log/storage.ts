/**
 * The browser storage the log lives in: how much this site uses of what it may use, and whether the
 * browser promised to keep it (persistent storage) rather than clear it under pressure. Everything
 * the workspace holds (every dataset's log, the saved views and queries) is in this site's storage.
 */

export interface StorageState {
  /** Bytes this site uses (IndexedDB, caches), as the browser estimates it; null when it will not say. */
  usage: number | null;
  /** Bytes this site may use; null when the browser will not say. */
  quota: number | null;
  /** Whether the browser keeps this site's data under storage pressure; null when it cannot say. */
  persisted: boolean | null;
}

/** The share of the quota past which the page warns (a stream pauses cleanly when the quota is reached). */
export const WARN_SHARE = 0.8;

/** The parts of StorageManager used here: a test or an old browser may lack any of them. */
export interface StorageApi {
  estimate?: () => Promise<{ usage?: number; quota?: number }>;
  persisted?: () => Promise<boolean>;
  persist?: () => Promise<boolean>;
}

const browserStorage = (): StorageApi | undefined => (typeof navigator === 'undefined' ? undefined : navigator.storage);

export async function storageState(api: StorageApi | undefined = browserStorage()): Promise<StorageState> {
  const [estimate, persisted] = await Promise.all([api?.estimate?.().catch(() => null) ?? null, api?.persisted?.().catch(() => null) ?? null]);
  const n = (v: number | undefined) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null);
  return { usage: n(estimate?.usage), quota: n(estimate?.quota), persisted };
}

/** Asks the browser to keep this site's data; whether it granted it (browsers decide, often by how the site is used). */
export async function askToKeep(api: StorageApi | undefined = browserStorage()): Promise<boolean> {
  if (!api?.persist) return false;
  return api.persist().catch(() => false);
}

/** What the person should know about the room left, in plain words; null when there is plenty. */
export function storageWarning(s: StorageState): string | null {
  if (s.usage === null || s.quota === null || s.quota === 0) return null;
  const share = s.usage / s.quota;
  if (share < WARN_SHARE) return null;
  const pct = Math.min(100, Math.floor(share * 100));
  return `This site's storage is ${pct} % full. When it is full the live streams pause (nothing is lost or half-written) and files cannot be imported: export and delete datasets you no longer need to make room.`;
}
