import { describe, expect, it } from 'vitest';
import { inRange, moveCursor, pan, rangeOf, zoomBy } from './timelineRange';

const B = 10_000;

describe('timeline ranges', () => {
  it('a range covers both buckets whole, in either order', () => {
    expect(rangeOf(50_000, 20_000, B)).toEqual({ from: 20_000, to: 60_000 });
    expect(rangeOf(20_000, 20_000, B)).toEqual({ from: 20_000, to: 30_000 });
    expect(inRange({ from: 20_000, to: 30_000 }, 20_000)).toBe(true);
    expect(inRange({ from: 20_000, to: 30_000 }, 30_000)).toBe(false);
  });

  it('pans by half the width, at least a bucket, keeping the width', () => {
    expect(pan({ from: 0, to: 60_000 }, 1, B)).toEqual({ from: 30_000, to: 90_000 });
    expect(pan({ from: 0, to: 10_000 }, -1, B)).toEqual({ from: -10_000, to: 0 });
    expect(pan({ from: 0, to: 30_000 }, 1, B)).toEqual({ from: 10_000, to: 40_000 });
  });

  it('zooms around the middle on whole buckets', () => {
    expect(zoomBy({ from: 0, to: 80_000 }, 0.5, B)).toEqual({ from: 20_000, to: 60_000 });
    expect(zoomBy({ from: 0, to: 80_000 }, 2, B)).toEqual({ from: -40_000, to: 120_000 });
    expect(zoomBy({ from: 0, to: 10_000 }, 0.5, B)).toEqual({ from: 0, to: 10_000 });
  });

  it('the keyboard cursor starts at the newest bucket, moves, widens with Shift and stops at the ends', () => {
    const ts = [0, 10_000, 20_000, 30_000];
    let c = moveCursor(null, 'ArrowLeft', false, ts);
    expect(c).toEqual({ anchor: 30_000, head: 30_000 });
    c = moveCursor(c, 'ArrowLeft', true, ts);
    expect(c).toEqual({ anchor: 30_000, head: 20_000 });
    c = moveCursor(c, 'Home', true, ts);
    expect(c).toEqual({ anchor: 30_000, head: 0 });
    c = moveCursor(c, 'ArrowLeft', false, ts);
    expect(c).toEqual({ anchor: 0, head: 0 });
    expect(moveCursor(c, 'End', false, ts)).toEqual({ anchor: 30_000, head: 30_000 });
    expect(moveCursor(c, 'a', false, ts)).toBeNull();
    expect(moveCursor(null, 'End', false, [])).toBeNull();
  });
});
