import { describe, expect, it } from 'vitest';
import { MAX_BATCH_EVENTS, Pacer } from './pacer';

describe('Pacer', () => {
  it('sends a tenth of a second of events per batch, at least one, at most the server limit', () => {
    expect(new Pacer(1000, 0).batchSize).toBe(100);
    expect(new Pacer(25, 0).batchSize).toBe(3);
    expect(new Pacer(2, 0).batchSize).toBe(1);
    expect(new Pacer(0.5, 0).batchSize).toBe(1);
    expect(new Pacer(5_000_000, 0).batchSize).toBe(MAX_BATCH_EVENTS);
    expect(() => new Pacer(0, 0)).toThrow();
    expect(() => new Pacer(Number.NaN, 0)).toThrow();
  });

  it('keeps to the schedule when requests are quick', () => {
    const p = new Pacer(1000, 500);
    expect(p.waitMs(0, 500)).toBe(0);
    expect(p.due(0, 500)).toBe(100);
    expect(p.waitMs(100, 507)).toBe(93);
    expect(p.due(100, 507)).toBe(0);
    expect(p.due(100, 600)).toBe(100);
    expect(p.waitMs(1000, 1000)).toBe(500);
  });

  it('spaces single events at low rates', () => {
    const p = new Pacer(2, 0);
    expect(p.waitMs(1, 0)).toBe(500);
    expect(p.waitMs(3, 1000)).toBe(500);
    expect(p.due(3, 1500)).toBe(1);
  });

  it('catches up after a slow request instead of drifting', () => {
    const p = new Pacer(1000, 0);
    // 200 sent, then a request took until t = 650: 550 events are overdue, plus this tick's 100.
    expect(p.waitMs(200, 650)).toBe(0);
    expect(p.due(200, 650)).toBe(550);
    // Far behind: no more than the server takes in one request.
    expect(p.due(0, 1_000_000)).toBe(MAX_BATCH_EVENTS);
  });

  it('over a simulated run with random request times, sends rate × time events, give or take a batch', () => {
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const p = new Pacer(1000, 0);
    let now = 0;
    let sent = 0;
    while (now < 60_000) {
      now += p.waitMs(sent, now);
      const n = p.due(sent, now);
      expect(n).toBeGreaterThan(0);
      sent += n;
      now += random() < 0.05 ? 400 : random() * 20; // a request, now and then a slow one
    }
    expect(Math.abs(sent - 60_000)).toBeLessThanOrEqual(500);
  });
});
