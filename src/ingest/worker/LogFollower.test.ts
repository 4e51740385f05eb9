import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { EventLog } from '../../log/EventLog';
import { LogDb, type DatasetRecord } from '../../log/LogDb';
import { SHOP_SCHEMA } from '../../protocol/shop';
import { shopBatch } from '../../testing/events';
import { TOTALS_VIEW } from '../../views/defaultViews';
import { LogFollower } from './LogFollower';
import { SpeedFeed } from './SpeedFeed';

let n = 0;

function setup() {
  const log = new EventLog(new LogDb(`follower-${n++}`));
  const feed = new SpeedFeed(() => log);
  feed.setViews([TOTALS_VIEW]);
  let queue = Promise.resolve();
  const jobs: Promise<void>[] = [];
  const serially = (job: () => Promise<void>) => {
    queue = queue.then(job);
    jobs.push(queue);
    return queue;
  };
  const caughtUp: DatasetRecord[] = [];
  const follower = new LogFollower(
    () => log,
    feed,
    serially,
    (ds) => caughtUp.push(ds),
  );
  return { log, feed, follower, caughtUp, jobs };
}

describe('LogFollower', () => {
  it('catches up once per burst of announcements, with every event the writer appended', async () => {
    const { log, feed, follower, caughtUp, jobs } = setup();
    await log.ensureDataset('shop', 'shop', SHOP_SCHEMA);
    await log.append('shop', shopBatch(40, 1));
    await log.append('shop', shopBatch(60, 2));
    for (let i = 0; i < 5; i++) follower.onAppended({ dataset: 'shop', highWater: 100 });
    expect(jobs).toHaveLength(1); // the burst folds into the one queued catch-up
    await Promise.all(jobs);
    expect(feed.knows('shop')).toBe(true); // a dataset the writer created is learnt from the log
    expect(feed.speed.snapshot().datasets.shop).toMatchObject({ baseW: 0, lastSeq: 100, events: 100 });
    expect(follower.tallied).toBe(100);
    expect(caughtUp.map((d) => d.highWater)).toEqual([100]);
    follower.onAppended({ dataset: 'shop', highWater: 100 }); // after the catch-up ran: a new one
    await Promise.all(jobs);
    expect(jobs).toHaveLength(2);
    expect(follower.tallied).toBe(100);
  });

  it('ignores an announcement for a dataset the log does not hold', async () => {
    const { follower, caughtUp, jobs } = setup();
    follower.onAppended({ dataset: 'nope', highWater: 5 });
    await Promise.all(jobs);
    expect(caughtUp).toEqual([]);
  });
});
