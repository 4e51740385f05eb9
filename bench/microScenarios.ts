/** Side-by-side measurements on the bench page (bench/page): segment log vs row log, speed tally vs Perspective. */
import type { Browser } from '@playwright/test';
import { createServer } from '../server/createServer';
import { median, metric, type Metric } from './stats';

interface SegRow {
  segWrite: number;
  segRead: number;
  rowWrite: number;
  rowRead: number;
  segWritePerS: number;
  rowWritePerS: number;
}
interface SpeedPersp {
  oursPerS: number;
  perspectivePerS: number;
  oursP50: number;
  oursP99: number;
  perspectiveP50: number;
  perspectiveP99: number;
}
type Micro = {
  segmentVsRow(n: number, run: number): Promise<SegRow>;
  speedVsPerspective(n: number, batchSize: number, run: number): Promise<SpeedPersp>;
};

export async function microRuns(browser: Browser, opts: { quick: boolean; runs: number; log: (s: string) => void }): Promise<Record<string, Metric>> {
  const server = await createServer({ staticDir: 'dist-bench', rate: 0, paused: true });
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  try {
    await page.goto(`${server.url}/index.html`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    const rowsN = opts.quick ? 100_000 : 300_000;
    const speedN = opts.quick ? 200_000 : 1_000_000;
    const seg: SegRow[] = [];
    const sp: SpeedPersp[] = [];
    // One unmeasured pass first, so neither log is timed while its code is still being compiled.
    await page.evaluate(() => (window as unknown as { benchMicro: Micro }).benchMicro.segmentVsRow(20_000, 99));
    for (let run = 0; run < Math.max(opts.runs, 3); run++) {
      opts.log(`segment vs row log, ${rowsN.toLocaleString('en-US')} events, run ${run + 1}`);
      seg.push(await page.evaluate(([n, r]) => (window as unknown as { benchMicro: Micro }).benchMicro.segmentVsRow(n, r), [rowsN, run] as const));
      opts.log(JSON.stringify(seg[seg.length - 1]));
      opts.log(`speed tally vs Perspective, ${speedN.toLocaleString('en-US')} events in 500-event batches, run ${run + 1}`);
      sp.push(await page.evaluate(([n, r]) => (window as unknown as { benchMicro: Micro }).benchMicro.speedVsPerspective(n, 500, r), [speedN, run] as const));
      opts.log(JSON.stringify(sp[sp.length - 1]));
    }
    const m: Record<string, Metric> = {};
    m.ratio_segment_vs_row_write = metric(
      seg.map((r) => r.rowWrite / r.segWrite),
      'x',
      {
        target: '>= 100',
        note: `segments ${Math.round(median(seg.map((r) => r.segWritePerS))).toLocaleString('en-US')} ev/s, rows ${Math.round(median(seg.map((r) => r.rowWritePerS))).toLocaleString('en-US')} ev/s`,
      },
    );
    m.ratio_segment_vs_row_reload = metric(
      seg.map((r) => r.rowRead / r.segRead),
      'x',
      { target: '>= 50' },
    );
    m.ratio_speed_vs_perspective = metric(
      sp.map((r) => r.oursPerS / r.perspectivePerS),
      'x',
      {
        target: '>= 2',
        note: `ours ${Math.round(median(sp.map((r) => r.oursPerS))).toLocaleString('en-US')} ev/s, Perspective ${Math.round(median(sp.map((r) => r.perspectivePerS))).toLocaleString('en-US')} ev/s`,
      },
    );
    m.speed_update_p50_ms = metric(
      sp.map((r) => r.oursP50),
      'ms',
      { note: 'ours, per 500-event batch incl. a consistent read' },
    );
    m.speed_update_p99_ms = metric(
      sp.map((r) => r.oursP99),
      'ms',
    );
    m.perspective_update_p50_ms = metric(
      sp.map((r) => r.perspectiveP50),
      'ms',
      { note: 'Perspective, update + read of both views' },
    );
    m.perspective_update_p99_ms = metric(
      sp.map((r) => r.perspectiveP99),
      'ms',
    );
    return m;
  } finally {
    await context.close();
    await server.close();
  }
}
