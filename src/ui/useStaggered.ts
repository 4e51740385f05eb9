/**
 * Chart data that follows a value, but on its own schedule: each recharts chart re-renders its
 * internals synchronously when its data changes, so charts updated in the same task add up to one
 * long task. Each chart takes its update `offsetMs` after the value changed, in a task of its own,
 * and at most every `minIntervalMs`.
 */
import { useEffect, useRef, useState } from 'react';

export function useStaggered<T>(value: T, offsetMs: number, minIntervalMs = 100): T {
  const [shown, setShown] = useState(value);
  const latest = useRef(value);
  const lastShown = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  latest.current = value;
  useEffect(() => {
    if (timer.current !== null) return;
    const wait = Math.max(offsetMs, lastShown.current + minIntervalMs - Date.now());
    timer.current = setTimeout(() => {
      timer.current = null;
      lastShown.current = Date.now();
      setShown(latest.current);
    }, wait);
  }, [value, offsetMs, minIntervalMs]);
  useEffect(() => () => {
    if (timer.current !== null) clearTimeout(timer.current);
  }, []);
  return shown;
}
