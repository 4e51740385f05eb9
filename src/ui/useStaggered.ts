/**
 * Chart data that follows a value, but on its own schedule: a chart or table redraws synchronously
 * (flushSync below) when its data changes, so redraws in the same task would add up to one long
 * task. Each chart takes its update `offsetMs` after the value changed, in a task of its own, and
 * at most every `minIntervalMs` — or, when a redraw costs more, often enough that redraws take at most 1/REDRAW_SHARE of the main thread: under full-rate ingest on 2 cores the CPU a chart
 * does not take goes to the workers.
 */
import { useEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';

/**
 * How often a live chart redraws at most. Measured at 20k events/s on 2 cores (CDP trace, 12 s):
 * the dashboard without charts keeps the main thread ~6 % busy; with the two live charts redrawn at
 * most 10 times a second ~36 %, at 4 times ~21 %. The figures (KPI tiles, status) follow every snapshot.
 */
export const CHART_INTERVAL_MS = 200;
/** A chart waits at least this many times its last redraw's duration before the next. */
const REDRAW_SHARE = 10;
const MAX_INTERVAL_MS = 2_000;

/**
 * While `hold` is true (a recompute is running: DuckDB's threads take both cores and a redraw then
 * takes several times as long), a due redraw waits, for HOLD_MAX_MS at most.
 */
const HOLD_MAX_MS = 1_000;
const HOLD_POLL_MS = 50;

/**
 * `resetKey`: what the value is of (a view id). When it changes (a card switching to a cross-filter
 * twin: a person asked for it) the new value shows at once, not on the redraw schedule.
 */
export function useStaggered<T>(value: T, offsetMs: number, hold = false, minIntervalMs = CHART_INTERVAL_MS, resetKey = ''): T {
  const [shown, setShown] = useState(value);
  const [shownKey, setShownKey] = useState(resetKey);
  if (shownKey !== resetKey) {
    // Adjusting state while rendering (React's pattern for state derived from props): no extra commit.
    setShownKey(resetKey);
    setShown(value);
  }
  const latest = useRef(value);
  const holding = useRef(hold);
  const lastShown = useRef(0);
  const lastCost = useRef(0);
  const heldSince = useRef<number | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    holding.current = hold;
  }, [hold]);
  useEffect(() => {
    // The value a due redraw shows: the one last committed (a render in a transition may be dropped).
    latest.current = value;
    if (timer.current !== null) return;
    const interval = Math.min(MAX_INTERVAL_MS, Math.max(minIntervalMs, lastCost.current * REDRAW_SHARE));
    const wait = Math.max(offsetMs, lastShown.current + interval - performance.now());
    const redraw = () => {
      const now = performance.now();
      if (holding.current && now - (heldSince.current ??= now) < HOLD_MAX_MS) {
        timer.current = setTimeout(redraw, HOLD_POLL_MS);
        return;
      }
      timer.current = null;
      heldSince.current = null;
      // Synchronously, so the redraw's whole cost (recharts' follow-up renders included) is measured here.
      flushSync(() => setShown(latest.current));
      lastShown.current = performance.now();
      lastCost.current = lastShown.current - now;
    };
    timer.current = setTimeout(redraw, wait);
  }, [value, offsetMs, minIntervalMs]);
  useEffect(
    () => () => {
      // Reset too: StrictMode (npm run dev) unmounts and mounts again, and a timer left set would
      // make every later value wait for a redraw that never comes.
      if (timer.current !== null) clearTimeout(timer.current);
      timer.current = null;
      heldSince.current = null;
    },
    [],
  );
  return shownKey === resetKey ? shown : value;
}
