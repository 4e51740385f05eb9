import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ColumnBatch } from '../src/protocol/schema';
import { StreamFile } from './StreamFile';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function file(chunkBytes?: number): { f: StreamFile; path: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lwb-streamfile-'));
  dirs.push(dir);
  return { f: new StreamFile(dir, 's', chunkBytes), path: join(dir, 's.ndjson'), dir };
}
const batch = (from: number, n: number): ColumnBatch => ({ count: n, ts: Array.from({ length: n }, (_, i) => from + i), columns: { v: Array.from({ length: n }, (_, i) => `v${from + i}`) } });

describe('StreamFile', () => {
  it('reads every stored batch in chunks smaller than a line, keeps the newest events, and cuts a torn tail', () => {
    const { f, path, dir } = file(64);
    let offset = 0;
    for (const n of [1, 7, 30, 2, 1, 50, 3]) {
      f.append(offset, batch(offset, n));
      offset += n;
    }
    // A crash mid-write: half a line at the end.
    appendFileSync(path, '{"offset":94,"batch":{"count":2,"ts":[1');
    const seen: number[] = [];
    const tail = f.load(10, (b) => seen.push(b.offset));
    expect(seen).toEqual([0, 1, 8, 38, 40, 41, 91]);
    // The batches holding the newest 10 events: 50 at offset 41 and 3 at offset 91.
    expect(tail.map((b) => [b.offset, b.batch.count])).toEqual([
      [41, 50],
      [91, 3],
    ]);
    expect(tail[1]!.batch.columns.v).toEqual(['v91', 'v92', 'v93']);
    expect(readFileSync(path, 'utf8').endsWith('\n')).toBe(true);
    // What follows the cut reads on, through a fresh reader of the same folder.
    f.append(94, batch(94, 2));
    const again = new StreamFile(dir, 's', 1024);
    expect(again.load().map((b) => b.offset)).toEqual([0, 1, 8, 38, 40, 41, 91, 94]);
  });

  it('keeps at least the newest batch; stops at a line that does not follow on', () => {
    const { f, path } = file();
    f.append(0, batch(0, 5));
    f.append(5, batch(5, 5));
    expect(f.load(0).map((b) => b.offset)).toEqual([5]);
    appendFileSync(path, `${JSON.stringify({ offset: 99, batch: batch(99, 1) })}\n`);
    expect(f.load().map((b) => b.offset)).toEqual([0, 5]);
    expect(f.load().map((b) => b.offset)).toEqual([0, 5]);
  });

  it('a file with many more lines than it keeps: the window moves without holding them all', () => {
    const { f } = file(4096);
    for (let i = 0; i < 200_000; i++) f.append(i, batch(i, 1));
    let n = 0;
    const tail = f.load(3, () => n++);
    expect(n).toBe(200_000);
    expect(tail.map((b) => b.offset)).toEqual([199_997, 199_998, 199_999]);
  });
});
