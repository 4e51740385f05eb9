/**
 * Reads the directory of a ZIP archive of stored entries (what ZipWriter makes) from a Blob, and
 * each entry's bytes on request: nothing but the directory and the entry asked for is in memory.
 * Every way a file can be cut or damaged ends in a BackupProblem saying so in plain words.
 */
import { BackupProblem } from './BackupProblem';
import { crc32 } from './crc32';

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const END = 0x06054b50;
const END_SIZE = 22;
const MAX_COMMENT = 0xffff;

export interface ZipEntry {
  name: string;
  crc: number;
  size: number;
  method: number;
  /** Where the entry's local header starts. */
  offset: number;
}

const bytesOf = async (blob: Blob, from: number, to: number): Promise<Uint8Array<ArrayBuffer>> => new Uint8Array(await blob.slice(from, to).arrayBuffer());

export class ZipReader {
  private constructor(
    private readonly blob: Blob,
    readonly entries: ReadonlyMap<string, ZipEntry>,
  ) {}

  /** Opens the archive's directory; refuses a file that is not a ZIP or whose end is missing. */
  static async open(blob: Blob): Promise<ZipReader> {
    const head = await bytesOf(blob, 0, 4);
    if (head.length < 4 || new DataView(head.buffer).getUint32(0, true) !== LOCAL) throw new BackupProblem('this file is not a workspace backup (it is not a ZIP archive)');
    const tailStart = Math.max(0, blob.size - END_SIZE - MAX_COMMENT);
    const tail = await bytesOf(blob, tailStart, blob.size);
    const view = new DataView(tail.buffer);
    let at = -1;
    for (let i = tail.length - END_SIZE; i >= 0; i--) {
      if (view.getUint32(i, true) === END && i + END_SIZE + view.getUint16(i + 20, true) === tail.length) {
        at = i;
        break;
      }
    }
    if (at < 0)
      throw new BackupProblem(
        `the backup is cut short: its last part, the table of contents, is missing (the file has ${blob.size.toLocaleString('en-US')} bytes); make the backup again or copy the whole file`,
      );
    const count = view.getUint16(at + 10, true);
    const dirSize = view.getUint32(at + 12, true);
    const dirStart = view.getUint32(at + 16, true);
    const endAt = tailStart + at;
    if (dirStart + dirSize !== endAt) throw new BackupProblem('the backup is damaged: its table of contents is not where its end says (cut or altered in the middle)');
    const dir = await bytesOf(blob, dirStart, endAt);
    const d = new DataView(dir.buffer);
    const entries = new Map<string, ZipEntry>();
    let p = 0;
    for (let k = 0; k < count; k++) {
      if (p + 46 > dir.length || d.getUint32(p, true) !== CENTRAL) throw new BackupProblem(`the backup is damaged: entry ${k + 1} of its table of contents is unreadable`);
      const nameLength = d.getUint16(p + 28, true);
      const skip = nameLength + d.getUint16(p + 30, true) + d.getUint16(p + 32, true);
      const name = new TextDecoder().decode(dir.subarray(p + 46, p + 46 + nameLength));
      const size = d.getUint32(p + 24, true);
      if (d.getUint32(p + 20, true) !== size) throw new BackupProblem(`the backup's file ${name} is compressed; a workspace backup stores its files as they are`);
      entries.set(name, { name, crc: d.getUint32(p + 16, true), size, method: d.getUint16(p + 10, true), offset: d.getUint32(p + 42, true) });
      p += 46 + skip;
    }
    return new ZipReader(blob, entries);
  }

  /** An entry's bytes, checked against the directory's size (and CRC-32 when `checkCrc`). */
  async read(name: string, checkCrc = false): Promise<Uint8Array<ArrayBuffer>> {
    const e = this.entries.get(name);
    if (!e) throw new BackupProblem(`the backup has no file ${name}`);
    if (e.method !== 0) throw new BackupProblem(`the backup's file ${name} is compressed; a workspace backup stores its files as they are`);
    const h = await bytesOf(this.blob, e.offset, e.offset + 30);
    if (h.length < 30 || new DataView(h.buffer).getUint32(0, true) !== LOCAL) throw new BackupProblem(`the backup is damaged: the header of ${name} is not where its table of contents says`);
    const hv = new DataView(h.buffer);
    const start = e.offset + 30 + hv.getUint16(26, true) + hv.getUint16(28, true);
    if (start + e.size > this.blob.size) throw new BackupProblem(`the backup is cut short: ${name} ends past the end of the file`);
    const bytes = await bytesOf(this.blob, start, start + e.size);
    if (checkCrc && crc32(bytes) !== e.crc) throw new BackupProblem(`the backup's ${name} is damaged (its CRC-32 does not match)`);
    return bytes;
  }
}
