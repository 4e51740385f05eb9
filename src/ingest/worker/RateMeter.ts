/** Events per second over a sliding window of cumulative counts. */
export class RateMeter {
  private readonly samples: { t: number; total: number }[] = [];

  constructor(private readonly windowMs = 2_000) {}

  record(total: number, t: number = Date.now()): void {
    this.samples.push({ t, total });
    while (this.samples.length > 2 && this.samples[0]!.t < t - this.windowMs) this.samples.shift();
  }

  rate(t: number = Date.now()): number {
    const last = this.samples[this.samples.length - 1];
    this.record(last?.total ?? 0, t);
    const first = this.samples[0]!;
    const span = t - first.t;
    return span > 0 ? ((last?.total ?? 0) - first.total) / (span / 1000) : 0;
  }
}
