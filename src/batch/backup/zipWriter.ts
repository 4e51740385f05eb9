/**
 * A ZIP archive of stored (uncompressed) entries, written front to back into a Blob. Stored because
 * the big entries are Parquet, compressed already; a ZIP because a person can open a backup with any
 * archive tool and read its manifest and Parquet files. No ZIP64: an archive stops at 4 GiB and
 * 65,535 entries, and says so, far past what one tab's storage holds in practice.
 */
import { crc32 } from './crc32';

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
/** Bit 11: names are UTF-8. */
const UTF8_NAMES = 0x0800;
const MAX_U32 = 0xffff_ffff;
const MAX_ENTRIES = 0xffff;

interface Written {
  name: Uint8Array<ArrayBuffer>;
  crc: number;
  size: number;
  offset: number;
}

/** DOS date and time, as ZIP headers keep them (local time by the format's rules; 2-second steps). */
function dosTime(at: Date): { time: number; date: number } {
  const year = Math.max(1980, at.getFullYear());
  return { time: (at.getHours() << 11) | (at.getMinutes() << 5) | (at.getSeconds() >> 1), date: ((year - 1980) << 9) | ((at.getMonth() + 1) << 5) | at.getDate() };
}

export class ZipWriter {
  private readonly entries: Written[] = [];
  private readonly parts: BlobPart[] = [];
  private blob = new Blob([]);
  private pending = 0;
  private offset = 0;
  private readonly stamp: { time: number; date: number };

  constructor(at = new Date()) {
    this.stamp = dosTime(at);
  }

  /** Bytes written so far. */
  get size(): number {
    return this.offset;
  }

  /** Appends one entry whole: its bytes are needed before its header (CRC and size lead). */
  add(name: string, bytes: Uint8Array<ArrayBuffer>): void {
    if (this.entries.length >= MAX_ENTRIES) throw new Error(`a backup holds at most ${MAX_ENTRIES} files`);
    if (this.offset + bytes.byteLength + 30 + name.length * 3 > MAX_U32) throw new Error('a backup of over 4 GiB is not supported; delete or export a large dataset on its own first');
    const encoded = new TextEncoder().encode(name);
    const entry: Written = { name: encoded, crc: crc32(bytes), size: bytes.byteLength, offset: this.offset };
    const h = new DataView(new ArrayBuffer(30));
    h.setUint32(0, LOCAL, true);
    h.setUint16(4, 20, true);
    h.setUint16(6, UTF8_NAMES, true);
    h.setUint16(8, 0, true); // stored
    h.setUint16(10, this.stamp.time, true);
    h.setUint16(12, this.stamp.date, true);
    h.setUint32(14, entry.crc, true);
    h.setUint32(18, entry.size, true);
    h.setUint32(22, entry.size, true);
    h.setUint16(26, encoded.length, true);
    h.setUint16(28, 0, true);
    this.push(new Uint8Array(h.buffer), encoded, bytes);
    this.entries.push(entry);
  }

  /** The central directory and its end record; the archive is complete after this. */
  finish(type = 'application/zip'): Blob {
    const start = this.offset;
    for (const e of this.entries) {
      const h = new DataView(new ArrayBuffer(46));
      h.setUint32(0, CENTRAL, true);
      h.setUint16(4, 20, true);
      h.setUint16(6, 20, true);
      h.setUint16(8, UTF8_NAMES, true);
      h.setUint16(10, 0, true);
      h.setUint16(12, this.stamp.time, true);
      h.setUint16(14, this.stamp.date, true);
      h.setUint32(16, e.crc, true);
      h.setUint32(20, e.size, true);
      h.setUint32(24, e.size, true);
      h.setUint16(28, e.name.length, true);
      // extra, comment, disk, internal and external attributes: all 0
      h.setUint32(42, e.offset, true);
      this.push(new Uint8Array(h.buffer), e.name);
    }
    const end = new DataView(new ArrayBuffer(22));
    end.setUint32(0, END, true);
    end.setUint16(8, this.entries.length, true);
    end.setUint16(10, this.entries.length, true);
    end.setUint32(12, this.offset - start, true);
    end.setUint32(16, start, true);
    this.push(new Uint8Array(end.buffer));
    this.fold(type);
    return this.blob;
  }

  private push(...chunks: Uint8Array<ArrayBuffer>[]): void {
    for (const c of chunks) {
      this.parts.push(c);
      this.pending += c.byteLength;
      this.offset += c.byteLength;
    }
    // Folded into the Blob every 32 MB: a browser keeps Blob data out of the JS heap (on disk when large).
    if (this.pending >= 32 * 1024 ** 2) this.fold();
  }

  private fold(type = ''): void {
    this.blob = new Blob([this.blob, ...this.parts], type ? { type } : {});
    this.parts.length = 0;
    this.pending = 0;
  }
}
