/**
 * The timeline's ranges, on its bucket grid: a brushed range (which cross-filters the other cards),
 * a zoom (which pins the shown window while live buckets keep collecting past it), panning, and
 * the keyboard's way of choosing a range. Every range is half-open, [from, to), in bucket starts.
 */

export interface TimeRange {
  from: number;
  /** The end of the last bucket in the range. */
  to: number;
}

/** The range covering the buckets starting at `a` and `b`, in either order. */
export function rangeOf(a: number, b: number, bucketMs: number): TimeRange {
  return { from: Math.min(a, b), to: Math.max(a, b) + bucketMs };
}

/** Moves a range by half its width (at least one bucket) toward earlier (-1) or later (1) time. */
export function pan(r: TimeRange, dir: -1 | 1, bucketMs: number): TimeRange {
  const buckets = Math.round((r.to - r.from) / bucketMs);
  const step = Math.max(1, Math.floor(buckets / 2)) * bucketMs * dir;
  return { from: r.from + step, to: r.to + step };
}

/** The range `r` with `factor` times its width (rounded to whole buckets, at least one) around its middle. */
export function zoomBy(r: TimeRange, factor: number, bucketMs: number): TimeRange {
  const buckets = Math.max(1, Math.round(((r.to - r.from) / bucketMs) * factor));
  const mid = Math.floor((r.from + r.to) / 2 / bucketMs) * bucketMs;
  const from = mid - Math.floor(buckets / 2) * bucketMs;
  return { from, to: from + buckets * bucketMs };
}

export const inRange = (r: TimeRange, t: number): boolean => t >= r.from && t < r.to;

/** A range being chosen by keyboard: the bucket it started at and the one it reaches. */
export interface KeyCursor {
  anchor: number;
  head: number;
}

/**
 * The cursor after a key, over the shown buckets `ts` (ascending): arrows move one bucket, Home and
 * End to the ends; with Shift the anchor stays, widening the range. Null for a key it does not use.
 */
export function moveCursor(c: KeyCursor | null, key: string, shift: boolean, ts: readonly number[]): KeyCursor | null {
  if (ts.length === 0) return null;
  const last = ts.length - 1;
  const at = c === null ? last : Math.max(0, ts.indexOf(c.head));
  let to: number;
  if (key === 'ArrowLeft') to = c === null ? last : Math.max(0, at - 1);
  else if (key === 'ArrowRight') to = c === null ? last : Math.min(last, at + 1);
  else if (key === 'Home') to = 0;
  else if (key === 'End') to = last;
  else return null;
  const head = ts[to]!;
  return { anchor: shift && c !== null ? c.anchor : head, head };
}
