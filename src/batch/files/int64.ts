/**
 * 64-bit integers as pairs of 32-bit words, little-endian as every browser engine is. Reading and
 * writing words avoids a BigInt per value, which costs more than the rest of a column's conversion.
 * A value is "safe" within ±(2^53-1): there a JS number, DuckDB's BIGINT and the log agree exactly.
 */

export const TWO_32 = 0x1_0000_0000;
const HI_MAX = 0x1f_ffff; // the high word of 2^53-1

/** The words of an Int64 buffer: `[lo0, hi0, lo1, hi1, ...]`. */
export function wordsOf(values: BigInt64Array | BigUint64Array): Int32Array {
  return new Int32Array(values.buffer, values.byteOffset, values.length * 2);
}

/** Whether the signed 64-bit value with these words is within ±(2^53-1). */
export function isSafeSigned(lo: number, hi: number): boolean {
  return hi <= HI_MAX && (hi > -HI_MAX - 1 || (hi === -HI_MAX - 1 && lo !== 0));
}

/** Whether the unsigned 64-bit value with these words is at most 2^53-1. */
export function isSafeUnsigned(hi: number): boolean {
  return hi >= 0 && hi <= HI_MAX;
}

/** The value of a pair of words (exact when safe). */
export function wordsValue(lo: number, hi: number): number {
  return hi * TWO_32 + (lo >>> 0);
}

/** The signed value of a pair of words as a decimal string (for messages: exact at any size). */
export function wordsText(lo: number, hi: number): string {
  return ((BigInt(hi) << 32n) + BigInt(lo >>> 0)).toString();
}

/** Writes a safe integer `v` as the words of element `i`. */
export function setWords(words: Int32Array, i: number, v: number): void {
  const hi = Math.floor(v / TWO_32);
  words[2 * i] = (v - hi * TWO_32) | 0;
  words[2 * i + 1] = hi;
}

/**
 * floor(v / d) for the signed 64-bit v given by its words and a positive integer d <= 2^21, exact
 * even when v is beyond 2^53 (nanosecond timestamps are). Splitting v = hi*2^32 + lo keeps every
 * intermediate below 2^53; the result is exact when it is safe.
 */
export function floorDivWords(lo: number, hi: number, d: number): number {
  const qh = Math.floor(hi / d);
  const x = (hi - qh * d) * TWO_32 + (lo >>> 0);
  let q = Math.floor(x / d);
  if (q * d > x) q--; // x / d may round up to the next integer
  return qh * TWO_32 + q;
}

/** floor(x / d) for a safe integer x and a positive integer d, exact (x / d may round up to an integer). */
export function floorDiv(x: number, d: number): number {
  let q = Math.floor(x / d);
  if (q * d > x) q--;
  return q;
}
