/**
 * The text of fixed-width Arrow values in DuckDB's words: exact 64-bit integers, floats as their
 * shortest round-trip form, decimals from their two's-complement words, intervals, blobs.
 */
import type { Data } from 'apache-arrow';
import { timeOfDayText } from './timeText';

/** Reads Int64 values as exact numbers within ±2^53, as bigints beyond (no BigInt per value in the usual case). */
export function int64Reader(v: BigInt64Array): (i: number) => number | bigint {
  const words = new Int32Array(v.buffer, v.byteOffset, v.length * 2);
  return (i) => {
    const hi = words[2 * i + 1]!;
    if (hi >= -0x200000 && hi < 0x200000) return hi * 0x1_0000_0000 + (words[2 * i]! >>> 0);
    return v[i]!;
  };
}

export function floatText(d: Data): (i: number) => string {
  const show = (x: number) => (Object.is(x, -0) ? '-0' : String(x));
  if (d.values instanceof Uint16Array) {
    const v = d.values;
    return (i) => show(float16(v[i]!));
  }
  if (d.values instanceof Float32Array) {
    const v = d.values;
    return (i) => show(shortestFloat32(v[i]!));
  }
  const v = d.values as Float64Array;
  return (i) => show(v[i]!);
}

/** The shortest decimal that reads back as the same float32 (0.1f is 0.1, not 0.10000000149011612). */
function shortestFloat32(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  for (let p = 1; p < 9; p++) {
    const y = Number(x.toPrecision(p));
    if (Math.fround(y) === x) return y;
  }
  return x;
}

function float16(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 0x1f) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** Bytes as DuckDB prints a BLOB: printable ASCII as is, everything else (and \ ' ") as \xNN. */
export function blobText(bytes: Uint8Array, a: number, b: number): string {
  let s = '';
  for (let k = a; k < b; k++) {
    const c = bytes[k]!;
    s += c >= 32 && c <= 126 && c !== 0x5c && c !== 0x27 && c !== 0x22 ? String.fromCharCode(c) : `\\x${c.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return s;
}

/** A decimal from its little-endian two's-complement words (4 for 128 bits), with all `scale` digits. */
export function decimalText(words: Uint32Array, scale: number, stride: number): (i: number) => string {
  return (i) => {
    const base = i * stride;
    let negative = false;
    let digits: string;
    const lo = words[base]!;
    const hi = words[base + 1]!;
    let upperZero = true;
    let upperOnes = true;
    for (let k = 2; k < stride; k++) {
      upperZero &&= words[base + k] === 0;
      upperOnes &&= words[base + k] === 0xffffffff;
    }
    if (upperZero && hi < 0x200000) digits = String(hi * 0x1_0000_0000 + lo);
    else if (upperOnes && hi >= 0xffe00000) {
      negative = true;
      digits = String(-((hi - 0x1_0000_0000) * 0x1_0000_0000 + lo));
    } else {
      let big = 0n;
      for (let k = stride - 1; k >= 0; k--) big = (big << 32n) | BigInt(words[base + k]!);
      if (words[base + stride - 1]! & 0x80000000) {
        big -= 1n << BigInt(32 * stride);
        negative = true;
        big = -big;
      }
      digits = big.toString();
    }
    if (digits === '0') negative = false;
    const sign = negative ? '-' : '';
    if (scale <= 0) return sign + digits + (digits === '0' ? '' : '0'.repeat(-scale));
    const padded = digits.padStart(scale + 1, '0');
    return `${sign}${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
  };
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 || n === -1 ? '' : 's'}`;

/** An interval as DuckDB prints it: `1 year 2 months 3 days 04:05:06.5`, `00:00:00` when empty. */
export function intervalText(v: Int32Array, unit: number): (i: number) => string {
  const words = new Uint32Array(v.buffer, v.byteOffset, v.length);
  return (i) => {
    let months = 0;
    let days = 0;
    let nanos = 0n;
    if (unit === 0) months = v[i]!;
    else if (unit === 1) {
      days = v[2 * i]!;
      nanos = BigInt(v[2 * i + 1]!) * 1_000_000n;
    } else {
      const b = 4 * i;
      months = v[b]!;
      days = v[b + 1]!;
      nanos = (BigInt(v[b + 3]!) << 32n) | BigInt(words[b + 2]!);
    }
    const parts: string[] = [];
    const years = Math.trunc(months / 12);
    if (years !== 0) parts.push(plural(years, 'year'));
    if (months - years * 12 !== 0) parts.push(plural(months - years * 12, 'month'));
    if (days !== 0) parts.push(plural(days, 'day'));
    if (nanos !== 0n || parts.length === 0) {
      const abs = nanos < 0n ? -nanos : nanos;
      const secs = Number(abs / 1_000_000_000n);
      const time = timeOfDayText(secs % 86_400, Number(abs % 1_000_000_000n), 3);
      const hours = Math.floor(secs / 3600);
      parts.push(`${nanos < 0n ? '-' : ''}${String(hours).padStart(2, '0')}${time.slice(2)}`);
    }
    return parts.join(' ');
  };
}
