/**
 * Dropped files become datasets, as a person meets it: every format the import reads, the CSV shapes
 * people's exports come in, dates written as text, bad files, appending, cancel, a reload, and a
 * 3,000,000-row Parquet file. Every figure checked (rows, sums, event-time range, rows per group) is
 * computed by the generators in e2e/files from the rows they wrote, never by DuckDB or the app.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { badFiles } from './files/badFiles';
import { writeBigParquet, BIG_CATEGORIES } from './files/binaryFiles';
import { datesCsv, NOTE0, SHAPES_FIELDS, SHAPES_RENAMES, shapesCsv, XSS_VALUES } from './files/csvShapes';
import { formatFiles, SALES_TYPES } from './files/formats';
import {
  addCountView,
  addFiles,
  cardOf,
  importTimed,
  renameThenDelete,
  datasets,
  type DatasetRow,
  expectDataset,
  importFile,
  openApp,
  pickerIds,
  previewFields,
  previewRow,
  settle,
  shot,
  start,
  viewCard,
  viewCounts,
} from './files/importUi';
import { expectedSales, salesRows, type Expected } from './files/sales';
import { delimited } from './files/textFiles';

// A quiet demo stream: the Datasets panel and the picker change only when a file is imported.
// FILES_E2E_EH=1 serves the app without cross-origin isolation, so DuckDB runs its single-threaded
// `eh` bundle instead of the threaded `coi` one: to tell a threading problem from any other.
test.use({ serverOptions: { rate: 400, seed: 7, paused: true, ...(process.env.FILES_E2E_EH ? { isolation: false } : {}) } });

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const noXss = (page: Page) => page.evaluate(() => (window as unknown as { __xss?: number }).__xss);

test('every format imports with exact figures; a reload keeps every dataset, view and the picker choice', async ({ page, server }) => {
  test.setTimeout(300_000);
  const files = formatFiles();
  await openApp(page, server.url);
  await addFiles(page, files);
  await expect(page.getByTestId('import-card')).toHaveCount(files.length);
  const first = cardOf(page, files[0]!.name);
  await settle(first, ['ready']);
  await expect(first.getByTestId('import-name')).toHaveValue('fmt-csv');
  await shot(page, 'import-preview');

  const ids: string[] = [];
  for (const f of files) {
    const card = cardOf(page, f.name);
    await settle(card, ['ready']);
    expect(await previewFields(card), `${f.name}: preview fields`).toEqual(SALES_TYPES);
    if (f.rowCount !== undefined) await expect(card.getByTestId('import-rowcount'), `${f.name}: row count`).toHaveAttribute('data-value', f.rowCount);
    const id = await importFile(page, f.name, { eventTime: 'when', name: f.name });
    await expect(card.getByTestId('import-result')).toHaveAttribute('data-rows', String(f.expected.rows));
    await expect(card.getByTestId('import-result')).toHaveAttribute('data-skipped', '0');
    // Importing a new dataset switches the dashboard to it.
    await expect(page.getByTestId('dataset-picker')).toHaveValue(id);
    ids.push(id);
  }
  expect(new Set(ids).size).toBe(files.length);

  const viewsOf: Record<string, string[]> = {};
  for (const [i, f] of files.entries()) {
    await addCountView(page, ids[i]!, 'city', `by city ${i}`);
    await expectDataset(page, ids[i]!, f.expected);
    await expect.poll(() => viewCounts(page, `by city ${i}`), { message: `${f.name}: rows per city` }).toEqual(f.expected.groups.city);
    await expect.poll(() => viewCounts(page, 'Events by ok'), { message: `${f.name}: rows per ok` }).toEqual(f.expected.groups.ok);
    await expect(page.getByTestId('timeline').first()).toBeVisible();
    viewsOf[ids[i]!] = await page.getByTestId('view-card').evaluateAll((cs) => cs.map((c) => c.getAttribute('data-view-name') ?? '').sort());
  }
  const before = await datasets(page);
  await shot(page, 'datasets-panel');

  // Reload: every dataset, its views and the picker's choice are still there.
  const chosen = ids[3]!;
  await page.getByTestId('dataset-picker').selectOption(chosen);
  await page.reload();
  await expect(page.getByTestId('dataset-picker')).toHaveValue(chosen);
  await expectDataset(page, chosen, files[3]!.expected);
  // Bytes in the log may be measured again after a reload: compared apart, as present.
  const sansBytes = (ds: Record<string, DatasetRow>) =>
    Object.values(ds)
      .sort((x, y) => x.id.localeCompare(y.id))
      .map((d) => ({ ...d, bytes: d.origin === 'file' ? d.bytes > 0 : true }));
  expect(sansBytes(await datasets(page))).toEqual(sansBytes(before));
  for (const [i, f] of files.entries()) {
    await page.getByTestId('dataset-picker').selectOption(ids[i]!);
    await expect.poll(() => page.getByTestId('view-card').evaluateAll((cs) => cs.map((c) => c.getAttribute('data-view-name') ?? '').sort())).toEqual(viewsOf[ids[i]!]);
    await expect.poll(() => viewCounts(page, `by city ${i}`)).toEqual(f.expected.groups.city);
    await expect(page.getByTestId('kpi-events-merged')).toHaveAttribute('data-value', String(f.expected.rows));
  }
});

test('CSV shapes: names renamed with a note, odd names summed, None/NULL kept as text beside empty, HTML shown as text', async ({ page, server }) => {
  const { bytes, expected } = shapesCsv();
  await openApp(page, server.url);
  await addFiles(page, [{ name: 'shapes.csv', bytes }]);
  const card = cardOf(page, 'shapes.csv');
  await settle(card, ['ready']);
  expect(await previewFields(card)).toEqual(SHAPES_FIELDS);
  const notes = card.getByTestId('import-notes');
  for (const [from, to] of SHAPES_RENAMES) await expect(notes).toContainText(new RegExp(`${esc(JSON.stringify(from))}[^\\n]*renamed ${esc(JSON.stringify(to))}`));
  await expect(notes).toContainText('named "column_15"');
  await expect(notes).toContainText('None');
  const row0 = await previewRow(card, 0);
  expect(row0).toMatchObject({ note: NOTE0, 'say "hi"': 'hello', code: 'None', $amount: expect.stringMatching(/^-?\d+\.\d+$/) });
  // Rows 3 and 4 hold HTML and a script in größe: shown as the characters they are.
  await expect(card.getByTestId('import-preview')).toContainText(XSS_VALUES[0]!);
  await expect(card.getByTestId('import-preview')).toContainText(XSS_VALUES[1]!);
  await shot(page, 'import-preview-shapes');

  const id = await importFile(page, 'shapes.csv', { eventTime: 'when' });
  await addCountView(page, id, 'code', 'by code');
  await expectDataset(page, id, expected);
  // "None" and "NULL" are text; only the empty cells are null.
  await expect.poll(() => viewCounts(page, 'by code')).toEqual(expected.groups.code);
  expect(Object.keys(expected.groups.code!).sort()).toEqual(['["NULL"]', '["None"]', '["x"]', '[null]']);
  await expect.poll(() => viewCounts(page, 'Events by größe')).toEqual(expected.groups.größe);
  await expect(viewCard(page, 'Events by größe')).toContainText(XSS_VALUES[0]!);
  const schema = (await datasets(page))[id]!.schema;
  for (const [name, type] of SHAPES_FIELDS) expect(schema).toContain(`${name} ${type}`);
  expect(await noXss(page)).toBeUndefined();
});

test('dates written as text are found per column, and the format can be changed before importing', async ({ page, server }) => {
  const d = datesCsv();
  await openApp(page, server.url);
  await addFiles(page, [{ name: 'dates.csv', bytes: d.bytes }]);
  const card = cardOf(page, 'dates.csv');
  await settle(card, ['ready']);
  const format = (field: string) => card.locator(`[data-testid="import-format"][data-field="${field}"]`);
  await expect(format('d1')).toHaveValue('%b %d %Y');
  await expect(format('d2')).toHaveValue('%Y/%m/%d %H:%M:%S');
  await expect(format('d3')).toHaveValue('%m/%d/%Y');
  expect(
    await format('d3')
      .locator('option')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)),
  ).toEqual(expect.arrayContaining(['', '%m/%d/%Y', '%d/%m/%Y']));
  await expect(card.getByTestId('import-format')).toHaveCount(3);
  expect(await previewFields(card)).toEqual([
    ['d1', 'date'],
    ['d2', 'timestamp'],
    ['d3', 'date'],
    ['v', 'integer'],
  ]);
  expect(await previewRow(card, 0)).toEqual({ d1: '2000-01-01', d2: '2015-01-03 00:00:00', d3: '2001-03-04', v: expect.any(String) });

  // Day first for d3; d2 kept as text: the preview reads the file again with these choices.
  await format('d3').selectOption('%d/%m/%Y');
  await expect.poll(async () => (await previewRow(card, 0)).d3).toBe('2001-04-03');
  await format('d2').selectOption('');
  await expect(card.locator('[data-testid="import-field"][data-name="d2"]')).toHaveAttribute('data-type', 'text');
  await expect.poll(async () => (await previewRow(card, 0)).d2).toBe(d.first.d2);
  await settle(card, ['ready']);
  await shot(page, 'import-preview-dates');

  const id = await importFile(page, 'dates.csv', { eventTime: 'd3' });
  const exp: Expected = { rows: d.rows, intSums: { v: d.vSum }, floatSums: {}, ...d.dayFirst, groups: {} };
  await expectDataset(page, id, exp);
  const schema = (await datasets(page))[id]!.schema;
  for (const part of ['d1 date', 'd2 text', 'd3 date', 'v integer']) expect(schema).toContain(part);
});

test('each bad file gives one message naming it, and no dataset', async ({ page, server }) => {
  const bad = badFiles();
  await openApp(page, server.url);
  const before = await datasets(page);
  const picker = await pickerIds(page);
  await addFiles(page, bad);
  await expect(page.getByTestId('import-card')).toHaveCount(bad.length);
  for (const f of bad) {
    const card = cardOf(page, f.name);
    // Some are refused at the preview, others only while importing (a bad value past the rows the preview reads).
    if ((await settle(card, ['ready', 'failed'])) === 'ready') await settle(await start(page, f.name, { eventTime: null }), ['failed']);
    const error = card.getByTestId('import-error');
    await expect(error, f.name).toHaveCount(1);
    await expect(error).toHaveAttribute('role', 'alert');
    await expect(error, f.name).toContainText(JSON.stringify(f.name));
    await expect(error, f.name).toContainText(f.problem);
  }
  await shot(page, 'import-bad-files');
  expect(Object.keys(await datasets(page)).sort()).toEqual(Object.keys(before).sort());
  expect(await pickerIds(page)).toEqual(picker);
  expect(await noXss(page)).toBeUndefined();
  for (const f of bad) await cardOf(page, f.name).getByTestId('import-dismiss').click();
  await expect(page.getByTestId('import-card')).toHaveCount(0);
});

test('appending: a dropped file that fits adds its rows; one that does not shows why, field by field', async ({ page, server }) => {
  const base = salesRows(300, 21);
  const more = salesRows(120, 22);
  await openApp(page, server.url);
  await addFiles(page, [{ name: 'base.csv', bytes: delimited(base, ',', ['when', 'city', 'qty', 'price']) }]);
  const id = await importFile(page, 'base.csv', { eventTime: 'when' });
  const b = expectedSales(base);
  await expectDataset(page, id, { ...b, groups: {} });

  // Dropped anywhere on the page: the overlay shows while dragging.
  const text = delimited(more, ',', ['when', 'qty', 'city']).toString('utf8');
  const dt = await page.evaluateHandle((t) => {
    const d = new DataTransfer();
    d.items.add(new File([t], 'more.csv', { type: 'text/csv' }));
    return d;
  }, text);
  await page.dispatchEvent('body', 'dragenter', { dataTransfer: dt });
  await page.dispatchEvent('body', 'dragover', { dataTransfer: dt });
  await expect(page.getByTestId('drop-overlay')).toBeVisible();
  await page.dispatchEvent('body', 'drop', { dataTransfer: dt });
  await expect(page.getByTestId('drop-overlay')).toBeHidden();
  await importFile(page, 'more.csv', { eventTime: 'when', target: id });
  const m = expectedSales(more);
  const both: Expected = {
    rows: b.rows + m.rows,
    intSums: { qty: b.intSums.qty! + m.intSums.qty! },
    floatSums: b.floatSums,
    minTs: Math.min(b.minTs, m.minTs),
    maxTs: Math.max(b.maxTs, m.maxTs),
    groups: {},
  };
  await expectDataset(page, id, both);
  await addCountView(page, id, 'city', 'by city');
  const cities: Record<string, number> = { ...b.groups.city };
  for (const [k, n] of Object.entries(m.groups.city!)) cities[k] = (cities[k] ?? 0) + n;
  await expect.poll(() => viewCounts(page, 'by city')).toEqual(cities);
  const row = page.locator(`[data-testid="dataset-row"][data-id="${id}"]`);
  await expect(row.getByTestId('dataset-files')).toContainText('base.csv');
  await expect(row.getByTestId('dataset-files')).toContainText('more.csv');

  // A misfit: qty holds words, and a field the dataset does not have.
  await addFiles(page, [{ name: 'misfit.csv', bytes: Buffer.from('when,qty,extra\n2024-05-01 00:00:00,lots,1\n2024-05-02 00:00:00,many,2\n') }]);
  const card = cardOf(page, 'misfit.csv');
  await settle(card, ['ready']);
  await card.getByTestId('import-target').selectOption(id);
  const problems = card.getByTestId('import-fit-problems');
  await expect(problems).toContainText('"qty" is text in the file but integer in the dataset');
  await expect(problems).toContainText('"extra" is not a field of the dataset');
  await shot(page, 'import-misfit');
  if (await card.getByTestId('import-start').isEnabled()) {
    await card.getByTestId('import-start').click();
    await settle(card, ['failed']);
    await expect(card.getByTestId('import-error')).toContainText('does not fit');
  }
  await expectDataset(page, id, both);

  // Rename, then delete (after first keeping it): the dataset, its views and its picker entry go.
  await renameThenDelete(page, id, 'base, renamed', both.rows);
  await expect(viewCard(page, 'by city')).toHaveCount(0);
});

test.describe('a 3,000,000-row ZSTD Parquet file', () => {
  const N = 3_000_000;
  let dir = '';
  let path = '';
  let big: Expected;
  test.beforeAll(() => {
    const t0 = Date.now();
    dir = mkdtempSync(join(tmpdir(), 'lwb-files-'));
    path = join(dir, 'sales-3m.parquet');
    big = writeBigParquet(path, N);
    console.log(`[files] wrote ${path} (${N} rows) in ${Date.now() - t0} ms`);
  });
  test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('cancel mid-import leaves no dataset and no change', async ({ page, server }) => {
    test.setTimeout(180_000);
    await openApp(page, server.url);
    const before = await datasets(page);
    const picker = await pickerIds(page);
    await addFiles(page, [path]);
    const card = cardOf(page, 'sales-3m.parquet');
    await settle(card, ['ready']);
    await expect(card.getByTestId('import-rowcount')).toHaveAttribute('data-value', String(N));
    expect(await previewFields(card)).toEqual([
      ['event_time', 'timestamp'],
      ['category', 'text'],
      ['units', 'integer'],
      ['amount', 'float'],
      ['flag', 'boolean'],
    ]);
    await start(page, 'sales-3m.parquet', { eventTime: 'event_time' });
    const progress = card.getByTestId('import-progress');
    await expect(progress).toHaveAttribute('role', 'progressbar');
    await expect.poll(async () => Number(await progress.getAttribute('data-rows')), { timeout: 60_000 }).toBeGreaterThan(0);
    await shot(page, 'import-progress');
    await card.getByTestId('import-cancel').click();
    await settle(card, ['cancelled']);
    await page.waitForTimeout(2000);
    // Bytes in the log may be measured again after a reload: compared apart, as present.
    const sansBytes = (ds: Record<string, DatasetRow>) =>
      Object.values(ds)
        .sort((x, y) => x.id.localeCompare(y.id))
        .map((d) => ({ ...d, bytes: d.origin === 'file' ? d.bytes > 0 : true }));
    expect(sansBytes(await datasets(page))).toEqual(sansBytes(before));
    expect(await pickerIds(page)).toEqual(picker);
  });

  test('imports with exact figures', async ({ page, server }, testInfo) => {
    test.setTimeout(300_000);
    await openApp(page, server.url);
    await addFiles(page, [path]);
    const t0 = Date.now();
    const { card, allRowsMs, doneMs } = await importTimed(page, 'sales-3m.parquet', { eventTime: 'event_time' }, N, 240_000);
    const id = (await card.getByTestId('import-result').getAttribute('data-dataset'))!;
    await expectDataset(page, id, big);
    const exact = Date.now() - t0;
    const ms = await card.getByTestId('import-result').getAttribute('data-ms');
    const sec = (x: number | null) => (x === null ? 'never seen' : `${(x / 1000).toFixed(1)} s`);
    const timing = `3,000,000-row ZSTD Parquet: all rows read after ${sec(allRowsMs)}, the card done after ${sec(doneMs)} (the importer's own time: ${ms} ms), exact in batch after ${sec(exact)}`;
    console.log(`[files] ${timing}`);
    testInfo.annotations.push({ type: 'timing', description: timing });
    await expect.poll(() => viewCounts(page, 'Events by flag')).toEqual(big.groups.flag);
    await addCountView(page, id, 'category', 'by category');
    await expect.poll(() => viewCounts(page, 'by category')).toEqual(big.groups.category);
    expect(Object.keys(big.groups.category!).length).toBe(BIG_CATEGORIES.length);
    await shot(page, 'big-parquet-imported');
  });
});
