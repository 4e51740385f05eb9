/**
 * Dates, times and timestamps as DuckDB prints them, from integers in their unit: no Date object
 * (its range ends at ±275,760 years and it knows nothing finer than ms) and no time zone (a stored
 * timestamp is shown in UTC terms, never moved into the viewer's zone).
 */

const PER_SECOND = [1, 1e3, 1e6, 1e9] as const;
const PER_SECOND_BIG = [1n, 1_000n, 1_000_000n, 1_000_000_000n] as const;
/** Fraction digits of each Arrow TimeUnit (SECOND, MILLISECOND, MICROSECOND, NANOSECOND). */
const DIGITS = [0, 3, 6, 9] as const;

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** A count of `unit`s since an epoch as whole seconds (floored) and the units past them (0 or more). */
export function splitUnits(v: number | bigint, unit: number): [secs: number, frac: number] {
  if (typeof v === 'bigint') {
    const per = PER_SECOND_BIG[unit] ?? 1n;
    let secs = v / per;
    let frac = v - secs * per;
    if (frac < 0n) {
      secs -= 1n;
      frac += per;
    }
    return [Number(secs), Number(frac)];
  }
  const per = PER_SECOND[unit] ?? 1;
  let secs = Math.floor(v / per);
  let frac = v - secs * per;
  // v / per is rounded: next to a whole second the floor can land one off.
  if (frac < 0) {
    secs -= 1;
    frac += per;
  } else if (frac >= per) {
    secs += 1;
    frac -= per;
  }
  return [secs, frac];
}

/** `.ffffff` of `frac` units with trailing zeros trimmed; empty when 0. */
function fractionText(frac: number, unit: number): string {
  if (frac === 0) return '';
  const s = String(frac).padStart(DIGITS[unit] ?? 0, '0');
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--;
  return `.${s.slice(0, end)}`;
}

/** HH:MM:SS[.fff] of `secs` seconds (0..86399) and `frac` units into the day. */
export function timeOfDayText(secs: number, frac: number, unit: number): string {
  const h = Math.floor(secs / 3600);
  const m = Math.floor((secs % 3600) / 60);
  return `${pad2(h)}:${pad2(m)}:${pad2(secs % 60)}${fractionText(frac, unit)}`;
}

/**
 * YYYY-MM-DD of `days` since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's
 * civil_from_days). Years past 9999 get their digits, years before 1 a minus sign (ISO 8601's
 * astronomical years: 0 is 1 BC).
 */
export function dateOfDays(days: number): string {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const year = y < 0 ? `-${String(-y).padStart(4, '0')}` : String(y).padStart(4, '0');
  return `${year}-${pad2(m)}-${pad2(d)}`;
}

// Neighbouring timestamps (a log in time order) mostly share their day: its text is made once per run.
let lastDays = Number.NaN;
let lastDate = '';

/** YYYY-MM-DD HH:MM:SS[.fff] of `secs` seconds since the epoch and `frac` units past them. */
export function timestampText(secs: number, frac: number, unit: number): string {
  const days = Math.floor(secs / 86_400);
  if (days !== lastDays) {
    lastDays = days;
    lastDate = dateOfDays(days);
  }
  return `${lastDate} ${timeOfDayText(secs - days * 86_400, frac, unit)}`;
}
