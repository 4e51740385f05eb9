import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { SHOP_SCHEMA } from '../protocol/shop';
import { concatBatches, sliceBatch } from '../protocol/schema';
import { shopBatch } from '../testing/events';
import { EventLog, LogGapError } from './EventLog';
import { LogDb } from './LogDb';
import { decodeSegment } from './segmentCodec';

let n = 0;
async function freshLog(): Promise<EventLog> {
  const log = new EventLog(new LogDb(`test-log-${n++}`));
  await log.ensureDataset('shop', 'shop', SHOP_SCHEMA);
  return log;
}

async function allEvents(log: EventLog) {
  const segs = await log.segmentsOverlapping('shop', 0, Number.MAX_SAFE_INTEGER);
  const seqs = segs.flatMap((s) => decodeSegment(SHOP_SCHEMA, s.bytes).seq);
  const batch = concatBatches(
    SHOP_SCHEMA,
    segs.map((s) => decodeSegment(SHOP_SCHEMA, s.bytes).batch),
  );
  return { segs, seqs, batch };
}

describe('EventLog', () => {
  it('assigns dense seqs and moves the high-water mark with each segment', async () => {
    const log = await freshLog();
    const a = await log.append('shop', shopBatch(10, 1));
    const b = await log.append('shop', shopBatch(5, 2));
    expect([a.firstSeq, a.lastSeq, b.firstSeq, b.lastSeq]).toEqual([1, 10, 11, 15]);
    const ds = await log.dataset('shop');
    expect(ds?.highWater).toBe(15);
    expect(ds?.segmentCount).toBe(2);
    expect((await allEvents(log)).seqs).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
  });

  it('stores events exactly: numbers, nulls, unicode, event times', async () => {
    const log = await freshLog();
    const batch = shopBatch(200, 3);
    await log.append('shop', batch);
    expect((await allEvents(log)).batch).toEqual(batch);
  });

  it('drops what a source already delivered and refuses a gap', async () => {
    const log = await freshLog();
    const batch = shopBatch(10, 4);
    await log.append('shop', sliceBatch(batch, 0, 6), { stream: 's', offset: 0 });
    // A replay overlapping the durable part: only offsets 6..9 are new.
    const r = await log.append('shop', batch, { stream: 's', offset: 0 });
    expect(r.duplicates).toBe(6);
    expect(r.appended).toBe(4);
    expect(r.nextOffset).toBe(10);
    const again = await log.append('shop', batch, { stream: 's', offset: 0 });
    expect(again.appended).toBe(0);
    expect(again.segment).toBeNull();
    await expect(log.append('shop', batch, { stream: 's', offset: 12 })).rejects.toBeInstanceOf(LogGapError);
    const { batch: stored } = await allEvents(log);
    expect(stored).toEqual(batch);
    expect((await log.dataset('shop'))?.sources.s).toBe(10);
  });

  it('records a gap the source reported, so the stream can go on past it', async () => {
    const log = await freshLog();
    await log.append('shop', shopBatch(3, 5), { stream: 's', offset: 0 });
    // A range that does not follow what the log holds records nothing: an append before it failed.
    expect(await log.recordGap('shop', 's', 4, 8)).toBe(-1);
    expect((await log.dataset('shop'))?.sources.s).toBe(3);
    expect(await log.recordGap('shop', 's', 3, 8)).toBe(5);
    await log.append('shop', shopBatch(2, 6), { stream: 's', offset: 8 });
    const ds = await log.dataset('shop');
    expect(ds?.gaps.s).toBe(5);
    expect(ds?.sources.s).toBe(10);
    expect(ds?.highWater).toBe(5);
  });

  it('refuses a malformed batch', async () => {
    const log = await freshLog();
    await log.append('shop', shopBatch(4, 7));
    const bad = { count: 2, ts: [1, 2], columns: { country: ['x', 'y'] } };
    await expect(log.append('shop', bad as never)).rejects.toThrow(/not appended/);
    expect((await log.dataset('shop'))?.highWater).toBe(4);
  });

  it('starts a new source at its oldest replayable offset without calling it a gap', async () => {
    const log = await freshLog();
    expect(await log.startSource('shop', 's', 500)).toBe(500);
    expect(await log.startSource('shop', 's', 900)).toBe(500);
    await log.append('shop', shopBatch(2, 1), { stream: 's', offset: 500 });
    const ds = await log.dataset('shop');
    expect(ds?.sources.s).toBe(502);
    expect(ds?.gaps.s).toBeUndefined();
  });

  it('writes only the events marked to keep, and rejects the same ones once on a replay', async () => {
    const log = await freshLog();
    const batch = shopBatch(10, 9);
    const keep = new Uint8Array(10).fill(1);
    keep[2] = 0;
    keep[7] = 0;
    const first = await log.append('shop', sliceBatch(batch, 0, 5), { stream: 's', offset: 0 }, keep.subarray(0, 5));
    expect([first.appended, first.rejected]).toEqual([4, 1]);
    // The server replays offsets 0..9: the first five are duplicates, event 7 is rejected again.
    const replay = await log.append('shop', batch, { stream: 's', offset: 0 }, keep);
    expect([replay.appended, replay.rejected, replay.duplicates]).toEqual([4, 1, 5]);
    const ds = await log.dataset('shop');
    expect(ds?.highWater).toBe(8);
    expect(ds?.rejected?.s).toBe(2);
    expect(ds?.sources.s).toBe(10);
    // A batch of only rejected events still moves the source on.
    const none = await log.append('shop', shopBatch(2, 1), { stream: 's', offset: 10 }, new Uint8Array(2));
    expect([none.appended, none.rejected, none.nextOffset]).toEqual([0, 2, 12]);
    expect((await log.dataset('shop'))?.sources.s).toBe(12);
  });

  it('a failure between the segment write and the high-water mark leaves neither', async () => {
    const log = await freshLog();
    await log.append('shop', shopBatch(4, 7));
    // Make the dataset update fail after the segment was added in the same transaction.
    const fail = () => {
      throw new Error('simulated crash');
    };
    log.db.datasets.hook('updating', fail);
    await expect(log.append('shop', shopBatch(3, 8), { stream: 's', offset: 0 })).rejects.toThrow(/simulated crash/);
    log.db.datasets.hook('updating').unsubscribe(fail);
    const ds = await log.dataset('shop');
    expect(ds?.highWater).toBe(4);
    expect(ds?.sources.s).toBeUndefined();
    expect((await allEvents(log)).seqs).toEqual([1, 2, 3, 4]);
    // And the log goes on from there.
    const r = await log.append('shop', shopBatch(3, 8), { stream: 's', offset: 0 });
    expect([r.firstSeq, r.lastSeq]).toEqual([5, 7]);
  });

  it('compaction re-packs small segments without changing any event or seq', async () => {
    const log = await freshLog();
    const parts = Array.from({ length: 20 }, (_, i) => shopBatch(3 + i, 100 + i));
    for (const p of parts) await log.append('shop', p);
    const before = await allEvents(log);
    expect(await log.compactTail('shop')).toBe(20);
    const after = await allEvents(log);
    expect(after.segs).toHaveLength(1);
    expect(after.seqs).toEqual(before.seqs);
    expect(after.batch).toEqual(before.batch);
    expect((await log.dataset('shop'))?.segmentCount).toBe(1);
    // Segments overlapping a range include a compacted one that straddles it.
    const mid = await log.segmentsOverlapping('shop', 10, 20);
    expect(mid.map((s) => [s.firstSeq, s.lastSeq])).toEqual([[1, after.seqs.length]]);
  });

  it('leaves a short tail alone', async () => {
    const log = await freshLog();
    for (let i = 0; i < 5; i++) await log.append('shop', shopBatch(3, i));
    expect(await log.compactTail('shop')).toBe(0);
  });
});

describe('EventLog with streams named like Object.prototype members', () => {
  it('keeps each one its own resume offset, gaps and rejections', async () => {
    const log = new EventLog(new LogDb(`odd-streams-${Math.random()}`));
    await log.ensureDataset('d', 'd', SHOP_SCHEMA);
    const names = ['__proto__', 'toString', 'constructor', 'hasOwnProperty'];
    for (const [i, stream] of names.entries()) {
      expect(await log.startSource('d', stream, 10 * i)).toBe(10 * i);
      const r = await log.append('d', shopBatch(5, i + 1), { stream, offset: 10 * i });
      expect(r).toMatchObject({ appended: 5, duplicates: 0, nextOffset: 10 * i + 5 });
      expect(await log.recordGap('d', stream, 10 * i + 5, 10 * i + 8)).toBe(3);
    }
    const ds = (await log.dataset('d'))!;
    expect(Object.getPrototypeOf(ds.sources)).toBe(Object.prototype);
    for (const [i, stream] of names.entries()) {
      expect(Object.getOwnPropertyDescriptor(ds.sources, stream)?.value).toBe(10 * i + 8);
      expect(Object.getOwnPropertyDescriptor(ds.gaps, stream)?.value).toBe(3);
    }
    // A replay of an already stored batch is cut as duplicates for these names too.
    const again = await log.append('d', shopBatch(5, 2), { stream: 'toString', offset: 10 });
    expect(again).toMatchObject({ appended: 0, duplicates: 5 });
  });
});
