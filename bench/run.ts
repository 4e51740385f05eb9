/**
 * `npm run bench [-- --quick] [--events N] [--runs K] [--only a,b] [--cluster-100m]`: measures the pipeline in headless Chromium
 * against the real built app and server, prints a table and writes bench/results/latest.json
 * (a run with --only: bench/results/<names>.json).
 * Figures are medians of K runs; targets are printed beside them, never asserted.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
// @ts-expect-error plain ESM helper shared with the CLI, no type declarations
import { findChromium } from '../scripts/chromium.mjs';
import { freshnessRun, pipelineRun, type PipelineRun } from './appScenarios';
import { fourStreamsRun, postFreshnessRun } from './streamScenarios';
import { consoleScrollRun, type ScrollRun } from './consoleScenarios';
import { csvFile, type FileRun, fileRun, parquetFile } from './fileScenarios';
import { microRuns } from './microScenarios';
import { interactionRun, p95, p99 } from './interactionScenarios';
import { metric, type Metric } from './stats';
import { clusterRuns } from './clusterScenarios';
import { clusterDashboardRun } from './clusterDashboard';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    events: { type: 'string' },
    runs: { type: 'string' },
    only: { type: 'string' },
    dist: { type: 'string', default: 'dist' },
    'no-isolation': { type: 'boolean', default: false },
    /** Also load and recompute 100M events on the cluster (about 15 minutes here). */
    'cluster-100m': { type: 'boolean', default: false },
  },
});
const quick = values.quick;
const events = Number(values.events ?? (quick ? 1_000_000 : 10_000_000));
const runs = Number(values.runs ?? (quick ? 1 : 3));
const only = values.only?.split(',');
const want = (name: string) => !only || only.includes(name);
const label = events >= 1_000_000 ? `${Math.round(events / 1_000_000)}m` : `${Math.round(events / 1000)}k`;

const found = (findChromium as () => { path: string } | null)();
if (!found) throw new Error('no Chromium: run `node scripts/chromium.mjs --ensure`');
const browser = await chromium.launch({
  executablePath: found.path,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

const metrics: Record<string, Metric> = {};
const log = (s: string) => console.log(`[bench] ${s}`);

try {
  if (want('pipeline')) {
    const rs: PipelineRun[] = [];
    for (let i = 0; i < runs; i++) {
      log(`pipeline run ${i + 1}/${runs}: ${events.toLocaleString('en-US')} events`);
      rs.push(await pipelineRun(browser, values.dist, events, !values['no-isolation']));
      log(JSON.stringify(rs[rs.length - 1]));
    }
    const col = (k: Exclude<keyof PipelineRun, 'groupByMs'>) => rs.map((r) => r[k]);
    metrics.ingest_events_per_s = metric(col('ingestEventsPerS'), 'events/s', { target: '>= 250000' });
    metrics.main_thread_longest_task_ms = metric(col('longestTaskMs'), 'ms', { target: '< 50', note: 'full-rate ingest + recomputes; Long Tasks API (0: none over 50 ms)' });
    metrics.main_thread_longest_wait_ms = metric(col('longestWaitMs'), 'ms', { note: 'longest a new main-thread task waited' });
    metrics[`recompute_${label}_ms`] = metric(col('recomputeMs'), 'ms', { target: '< 2000 (10m)', note: '5 views, 10k new events' });
    metrics[`reload_${label}_ms`] = metric(col('reloadMs'), 'ms', { target: '< 4000 (10m)' });
    metrics[`wasm_memory_${label}_mb`] = metric(col('wasmMemoryMb'), 'MB', { note: 'DuckDB buffer manager (duckdb_memory())' });
    metrics[`js_heap_${label}_mb`] = metric(col('jsHeapMb'), 'MB', { note: 'main thread' });
    metrics[`reload_${label}_queryable_ms`] = metric(col('queryableMs'), 'ms', { target: '< 4000 (10m)', note: 'reload until the SQL console answers count(*) over the whole log' });
    metrics[`reload_${label}_first_recompute_ms`] = metric(col('firstRecomputeMs'), 'ms', { note: "the reload's first recompute: the whole log into a fresh DuckDB, then 5 views" });
    metrics[`reload_${label}_first_load_ms`] = metric(col('firstLoadMs'), 'ms', { note: 'of which reading the log and inserting it into DuckDB' });
    metrics[`sql_groupby_${label}_ms`] = metric(
      rs.flatMap((r) => r.groupByMs),
      'ms',
      { target: '< 1000 (10m)', note: 'country x channel: count, sum, avg from the console, Ctrl+Enter to the rows shown' },
    );
  }
  if (want('console')) {
    const rs: ScrollRun[] = [];
    for (let i = 0; i < runs; i++) {
      log(`console scroll run ${i + 1}/${runs}: a 1,000,000-row result`);
      rs.push(await consoleScrollRun(browser, values.dist));
      log(JSON.stringify(rs[rs.length - 1]));
    }
    const col = (k: keyof ScrollRun) => rs.map((r) => r[k]);
    metrics.console_1m_first_rows_ms = metric(col('firstRowsMs'), 'ms', { note: 'SELECT of 1M rows x 4 columns: Ctrl+Enter to the first rows' });
    metrics.console_1m_all_rows_ms = metric(col('allRowsMs'), 'ms', { note: 'to the last row on the page' });
    metrics.console_scroll_1m_longest_task_ms = metric(col('longestTaskMs'), 'ms', { target: '< 50', note: '100 PageDown, Ctrl+End, 60 wheel turns, 200 ArrowUp (0: none over 50 ms)' });
  }
  if (want('freshness')) {
    const p50: number[] = [];
    const p99: number[] = [];
    const longest: number[] = [];
    for (let i = 0; i < runs; i++) {
      log(`freshness run ${i + 1}/${runs} at 20,000 events/s`);
      const f = await freshnessRun(browser, values.dist, 20_000, quick ? 8 : 15);
      log(JSON.stringify(f));
      p50.push(f.p50);
      p99.push(f.p99);
      longest.push(f.longestTaskMs);
    }
    metrics.freshness_p50_ms = metric(p50, 'ms', { note: 'sent by the server -> in the merged KPI figure' });
    metrics.freshness_p99_ms = metric(p99, 'ms', { target: '< 200' });
    metrics.main_thread_longest_task_20k_ms = metric(longest, 'ms', { target: '< 50', note: 'streaming 20k events/s, recomputing every 10 s' });
  }
  if (want('streams')) {
    const sum: number[] = [];
    const p50: number[] = [];
    const p99: number[] = [];
    const perStream = quick ? 100_000 : 500_000;
    for (let i = 0; i < runs; i++) {
      log(`four streams run ${i + 1}/${runs}: ${perStream} events each`);
      const f = await fourStreamsRun(browser, values.dist, perStream);
      log(JSON.stringify(f));
      sum.push(f.eventsPerS);
      log(`POST freshness run ${i + 1}/${runs} at 20,000 events/s`);
      const p = await postFreshnessRun(browser, values.dist, 20_000, quick ? 8 : 15);
      log(JSON.stringify(p));
      p50.push(p.p50);
      p99.push(p.p99);
    }
    metrics.ingest_4_streams_events_per_s = metric(sum, 'events/s', { target: '>= 250000', note: 'four declared streams caught up at once, summed' });
    metrics.freshness_post_p50_ms = metric(p50, 'ms', { note: "producer POST -> in the stream dataset's merged Events figure, 20k events/s" });
    metrics.freshness_post_p99_ms = metric(p99, 'ms', { target: '< 200' });
  }
  if (want('interaction')) {
    const delays: number[] = [];
    const clicks: number[] = [];
    const brushes: number[] = [];
    const prepares: number[] = [];
    for (let i = 0; i < runs; i++) {
      log(`interaction run ${i + 1}/${runs}: ${events.toLocaleString('en-US')} events`);
      const r = await interactionRun(browser, values.dist, events, quick ? 5 : 15);
      log(
        JSON.stringify({
          keys: r.inputDelaysMs.length,
          delayP99: p99(r.inputDelaysMs),
          clickP95: p95(r.clickMs),
          brushP95: p95(r.brushMs),
          prepareMs: r.prepareMs,
          clickMs: r.clickMs.map(Math.round),
          brushMs: r.brushMs.map(Math.round),
        }),
      );
      delays.push(p99(r.inputDelaysMs));
      clicks.push(p95(r.clickMs));
      brushes.push(p95(r.brushMs));
      prepares.push(r.prepareMs);
    }
    metrics.input_delay_p99_ms = metric(delays, 'ms', { target: '< 50', note: 'keys typed into a field while the log ingests at full rate: key event to its handler' });
    metrics[`interaction_click_p95_${label}_ms`] = metric(clicks, 'ms', { target: '< 100', note: 'click a breakdown bar until every other card shows the filter' });
    metrics[`interaction_brush_p95_${label}_ms`] = metric(brushes, 'ms', { target: '< 100', note: 'brush a timeline range until every other card shows the filter' });
    metrics.interaction_p95_ms = metric(
      clicks.map((c, i) => Math.max(c, brushes[i]!)),
      'ms',
      { target: '< 100', note: `the worse of the two per run, ${label} events` },
    );
    metrics[`cross_filter_prepare_${label}_ms`] = metric(prepares, 'ms', { note: 'first activation of both charts: their cubes in one or two recomputes' });
  }
  if (want('cluster')) Object.assign(metrics, await clusterRuns({ runs, quick, big: values['cluster-100m'], log }));
  if (want('cluster-dashboard')) {
    // One run: at 100M it backfills and loads for about ten minutes.
    const n = values['cluster-100m'] ? 100_000_000 : quick ? 1_000_000 : 10_000_000;
    const r = await clusterDashboardRun(browser, values.dist, n, log);
    if (r) {
      const l = n >= 100_000_000 ? '100m' : n >= 10_000_000 ? '10m' : '1m';
      metrics[`cluster_dashboard_${l}_first_merge_ms`] = metric([r.firstMergeMs], 'ms', { note: `a fresh tab over ${r.events.toLocaleString('en-US')} events: open until the merged count shows` });
      metrics[`cluster_dashboard_${l}_recompute_ms`] = metric([r.recomputeMs], 'ms', { note: "the dashboard's views at W on the cluster, as the page timed it" });
      metrics.cluster_server_load_events_per_s = metric([r.serverLoadEventsPerS], 'events/s', { note: 'demo backfill through the server until the cluster holds it' });
    } else log('clickhouse-server is not installed: no cluster dashboard figures');
  }
  if (want('micro')) Object.assign(metrics, await microRuns(browser, { quick, runs, log }));
  if (want('files')) {
    const files = [
      { key: 'parquet_3m', file: parquetFile(3_000_000), note: '5 columns, ZSTD: picked until the generated views show every row from batch' },
      { key: 'csv_1m', file: csvFile(1_000_000), note: '8 columns: picked until the generated views show every row from batch' },
    ];
    for (const { key, file, note } of files) {
      const rs: FileRun[] = [];
      for (let i = 0; i < runs; i++) {
        log(`${key} run ${i + 1}/${runs}: ${file.path}`);
        rs.push(await fileRun(browser, values.dist, file));
        log(JSON.stringify(rs[rs.length - 1]));
      }
      const col = (k: keyof FileRun) => rs.map((r) => r[k]);
      metrics[`${key}_ms`] = metric(col('totalMs'), 'ms', { target: '< 3000', note });
      metrics[`${key}_import_ms`] = metric(col('importMs'), 'ms', { note: 'read, convert, stage and commit to the log' });
      metrics[`${key}_rows_per_s`] = metric(col('rowsPerS'), 'rows/s');
      metrics[`${key}_log_bytes_per_row`] = metric(col('bytesPerRow'), 'B', { note: 'segments in IndexedDB' });
      metrics[`${key}_wasm_memory_mb`] = metric(col('wasmMemoryMb'), 'MB', { note: 'DuckDB after the recompute' });
    }
  }
} finally {
  await browser.close();
}

const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, ${found.path.split('/').pop()}`;
const out = { machine, date: new Date().toISOString(), events, runs, metrics };
mkdirSync('bench/results', { recursive: true });
// A partial run (--only) gets a file of its own: latest.json stays the last full run.
const resultFile = only ? `bench/results/${only.join('-')}.json` : 'bench/results/latest.json';
writeFileSync(resultFile, `${JSON.stringify(out, null, 2)}\n`);

const fmt = (n: number) => (Number.isNaN(n) ? 'n/a' : Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
const rows = Object.entries(metrics).map(([name, m]) => [name, fmt(m.median), fmt(m.min), fmt(m.max), m.unit, m.target ?? '', m.note ?? '']);
const head = ['metric', 'median', 'min', 'max', 'unit', 'target', 'note'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(`\n${machine}; ${events.toLocaleString('en-US')} events; median of ${runs}\n`);
console.log(line(head));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
console.log(`\nwrote ${resultFile}`);
