/**
 * A file import (or a restore) holds a Web Lock named after it while it runs: a tab that closes
 * mid-import lets go of it, and the next start rolls back what it left (recoverImports).
 */
const IMPORT_LOCK = 'lambda-workbench:import:';
const locks = () => (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;

/** Holds a Web Lock named after the import while it runs: a tab that closes mid-import lets go of it. */
export function holdImportLock<T>(importId: string, job: () => Promise<T>): Promise<T> {
  const l = locks();
  return l ? (l.request(IMPORT_LOCK + importId, job) as Promise<T>) : job();
}

/** Whether some tab still runs the import (holds its lock). Without Web Locks, none does. */
export async function importIsLive(importId: string): Promise<boolean> {
  const l = locks();
  if (!l) return false;
  const state = await l.query();
  return (state.held ?? []).some((h) => h.name === IMPORT_LOCK + importId);
}
