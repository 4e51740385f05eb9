import { describe, expect, it } from 'vitest';
import { eventToFollow, reached, stageOf } from './followEvent';

describe('following one event', () => {
  it('is at the source until the log holds it, then in the speed layer past W, then in batch', () => {
    expect(stageOf(101, { highWater: 100, w: 50, speedLast: 100 })).toBe('source');
    expect(stageOf(101, { highWater: 101, w: 50, speedLast: 100 })).toBe('log');
    expect(stageOf(101, { highWater: 130, w: 50, speedLast: 130 })).toBe('speed');
    expect(stageOf(101, { highWater: 130, w: 101, speedLast: 130 })).toBe('batch');
    // A W past it wins even while the speed layer's figures lag behind the hand-over.
    expect(stageOf(101, { highWater: 130, w: 120, speedLast: 0 })).toBe('batch');
  });

  it('keeps the first time each stage was seen; stages skipped between looks share the later time', () => {
    let r = reached({}, 'source', 1);
    r = reached(r, 'speed', 5);
    expect(r).toEqual({ source: 1, log: 5, speed: 5 });
    r = reached(r, 'batch', 9);
    expect(r).toEqual({ source: 1, log: 5, speed: 5, batch: 9 });
    expect(reached(r, 'batch', 12)).toEqual(r);
  });

  it('a live stream: the next event; a file: its last one', () => {
    expect(eventToFollow(100, true)).toBe(101);
    expect(eventToFollow(100, false)).toBe(100);
    expect(eventToFollow(0, false)).toBe(1);
  });
});
