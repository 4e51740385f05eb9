/** The SQL console as a person uses it, by role and test id: type SQL, run it, read the grid. */
import type { Locator, Page } from '@playwright/test';
import { expect } from '../fixtures';

export async function openConsole(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'SQL console' }).click();
  await expect(page.getByRole('textbox', { name: 'SQL' })).toBeVisible();
}

/** Waits until the console lists `name` as a table holding `rows` rows (its batch W). */
export async function waitForTable(page: Page, name: string, rows: number): Promise<void> {
  await expect(page.locator(`[data-testid="console-table-item"][data-name=${JSON.stringify(name)}]`)).toHaveAttribute('data-rows', String(rows));
}

/** Types `sql` into the editor (replacing what is there). */
export async function typeSql(page: Page, sql: string): Promise<void> {
  const editor = page.getByRole('textbox', { name: 'SQL' });
  await editor.click();
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  await editor.fill(sql);
  await expect(editor)
    .toHaveText(sql.split('\n')[0]!.slice(0, 20), { useInnerText: true, timeout: 5_000 })
    .catch(() => undefined);
}

export const summary = (page: Page): Locator => page.getByTestId('result-summary');

/**
 * Runs `sql` and waits for it to end as `status` (done by default): a single statement with
 * Ctrl+Enter (the statement at the cursor), several with the Run button (all of them).
 */
export async function runSql(page: Page, sql: string, status: 'done' | 'failed' | 'cancelled' = 'done'): Promise<void> {
  await typeSql(page, sql);
  const root = page.getByTestId('console');
  const before = (await root.getAttribute('data-query')) ?? '';
  if (sql.includes(';\n')) await page.getByRole('button', { name: 'Run', exact: true }).click();
  else await page.keyboard.press('Control+Enter');
  await expect(root).not.toHaveAttribute('data-query', before);
  await expect(root).toHaveAttribute('data-status', /^(done|failed|cancelled)$/, { timeout: 120_000 });
  if ((await root.getAttribute('data-status')) !== status) {
    const error = await page
      .getByTestId('console-error')
      .textContent()
      .catch(() => '');
    throw new Error(`${sql}: ${await root.getAttribute('data-status')}, expected ${status}${error ? `: ${error}` : ''}`);
  }
}

/** The result's columns as `name TYPE`. */
export async function resultColumns(page: Page): Promise<string[]> {
  return page.getByTestId('result-column').evaluateAll((cells) => cells.map((c) => c.getAttribute('title') ?? ''));
}

/** The rows drawn now, by row number: each cell's exact value, null for NULL. */
export async function drawnRows(page: Page): Promise<Map<number, (string | null)[]>> {
  const rows = await page
    .getByTestId('result-row')
    .evaluateAll((els) =>
      els.map((r) => [Number(r.getAttribute('data-row')), [...r.querySelectorAll('[role=gridcell]')].map((c) => (c.hasAttribute('data-null') ? null : (c.getAttribute('data-value') ?? '')))] as const),
    );
  return new Map(rows);
}

/** All rows of a small result (it fits on screen without scrolling: up to ~14 rows). */
export async function smallResult(page: Page): Promise<(string | null)[][]> {
  const n = Number(await summary(page).getAttribute('data-rows'));
  const drawn = await drawnRows(page);
  return Array.from({ length: n }, (_, i) => drawn.get(i) ?? ['<not drawn>']);
}
