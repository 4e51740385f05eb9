/**
 * Cross-filtering by a brushed time range, by mouse and by keyboard, against the rows the test
 * wrote: the other cards show exactly the rows in the range. Zooming to the range, panning and
 * going back to live lose nothing.
 */
import { addFiles, importFile, openApp, shot } from './files/importUi';
import { salesRows } from './files/sales';
import { delimited } from './files/textFiles';
import { dataValue, expect, test } from './fixtures';

test('a time range brushed on the timeline filters the other cards to the exact rows in it; zoom, pan, back to live; by keyboard too', async ({ page, server }) => {
  const rows = salesRows(1500, 41);
  await openApp(page, server.url);
  await addFiles(page, [{ name: 'brush.csv', bytes: delimited(rows, ',') }]);
  const id = await importFile(page, 'brush.csv', { eventTime: 'when', name: 'brush' });
  await page.getByTestId('dataset-picker').selectOption(id);
  await expect.poll(() => dataValue(page, 'kpi-events-merged')).toBe(rows.n);
  const inRange = async () => {
    const text = page.getByTestId('range-text');
    const from = Number(await text.getAttribute('data-from'));
    const to = Number(await text.getAttribute('data-to'));
    const keep = rows.when.map((t) => t >= from && t < to);
    const qty = rows.qty.reduce<number>((n, q, i) => n + (keep[i] && q !== null ? q : 0), 0);
    return { from, to, count: keep.filter(Boolean).length, qty };
  };
  const bars = page.getByTestId('timeline').locator('.bar-rect.batch');
  await expect.poll(() => bars.count()).toBeGreaterThan(10);
  const buckets = await bars.count();

  // By mouse: drag from the 3rd bar to the 8th.
  await page.getByTestId('timeline-chart').scrollIntoViewIfNeeded();
  const a = (await bars.nth(2).boundingBox())!;
  const b = (await bars.nth(7).boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height - 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height - 2, { steps: 6 });
  await page.mouse.up();
  await expect(page.getByTestId('range-text')).toBeVisible();
  await expect(page.getByTestId('cross-filter-banner')).toContainText('brushed on the timeline');
  const brushed = await inRange();
  expect(brushed.count).toBeGreaterThan(0);
  expect(brushed.count).toBeLessThan(rows.n);
  await expect.poll(() => dataValue(page, 'kpi-events-merged'), { timeout: 30_000 }).toBe(brushed.count);
  expect(await dataValue(page, 'kpi-sum-of-qty-merged')).toBe(brushed.qty);
  await shot(page, 'brush-range');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'brush-range-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // Zoom to it: the timeline shows just its buckets; pan earlier; back to live shows them all again.
  await page.getByTestId('range-zoom').click();
  await expect(page.getByTestId('zoom-text')).toBeVisible();
  await expect.poll(() => bars.count()).toBe(6);
  await page.getByTestId('zoom-earlier').click();
  await expect.poll(() => bars.count()).toBe(5); // half the width earlier: two buckets before the data's third
  await page.getByTestId('zoom-live').click();
  await expect.poll(() => bars.count()).toBe(buckets);

  // By keyboard: the newest bucket, widened two to the left, Enter.
  await page.getByTestId('timeline-chart').focus();
  await page.keyboard.press('End');
  await page.keyboard.press('Shift+ArrowLeft');
  await page.keyboard.press('Shift+ArrowLeft');
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await inRange()).from).not.toBe(brushed.from);
  const keyed = await inRange();
  expect(keyed.to).toBeGreaterThan(Math.max(...rows.when));
  await expect.poll(() => dataValue(page, 'kpi-events-merged'), { timeout: 30_000 }).toBe(keyed.count);
  expect(await dataValue(page, 'kpi-sum-of-qty-merged')).toBe(keyed.qty);
  // Escape clears it: every row again.
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('range-text')).toHaveCount(0);
  await expect.poll(() => dataValue(page, 'kpi-events-merged')).toBe(rows.n);
});
