/**
 * The import UI as a person uses it, by its test ids: add files, choose, import, read the Datasets
 * panel, the tiles and the view cards. Every expectation compares with figures the generators
 * computed from the rows they wrote.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import type { Expected } from './sales';

export interface Payload {
  name: string;
  bytes: Uint8Array;
}

export async function openApp(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/?batchInterval=3600`);
  await expect(page.getByRole('button', { name: 'New view' })).toBeEnabled();
  await expect(page.getByTestId('datasets-panel')).toBeVisible();
}

/** Files through the hidden file input: payloads (small files) or paths on disk (big ones). */
export async function addFiles(page: Page, files: Payload[] | string[]): Promise<void> {
  const list = files.map((f) => (typeof f === 'string' ? f : { name: f.name, mimeType: 'application/octet-stream', buffer: Buffer.from(f.bytes) }));
  await page.setInputFiles('[data-testid=import-input]', list as string[]);
}

export const cardOf = (page: Page, fileName: string): Locator => page.locator(`[data-testid="import-card"][data-file-name=${JSON.stringify(fileName)}]`);

/** Waits for the card to reach one of `states` (or failed, or cancelled); on another, fails with the card's own error text. */
export async function settle(card: Locator, states: string[], timeout = 60_000): Promise<string> {
  const ends = new RegExp(`^(${[...new Set([...states, 'failed', 'cancelled'])].join('|')})$`);
  await expect(card).toHaveAttribute('data-status', ends, { timeout });
  const status = (await card.getAttribute('data-status')) ?? '';
  if (!states.includes(status)) {
    const error = (await card.getByTestId('import-error').allInnerTexts()).join(' | ');
    throw new Error(`import card ${await card.getAttribute('data-file-name')}: ${status}, expected ${states.join(' or ')}${error ? `: ${error}` : ''}`);
  }
  return status;
}

export interface Choice {
  /** The event-time field, or null for the import's own time. */
  eventTime: string | null;
  /** 'new' (the default) or an existing dataset's id. */
  target?: string;
  name?: string;
}

/** Chooses and clicks Import on a card that is ready; returns the card. */
export async function start(page: Page, fileName: string, choice: Choice): Promise<Locator> {
  const card = cardOf(page, fileName);
  await settle(card, ['ready']);
  await card.getByTestId('import-target').selectOption(choice.target ?? 'new');
  if (choice.name !== undefined) await card.getByTestId('import-name').fill(choice.name);
  await card.getByTestId('import-event-time').selectOption(choice.eventTime ?? '');
  await card.getByTestId('import-start').click();
  return card;
}

/** Imports a card's file and returns the dataset id its result names. */
export async function importFile(page: Page, fileName: string, choice: Choice, timeout = 60_000): Promise<string> {
  const card = await start(page, fileName, choice);
  await settle(card, ['done'], timeout);
  const id = await card.getByTestId('import-result').getAttribute('data-dataset');
  expect(id, `${fileName}: import-result names its dataset`).toBeTruthy();
  return id!;
}

/**
 * Starts an import and times it from the click: when the progress bar first shows all `rows` read
 * (null if never seen between polls), and when the card says done.
 */
export async function importTimed(page: Page, fileName: string, choice: Choice, rows: number, timeout: number): Promise<{ card: Locator; allRowsMs: number | null; doneMs: number }> {
  await settle(cardOf(page, fileName), ['ready']);
  const t0 = Date.now();
  const card = await start(page, fileName, choice);
  let allRowsMs: number | null = null;
  const progressRows = () =>
    card
      .getByTestId('import-progress')
      .getAttribute('data-rows', { timeout: 200 })
      .catch(() => null);
  const status = async () => {
    if (allRowsMs === null && Number(await progressRows()) === rows) allRowsMs = Date.now() - t0;
    return card.getAttribute('data-status');
  };
  await expect.poll(status, { timeout, intervals: [250] }).toMatch(/^(done|failed|cancelled)$/);
  await settle(card, ['done']);
  return { card, allRowsMs, doneMs: Date.now() - t0 };
}

/** The preview's field names and types, in order. */
export async function previewFields(card: Locator): Promise<[string, string][]> {
  return card.getByTestId('import-field').evaluateAll((cells) => cells.map((c) => [c.getAttribute('data-name') ?? '', c.getAttribute('data-type') ?? ''] as [string, string]));
}

/** Preview row `r` as {field: text}, cells matched to the fields from the right (a leading row-number cell would not shift them). */
export async function previewRow(card: Locator, r: number): Promise<Record<string, string>> {
  const names = (await previewFields(card)).map(([n]) => n);
  const cells = await card.getByTestId('import-preview').locator('tbody tr').nth(r).locator('td').allInnerTexts();
  const mine = cells.slice(-names.length);
  return Object.fromEntries(names.map((n, i) => [n, (mine[i] ?? '').trim()]));
}

export interface DatasetRow {
  id: string;
  name: string;
  rows: number;
  bytes: number;
  origin: string;
  minTs: number | null;
  maxTs: number | null;
  schema: string;
}

/** The Datasets panel, by dataset id. */
export async function datasets(page: Page): Promise<Record<string, DatasetRow>> {
  const rows = await page.getByTestId('dataset-row').evaluateAll((els) =>
    els.map((e) => {
      const a = (n: string) => e.getAttribute(n) ?? '';
      const num = (n: string) => (a(n) === '' ? null : Number(a(n)));
      return {
        id: a('data-id'),
        name: a('data-name'),
        rows: Number(a('data-rows')),
        bytes: Number(a('data-bytes')),
        origin: a('data-origin'),
        minTs: num('data-min-ts'),
        maxTs: num('data-max-ts'),
        schema: e.querySelector('[data-testid="dataset-schema"]')?.textContent ?? '',
      };
    }),
  );
  return Object.fromEntries(rows.map((r) => [r.id, r]));
}

export const pickerIds = (page: Page): Promise<string[]> =>
  page
    .getByTestId('dataset-picker')
    .locator('option')
    .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));

/** A test id part from a measure label, as the contract defines it: "Sum of $amount" -> "sum-of-amount". */
export const slug = (label: string) => label.toLowerCase().replace(/[^a-z0-9]+/g, '-');

const attr = (page: Page, testId: string) => page.getByTestId(testId).getAttribute('data-value');

/** The dashboard shows `id`; its tiles settle on the expected figures, all in batch (speed 0); its Datasets row matches. */
export async function expectDataset(page: Page, id: string, exp: Expected): Promise<void> {
  await expect(page.getByTestId('dataset-picker')).toHaveValue(id);
  await expect.poll(() => attr(page, 'kpi-events-merged'), { message: `${id}: Events` }).toBe(String(exp.rows));
  await expect.poll(() => attr(page, 'kpi-events-batch'), { message: `${id}: Events in batch` }).toBe(String(exp.rows));
  expect(await attr(page, 'kpi-events-speed')).toBe('0');
  for (const [field, sum] of Object.entries(exp.intSums)) {
    for (const part of ['merged', 'batch']) expect(await attr(page, `kpi-${slug(`Sum of ${field}`)}-${part}`), `${id}: Sum of ${field} (${part})`).toBe(String(sum));
  }
  for (const [field, sum] of Object.entries(exp.floatSums)) {
    for (const part of ['merged', 'batch']) expect(await attr(page, `kpi-${slug(`Sum of ${field}`)}-${part}`), `${id}: Sum of ${field} (${part})`).toBe(sum);
  }
  const row = (await datasets(page))[id];
  expect(row, `${id} in the Datasets panel`).toBeDefined();
  expect({ rows: row!.rows, origin: row!.origin, minTs: row!.minTs, maxTs: row!.maxTs }).toEqual({ rows: exp.rows, origin: 'file', minTs: exp.minTs, maxTs: exp.maxTs });
}

/** Renames dataset `id`, asks to delete it and keeps it, then deletes it: its row and picker entry go. */
export async function renameThenDelete(page: Page, id: string, name: string, rows: number): Promise<void> {
  const row = page.locator(`[data-testid="dataset-row"][data-id="${id}"]`);
  await row.getByTestId('dataset-rename').click();
  await row.getByTestId('dataset-name-input').fill(name);
  await row.getByTestId('dataset-rename-save').click();
  await expect(row).toHaveAttribute('data-name', name);
  await row.getByTestId('dataset-delete').click();
  await page.getByTestId('dataset-delete-keep').click();
  await expect(row).toHaveAttribute('data-rows', String(rows));
  await row.getByTestId('dataset-delete').click();
  await page.getByTestId('dataset-delete-confirm').click();
  await expect(row).toHaveCount(0);
  await expect.poll(() => pickerIds(page)).not.toContain(id);
}

export const viewCard = (page: Page, name: string): Locator => page.locator(`[data-testid="view-card"][data-view-name=${JSON.stringify(name)}]`);

/** A view card's rows as {data-key: first measure}. */
export async function viewCounts(page: Page, name: string): Promise<Record<string, number>> {
  return viewCard(page, name)
    .locator('[data-testid="view-row"]')
    .evaluateAll((rows) => Object.fromEntries(rows.map((r) => [r.getAttribute('data-key') ?? '', Number(r.querySelector('td[data-value]')?.getAttribute('data-value'))])));
}

/** Adds "count by `field`" on dataset `id` with the view editor; the dashboard then shows that dataset. */
export async function addCountView(page: Page, id: string, field: string, name: string): Promise<void> {
  await page.getByRole('button', { name: 'New view' }).click();
  await page.getByLabel('View dataset').selectOption(id);
  await page.getByLabel('View name').fill(name);
  await page.getByLabel(`Group by ${field}`, { exact: true }).check();
  await page.getByLabel('Measure 1', { exact: true }).selectOption('count');
  await page.getByRole('button', { name: 'Add view' }).click();
  await expect(viewCard(page, name)).toBeVisible();
}

/** A full-page screenshot attached to the test and kept in /tmp/files-e2e for a person to look at. */
export async function shot(page: Page, name: string): Promise<void> {
  const png = await page.screenshot({ fullPage: true });
  mkdirSync('/tmp/files-e2e', { recursive: true });
  writeFileSync(`/tmp/files-e2e/${name}.png`, png);
  await test.info().attach(name, { body: png, contentType: 'image/png' });
}
