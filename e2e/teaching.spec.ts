/**
 * Teaching controls with exact numbers: rebuilding the batch store from the log reloads every event
 * and changes no figure, because the log is the only truth.
 */
import { addFiles, importFile, openApp, shot } from './files/importUi';
import { dataValue, expect, test, textValueOf } from './fixtures';

test('rebuild the batch store from the log: every event loaded again, the same exact totals', async ({ page, server, api }) => {
  await page.goto(`${server.url}/?batchInterval=3600`);
  await expect(page.getByTestId('recompute-now')).toBeEnabled();
  await expect.poll(() => dataValue(page, 'status-log')).toBeGreaterThan(500);
  const s = await api.pause();
  await expect.poll(() => dataValue(page, 'status-log')).toBe(s.produced);
  const recomputes = await dataValue(page, 'status-recompute');
  await page.getByTestId('recompute-now').click();
  await expect.poll(() => dataValue(page, 'status-recompute')).toBeGreaterThan(recomputes);
  await expect.poll(() => dataValue(page, 'status-w')).toBe(s.produced);
  // Nothing new: a recompute loads nothing.
  const again = await dataValue(page, 'status-recompute');
  await page.getByTestId('recompute-now').click();
  await expect.poll(() => dataValue(page, 'status-recompute')).toBeGreaterThan(again);
  expect(await dataValue(page, 'status-recompute-loaded')).toBe(0);
  // A rebuild loads the whole log again, and every figure stays what it was.
  const before = await dataValue(page, 'status-recompute');
  await page.locator('details.experiments summary').click();
  await page.getByTestId('rebuild-batch').click();
  await expect.poll(() => dataValue(page, 'status-recompute')).toBeGreaterThan(before);
  expect(await dataValue(page, 'status-recompute-loaded')).toBe(s.produced);
  expect(await dataValue(page, 'kpi-events-batch')).toBe(s.produced);
  expect(await textValueOf(page, 'kpi-revenue-merged')).toBe(s.amountTotal.toFixed(2));
  await expect(page.locator('[data-testid="handover"][data-ok="false"]')).toHaveCount(0);
});

test('late events injected by keyboard: the speed layer holds exactly them, counted once, and batch takes them over', async ({ page, server, api }) => {
  await page.goto(`${server.url}/?batchInterval=3600`);
  await expect(page.getByTestId('recompute-now')).toBeEnabled();
  await expect.poll(() => dataValue(page, 'status-log')).toBeGreaterThan(300);
  const before = await api.pause();
  await expect.poll(() => dataValue(page, 'status-log')).toBe(before.produced);
  await page.getByTestId('recompute-now').click();
  await expect.poll(() => dataValue(page, 'kpi-events-batch')).toBe(before.produced);
  // By keyboard: 300 events, two minutes late.
  await page.locator('details.experiments summary').click();
  await page.getByTestId('late-count').fill('300');
  await page.getByTestId('late-seconds').fill('120');
  await page.getByTestId('late-seconds').press('Enter');
  await expect.poll(async () => (await api.stats()).produced).toBe(before.produced + 300);
  const after = await api.stats();
  // Past W: the speed layer holds exactly them, the merged total counts each once.
  await expect.poll(() => dataValue(page, 'kpi-events-speed')).toBe(300);
  expect(await dataValue(page, 'kpi-events-merged')).toBe(after.produced);
  // Each card says what its speed part holds.
  await expect(page.getByTestId('timeline').getByTestId('parts-age')).toHaveAttribute('data-speed-events', '300');
  // Side by side: the seq split counts all; a time boundary drops exactly the late events past W.
  await page.getByTestId('boundary-run').click();
  const split = page.getByTestId('boundary-result');
  await expect(split).toHaveAttribute('data-seq-total', String(after.produced));
  await expect(split).toHaveAttribute('data-dropped', '300');
  await expect(split).toHaveAttribute('data-time-total', String(after.produced - 300));
  await shot(page, 'boundary-rules');
  // Hovering a bar says what it is made of: batch, speed, and the merged value.
  await page.getByTestId('breakdown').locator('.bar-rect').first().hover();
  await expect(page.getByTestId('parts-tooltip')).toContainText(/batch .*speed .*merged /s);
  expect(await textValueOf(page, 'kpi-revenue-merged')).toBe(after.amountTotal.toFixed(2));
  await page.getByTestId('recompute-now').click();
  await expect.poll(() => dataValue(page, 'kpi-events-batch')).toBe(after.produced);
  expect(await dataValue(page, 'kpi-events-speed')).toBe(0);
  await expect(page.locator('[data-testid="handover"][data-ok="false"]')).toHaveCount(0);
  // After the next batch the two splits agree again.
  await page.getByTestId('boundary-run').click();
  await expect(split).toHaveAttribute('data-dropped', '0');
  await expect(split).toHaveAttribute('data-time-total', String(after.produced));
});

test('Lambda vs Kappa: replaying the whole log through the speed path gives batch answers, timed', async ({ page, server, api }) => {
  await page.goto(`${server.url}/?batchInterval=3600`);
  await expect(page.getByTestId('recompute-now')).toBeEnabled();
  await expect.poll(() => dataValue(page, 'status-log')).toBeGreaterThan(500);
  const s = await api.pause();
  await expect.poll(() => dataValue(page, 'status-log')).toBe(s.produced);
  await page.getByTestId('recompute-now').click();
  await expect.poll(() => dataValue(page, 'status-w')).toBe(s.produced);
  await page.locator('details.experiments summary').click();
  await page.getByTestId('kappa-run').click();
  const result = page.getByTestId('kappa-result');
  await expect(result).toHaveAttribute('data-ok', 'true');
  await expect(result).toHaveAttribute('data-events', String(s.produced));
  await expect(result).toHaveAttribute('data-w', String(s.produced));
  await expect(result).toContainText('the same answers');
});

test('the guided tour walks its eight steps by keyboard, and its actions do what they say', async ({ page, server, api }) => {
  await page.goto(`${server.url}/?batchInterval=3600`);
  await expect(page.getByTestId('recompute-now')).toBeEnabled();
  await expect.poll(() => dataValue(page, 'status-log')).toBeGreaterThan(300);
  await page.getByTestId('tour-start').focus();
  await page.keyboard.press('Enter');
  const tour = page.getByTestId('tour');
  await expect(tour).toHaveAttribute('data-step', '1');
  await expect(page.getByTestId('pipeline-diagram')).toHaveClass(/tour-target/);
  await page.getByTestId('tour-next').press('Enter');
  await expect(tour).toHaveAttribute('data-step', '2');
  // Step 3: pause batch, and W stays pinned while the log grows.
  await page.getByTestId('tour-next').press('Enter');
  await expect(tour).toHaveAttribute('data-step', '3');
  await page.getByTestId('tour-action').press('Enter');
  await expect(page.getByTestId('pause-batch')).toBeChecked();
  const w = await dataValue(page, 'status-w');
  await expect.poll(() => dataValue(page, 'status-log')).toBeGreaterThan(w + 50);
  expect(await dataValue(page, 'status-w')).toBe(w);
  await shot(page, 'tour-step-3');
  // Steps 4 to 7; step 7 runs Lambda vs Kappa.
  for (const n of [4, 5, 6, 7]) {
    await page.getByTestId('tour-next').press('Enter');
    await expect(tour).toHaveAttribute('data-step', String(n));
  }
  await page.getByTestId('tour-action').click();
  await expect(page.getByTestId('tour-result')).toContainText('the same answers');
  await page.getByTestId('tour-next').click();
  await expect(tour).toHaveAttribute('data-step', '8');
  await tour.press('Escape');
  await expect(tour).toHaveCount(0);
  await api.pause();
});

test('a frozen view holds still while the pipeline goes on, and shows every event on resume', async ({ page, server, api }) => {
  await page.goto(`${server.url}/?batchInterval=3600`);
  await expect(page.getByTestId('recompute-now')).toBeEnabled();
  await expect.poll(() => dataValue(page, 'kpi-events-merged')).toBeGreaterThan(100);
  await page.getByTestId('freeze-view').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('freeze-view')).toHaveAttribute('aria-pressed', 'true');
  const held = await dataValue(page, 'kpi-events-merged');
  await expect.poll(async () => (await api.stats()).produced, { timeout: 30_000 }).toBeGreaterThan(held + 300);
  await expect.poll(async () => Number(await page.getByTestId('frozen-banner').getAttribute('data-since'))).toBeGreaterThan(200);
  expect(await dataValue(page, 'kpi-events-merged')).toBe(held);
  const s = await api.pause();
  await page.getByTestId('frozen-banner').getByRole('button', { name: 'Resume view' }).click();
  await expect(page.getByTestId('frozen-banner')).toHaveCount(0);
  await expect.poll(() => dataValue(page, 'kpi-events-merged')).toBe(s.produced);
  expect(await textValueOf(page, 'kpi-revenue-merged')).toBe(s.amountTotal.toFixed(2));
});

test('time travel: as of seq N, the headline figures are those of the first N events of a file the test wrote', async ({ page, server }) => {
  const rows = ['when,amount'];
  const amounts: number[] = [];
  for (let i = 0; i < 1000; i++) {
    amounts.push((i * 37) % 101);
    rows.push(`2026-01-01 ${String(Math.floor(i / 60) % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00,${amounts[i]}`);
  }
  await openApp(page, server.url);
  await addFiles(page, [{ name: 'ledger.csv', bytes: new TextEncoder().encode(`${rows.join('\n')}\n`) }]);
  const id = await importFile(page, 'ledger.csv', { eventTime: 'when' });
  await page.getByTestId('dataset-picker').selectOption(id);
  await expect.poll(() => dataValue(page, 'kpi-events-batch')).toBe(1000);
  await page.locator('details.experiments summary').click();
  for (const n of [400, 1, 1000]) {
    await page.getByTestId('tt-n').fill(String(n));
    await expect(page.getByTestId('time-travel')).toHaveAttribute('data-as-of', String(n));
    await expect.poll(() => dataValue(page, 'tt-events')).toBe(n);
    await expect.poll(() => dataValue(page, 'tt-sum-of-amount')).toBe(amounts.slice(0, n).reduce((a, b) => a + b, 0));
    if (n === 400) await shot(page, 'experiments');
  }
});

test('cross-filtering: a country chosen in the breakdown filters the other cards, on both paths, to the server’s exact numbers', async ({ page, server, api }) => {
  await page.goto(`${server.url}/?batchInterval=3600`);
  await expect(page.getByTestId('recompute-now')).toBeEnabled();
  await expect.poll(() => dataValue(page, 'status-log')).toBeGreaterThan(500);
  await page.getByTestId('recompute-now').click();
  // By keyboard: choose DE in the breakdown's list while the stream still runs (speed holds events).
  await page.getByTestId('cross-filter').focus();
  await page.getByTestId('cross-filter').selectOption({ label: 'DE' });
  await expect(page.getByTestId('cross-filter-clear')).toBeVisible();
  await expect(page.getByTestId('cross-filter-banner')).toContainText('country = DE');
  const s = await api.pause();
  const de = Object.values(s.breakdown.DE ?? {});
  const count = de.reduce((n, c) => n + c.count, 0);
  const cents = de.reduce((n, c) => n + Math.round(c.amount * 100), 0);
  await expect.poll(() => dataValue(page, 'kpi-events-merged'), { timeout: 30_000 }).toBe(count);
  expect(await textValueOf(page, 'kpi-revenue-merged')).toBe((cents / 100).toFixed(2));
  // The breakdown it was chosen in stays whole, to choose another.
  await expect(page.getByTestId('breakdown').locator('.bar-rect')).not.toHaveCount(0);
  // After a recompute the same figures come from batch alone.
  await page.getByTestId('recompute-now').click();
  await expect.poll(() => dataValue(page, 'kpi-events-batch')).toBe(count);
  await shot(page, 'cross-filter');
  await page.getByTestId('cross-filter-clear').click();
  await expect.poll(() => dataValue(page, 'kpi-events-merged')).toBe(s.produced);
});

test('follow one event: it reaches the log and the speed layer, and batch after a recompute; the boxes holding it light up', async ({ page, server }) => {
  await page.goto(`${server.url}/?batchInterval=3600`);
  await expect(page.getByTestId('recompute-now')).toBeEnabled();
  await expect.poll(() => dataValue(page, 'status-log')).toBeGreaterThan(100);
  const logBefore = await dataValue(page, 'status-log');
  await page.getByTestId('follow-event').focus();
  await page.keyboard.press('Enter');
  const caption = page.getByTestId('follow-caption');
  const seq = Number(await caption.getAttribute('data-seq'));
  expect(seq).toBeGreaterThan(logBefore);
  await expect(caption).toHaveAttribute('data-stage', 'speed', { timeout: 20_000 });
  await expect(page.getByTestId('flow-box-speed')).toHaveAttribute('data-here', 'true');
  await expect(page.getByTestId('flow-box-batch')).toHaveAttribute('data-here', 'false');
  expect(await dataValue(page, 'flow-w')).toBeLessThan(seq);
  await shot(page, 'follow-event');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'follow-event-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.getByTestId('recompute-now').click();
  await expect(caption).toHaveAttribute('data-stage', 'batch', { timeout: 30_000 });
  expect(await dataValue(page, 'flow-w')).toBeGreaterThanOrEqual(seq);
  await expect(page.getByTestId('flow-box-batch')).toHaveAttribute('data-here', 'true');
  await expect(caption).toContainText(`in batch: a recompute moved W to`);
  await caption.getByRole('button', { name: 'Stop following' }).click();
  await expect(caption).toHaveCount(0);
});
