/** Medians and percentiles for the benchmark. */

export interface Metric {
  median: number;
  min: number;
  max: number;
  unit: string;
  /** Individual runs, for the curious. */
  runs: number[];
  target?: string;
  note?: string;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? Number.NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export function metric(runs: readonly number[], unit: string, extra: Partial<Metric> = {}): Metric {
  return { median: median(runs), min: Math.min(...runs), max: Math.max(...runs), unit, runs: [...runs], ...extra };
}
