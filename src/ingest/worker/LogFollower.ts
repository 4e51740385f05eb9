/**
 * Catching the speed layer up with appends this worker did not make: a follower tab's side of
 * writerRole.ts (another tab writes the stream), and in every tab a file import a batch worker
 * committed, or a dataset renamed or deleted. It tallies the new segments from the log, so merged
 * views equal the writer's. Announcements arriving while a catch-up for the dataset is queued are
 * folded into it.
 */
import type { EventLog } from '../../log/EventLog';
import type { DatasetRecord } from '../../log/LogDb';
import type { SpeedFeed } from './SpeedFeed';
import type { Appended } from '../../log/appendChannel';

export class LogFollower {
  private readonly queued = new Set<string>();
  /** Events tallied from segments another tab appended. */
  tallied = 0;

  constructor(
    private readonly log: () => EventLog,
    private readonly feed: SpeedFeed,
    private readonly serially: (job: () => Promise<void>) => Promise<void>,
    private readonly onCaughtUp: (ds: DatasetRecord) => void,
    private readonly onGone: (datasetId: string) => void = () => {},
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
    if (!ds) {
      // Deleted from the log (the only way events leave it): forget its tallies.
      if (this.feed.knows(datasetId)) this.feed.forget(datasetId);
      this.onGone(datasetId);
      return;
    }
    // A dataset a file import just created has no batch views yet, so no merged view to cover: its
    // speed layer starts at its end instead of tallying the whole file the next recompute absorbs.
    if (!this.feed.knows(ds.id)) this.feed.addDataset(ds.id, ds.schema, ds.origin === 'file' ? ds.highWater : ds.cluster ? Math.max(ds.cluster.from, ds.cluster.trimmedTo ?? 0) : 0);
    // The writer widened the dataset (its stream gained fields): views here compile against the new schema.
    else if (ds.schema.fields.length !== this.feed.schemaOf(ds.id).fields.length) this.feed.widen(ds.id, ds.schema);
    this.tallied += await this.feed.catchUp(ds.id);
    this.onCaughtUp(ds);
  }
}
