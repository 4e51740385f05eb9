/**
 * A stream's events in a file, one JSON line per published batch with its first offset, so a
 * restarted server continues the same offsets and can replay what clients have not made durable.
 * Written without fsync: it survives the server process crashing or restarting, not a power loss or
 * an OS crash (the last batches may still be in the OS's page cache then).
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ColumnBatch } from '../src/protocol/schema';

export interface StoredBatch {
  offset: number;
  batch: ColumnBatch;
}

export class StreamFile {
  private readonly path: string;

  constructor(dir: string, streamId: string) {
    mkdirSync(dir, { recursive: true });
    // Ids are checked identifiers (src/protocol/ids.ts: no "/", never starting with "."), so each
    // names its own file; mapping characters away would let two ids share one.
    this.path = join(dir, `${streamId}.ndjson`);
  }

  /** Everything stored, in offset order. A torn last line (a crash mid-write) is dropped. */
  load(): StoredBatch[] {
    if (!existsSync(this.path)) return [];
    const out: StoredBatch[] = [];
    let expected = 0;
    let goodBytes = 0;
    const text = readFileSync(this.path, 'utf8');
    for (const line of text.split('\n')) {
      if (!line) continue;
      let b: StoredBatch;
      try {
        b = JSON.parse(line) as StoredBatch;
      } catch {
        break;
      }
      if (b.offset !== expected) break;
      out.push(b);
      expected += b.batch.count;
      goodBytes += Buffer.byteLength(line) + 1;
    }
    // Cut a torn tail so that new lines follow the last good one.
    if (goodBytes < Buffer.byteLength(text)) truncateSync(this.path, goodBytes);
    return out;
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
