/**
 * Arrow Utf8 data from JS strings, fast: building it value by value (vectorFromArray) takes ~3 s for
 * 1M strings (../shared/NOTES.md). Here the UTF-8 lengths are counted in JS, then all strings are
 * joined and encoded by one native TextEncoder call.
 */
import { Utf8, makeData, type Data } from 'apache-arrow';

const encoder = new TextEncoder();

/** Bytes of `s` in UTF-8, as TextEncoder writes it (a lone surrogate becomes U+FFFD, 3 bytes). */
function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2; // the pair is 2 units and 4 bytes
      i++;
    } else n += 2;
  }
  return n;
}

/** A validity bitmap for `length` values with bit i set when `valid(i)`, or undefined when all are. */
export function bitmapOf(length: number, nullCount: number, valid: (i: number) => boolean): Uint8Array | undefined {
  if (nullCount === 0) return undefined;
  const bitmap = new Uint8Array((length + 7) >> 3);
  for (let i = 0; i < length; i++) if (valid(i)) bitmap[i >> 3]! |= 1 << (i & 7);
  return bitmap;
}

/** Utf8 data holding `strings[0..length)`, null where the entry is null. */
export function utf8Data(strings: readonly (string | null)[], length: number): Data<Utf8> {
  const offsets = new Int32Array(length + 1);
  let nullCount = 0;
  let at = 0;
  for (let i = 0; i < length; i++) {
    const s = strings[i];
    if (s === null || s === undefined) nullCount++;
    else at += utf8Length(s);
    offsets[i + 1] = at;
  }
  // join() writes null and undefined as '': their offsets did not move.
  const bytes = encoder.encode(length === strings.length ? strings.join('') : strings.slice(0, length).join(''));
  const nullBitmap = bitmapOf(length, nullCount, (i) => strings[i] !== null && strings[i] !== undefined);
  return makeData({ type: new Utf8(), length, nullCount, nullBitmap, valueOffsets: offsets, data: bytes });
}
