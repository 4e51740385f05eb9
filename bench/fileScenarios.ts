/**
 * File ingest through the real app: a file picked on the page, imported into a new dataset, until
 * its generated views show every row from batch (the file is in the log, DuckDB has loaded it and
 * it is queryable). The files are written here, once, by code that is not the app's.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { writeBigParquet } from '../e2e/files/binaryFiles';
import { createServer } from '../server/createServer';

export interface FileRun {
  /** Click on Import until the batch part of the Events tile holds every row. */
  totalMs: number;
  /** The import itself (read, convert, stage, commit), as the app reports it. */
  importMs: number;
  rowsPerS: number;
  bytesPerRow: number;
  wasmMemoryMb: number;
}

export interface BenchFile {
  path: string;
  rows: number;
}

export function parquetFile(rows: number): BenchFile {
  const path = join(tmpdir(), `lambda-bench-${rows}.parquet`);
  writeBigParquet(path, rows);
  return { path, rows };
}

/** `rows` lines of 8 columns: a timestamp, two low-cardinality texts, integers, floats, a boolean. */
export function csvFile(rows: number): BenchFile {
  const path = join(tmpdir(), `lambda-bench-${rows}.csv`);
  const cities = ['Oslo', 'Lima', 'Pune', 'Kyiv', 'Accra', 'Quito'];
  const parts: string[] = ['event_time,city,channel,units,amount,discount,visits,returned'];
  const t0 = Date.UTC(2024, 0, 1);
  for (let i = 0; i < rows; i++) {
    const t = new Date(t0 + i * 1000).toISOString().slice(0, 19).replace('T', ' ');
    parts.push(`${t},${cities[i % 6]},${i % 3 ? 'web' : 'shop'},${i % 97},${((i % 1000) / 4).toFixed(2)},${(i % 10) / 10},${i % 13},${i % 11 === 0}`);
  }
  writeFileSync(path, `${parts.join('\n')}\n`);
  return { path, rows };
}

const dataValue = async (page: Page, selector: string, attr = 'data-value'): Promise<number> => Number((await page.locator(selector).first().getAttribute(attr)) ?? Number.NaN);

export async function fileRun(browser: Browser, distDir: string, file: BenchFile): Promise<FileRun> {
  const server = await createServer({ staticDir: distDir, rate: 0, paused: true });
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  try {
    await page.goto(`${server.url}/?stream=off&db=bench-file-${Date.now()}`);
    await page.locator('[data-phase="ready"]').waitFor({ timeout: 180_000 });
    await page.setInputFiles('[data-testid="import-input"]', file.path);
    const card = page.locator('[data-testid="import-card"][data-status="ready"]');
    await card.waitFor({ timeout: 120_000 });
    const t0 = Date.now();
    await card.getByTestId('import-start').click();
    await page.locator('[data-testid="import-card"][data-status="done"]').waitFor({ timeout: 600_000 });
    const end = Date.now() + 600_000;
    while ((await dataValue(page, '[data-testid="kpi-events-batch"]')) !== file.rows) {
      if (Date.now() > end) throw new Error('the batch layer never showed every row');
      await page.waitForTimeout(50);
    }
    const totalMs = Date.now() - t0;
    const result = page.getByTestId('import-result');
    const dataset = await result.getAttribute('data-dataset');
    const bytes = await dataValue(page, `[data-testid="dataset-row"][data-id="${dataset}"]`, 'data-bytes');
    const importMs = Number(await result.getAttribute('data-ms'));
    return {
      totalMs,
      importMs,
      rowsPerS: Math.round(file.rows / (totalMs / 1000)),
      bytesPerRow: Math.round((bytes / file.rows) * 10) / 10,
      wasmMemoryMb: Math.round((await dataValue(page, '[data-testid="status-duckdb-memory"]')) / 1048576),
    };
  } finally {
    await context.close();
    await server.close();
  }
}
