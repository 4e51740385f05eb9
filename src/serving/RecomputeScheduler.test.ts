import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RecomputeScheduler } from './RecomputeScheduler';

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A recompute that runs until the test settles it: `runs[i]` is the i-th call's. */
function controllable() {
  const runs: Deferred<number>[] = [];
  const run = () => {
    const d = deferred<number>();
    runs.push(d);
    return d.promise;
  };
  return { run, runs };
}

/** Lets every settled promise's callbacks run. */
const settle = () => vi.advanceTimersByTimeAsync(0);

/** Records how a promise ended, without leaving a rejection unhandled. */
function outcome<T>(p: Promise<T>): { value?: T; error?: unknown; done: boolean } {
  const o: { value?: T; error?: unknown; done: boolean } = { done: false };
  p.then(
    (value) => {
      o.value = value;
      o.done = true;
    },
    (error: unknown) => {
      o.error = error;
      o.done = true;
    },
  );
  return o;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('RecomputeScheduler.now', () => {
  it('runs at once when nothing runs', async () => {
    const { run, runs } = controllable();
    const s = new RecomputeScheduler(run, 1000);
    const p = outcome(s.now());
    expect(runs).toHaveLength(1);
    expect(s.isRunning).toBe(true);
    runs[0]!.resolve(1);
    await settle();
    expect(p).toEqual({ value: 1, done: true });
    expect(s.isRunning).toBe(false);
  });

  it('while one runs, waits for it and runs exactly once more for any number of calls', async () => {
    const { run, runs } = controllable();
    const s = new RecomputeScheduler(run, 1000);
    const first = outcome(s.now());
    const later = [s.now(), s.now(), s.now()];
    await settle();
    expect(runs).toHaveLength(1);
    expect(later[1]).toBe(later[0]);
    expect(later[2]).toBe(later[0]);
    const waiting = later.map(outcome);
    runs[0]!.resolve(1);
    await settle();
    expect(first).toEqual({ value: 1, done: true });
    expect(runs).toHaveLength(2);
    expect(waiting.every((o) => !o.done)).toBe(true);
    runs[1]!.resolve(2);
    await settle();
    expect(waiting).toEqual([1, 2, 3].map(() => ({ value: 2, done: true })));
    expect(runs).toHaveLength(2);
    expect(s.isRunning).toBe(false);
  });

  it('a call while the rerun runs waits for the rerun and runs once more', async () => {
    const { run, runs } = controllable();
    const s = new RecomputeScheduler(run, 1000);
    void s.now();
    const second = outcome(s.now());
    runs[0]!.resolve(1);
    await settle();
    expect(runs).toHaveLength(2);
    const third = outcome(s.now());
    const thirdAgain = outcome(s.now());
    runs[1]!.resolve(2);
    await settle();
    expect(second).toEqual({ value: 2, done: true });
    expect(runs).toHaveLength(3);
    runs[2]!.resolve(3);
    await settle();
    expect(third).toEqual({ value: 3, done: true });
    expect(thirdAgain).toEqual({ value: 3, done: true });
    expect(runs).toHaveLength(3);
  });

  it('a failed run rejects its callers and does not stop the next', async () => {
    const { run, runs } = controllable();
    const s = new RecomputeScheduler(run, 1000);
    const first = outcome(s.now());
    const second = outcome(s.now());
    const boom = new Error('boom');
    runs[0]!.reject(boom);
    await settle();
    expect(first).toEqual({ error: boom, done: true });
    expect(runs).toHaveLength(2);
    runs[1]!.resolve(5);
    await settle();
    expect(second).toEqual({ value: 5, done: true });
    // A failed rerun rejects every caller waiting for it, and the one after still runs.
    void s.now().catch(() => undefined);
    const a = outcome(s.now());
    const b = outcome(s.now());
    runs[2]!.resolve(6);
    await settle();
    const again = new Error('again');
    runs[3]!.reject(again);
    await settle();
    expect(a).toEqual({ error: again, done: true });
    expect(b).toEqual({ error: again, done: true });
    expect(s.isRunning).toBe(false);
    const next = outcome(s.now());
    expect(runs).toHaveLength(5);
    runs[4]!.resolve(7);
    await settle();
    expect(next).toEqual({ value: 7, done: true });
  });
});

describe('RecomputeScheduler ticks', () => {
  it('run only after start()', async () => {
    const { run, runs } = controllable();
    const s = new RecomputeScheduler(run, 1000);
    s.setInterval(100);
    s.setPaused(false);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(runs).toHaveLength(0);
    s.start();
    await vi.advanceTimersByTimeAsync(99);
    expect(runs).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs).toHaveLength(1);
    runs[0]!.resolve(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(runs).toHaveLength(2);
  });

  it('do not run while paused', async () => {
    const { run, runs } = controllable();
    const s = new RecomputeScheduler(run, 1000);
    s.start();
    s.setPaused(true);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(runs).toHaveLength(0);
    s.setPaused(false);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs).toHaveLength(1);
  });

  it('are skipped, not queued, while one runs', async () => {
    const { run, runs } = controllable();
    const s = new RecomputeScheduler(run, 100);
    s.start();
    await vi.advanceTimersByTimeAsync(100);
    expect(runs).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000); // ten ticks while it runs
    expect(runs).toHaveLength(1);
    runs[0]!.resolve(1);
    await settle();
    expect(runs).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(runs).toHaveLength(2);
  });

  it('a failed tick does not stop the ticks', async () => {
    const { run, runs } = controllable();
    const s = new RecomputeScheduler(run, 100);
    s.start();
    await vi.advanceTimersByTimeAsync(100);
    runs[0]!.reject(new Error('boom'));
    await vi.advanceTimersByTimeAsync(100);
    expect(runs).toHaveLength(2);
  });

  it('setInterval changes the period', async () => {
    const { run, runs } = controllable();
    const s = new RecomputeScheduler(run, 1000);
    s.start();
    s.setInterval(300);
    await vi.advanceTimersByTimeAsync(299);
    expect(runs).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs).toHaveLength(1);
    runs[0]!.resolve(1);
    await vi.advanceTimersByTimeAsync(300);
    expect(runs).toHaveLength(2);
  });

  it('dispose() stops the ticks and makes now() reject', async () => {
    const { run, runs } = controllable();
    const s = new RecomputeScheduler(run, 100);
    s.start();
    s.dispose();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(runs).toHaveLength(0);
    await expect(s.now()).rejects.toThrow('the pipeline was stopped');
    s.setPaused(false);
    s.setInterval(50);
    s.start();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(runs).toHaveLength(0);
  });

  it('a now() between a run settling and its queued rerun starting joins that rerun', async () => {
    const { run, runs } = controllable();
    const s = new RecomputeScheduler(run, 1000);
    let late: Promise<number> | null = null;
    const first = s.now().then((v) => {
      // The first run's caller asks again at once, while the rerun queued by `queued` has not begun.
      late = s.now();
      return v;
    });
    const queued = s.now();
    runs[0]!.resolve(1);
    await settle();
    expect(runs).toHaveLength(2);
    runs[1]!.resolve(2);
    await settle();
    await expect(first).resolves.toBe(1);
    await expect(queued).resolves.toBe(2);
    await expect(late!).resolves.toBe(2);
    expect(runs).toHaveLength(2);
  });

  it('a now() queued before dispose() rejects instead of running a recompute after it', async () => {
    const { run, runs } = controllable();
    const s = new RecomputeScheduler(run, 1000);
    const first = outcome(s.now());
    const queued = outcome(s.now());
    s.dispose();
    runs[0]!.resolve(1);
    await settle();
    expect(first.value).toBe(1);
    expect(queued.error).toBeInstanceOf(Error);
    expect(runs).toHaveLength(1);
  });
});
