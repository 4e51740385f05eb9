/** Side-by-side measurements in the browser: placeholder until the bench page lands. */
import type { Browser } from '@playwright/test';
import type { Metric } from './stats';

export async function microRuns(_browser: Browser, _opts: { quick: boolean; runs: number; log: (s: string) => void }): Promise<Record<string, Metric>> {
  return {};
}
