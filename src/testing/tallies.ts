/** Comparing tallies from the two paths (test-only). */
import { expect } from 'vitest';
import type { Tally } from '../views/compileView';

/**
 * Floating-point sums depend on the order of addition, which differs between DuckDB and the
 * tally: they are compared within FLOAT_TOLERANCE of `scale` (an upper bound of the sum of the
 * absolute values added). Everything else (counts, min, max, distinct sets, keys) exactly.
 */
export const FLOAT_TOLERANCE = 1e-9;

export function expectTalliesEqual(actual: Tally, expected: Tally, what = 'tally', opts: { inexact?: ReadonlySet<number>; scale?: number } = {}): void {
  const scale = opts.scale ?? 1;
  expect([...actual.keys()].sort(), `${what}: keys`).toEqual([...expected.keys()].sort());
  for (const [k, g] of expected) {
    const a = actual.get(k)!;
    expect(a.key, `${what}: key values`).toEqual(g.key);
    expect(a.state.length).toBe(g.state.length);
    g.state.forEach((v, i) => {
      const x = a.state[i]!;
      const where = `${what} ${JSON.stringify(g.key)} part ${i}: ${String(x)} vs ${String(v)}`;
      if (typeof v === 'number' && typeof x === 'number' && opts.inexact?.has(i)) {
        expect(Math.abs(x - v), where).toBeLessThanOrEqual(FLOAT_TOLERANCE * Math.max(1, Math.abs(v), scale));
      } else if (typeof v === 'number' && typeof x === 'number') {
        expect(x === v, where).toBe(true); // === so that -0 equals 0, as in SQL
      } else {
        expect(x, where).toEqual(v);
      }
    });
  }
}
