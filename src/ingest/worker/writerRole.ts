/**
 * One writer per workspace. Tabs of one origin share the log (IndexedDB); if each read the stream and
 * appended, every tab's speed layer would tally only its own appends (the others' arriving as
 * duplicates), its merged view would lag the log and its hand-overs would show drift that is not
 * there. So the ingest worker holding a Web Lock reads the stream and appends; the others follow the
 * log: the writer announces each append on a BroadcastChannel and followers tally the new segments
 * from the log. The lock is released when its worker ends (tab closed or reloaded, worker restarted),
 * and a waiting follower takes over, resuming the stream from the log's durable offset.
 */

const FOLLOW_AFTER_MS = 1_000;

/**
 * Runs `becomeWriter` once this worker holds the workspace's writer lock: at once when no other tab
 * holds it, otherwise after calling `follow` and waiting for it. Without Web Locks (an old browser,
 * Node) this worker is the writer.
 */
export function claimWriter(workspace: string, becomeWriter: () => Promise<void>, follow: () => void): void {
  const locks = (globalThis.navigator as { locks?: LockManager } | undefined)?.locks;
  if (!locks) {
    void becomeWriter();
    return;
  }
  const name = `lambda-workbench:writer:${workspace}`;
  // Held for the worker's lifetime: the browser releases it when the worker goes.
  const hold = async (): Promise<void> => {
    await becomeWriter();
    await new Promise<never>(() => {});
  };
  void locks.request(name, { ifAvailable: true }, async (lock) => {
    if (lock) return hold();
    // On a reload the old page's worker may still hold the lock for a moment: only a holder that stays is another tab.
    const follower = setTimeout(follow, FOLLOW_AFTER_MS);
    void locks.request(name, async () => {
      clearTimeout(follower);
      await hold();
    });
  });
}
