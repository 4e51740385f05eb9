/**
 * Themes as a person sees them: the system's choice by default, light or dark when chosen (kept
 * across a reload), a presentation mode with large type, all reachable by keyboard.
 */
import type { Page } from '@playwright/test';
import { openConsole, runSql } from './console/consoleUi';
import { shot } from './files/importUi';
import { dataValue, expect, test } from './fixtures';

const background = (page: Page) => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
const LIGHT = 'rgb(248, 250, 252)';
const DARK = 'rgb(11, 18, 32)';

test('light, dark and the system choice; presentation mode; kept across a reload; by keyboard', async ({ page, server, api }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(`${server.url}/?batchInterval=3600`);
  await expect(page.getByTestId('recompute-now')).toBeEnabled();
  // The system asks for dark: dark it is.
  expect(await background(page)).toBe(DARK);
  await api.pause();
  const stats = await api.stats();
  await page.getByTestId('recompute-now').click();
  // The pipeline diagram tells the same numbers: all in the log, all in batch at W, none left to speed.
  await expect.poll(() => dataValue(page, 'flow-log')).toBe(stats.produced);
  await expect.poll(() => dataValue(page, 'flow-w')).toBe(stats.produced);
  await expect.poll(() => dataValue(page, 'flow-speed')).toBe(0);
  await expect.poll(() => dataValue(page, 'flow-drift')).toBe(0);
  expect(await dataValue(page, 'flow-views')).toBe(3);
  await shot(page, 'dashboard-dark');

  // By keyboard: focus the theme select and choose light.
  await page.getByTestId('theme').focus();
  await page.getByTestId('theme').selectOption('light');
  expect(await background(page)).toBe(LIGHT);
  await shot(page, 'dashboard-light');
  await page.reload();
  await expect(page.getByTestId('theme')).toHaveValue('light');
  expect(await background(page)).toBe(LIGHT);

  // Presentation mode: the same page, larger.
  const before = await page.getByRole('heading', { name: /lambda-workbench/ }).boundingBox();
  await page.getByTestId('presentation-mode').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('presentation-mode')).toHaveAttribute('aria-pressed', 'true');
  const after = await page.getByRole('heading', { name: /lambda-workbench/ }).boundingBox();
  expect(after!.height).toBeGreaterThan(before!.height * 1.2);
  await page.getByTestId('theme').selectOption('dark');
  await shot(page, 'presentation-dark');
  await openConsole(page);
  await page.getByTestId('presentation-mode').click();
  await expect(page.locator('[data-testid="console-table-item"][data-name="shop"]')).toBeVisible({ timeout: 60_000 });
  await runSql(page, 'SELECT country, count(*) AS events, sum(amount) AS revenue FROM shop GROUP BY country ORDER BY events DESC');
  await page.keyboard.press('Escape'); // the completion list typing left open
  await shot(page, 'console-dark');
  await page.getByTestId('theme').selectOption('light');
  await shot(page, 'console-light');
  await page.getByTestId('theme').selectOption('system');
  await page.emulateMedia({ colorScheme: 'light' });
  expect(await background(page)).toBe(LIGHT);
});
