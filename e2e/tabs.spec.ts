/**
 * Two tabs on one workspace share its log. One reads the stream and appends; the other follows the
 * log. Both must show exact totals and no hand-over drift, and when the writing tab closes the other
 * takes over the stream without losing or repeating an event.
 */
import type { Page } from '@playwright/test';
import type { ShopStreamStats } from '../src/protocol/stream';
import { expect, screenshot, test, textValueOf, dataValue } from './fixtures';

async function expectExact(tab: Page, s: ShopStreamStats): Promise<void> {
  await expect.poll(() => dataValue(tab, 'status-log'), { timeout: 30_000 }).toBe(s.produced);
  // Before a recompute here, the events since this tab's W are in its speed layer: the merged view is exact already.
  await expect.poll(() => dataValue(tab, 'kpi-events-merged')).toBe(s.produced);
  expect(await textValueOf(tab, 'kpi-revenue-merged')).toBe(s.amountTotal.toFixed(2));
  await tab.getByTestId('recompute-now').click();
  await expect.poll(() => dataValue(tab, 'status-w'), { timeout: 30_000 }).toBe(s.produced);
  await expect.poll(() => dataValue(tab, 'kpi-events-batch')).toBe(s.produced);
  expect(await dataValue(tab, 'kpi-events-merged')).toBe(s.produced);
  expect(await textValueOf(tab, 'kpi-revenue-merged')).toBe(s.amountTotal.toFixed(2));
  // Every hand-over was reconciled without drift: the speed layer's tally equals batch's for those events.
  await expect.poll(() => tab.getByTestId('handover').count()).toBeGreaterThan(0);
  await expect(tab.locator('[data-testid="handover"][data-ok="false"]')).toHaveCount(0);
}

test.use({ serverOptions: { rate: 1_000, seed: 21 } });

test('a second tab follows the log the first one writes; both exact; it takes over when the first closes', async ({ page, server, api, openTab }) => {
  await page.goto(`${server.url}/?batchInterval=3600`);
  await expect(page.getByTestId('status-connection')).toHaveAttribute('data-value', 'open');
  const second = await openTab();
  await second.goto(`${server.url}/?batchInterval=3600`);
  await expect(second.getByTestId('status-connection')).toHaveAttribute('data-value', 'elsewhere');
  await expect(second.getByTestId('messages')).toContainText('open in another tab');

  // Two tabs start a DuckDB each at once: on 2 cores that can take tens of seconds. The merged
  // figures exist from the first recompute on.
  await expect(second.getByTestId('app')).toHaveAttribute('data-phase', 'ready', { timeout: 90_000 });
  // The follower's live figures grow with the log the writer appends.
  const start = await dataValue(second, 'status-log');
  await expect.poll(() => dataValue(second, 'kpi-events-speed')).toBeGreaterThan(0);
  await expect.poll(() => dataValue(second, 'status-log')).toBeGreaterThan(start + 1000);
  await screenshot(second, 'follower-tab');

  const sent = await api.pause();
  expect(sent.clients).toBe(1); // one socket for the workspace, not one per tab
  await expectExact(page, sent);
  await expectExact(second, sent);

  // The writer goes: the follower takes the stream over from the log's durable offset.
  await page.close();
  await expect(second.getByTestId('status-connection')).toHaveAttribute('data-value', 'open', { timeout: 30_000 });
  await api.resume();
  await expect.poll(() => dataValue(second, 'status-log')).toBeGreaterThan(sent.produced + 1000);
  const after = await api.pause();
  await expectExact(second, after);
});
