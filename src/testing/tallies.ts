/** Comparing tallies from the two paths (test-only). Sums of doubles may differ in the last bits by order. */
import { expect } from 'vitest';
import type { Tally } from '../views/compileView';

export const FLOAT_TOLERANCE = 1e-9;

export function expectTalliesEqual(actual: Tally, expected: Tally, what = 'tally'): void {
  expect([...actual.keys()].sort(), `${what}: keys`).toEqual([...expected.keys()].sort());
  for (const [k, g] of expected) {
    const a = actual.get(k)!;
    expect(a.key, `${what}: key values`).toEqual(g.key);
    expect(a.state.length).toBe(g.state.length);
    g.state.forEach((v, i) => {
      const x = a.state[i]!;
      if (Number.isInteger(v) && Number.isInteger(x)) expect(x, `${what} ${JSON.stringify(g.key)} part ${i}`).toBe(v);
      else expect(Math.abs(x - v), `${what} ${JSON.stringify(g.key)} part ${i}: ${x} vs ${v}`).toBeLessThanOrEqual(FLOAT_TOLERANCE * Math.max(1, Math.abs(v)));
    });
  }
}
