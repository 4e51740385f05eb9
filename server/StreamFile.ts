/**
 * A stream's events in a file, one JSON line per published batch with its first offset, so a
 * restarted server continues the same offsets and can replay what clients have not made durable.
 * Written without fsync: it survives the server process crashing or restarting, not a power loss or
 * an OS crash (the last batches may still be in the OS's page cache then).
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ColumnBatch } from '../src/protocol/schema';

export interface StoredBatch {
  offset: number;
  batch: ColumnBatch;
}

/** How much of the file is read at once. */
const CHUNK_BYTES = 16 * 1024 * 1024;

export class StreamFile {
  private readonly path: string;

  constructor(
    dir: string,
    streamId: string,
    private readonly chunkBytes = CHUNK_BYTES,
  ) {
    mkdirSync(dir, { recursive: true });
    // Ids are checked identifiers (src/protocol/ids.ts: no "/", never starting with "."), so each
    // names its own file; mapping characters away would let two ids share one.
    this.path = join(dir, `${streamId}.ndjson`);
  }

  /**
   * Reads the file in offset order, a chunk at a time (it may be larger than memory, and far larger
   * than one string can be): `each` sees every stored batch, and the batches holding the newest
   * `keep` events (at least the newest batch) are returned. A torn last line (a crash mid-write), or
   * anything after a line that does not follow on, is cut off so that new lines follow the last good one.
   */
  load(keep = Number.POSITIVE_INFINITY, each?: (b: StoredBatch) => void): StoredBatch[] {
    if (!existsSync(this.path)) return [];
    const tail: StoredBatch[] = [];
    let head = 0;
    let tailEvents = 0;
    let expected = 0;
    let goodBytes = 0;
    let carry = Buffer.alloc(0);
    const chunk = Buffer.allocUnsafe(this.chunkBytes);
    const fd = openSync(this.path, 'r');
    try {
      for (let pos = 0, broken = false; !broken; ) {
        const n = readSync(fd, chunk, 0, chunk.length, pos);
        if (n === 0) break;
        pos += n;
        const buf = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
        let start = 0;
        for (let nl = buf.indexOf(10); nl !== -1; nl = buf.indexOf(10, start)) {
          if (nl > start) {
            let b: StoredBatch;
            try {
              b = JSON.parse(buf.toString('utf8', start, nl)) as StoredBatch;
            } catch {
              broken = true;
              break;
            }
            if (b.offset !== expected) {
              broken = true;
              break;
            }
            expected += b.batch.count;
            each?.(b);
            tail.push(b);
            tailEvents += b.batch.count;
            while (tail.length - head > 1 && tailEvents - tail[head]!.batch.count >= keep) tailEvents -= tail[head++]!.batch.count;
            // Drop what left the window once it is most of the array (a shift at every line is O(n)).
            if (head > 1024 && head * 2 > tail.length) {
              tail.splice(0, head);
              head = 0;
            }
          }
          goodBytes += nl - start + 1;
          start = nl + 1;
        }
        // The chunk's buffer is read into again: keep a copy of the unfinished line.
        carry = Buffer.from(buf.subarray(start));
      }
    } finally {
      closeSync(fd);
    }
    if (goodBytes < statSync(this.path).size) truncateSync(this.path, goodBytes);
    return tail.slice(head);
  }

  /**
   * The stream's incarnation, kept beside its events: made once, when the file starts, so offsets
   * read from this file always carry the same name (and a server without the file, another).
   */
  epoch(): string {
    const at = this.path.replace(/\.ndjson$/, '.epoch');
    // Events gone (a file deleted by hand) and offsets starting over: a new name, whatever was kept.
    const hasEvents = existsSync(this.path) && statSync(this.path).size > 0;
    if (hasEvents && existsSync(at)) return readFileSync(at, 'utf8').trim();
    const made = `file-${randomUUID()}`;
    writeFileSync(at, made);
    return made;
  }

  /** Appends synchronously: the batch is in the file (the OS's page cache) before any client sees its offsets. */
  append(offset: number, batch: ColumnBatch): void {
    appendFileSync(this.path, `${JSON.stringify({ offset, batch })}\n`);
  }
}
