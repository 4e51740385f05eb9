import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { SHOP_SCHEMA } from '../protocol/shop';
import { concatBatches, type ColumnBatch } from '../protocol/schema';
import { shopBatch } from '../testing/events';
import { EventLog } from './EventLog';
import { LogDb } from './LogDb';
import { applyRetention, DAY_MS, eventsHeld, restoredRetention, retentionProblem, retentionSql, setRetentionPolicy, trimClusterLog } from './retention';
import { startOnCluster } from './clusterStart';
import { decodeSegment } from './segmentCodec';

let n = 0;
async function logWith(batches: ColumnBatch[]): Promise<EventLog> {
  const log = new EventLog(new LogDb(`test-retention-${n++}`));
  await log.ensureDataset('shop', 'shop', SHOP_SCHEMA);
  for (const b of batches) await log.append('shop', b);
  return log;
}

async function held(log: EventLog) {
  const segs = await log.segmentsOverlapping('shop', 0, Number.MAX_SAFE_INTEGER);
  const decoded = segs.map((s) => decodeSegment(SHOP_SCHEMA, s.bytes));
  return {
    segs,
    seqs: decoded.flatMap((d) => d.seq),
    batch: concatBatches(
      SHOP_SCHEMA,
      decoded.map((d) => d.batch),
    ),
  };
}

/** `count` events, event i at `t0 + i * step`, in a shuffled order so that old and new mix in every segment. */
function spread(count: number, t0: number, step: number, seed: number): ColumnBatch {
  const b = shopBatch(count, seed);
  const order = Array.from({ length: count }, (_, i) => i).sort((a, c) => ((a * 7919 + seed) % 101) - ((c * 7919 + seed) % 101));
  return { ...b, ts: order.map((i) => t0 + i * step) };
}

/** The log's record agrees with its segments: count, bytes, time range. */
async function expectRecordTrue(log: EventLog) {
  const ds = (await log.dataset('shop'))!;
  const { segs, batch } = await held(log);
  expect(eventsHeld(ds)).toBe(batch.count);
  expect(ds.segmentCount).toBe(segs.length);
  expect(ds.bytes).toBe(segs.reduce((s, g) => s + g.bytes.byteLength, 0));
  expect(ds.minTs).toBe(batch.count ? Math.min(...batch.ts) : null);
  expect(ds.maxTs).toBe(batch.count ? Math.max(...batch.ts) : null);
  for (const s of segs) {
    const d = decodeSegment(SHOP_SCHEMA, s.bytes);
    expect([s.firstSeq, s.lastSeq, s.count]).toEqual([d.seq[0], d.seq[d.seq.length - 1], d.batch.count]);
  }
}

describe('retention', () => {
  it('keeps the last N events: the oldest seqs go in one run, the rest stay exactly as they were', async () => {
    const batches = [1, 2, 3, 4, 5].map((s) => shopBatch(100, s));
    const log = await logWith(batches);
    await setRetentionPolicy(log.db, 'shop', { kind: 'events', events: 150 });
    const run = await applyRetention(log.db, 'shop', 500);
    expect(run).toMatchObject({ n: 1, upToSeq: 350, beforeTs: null, removed: 350 });
    const { seqs, batch } = await held(log);
    expect(seqs).toEqual(Array.from({ length: 150 }, (_, i) => 351 + i));
    const all = concatBatches(SHOP_SCHEMA, batches);
    expect(batch.ts).toEqual(all.ts.slice(350));
    expect(batch.columns.amount).toEqual(all.columns.amount!.slice(350));
    await expectRecordTrue(log);
    expect((await log.dataset('shop'))!.highWater).toBe(500);
    // Nothing more to do: a second run records nothing.
    expect(await applyRetention(log.db, 'shop', 500)).toBeNull();
    // New events continue the seqs, and the next run keeps the last 150 again.
    await log.append('shop', shopBatch(60, 9));
    expect((await applyRetention(log.db, 'shop', 560))?.removed).toBe(60);
    expect((await held(log)).seqs[0]).toBe(411);
  });

  it('never goes past the seq it is given: the speed layer still holds what lies beyond', async () => {
    const log = await logWith([shopBatch(100, 1), shopBatch(100, 2), shopBatch(100, 3)]);
    await setRetentionPolicy(log.db, 'shop', { kind: 'events', events: 10 });
    expect(await applyRetention(log.db, 'shop', 0)).toBeNull();
    expect(await applyRetention(log.db, 'shop', 120)).toMatchObject({ upToSeq: 120, removed: 120 });
    expect((await held(log)).seqs[0]).toBe(121);
    await expectRecordTrue(log);
  });

  it('keeps the last N days of event time: every older event goes, wherever it sits in the log', async () => {
    const t0 = Date.UTC(2026, 0, 1);
    const hour = 3_600_000;
    const log = await logWith([spread(240, t0, hour, 1), spread(240, t0 + 240 * hour, hour, 2)]);
    await setRetentionPolicy(log.db, 'shop', { kind: 'days', days: 3 });
    const before = await held(log);
    const maxTs = Math.max(...before.batch.ts);
    const cut = maxTs - 3 * DAY_MS;
    const run = await applyRetention(log.db, 'shop', 480, maxTs + 10 * DAY_MS);
    const expected = before.seqs.filter((_, i) => before.batch.ts[i]! >= cut);
    expect(run).toMatchObject({ upToSeq: 480, beforeTs: cut, removed: 480 - expected.length });
    const after = await held(log);
    expect(after.seqs).toEqual(expected);
    expect(after.batch.ts.every((t) => t >= cut)).toBe(true);
    await expectRecordTrue(log);
  });

  it('measures days from now when the newest event is dated in the future', async () => {
    const now = Date.UTC(2026, 5, 1);
    const b = shopBatch(50, 4, now - 10 * DAY_MS);
    b.ts[7] = now + 400 * DAY_MS;
    const log = await logWith([b]);
    await setRetentionPolicy(log.db, 'shop', { kind: 'days', days: 20 });
    expect(await applyRetention(log.db, 'shop', 50, now)).toBeNull();
    await setRetentionPolicy(log.db, 'shop', { kind: 'days', days: 5 });
    expect((await applyRetention(log.db, 'shop', 50, now))?.removed).toBe(49);
  });

  it('leaves a segment reaching past the given seq whole, so the rule stays "seq <= upToSeq"', async () => {
    const t0 = Date.UTC(2026, 0, 1);
    const log = await logWith([spread(100, t0, DAY_MS, 1), spread(100, t0 + 100 * DAY_MS, DAY_MS, 2)]);
    await setRetentionPolicy(log.db, 'shop', { kind: 'days', days: 1 });
    const run = await applyRetention(log.db, 'shop', 150, t0 + 300 * DAY_MS);
    expect(run).toMatchObject({ upToSeq: 100, removed: 100 });
    expect((await held(log)).seqs).toEqual(Array.from({ length: 100 }, (_, i) => 101 + i));
  });

  it('counts back over holes: last-N-events after a days run, and compaction, keep the right seqs', async () => {
    const t0 = Date.UTC(2026, 0, 1);
    const hour = 3_600_000;
    const log = await logWith(Array.from({ length: 20 }, (_, i) => spread(20, t0 + i * 20 * hour, hour, i + 1)));
    await setRetentionPolicy(log.db, 'shop', { kind: 'days', days: 10 });
    // The newest event is at 399 h; ten days before it is 159 h: events 0..158 h go.
    const run = await applyRetention(log.db, 'shop', 400, t0 + 400 * hour);
    expect(run?.removed).toBe(159);
    // Twenty small segments, some with holes: compaction merges them and keeps each seq.
    const before = await held(log);
    expect(await log.compactTail('shop', { minRun: 4, smallEvents: 100, maxEvents: 1000 })).toBeGreaterThan(3);
    expect((await held(log)).seqs).toEqual(before.seqs);
    await expectRecordTrue(log);
    await setRetentionPolicy(log.db, 'shop', { kind: 'events', events: 100 });
    expect((await applyRetention(log.db, 'shop', 400))?.removed).toBe(141);
    expect((await held(log)).seqs).toEqual(before.seqs.slice(141));
    await expectRecordTrue(log);
    const ds = (await log.dataset('shop'))!;
    expect(ds.retention).toMatchObject({ lastRun: 2, removed: 300, cutUpTo: 400 });
    expect(ds.retention!.runs.map((r) => r.n)).toEqual([1, 2]);
  });

  it('keeps everything under "all", and says plainly what a policy cannot be', async () => {
    const log = await logWith([shopBatch(30, 1)]);
    await setRetentionPolicy(log.db, 'shop', { kind: 'all' });
    expect(await applyRetention(log.db, 'shop', 30)).toBeNull();
    expect(retentionProblem({ kind: 'days', days: 0 })).toMatch(/whole number of days/);
    expect(retentionProblem({ kind: 'events', events: 1.5 })).toMatch(/whole number/);
    expect(retentionProblem({ kind: 'events', events: 5 })).toBeNull();
    await expect(setRetentionPolicy(log.db, 'shop', { kind: 'days', days: -1 })).rejects.toThrow(/whole number/);
    await expect(setRetentionPolicy(log.db, 'nope', { kind: 'all' })).rejects.toThrow(/unknown dataset/);
  });

  it('states each run as one rule over seq and event time', () => {
    expect(retentionSql({ upToSeq: 350, beforeTs: null })).toBe('seq <= 350');
    expect(retentionSql({ upToSeq: 480, beforeTs: 1_767_225_600_000 })).toBe('seq <= 480 AND ts < 1767225600000');
  });
});

describe('retention from a backup', () => {
  it('keeps a valid policy without its runs, and refuses what is not a policy', () => {
    const saved = { policy: { kind: 'days', days: 7 }, setAt: 5, runs: [{ n: 1 }], lastRun: 1, removed: 900, cutUpTo: 1000 };
    expect(restoredRetention(saved)).toEqual({ policy: { kind: 'days', days: 7 }, setAt: 5, runs: [], lastRun: 0, removed: 0, cutUpTo: 0 });
    expect(restoredRetention(undefined)).toBeUndefined();
    expect(restoredRetention({ policy: { kind: 'days', days: -5 }, setAt: 5 })).toBeNull();
    expect(restoredRetention({ policy: { kind: 'events', events: '10' }, setAt: 5 })).toBeNull();
    expect(restoredRetention({ policy: { kind: 'drop everything' }, setAt: 5 })).toBeNull();
    expect(restoredRetention('all')).toBeNull();
  });
});

describe('a cluster dataset in this tab', () => {
  it('starts at the cluster W and keeps only what is past the W batch published; the dataset still counts all', async () => {
    const log = new EventLog(new LogDb(`test-cluster-${n++}`));
    await log.ensureDataset('shop', 'shop', SHOP_SCHEMA);
    const { ds } = await startOnCluster(log.db, 'shop', 'shop', 5_000, 5_003);
    expect([ds.highWater, ds.cluster, ds.sources.shop]).toEqual([5_000, { from: 5_000 }, 5_003]);
    // A log that already started keeps its own start.
    expect((await startOnCluster(log.db, 'shop', 'shop', 9_000, 9_000)).ds.highWater).toBe(5_000);
    for (const b of [shopBatch(100, 1), shopBatch(100, 2), shopBatch(100, 3)]) await log.append('shop', b);
    expect(await trimClusterLog(log.db, 'shop', 5_150)).toBe(150);
    const { seqs } = await held(log);
    expect(seqs).toEqual(Array.from({ length: 150 }, (_, i) => 5_151 + i));
    const after = (await log.dataset('shop'))!;
    expect([eventsHeld(after), after.cluster]).toEqual([5_300, { from: 5_000, trimmedTo: 5_150 }]);
    expect(after.bytes).toBe((await held(log)).segs.reduce((s, g) => s + g.bytes.byteLength, 0));
    expect(await trimClusterLog(log.db, 'shop', 5_100)).toBe(0);
  });
});
