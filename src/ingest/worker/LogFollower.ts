/**
 * A follower tab's side of writerRole.ts: another tab writes the log and announces each append; this
 * one tallies the new segments from the log into its own speed layer, so its merged views equal the
 * writer's. Announcements arriving while a catch-up for the dataset is queued are folded into it.
 */
import type { EventLog } from '../../log/EventLog';
import type { DatasetRecord } from '../../log/LogDb';
import type { SpeedFeed } from './SpeedFeed';
import type { Appended } from './writerRole';

export class LogFollower {
  private readonly queued = new Set<string>();
  /** Events tallied from segments another tab appended. */
  tallied = 0;

  constructor(
    private readonly log: () => EventLog,
    private readonly feed: SpeedFeed,
    private readonly serially: (job: () => Promise<void>) => Promise<void>,
    private readonly onCaughtUp: (ds: DatasetRecord) => void,
  ) {}

  /** Another tab appended to a dataset: catch up with it, once per burst of announcements. */
  onAppended(a: Appended): void {
    if (this.queued.has(a.dataset)) return;
    this.queued.add(a.dataset);
    void this.serially(async () => {
      this.queued.delete(a.dataset);
      await this.catchUp(a.dataset);
    });
  }

  /** Tallies what the log holds for a dataset past what this tab's speed layer has seen. */
  async catchUp(datasetId: string): Promise<void> {
    const ds = await this.log().dataset(datasetId);
    if (!ds) return;
    if (!this.feed.knows(ds.id)) this.feed.addDataset(ds.id, ds.schema, 0);
    this.tallied += await this.feed.catchUp(ds.id);
    this.onCaughtUp(ds);
  }
}
