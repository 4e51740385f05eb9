/**
 * Synthetic online-shop orders with realistic skew: a few countries and products dominate, most
 * events arrive within a second of their event time and a few arrive late (out of order).
 * Seeded, so a test run is repeatable.
 */
import { seededRandom } from '../src/protocol/random';
import type { ColumnBatch } from '../src/protocol/schema';

const COUNTRIES = ['US', 'DE', 'GB', 'FR', 'JP', 'BR', 'IN', 'CA', 'NL', 'ES', 'IT', 'SE', 'PL', 'MX', 'AU'];
const PRODUCTS: ReadonlyArray<readonly [string, number]> = [
  ['T-shirt', 1999],
  ['Hoodie', 4999],
  ['Sneakers', 8999],
  ['Cap', 1499],
  ['Backpack', 6499],
  ['Socks', 799],
  ['Jacket', 12999],
  ['Water bottle', 1299],
];
const CHANNELS: ReadonlyArray<readonly [string, number]> = [
  ['web', 0.55],
  ['app', 0.35],
  ['store', 0.1],
];

/** Zipf-like weights: item i has weight 1/(i+1)^s. */
function zipfPicker(n: number, s: number, rand: () => number): () => number {
  const cum: number[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) cum.push((total += 1 / (i + 1) ** s));
  return () => {
    const x = rand() * total;
    let i = 0;
    while (i < n - 1 && cum[i]! < x) i++;
    return i;
  };
}

export class ShopGenerator {
  private readonly rand: () => number;
  private readonly pickCountry: () => number;
  private readonly pickProduct: () => number;

  constructor(seed = 42) {
    this.rand = seededRandom(seed);
    this.pickCountry = zipfPicker(COUNTRIES.length, 1.1, this.rand);
    this.pickProduct = zipfPicker(PRODUCTS.length, 0.8, this.rand);
  }

  /**
   * `count` events whose event times lie around `now`, or, with `spanMs`, spread evenly over the
   * `spanMs` before `now` (a backfill of history).
   */
  next(count: number, now: number, spanMs = 0): ColumnBatch {
    const ts: number[] = [];
    const country: string[] = [];
    const product: string[] = [];
    const channel: string[] = [];
    const amount: number[] = [];
    const quantity: number[] = [];
    for (let i = 0; i < count; i++) {
      const r = this.rand();
      // 3% arrive late, up to a minute after their event time; the rest within ~1 s.
      const delay = r < 0.03 ? this.rand() * 60_000 : -Math.log(1 - this.rand()) * 300;
      ts.push(Math.round(spanMs > 0 ? now - spanMs + (spanMs * i) / count : now - delay));
      country.push(COUNTRIES[this.pickCountry()]!);
      const [name, price] = PRODUCTS[this.pickProduct()]!;
      product.push(name);
      const c = this.rand();
      channel.push(c < CHANNELS[0]![1] ? CHANNELS[0]![0] : c < CHANNELS[0]![1] + CHANNELS[1]![1] ? CHANNELS[1]![0] : CHANNELS[2]![0]);
      const q = 1 + Math.floor(-Math.log(1 - this.rand()) * 0.8);
      // Occasional discounts make amounts irregular, as real orders are.
      const discount = this.rand() < 0.2 ? Math.floor(this.rand() * 30) : 0;
      const cents = Math.round((price * q * (100 - discount)) / 100);
      quantity.push(q);
      amount.push(cents / 100);
    }
    return { count, ts, columns: { country, product, channel, amount, quantity } };
  }
}
