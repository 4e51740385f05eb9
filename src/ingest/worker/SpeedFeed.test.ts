import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { EventLog } from '../../log/EventLog';
import { LogDb } from '../../log/LogDb';
import { concatBatches } from '../../protocol/schema';
import { SHOP_SCHEMA } from '../../protocol/shop';
import { shopBatch } from '../../testing/events';
import { expectTalliesEqual } from '../../testing/tallies';
import { compileView, type Tally } from '../../views/compileView';
import { TOTALS_VIEW } from '../../views/defaultViews';
import { SpeedFeed } from './SpeedFeed';

let n = 0;
const totals = compileView(TOTALS_VIEW, SHOP_SCHEMA);
const tallyOf = (...batches: ReturnType<typeof shopBatch>[]): Tally => {
  const t: Tally = new Map();
  for (const b of batches) totals.add(t, b);
  return t;
};
const expectTotals = (feed: SpeedFeed, expected: Tally) => expectTalliesEqual(feed.speed.snapshot().views.totals ?? new Map(), expected, 'totals', { inexact: totals.inexactParts, scale: 1e7 });

async function logWith(...batches: ReturnType<typeof shopBatch>[]) {
  const log = new EventLog(new LogDb(`speedfeed-${n++}`));
  await log.ensureDataset('shop', 'shop', SHOP_SCHEMA);
  for (const b of batches) await log.append('shop', b);
  return log;
}

describe('SpeedFeed', () => {
  it('tallies exactly the log past its base, also from a segment that straddles the base', async () => {
    const [a, b, c] = [shopBatch(30, 1), shopBatch(20, 2), shopBatch(10, 3)];
    const log = await logWith(a, b, c);
    expect(await log.compactTail('shop', { minRun: 2 })).toBe(3); // one segment, seq 1..60
    const feed = new SpeedFeed(() => log);
    feed.addDataset('shop', SHOP_SCHEMA, 30);
    feed.setViews([TOTALS_VIEW]);
    expect(await feed.tallyFromLog('shop', 30)).toBe(30);
    expectTotals(feed, tallyOf(b, c));
    expect(feed.speed.snapshot().datasets.shop).toMatchObject({ baseW: 30, lastSeq: 60, events: 30 });
  });

  it('rebuilds from its base (after new views) and catches up with appends it has not seen', async () => {
    const [a, b, c] = [shopBatch(15, 4), shopBatch(25, 5), shopBatch(5, 6)];
    const log = await logWith(a, b);
    const feed = new SpeedFeed(() => log);
    feed.addDataset('shop', SHOP_SCHEMA, 15);
    expect(feed.setViews([TOTALS_VIEW, { ...TOTALS_VIEW, id: 'broken', measures: [{ op: 'sum', field: 'country', label: 'x' }] }])).toEqual({
      broken: expect.stringMatching(/sum does not apply to text field "country"/),
    });
    await feed.rebuild('shop');
    expectTotals(feed, tallyOf(b));
    await log.append('shop', c);
    expect(await feed.catchUp('shop')).toBe(5);
    expect(await feed.catchUp('shop')).toBe(0); // nothing new: nothing tallied twice
    expectTotals(feed, tallyOf(concatBatches(SHOP_SCHEMA, [b, c])));
  });

  it('knows only the datasets it was given, and says so for another', () => {
    const feed = new SpeedFeed(() => {
      throw new Error('no log needed');
    });
    expect(feed.knows('shop')).toBe(false);
    expect(() => feed.schemaOf('shop')).toThrow(/unknown dataset shop/);
    feed.addDataset('shop', SHOP_SCHEMA, 0);
    expect(feed.datasets()).toEqual(['shop']);
  });
});
