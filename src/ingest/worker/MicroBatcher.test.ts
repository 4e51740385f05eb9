import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ColumnBatch } from '../../protocol/schema';
import { SHOP_SCHEMA } from '../../protocol/shop';
import { shopBatch } from '../../testing/events';
import { FLUSH_EVENTS, FLUSH_MS, MicroBatcher } from './MicroBatcher';

interface Flushed {
  stream: string;
  offset: number;
  count: number;
  ts: number[];
  keep: number[] | null;
}

/** A batcher over the shop schema that records every flush. */
function recording() {
  const flushed: Flushed[] = [];
  const batcher = new MicroBatcher(
    () => SHOP_SCHEMA,
    (stream, batch, offset, keep) => {
      flushed.push({ stream, offset, count: batch.count, ts: [...batch.ts], keep: keep ? [...keep] : null });
    },
  );
  return { batcher, flushed };
}

const tsOf = (...batches: ColumnBatch[]): number[] => batches.flatMap((b) => b.ts);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('MicroBatcher', () => {
  it('flushes at once when a stream holds FLUSH_EVENTS events', () => {
    const { batcher, flushed } = recording();
    const a = shopBatch(FLUSH_EVENTS - 100, 1);
    const b = shopBatch(100, 2);
    batcher.add('shop', 7, a, null);
    expect(flushed).toEqual([]);
    expect(batcher.held).toBe(FLUSH_EVENTS - 100);
    batcher.add('shop', 7 + FLUSH_EVENTS - 100, b, null);
    expect(flushed).toEqual([{ stream: 'shop', offset: 7, count: FLUSH_EVENTS, ts: tsOf(a, b), keep: null }]);
    expect(batcher.held).toBe(0);
    vi.advanceTimersByTime(10 * FLUSH_MS);
    expect(flushed).toHaveLength(1);
  });

  it('flushes a small batch FLUSH_MS after its first event, not later messages', () => {
    const { batcher, flushed } = recording();
    const a = shopBatch(10, 1);
    const b = shopBatch(5, 2);
    batcher.add('shop', 100, a, null);
    vi.advanceTimersByTime(30);
    batcher.add('shop', 110, b, null);
    vi.advanceTimersByTime(FLUSH_MS - 30 - 1);
    expect(flushed).toEqual([]);
    expect(batcher.held).toBe(15);
    vi.advanceTimersByTime(1);
    expect(flushed).toEqual([{ stream: 'shop', offset: 100, count: 15, ts: tsOf(a, b), keep: null }]);
    expect(batcher.held).toBe(0);
  });

  it('flushes the held batch first when a message does not continue it', () => {
    const { batcher, flushed } = recording();
    const a = shopBatch(10, 1);
    const b = shopBatch(5, 2);
    batcher.add('shop', 0, a, null);
    batcher.add('shop', 20, b, null); // offsets 10..19 never came
    expect(flushed).toEqual([{ stream: 'shop', offset: 0, count: 10, ts: tsOf(a), keep: null }]);
    expect(batcher.held).toBe(5);
    vi.advanceTimersByTime(FLUSH_MS);
    expect(flushed).toEqual([
      { stream: 'shop', offset: 0, count: 10, ts: tsOf(a), keep: null },
      { stream: 'shop', offset: 20, count: 5, ts: tsOf(b), keep: null },
    ]);
  });

  it('a message that goes back also starts a new batch', () => {
    const { batcher, flushed } = recording();
    batcher.add('shop', 50, shopBatch(4, 1), null);
    batcher.add('shop', 40, shopBatch(3, 2), null);
    vi.advanceTimersByTime(FLUSH_MS);
    expect(flushed.map((f) => [f.offset, f.count])).toEqual([
      [50, 4],
      [40, 3],
    ]);
  });

  it('joins the masks of the parts, a part without one keeping every event', () => {
    const { batcher, flushed } = recording();
    batcher.add('shop', 0, shopBatch(3, 1), null);
    batcher.add('shop', 3, shopBatch(4, 2), Uint8Array.of(1, 0, 1, 0));
    batcher.add('shop', 7, shopBatch(2, 3), null);
    vi.advanceTimersByTime(FLUSH_MS);
    expect(flushed).toHaveLength(1);
    expect(flushed[0]!.keep).toEqual([1, 1, 1, 1, 0, 1, 0, 1, 1]);
    expect(flushed[0]!.count).toBe(9);
  });

  it('keeps the streams apart', () => {
    const { batcher, flushed } = recording();
    const a = shopBatch(3, 1);
    const b = shopBatch(4, 2);
    batcher.add('a', 0, a, null);
    batcher.add('b', 10, b, Uint8Array.of(0, 1, 1, 1));
    expect(batcher.held).toBe(7);
    batcher.flush('b');
    expect(flushed).toEqual([{ stream: 'b', offset: 10, count: 4, ts: tsOf(b), keep: [0, 1, 1, 1] }]);
    expect(batcher.held).toBe(3);
    vi.advanceTimersByTime(FLUSH_MS);
    expect(flushed.map((f) => [f.stream, f.offset, f.count])).toEqual([
      ['b', 10, 4],
      ['a', 0, 3],
    ]);
  });

  it('drop() forgets every held event, returns how many, and nothing is flushed afterwards', () => {
    const { batcher, flushed } = recording();
    batcher.add('a', 0, shopBatch(7, 1), null);
    batcher.add('b', 0, shopBatch(3, 2), null);
    expect(batcher.held).toBe(10);
    expect(batcher.drop()).toBe(10);
    expect(batcher.held).toBe(0);
    vi.advanceTimersByTime(10 * FLUSH_MS);
    batcher.flushAll();
    expect(flushed).toEqual([]);
    expect(batcher.drop()).toBe(0);
  });

  it('starts afresh after a drop: a new batch at any offset, with its own timer', () => {
    const { batcher, flushed } = recording();
    batcher.add('shop', 0, shopBatch(7, 1), null);
    vi.advanceTimersByTime(FLUSH_MS - 1);
    batcher.drop();
    batcher.add('shop', 3, shopBatch(2, 2), null);
    vi.advanceTimersByTime(FLUSH_MS - 1);
    expect(flushed).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(flushed.map((f) => [f.offset, f.count])).toEqual([[3, 2]]);
  });
});
