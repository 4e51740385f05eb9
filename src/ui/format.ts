/** Number and time formatting for the dashboard. */

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

export function fmtInt(n: number | null | undefined): string {
  return n === null || n === undefined ? '–' : int.format(n);
}

export function fmtMoney(n: number | null | undefined): string {
  return n === null || n === undefined ? '–' : money.format(n);
}

export function fmtCompact(n: number | null | undefined): string {
  return n === null || n === undefined ? '–' : compact.format(n);
}

// One formatter: toLocaleTimeString builds a new one per call, which cost ~0.2 s per chart redraw.
const clock = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

export function fmtClock(ms: number): string {
  return clock.format(ms);
}

export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min${ms % 60_000 >= 1000 ? ` ${Math.round((ms % 60_000) / 1000)} s` : ''}`;
  return `${(ms / 3_600_000).toFixed(ms % 3_600_000 === 0 ? 0 : 1)} h`;
}

/** Money values to the cent, as a string the tests can compare exactly. */
export function centsString(n: number | null | undefined): string {
  return n === null || n === undefined ? '' : (Math.round(n * 100) / 100).toFixed(2);
}

/** Integers as integers, other numbers to two decimals. */
export function fmtNumber(v: number | null | undefined): string {
  if (v === null || v === undefined) return '–';
  return Number.isInteger(v) ? int.format(v) : v.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/**
 * Formatters for recharts props, made once: a function created per render is a changed prop to
 * recharts, which then redoes that component's work.
 */
export const fmtMoneyValue = (v: unknown): string => fmtMoney(Number(v));
export const fmtIntValue = (v: unknown): string => fmtInt(Number(v));
