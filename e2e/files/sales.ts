/**
 * The rows the good test files hold, made from a seed, and the figures a dashboard must show for
 * them, computed here from the rows themselves (integer arithmetic; prices in whole cents), never
 * through DuckDB or the app's code.
 */
import { seededRandom } from '../../src/protocol/random';

/** The same seed gives the same file (the generator the demo stream uses, not the code under test). */
export const rng = seededRandom;

/** What a dataset must show once imported. */
export interface Expected {
  rows: number;
  /** Sums of integer fields, exact. */
  intSums: Record<string, number>;
  /** Sums of float fields as the KPI tiles' data-value gives them: to the cent ("1234.50"). */
  floatSums: Record<string, string>;
  /** Event-time range in ms. */
  minTs: number;
  maxTs: number;
  /** Rows per value of a field (keys are the JSON of the view row's key array, e.g. `["Oslo"]`, `[null]`). */
  groups: Record<string, Record<string, number>>;
}

export const CITIES = ['Oslo', 'Lima', 'Pune', 'Kyiv', 'Accra', 'São Paulo'] as const;

/** Columns of the sales rows; null marks an empty value. */
export interface SalesRows {
  n: number;
  /** Event time, ms since 1970 (UTC wall clock). */
  when: number[];
  city: string[];
  qty: (number | null)[];
  /** Prices in whole cents (the files hold cents / 100). */
  priceCents: (number | null)[];
  ok: (boolean | null)[];
}

const DAY = 86_400_000;

/** `n` rows over 30 days from a day that depends on the seed; times to the millisecond, in no order. */
export function salesRows(n: number, seed: number): SalesRows {
  const r = rng(seed);
  const base = Date.UTC(2023, 0, 1) + (seed % 300) * DAY;
  const rows: SalesRows = { n, when: [], city: [], qty: [], priceCents: [], ok: [] };
  for (let i = 0; i < n; i++) {
    rows.when.push(base + Math.floor(r() * 30 * DAY));
    // Skewed: the first cities are the most common.
    rows.city.push(CITIES[Math.floor(r() * r() * CITIES.length)]!);
    rows.qty.push(i % 50 === 7 ? null : Math.floor(r() * 551) - 50);
    rows.priceCents.push(i % 70 === 3 ? null : Math.floor(r() * 100_000));
    rows.ok.push(i % 40 === 11 ? null : r() < 0.6);
  }
  return rows;
}

export const cents = (c: number) => (c / 100).toFixed(2);

/** Counts per key, keyed like a view row's data-key (the JSON of the key array). */
export function countBy<T>(values: readonly T[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) {
    const k = JSON.stringify([v]);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

export function sumOf(values: readonly (number | null)[]): number {
  let s = 0;
  for (const v of values) if (v !== null) s += v;
  return s;
}

/** The figures of sales rows imported with `when` as event time. */
export function expectedSales(rows: SalesRows): Expected {
  return {
    rows: rows.n,
    intSums: { qty: sumOf(rows.qty) },
    floatSums: { price: cents(sumOf(rows.priceCents)) },
    minTs: rows.when.reduce((a, b) => Math.min(a, b)),
    maxTs: rows.when.reduce((a, b) => Math.max(a, b)),
    groups: { city: countBy(rows.city), ok: countBy(rows.ok) },
  };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `2024-01-31 13:45:07.123` (the ms part only when not zero), read as UTC; `T` instead of the space when asked. */
export function isoText(ms: number, sep = ' '): string {
  const d = new Date(ms);
  const frac = d.getUTCMilliseconds();
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}${sep}${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${frac ? `.${pad(frac, 3)}` : ''}`;
}

/** The same instant written in another zone: local wall-clock time at `offsetMin` and its offset (`+05:30`). */
export function zonedText(ms: number, offsetMin: number): string {
  const sign = offsetMin < 0 ? '-' : '+';
  const a = Math.abs(offsetMin);
  return `${isoText(ms + offsetMin * 60_000, 'T')}${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}
