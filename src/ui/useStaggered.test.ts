// @vitest-environment happy-dom
import { act, createElement, StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useDomRoot } from './testing/domRoot';
import { CHART_INTERVAL_MS, useStaggered } from './useStaggered';

function Shown({ value, hold = false, of = '' }: { value: number; hold?: boolean; of?: string }) {
  return createElement('span', null, String(useStaggered(value, 10, hold, CHART_INTERVAL_MS, of)));
}

describe('useStaggered', () => {
  const dom = useDomRoot();
  const render = (value: number, hold = false, of = '') => act(() => dom.root.render(createElement(StrictMode, null, createElement(Shown, { value, hold, of }))));
  const advance = (ms: number) => act(() => vi.advanceTimersByTime(ms));
  const shown = () => dom.container.textContent;

  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  // StrictMode mounts, unmounts and mounts every effect again, as `npm run dev` does.
  it('follows the value under StrictMode, after its offset and at most every interval', async () => {
    await render(1);
    expect(shown()).toBe('1');
    for (const v of [2, 3, 4]) {
      await render(v);
      await advance(5 * CHART_INTERVAL_MS);
      expect(shown()).toBe(String(v));
    }
  });

  it('shows a value of something else (a card switching to a cross-filter twin) at once, then follows it on schedule', async () => {
    await render(1, false, 'totals');
    await advance(5 * CHART_INTERVAL_MS);
    await render(2, false, 'totals');
    expect(shown()).toBe('1');
    await render(7, false, 'totals~cross1');
    expect(shown()).toBe('7');
    await render(8, false, 'totals~cross1');
    expect(shown()).toBe('7');
    await advance(5 * CHART_INTERVAL_MS);
    expect(shown()).toBe('8');
  });

  it('shows only the latest of values that came within one interval', async () => {
    await render(1);
    await advance(5 * CHART_INTERVAL_MS);
    await render(2);
    await advance(1);
    await render(3);
    expect(shown()).toBe('1');
    await advance(5 * CHART_INTERVAL_MS);
    expect(shown()).toBe('3');
  });

  it('holds a due redraw while asked to, for a second at most', async () => {
    await render(1);
    await render(2, true);
    await advance(500);
    expect(shown()).toBe('1');
    await advance(1_000);
    expect(shown()).toBe('2');
  });

  it('leaves no timer behind when it unmounts', async () => {
    await render(1);
    await render(2);
    expect(vi.getTimerCount()).toBe(1);
    act(() => dom.root.render(null)); // the component unmounts; the root stays for the hook to clean up
    expect(vi.getTimerCount()).toBe(0);
  });
});
