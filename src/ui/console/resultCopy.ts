/** Copying a result as TSV: a cell, a row, or all of it (built in slices so the page keeps answering). */
import type { RecordBatch } from 'apache-arrow';
import type { ConsoleColumn } from '../../batch/console/consoleTypes';
import { tsvField } from './cellFormat';
import { cellText } from './ResultGrid';

type Locate = (row: number) => { batch: RecordBatch; index: number } | null;

export function rowTsv(columns: readonly ConsoleColumn[], locate: Locate, row: number): string {
  const at = locate(row);
  if (!at) return '';
  return columns.map((_, c) => tsvField(cellText(at.batch, c, at.index))).join('\t');
}

/** The header and every row as TSV; yields to the page every `slice` rows. */
export async function resultTsv(columns: readonly ConsoleColumn[], locate: Locate, rows: number, slice = 20_000): Promise<string> {
  const parts: string[] = [columns.map((c) => tsvField(c.name)).join('\t')];
  for (let r = 0; r < rows; r++) {
    parts.push(rowTsv(columns, locate, r));
    if (r % slice === slice - 1) await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return `${parts.join('\n')}\n`;
}

/** Writes text to the clipboard; says so when the browser refuses. */
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch (e) {
    throw new Error(`the browser did not allow copying (${e instanceof Error ? e.message : String(e)})`);
  }
}
