import { describe, expect, it } from 'vitest';
import { concatMasks, eventsHeader } from './microBatch';

describe('eventsHeader', () => {
  it('recovers stream and offset from the head of a truncated events message', () => {
    expect(eventsHeader('{"type":"events","stream":"shop","offset":12345,"batch":{"count":3,"pad":"xxx')).toEqual({ stream: 'shop', offset: 12345 });
  });
  it('finds nothing in other messages or garbage', () => {
    expect(eventsHeader('{"type":"surprise"}')).toBeNull();
    expect(eventsHeader('not json {')).toBeNull();
    expect(eventsHeader('{"type":"events","stream":"shop","offset":-1}')).toBeNull();
  });
});

describe('concatMasks', () => {
  const b = (n: number) => ({ count: n, ts: [], columns: {} });
  it('is null when every part keeps every event', () => {
    expect(
      concatMasks([
        { batch: b(2), keep: null },
        { batch: b(3), keep: null },
      ]),
    ).toBeNull();
  });
  it('joins masks, filling parts without one with ones', () => {
    expect([
      ...concatMasks([
        { batch: b(2), keep: null },
        { batch: b(3), keep: Uint8Array.of(1, 0, 1) },
      ])!,
    ]).toEqual([1, 1, 1, 0, 1]);
  });
});
