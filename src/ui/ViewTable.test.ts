import { describe, expect, it } from 'vitest';
import { windowOf } from './ViewTable';

describe('a view table’s scroll window', () => {
  it('renders every row of a short table', () => {
    expect(windowOf(60, 500, 26)).toEqual([0, 60]);
  });

  it('renders the visible rows of a long table and some either side, clamped to its ends', () => {
    // 320 px show ~13 rows of 26 px; 8 more either side.
    expect(windowOf(200, 0, 26)).toEqual([0, 29]);
    expect(windowOf(200, 26 * 100, 26)).toEqual([92, 121]);
    expect(windowOf(200, 26 * 195, 26)).toEqual([187, 200]);
  });
});
