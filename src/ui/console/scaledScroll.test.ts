import { describe, expect, it } from 'vitest';
import { MAX_SPACER, firstRowAt, firstToShow, isScaled, rowTop, scrollTopFor, spacerHeight, visibleRows } from './scaledScroll';

const g = (rows: number) => ({ rows, rowHeight: 26, viewHeight: 440, headerHeight: 44 });

describe('scaledScroll', () => {
  it('scrolls px for px while the result fits', () => {
    const s = g(1000);
    expect(isScaled(s)).toBe(false);
    expect(spacerHeight(s)).toBe(26_000);
    expect(firstRowAt(s, 26 * 500 + 3)).toBe(500);
    expect(scrollTopFor(s, 500)).toBe(13_000);
    expect(rowTop(s, 501, 500, 13_000)).toBe(501 * 26);
  });

  it('maps the scroll position to a fraction of a huge result, first and last rows included', () => {
    const s = g(10_000_000);
    expect(isScaled(s)).toBe(true);
    expect(spacerHeight(s)).toBe(MAX_SPACER);
    const n = visibleRows(s);
    expect(firstRowAt(s, 0)).toBe(0);
    const end = scrollTopFor(s, 10_000_000 - n);
    expect(firstRowAt(s, end)).toBe(10_000_000 - n);
    expect(firstRowAt(s, end + 1000)).toBe(10_000_000 - n);
    // Round trip anywhere in the middle.
    expect(firstRowAt(s, scrollTopFor(s, 5_000_000))).toBeCloseTo(5_000_000, -1);
    // Rows are drawn at the scroll position, one under the other.
    expect(rowTop(s, 5_000_001, 5_000_000, 1234)).toBe(1234 + 26);
    // Positions stay small enough to draw exactly.
    expect(end).toBeLessThan(MAX_SPACER);
  });

  it('moves the window as little as possible to show a row', () => {
    const s = g(10_000);
    const n = visibleRows(s);
    expect(firstToShow(s, 100, 105)).toBe(100);
    expect(firstToShow(s, 100, 99)).toBe(99);
    expect(firstToShow(s, 100, 100 + n)).toBe(101);
    expect(firstToShow(s, 0, 9_999)).toBe(10_000 - n);
  });
});
