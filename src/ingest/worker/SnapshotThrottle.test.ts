import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GROUPS_PER_MS, IDLE_MS, MAX_INTERVAL_MS, SNAPSHOT_MS, SnapshotThrottle } from './SnapshotThrottle';

const T0 = 1_000_000;

/**
 * A throttle on the faked Date.now whose sends are recorded as times relative to T0; each send
 * reports the next of `groups` (the last one repeated), 0 when none are given.
 */
function recording(groups: number[] = []) {
  const sentAt: number[] = [];
  const throttle = new SnapshotThrottle((now) => {
    sentAt.push(now - T0);
    return groups[Math.min(sentAt.length, groups.length) - 1] ?? 0;
  });
  return { throttle, sentAt };
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('SnapshotThrottle', () => {
  it('soon() sends at once when the interval has passed', () => {
    const { throttle, sentAt } = recording();
    throttle.soon();
    vi.advanceTimersByTime(0);
    expect(sentAt).toEqual([0]);
    vi.advanceTimersByTime(SNAPSHOT_MS + 30);
    throttle.soon();
    vi.advanceTimersByTime(0);
    expect(sentAt).toEqual([0, SNAPSHOT_MS + 30]);
  });

  it("soon() within the interval sends at the interval's end, not later", () => {
    const { throttle, sentAt } = recording();
    throttle.soon();
    vi.advanceTimersByTime(10);
    throttle.soon();
    vi.advanceTimersByTime(SNAPSHOT_MS - 10 - 1);
    expect(sentAt).toEqual([0]);
    vi.advanceTimersByTime(1);
    expect(sentAt).toEqual([0, SNAPSHOT_MS]);
  });

  it('a burst of soon() calls sends once', () => {
    const { throttle, sentAt } = recording();
    throttle.soon();
    vi.advanceTimersByTime(0);
    for (let i = 0; i < 20; i++) {
      throttle.soon();
      vi.advanceTimersByTime(2);
    }
    vi.advanceTimersByTime(10 * IDLE_MS);
    expect(sentAt).toEqual([0, SNAPSHOT_MS]);
  });

  it('sends an idle throttle at most every IDLE_MS after start()', () => {
    const { throttle, sentAt } = recording();
    throttle.start();
    vi.advanceTimersByTime(SNAPSHOT_MS); // the first tick sends: it starts dirty
    expect(sentAt).toEqual([SNAPSHOT_MS]);
    vi.advanceTimersByTime(IDLE_MS - 1);
    expect(sentAt).toEqual([SNAPSHOT_MS]);
    vi.advanceTimersByTime(1);
    vi.advanceTimersByTime(IDLE_MS);
    expect(sentAt).toEqual([SNAPSHOT_MS, SNAPSHOT_MS + IDLE_MS, SNAPSHOT_MS + 2 * IDLE_MS]);
  });

  it('sends at the next tick after markDirty()', () => {
    const { throttle, sentAt } = recording();
    throttle.start();
    vi.advanceTimersByTime(SNAPSHOT_MS + 10);
    throttle.markDirty();
    vi.advanceTimersByTime(SNAPSHOT_MS - 10);
    expect(sentAt).toEqual([SNAPSHOT_MS, 2 * SNAPSHOT_MS]);
  });

  it('sends nothing before start() or soon()', () => {
    const { sentAt } = recording();
    vi.advanceTimersByTime(10 * IDLE_MS);
    expect(sentAt).toEqual([]);
  });

  it('grows the interval with the groups sent: 40,000 groups -> 1000 ms', () => {
    const groups = 40_000;
    const interval = groups / GROUPS_PER_MS;
    expect(interval).toBe(1000);
    const { throttle, sentAt } = recording([groups]);
    throttle.soon();
    vi.advanceTimersByTime(0);
    expect(throttle.intervalMs).toBe(interval);
    vi.advanceTimersByTime(10);
    throttle.soon();
    vi.advanceTimersByTime(interval - 10 - 1);
    expect(sentAt).toEqual([0]);
    vi.advanceTimersByTime(1);
    expect(sentAt).toEqual([0, interval]);
  });

  it('holds the ticks to the grown interval too', () => {
    const { throttle, sentAt } = recording([20_000]);
    throttle.start();
    vi.advanceTimersByTime(SNAPSHOT_MS);
    expect(throttle.intervalMs).toBe(20_000 / GROUPS_PER_MS);
    throttle.markDirty();
    vi.advanceTimersByTime(20_000 / GROUPS_PER_MS - 1);
    expect(sentAt).toEqual([SNAPSHOT_MS]);
    vi.advanceTimersByTime(1);
    expect(sentAt).toEqual([SNAPSHOT_MS, SNAPSHOT_MS + 20_000 / GROUPS_PER_MS]);
  });

  it('caps the interval at MAX_INTERVAL_MS and floors it at SNAPSHOT_MS', () => {
    const { throttle } = recording([1e9, 0, 1_000, 100_000]);
    const sendNow = () => {
      vi.advanceTimersByTime(MAX_INTERVAL_MS);
      throttle.maybeSend();
    };
    expect(throttle.intervalMs).toBe(SNAPSHOT_MS);
    sendNow();
    expect(throttle.intervalMs).toBe(MAX_INTERVAL_MS);
    sendNow();
    expect(throttle.intervalMs).toBe(SNAPSHOT_MS);
    sendNow();
    expect(throttle.intervalMs).toBe(SNAPSHOT_MS); // 1,000 groups would be 25 ms
    sendNow();
    expect(throttle.intervalMs).toBe(MAX_INTERVAL_MS); // 100,000 groups would be 2,500 ms
  });

  it('a soon() after stop() (an append that was in flight) sends nothing and leaves no timer', () => {
    const { throttle, sentAt } = recording();
    throttle.start();
    vi.advanceTimersByTime(SNAPSHOT_MS);
    const sent = sentAt.length;
    throttle.stop();
    throttle.soon();
    vi.advanceTimersByTime(10 * MAX_INTERVAL_MS);
    expect(sentAt).toHaveLength(sent);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stop() stops the ticks and a pending soon()', () => {
    const { throttle, sentAt } = recording();
    throttle.start();
    vi.advanceTimersByTime(SNAPSHOT_MS);
    for (let i = 0; i < 3; i++) {
      throttle.soon();
      vi.advanceTimersByTime(1);
    }
    throttle.stop();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(10 * IDLE_MS);
    expect(sentAt).toEqual([SNAPSHOT_MS]);
  });
});
