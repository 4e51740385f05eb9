/** Seeded test events in the shop schema (test-only). */
import { seededRandom } from '../protocol/random';
import type { ColumnBatch } from '../protocol/schema';

/** Seeded random numbers (test-only name for the shared PRNG). */
export const seeded = seededRandom;

const COUNTRIES = ['US', 'DE', 'GB', 'Ünïcödé ✓', 'JP'];

/** `n` shop events with out-of-order times, some nulls and awkward strings. */
export function shopBatch(n: number, seed = 1, t0 = 1_700_000_000_000): ColumnBatch {
  const r = seeded(seed);
  const ts: number[] = [];
  const country: (string | null)[] = [];
  const product: (string | null)[] = [];
  const channel: (string | null)[] = [];
  const amount: (number | null)[] = [];
  const quantity: (number | null)[] = [];
  for (let i = 0; i < n; i++) {
    ts.push(t0 + Math.floor(r() * 120_000));
    country.push(r() < 0.05 ? null : COUNTRIES[Math.floor(r() * COUNTRIES.length)]!);
    product.push(`p${Math.floor(r() * 4)}`);
    channel.push(r() < 0.5 ? 'web' : 'app');
    amount.push(r() < 0.05 ? null : Math.round(r() * 100_000) / 100);
    quantity.push(1 + Math.floor(r() * 3));
  }
  return { count: n, ts, columns: { country, product, channel, amount, quantity } };
}
