/**
 * When the batch layer recomputes: every `intervalMs` unless paused, and "now" on request. One
 * recompute runs at a time; a "now" while one runs waits for it and runs once more (so "now" always
 * means "including what arrived until now"), and any number of such calls share that one rerun.
 */
export class RecomputeScheduler<R> {
  private timer: ReturnType<typeof setInterval> | null = null;
  private running: Promise<R> | null = null;
  private rerun: Promise<R> | null = null;
  private intervalMs: number;
  private paused = false;
  private started = false;
  private disposed = false;

  constructor(
    private readonly run: () => Promise<R>,
    intervalMs: number,
  ) {
    this.intervalMs = intervalMs;
  }

  get isRunning(): boolean {
    return this.running !== null;
  }

  /** Starts the interval (after the first recompute, say). */
  start(): void {
    this.started = true;
    this.reschedule();
  }

  setInterval(ms: number): void {
    this.intervalMs = ms;
    this.reschedule();
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    this.reschedule();
  }

  /** Recomputes now, or right after the one running; failures reject (the caller reports them). */
  now(): Promise<R> {
    if (this.disposed) return Promise.reject(new Error('the pipeline was stopped'));
    // Between a run settling and its queued rerun starting, `running` is clear but `rerun` is not:
    // a call then joins the rerun rather than starting a second recompute beside it.
    if (!this.running && !this.rerun) return this.begin();
    if (!this.running) return this.rerun!;
    this.rerun ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.rerun = null;
        // Stopped while it waited: no recompute on a pipeline that is gone.
        if (this.disposed) throw new Error('the pipeline was stopped');
        return this.begin();
      });
    return this.rerun;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private begin(): Promise<R> {
    const p = this.run();
    this.running = p;
    const done = () => {
      if (this.running === p) this.running = null;
    };
    p.then(done, done);
    return p;
  }

  private reschedule(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (!this.started || this.paused || this.disposed) return;
    this.timer = setInterval(() => {
      // A tick while a recompute runs is skipped, not queued: the next tick comes soon enough.
      if (!this.running) this.now().catch(() => undefined);
    }, this.intervalMs);
  }
}
