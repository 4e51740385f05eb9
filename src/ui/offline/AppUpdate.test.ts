import { describe, expect, it } from 'vitest';
import { AppUpdate, type UpdateWorker, type UpdateWorkerEvent } from './AppUpdate';

function fakeWorker() {
  const listeners = new Map<UpdateWorkerEvent, (() => void)[]>();
  let skips = 0;
  const worker: UpdateWorker = {
    on: (event, listener) => listeners.set(event, [...(listeners.get(event) ?? []), listener]),
    skipWaiting: () => {
      skips++;
    },
  };
  const emit = (e: UpdateWorkerEvent) => {
    for (const l of listeners.get(e) ?? []) l();
  };
  return { worker, emit, skips: () => skips };
}

describe('AppUpdate', () => {
  it('announces a waiting version and reloads only after the person applies it', () => {
    const { worker, emit, skips } = fakeWorker();
    let reloads = 0;
    const u = new AppUpdate(worker, () => reloads++);
    let heard = 0;
    u.subscribe(() => heard++);
    emit('waiting');
    expect(u.getSnapshot()).toEqual({ offlineReady: false, waiting: true, applying: false });
    expect(heard).toBe(1);
    expect(skips()).toBe(0);
    u.apply();
    u.apply();
    expect(skips()).toBe(1);
    expect(u.getSnapshot().applying).toBe(true);
    expect(reloads).toBe(0);
    emit('controlling');
    expect(reloads).toBe(1);
  });

  it('does not reload when the first install takes control of the page', () => {
    const { worker, emit, skips } = fakeWorker();
    let reloads = 0;
    const u = new AppUpdate(worker, () => reloads++);
    emit('offline-ready');
    emit('controlling');
    expect(reloads).toBe(0);
    expect(u.getSnapshot().offlineReady).toBe(true);
    u.dismissOfflineReady();
    expect(u.getSnapshot().offlineReady).toBe(false);
    u.apply();
    expect(skips()).toBe(0);
  });

  it('does nothing without a service worker (the dev server has none)', () => {
    const u = new AppUpdate(null, () => {
      throw new Error('no reload expected');
    });
    u.apply();
    expect(u.getSnapshot()).toEqual({ offlineReady: false, waiting: false, applying: false });
  });

  it('an unsubscribed listener hears nothing more', () => {
    const { worker, emit } = fakeWorker();
    const u = new AppUpdate(worker, () => {});
    let heard = 0;
    const off = u.subscribe(() => heard++);
    off();
    emit('waiting');
    expect(heard).toBe(0);
  });
});
