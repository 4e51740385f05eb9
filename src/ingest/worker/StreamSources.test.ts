import { describe, expect, it } from 'vitest';
import { StreamSources } from './StreamSources';

describe('StreamSources', () => {
  it('subscribes a stream the log has read from its stored offset, not fresh', () => {
    const s = new StreamSources();
    expect(s.subscribing('shop', 120, 50)).toBe(120);
    expect(s.status.shop).toEqual({ durableOffset: 120, gapEvents: 0, rejectedEvents: 0 });
    expect(s.takeFresh('shop')).toBe(false);
  });

  it('subscribes a stream the log has never read from the oldest buffered offset, fresh once', () => {
    const s = new StreamSources();
    expect(s.subscribing('shop', undefined, 50)).toBe(50);
    expect(s.of('shop').durableOffset).toBe(50);
    expect(s.takeFresh('shop')).toBe(true);
    expect(s.takeFresh('shop')).toBe(false);
    expect(s.takeFresh('other')).toBe(false);
  });

  it('a stored offset 0 is stored, not fresh', () => {
    const s = new StreamSources();
    expect(s.subscribing('shop', 0, 50)).toBe(0);
    expect(s.takeFresh('shop')).toBe(false);
  });

  it('takes 0 for a hostile bufferedFrom', () => {
    for (const hostile of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, -0.5]) {
      const s = new StreamSources();
      expect(s.subscribing('shop', undefined, hostile), String(hostile)).toBe(0);
      expect(s.of('shop').durableOffset, String(hostile)).toBe(0);
      expect(s.takeFresh('shop')).toBe(true);
    }
  });

  it('a resubscribe from a stored offset ends the fresh state; one without makes it fresh again', () => {
    const s = new StreamSources();
    s.subscribing('shop', undefined, 5);
    s.subscribing('shop', 9, 5);
    expect(s.takeFresh('shop')).toBe(false);
    s.subscribing('shop', undefined, 5);
    expect(s.takeFresh('shop')).toBe(true);
  });

  it('keeps the first unreadable offset and skips from it once a later readable one arrives, once', () => {
    const s = new StreamSources();
    s.markUnreadable('shop', 10);
    s.markUnreadable('shop', 20);
    expect(s.takeSkipped('shop', 10)).toBeNull();
    expect(s.takeSkipped('shop', 3)).toBeNull();
    expect(s.takeSkipped('other', 30)).toBeNull();
    expect(s.takeSkipped('shop', 30)).toBe(10);
    expect(s.takeSkipped('shop', 40)).toBeNull();
  });

  it('skips nothing without an unreadable message, and a subscribe forgets one', () => {
    const s = new StreamSources();
    expect(s.takeSkipped('shop', 30)).toBeNull();
    s.markUnreadable('shop', 10);
    s.subscribing('shop', 10, 0);
    expect(s.takeSkipped('shop', 30)).toBeNull();
  });

  it('advance never moves the durable offset backwards', () => {
    const s = new StreamSources();
    expect(s.advance('shop', 100).durableOffset).toBe(100);
    expect(s.advance('shop', 50).durableOffset).toBe(100);
    expect(s.advance('shop', 100).durableOffset).toBe(100);
    expect(s.advance('shop', 101)).toBe(s.status.shop);
    expect(s.of('shop').durableOffset).toBe(101);
  });

  it('set replaces the status the page reads', () => {
    const s = new StreamSources();
    s.set('shop', { durableOffset: 7, gapEvents: 2, rejectedEvents: 1 });
    expect(s.advance('shop', 3)).toEqual({ durableOffset: 7, gapEvents: 2, rejectedEvents: 1 });
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('a stream named %s works like every other', (name) => {
    const s = new StreamSources();
    expect(s.of(name)).toEqual({ durableOffset: 0, gapEvents: 0, rejectedEvents: 0 });
    expect(s.subscribing(name, undefined, 7)).toBe(7);
    expect(s.takeFresh(name)).toBe(true);
    expect(s.takeFresh(name)).toBe(false);
    s.markUnreadable(name, 9);
    expect(s.takeSkipped(name, 12)).toBe(9);
    expect(s.advance(name, 20)).toEqual({ durableOffset: 20, gapEvents: 0, rejectedEvents: 0 });
    expect(s.advance(name, 15).durableOffset).toBe(20);
    expect(Object.hasOwn(s.status, name)).toBe(true);
    expect(Object.keys(s.status)).toEqual([name]);
    expect(s.status[name]).toEqual({ durableOffset: 20, gapEvents: 0, rejectedEvents: 0 });
    // The others are untouched by it.
    expect(s.of('shop').durableOffset).toBe(0);
    expect(s.takeFresh('shop')).toBe(false);
  });
});
