import { describe, expect, it } from 'vitest';
import { askToKeep, storageState, storageWarning } from './storage';

describe('storage', () => {
  it('reads what the browser says, and says nothing it does not', async () => {
    expect(await storageState({ estimate: async () => ({ usage: 1200, quota: 10_000 }), persisted: async () => true })).toEqual({ usage: 1200, quota: 10_000, persisted: true });
    expect(await storageState(undefined)).toEqual({ usage: null, quota: null, persisted: null });
    expect(await storageState({ estimate: () => Promise.reject(new Error('no')), persisted: async () => false })).toEqual({ usage: null, quota: null, persisted: false });
    expect(await storageState({ estimate: async () => ({ usage: Number.NaN, quota: -1 }) })).toEqual({ usage: null, quota: null, persisted: null });
  });

  it('asks to keep the data; a browser without the API or that refuses grants nothing', async () => {
    expect(await askToKeep({ persist: async () => true })).toBe(true);
    expect(await askToKeep({ persist: () => Promise.reject(new Error('denied')) })).toBe(false);
    expect(await askToKeep(undefined)).toBe(false);
  });

  it('warns from 80 % of the quota on, in words that say what happens when it is full', () => {
    expect(storageWarning({ usage: 79, quota: 100, persisted: null })).toBeNull();
    expect(storageWarning({ usage: 80, quota: 100, persisted: null })).toMatch(/^This site's storage is 80 % full\. When it is full the live streams pause/);
    expect(storageWarning({ usage: 120, quota: 100, persisted: null })).toMatch(/100 % full/);
    expect(storageWarning({ usage: null, quota: 100, persisted: null })).toBeNull();
  });
});
