import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { SHOP_SCHEMA } from '../protocol/shop';
import { shopBatch } from '../testing/events';
import { startOnCluster } from './clusterStart';
import { EventLog } from './EventLog';
import { LogDb } from './LogDb';
import { setRetentionPolicy, applyRetention } from './retention';

let n = 0;
/** A log of stream `shop` read from offset `from`, 100 events a batch. */
async function readFrom(from: number, batches = 3): Promise<EventLog> {
  const log = new EventLog(new LogDb(`test-cluster-start-${n++}`));
  await log.ensureDataset('shop', 'shop', SHOP_SCHEMA);
  if (from > 0) await log.startSource('shop', 'shop', from);
  for (let i = 0; i < batches; i++) await log.append('shop', shopBatch(100, i + 1), { stream: 'shop', offset: from + i * 100 });
  return log;
}

describe('a log that held its stream before the server put it on the cluster', () => {
  it('joins the cluster when it read the stream from its start and lost nothing, and the cluster holds it all', async () => {
    const log = await readFrom(0);
    const r = await startOnCluster(log.db, 'shop', 'shop', 300, 300);
    expect(r.ds.cluster).toEqual({ from: 0 });
    expect(r.ds.highWater).toBe(300);
    expect(r.message).toMatch(/now takes its batch from the server’s ClickHouse cluster, which holds the same 300 events/);
    expect((await log.dataset('shop'))!.cluster).toEqual({ from: 0 });
    // Once on the cluster, nothing more to say.
    expect((await startOnCluster(log.db, 'shop', 'shop', 400, 400)).message).toBeNull();
  });

  it('waits while the cluster holds less than the log: W never goes back', async () => {
    const log = await readFrom(0);
    const r = await startOnCluster(log.db, 'shop', 'shop', 200, 200);
    expect(r.ds.cluster).toBeUndefined();
    expect(r.message).toMatch(/the cluster holds 200 of its 300 events so far/);
  });

  it('keeps its batch in this tab, saying why, when its seqs cannot be the cluster’s', async () => {
    const late = await readFrom(500);
    expect((await startOnCluster(late.db, 'shop', 'shop', 10_000, 10_000)).message).toMatch(/began reading it after the stream’s start/);

    const gap = await readFrom(0);
    await gap.recordGap('shop', 'shop', 300, 350);
    expect((await startOnCluster(gap.db, 'shop', 'shop', 10_000, 10_000)).message).toMatch(/missed some of its events/);

    const reset = await readFrom(0);
    expect((await startOnCluster(reset.db, 'shop', 'shop', 10_000, 10_000, false)).message).toMatch(/offsets started over/);

    const retained = await readFrom(0);
    await setRetentionPolicy(retained.db, 'shop', { kind: 'events', events: 100 }, Date.now());
    await applyRetention(retained.db, 'shop', 300);
    const r = await startOnCluster(retained.db, 'shop', 'shop', 10_000, 10_000);
    expect(r.message).toMatch(/retention removed some of its events/);
    expect((await retained.dataset('shop'))!.cluster).toBeUndefined();
  });

  it('a cluster dataset whose stream started its offsets over is marked: its seqs are no longer the cluster’s', async () => {
    const log = await readFrom(0);
    await log.checkEpoch('shop', 'shop', 'one');
    await startOnCluster(log.db, 'shop', 'shop', 300, 300);
    expect(await log.checkEpoch('shop', 'shop', 'one')).toBe('same');
    expect((await log.dataset('shop'))!.cluster).toEqual({ from: 0 });
    expect(await log.checkEpoch('shop', 'shop', 'two')).toBe('reset');
    expect((await log.dataset('shop'))!.cluster).toEqual({ from: 0, reset: true });
  });
});
