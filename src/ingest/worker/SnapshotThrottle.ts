/**
 * When the speed views go to the page. A snapshot goes out as soon as something changed and the
 * interval allows (an interval timer alone added up to SNAPSHOT_MS of latency to every event), and
 * at least every IDLE_MS when nothing did. The page's cost grows with the groups sent (cloning,
 * merging, drawing), so a big speed layer (a backfill not yet absorbed by batch) is sent less often:
 * about 1 ms of interval per GROUPS_PER_MS groups, between SNAPSHOT_MS and MAX_INTERVAL_MS.
 */
export const SNAPSHOT_MS = 50;
export const IDLE_MS = 500;
export const MAX_INTERVAL_MS = 2_000;
export const GROUPS_PER_MS = 40;

export class SnapshotThrottle {
  private dirty = true;
  private lastSent = Number.NEGATIVE_INFINITY;
  private every = SNAPSHOT_MS;
  private soonTimer: ReturnType<typeof setTimeout> | null = null;
  private tick: ReturnType<typeof setInterval> | null = null;
  private stopped = false;

  /** @param send sends a snapshot and returns how many groups it held. */
  constructor(
    private readonly send: (now: number) => number,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.stopped = false;
    this.tick ??= setInterval(() => this.maybeSend(), SNAPSHOT_MS);
  }

  stop(): void {
    this.stopped = true;
    if (this.tick !== null) clearInterval(this.tick);
    if (this.soonTimer !== null) clearTimeout(this.soonTimer);
    this.tick = null;
    this.soonTimer = null;
  }

  /** Something the page shows changed; it goes out with the next snapshot. */
  markDirty(): void {
    this.dirty = true;
  }

  /** New events are in: send as soon as the interval allows rather than at the next tick. */
  soon(): void {
    this.dirty = true;
    // After stop() (an append that was in flight when the worker was disposed): nothing more is sent.
    if (this.soonTimer !== null || this.stopped) return;
    const wait = Math.max(0, this.lastSent + this.every - this.now());
    this.soonTimer = setTimeout(() => {
      this.soonTimer = null;
      this.maybeSend();
    }, wait);
  }

  /** The current interval between snapshots, in ms. */
  get intervalMs(): number {
    return this.every;
  }

  maybeSend(): void {
    const now = this.now();
    if (now - this.lastSent < this.every) return;
    if (!this.dirty && now - this.lastSent < IDLE_MS) return;
    this.dirty = false;
    this.lastSent = now;
    const groups = this.send(now);
    this.every = Math.max(SNAPSHOT_MS, Math.min(MAX_INTERVAL_MS, groups / GROUPS_PER_MS));
  }
}
