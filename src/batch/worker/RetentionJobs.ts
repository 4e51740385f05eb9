/**
 * Retention as the batch layer does it: runs each dataset's policy at the start of a recompute (the
 * writer tab's), at or below the W this worker last published, so the events a run removes were
 * batch's and the speed layer is already past them; and keeps the engine's table, a cache of the
 * log, holding the same events, by applying each run's rule there as SQL (the same rule, once).
 */
import type { DatasetRecord, LogDb } from '../../log/LogDb';
import { applyRetention, eventsHeld, policyText, retentionSql, trimClusterLog, type RetentionRun } from '../../log/retention';
import { errorText } from '../../protocol/errorText';
import { tableFor, type BatchEngine } from '../BatchEngine';

export class RetentionJobs {
  /** Per dataset: the last run the engine's table reflects. */
  private readonly applied = new Map<string, number>();

  constructor(
    private readonly db: () => LogDb,
    private readonly engine: () => BatchEngine,
    private readonly announce: (dataset: string, message: string | null) => void,
  ) {}

  /** Applies every dataset's policy up to its published W; a failure removes nothing and is said. */
  async apply(published: ReadonlyMap<string, number>): Promise<void> {
    for (const ds of await this.db().datasets.toArray()) {
      const w = published.get(ds.id) ?? 0;
      if (ds.cluster) {
        // The cluster holds seqs up to W whole: this tab keeps only what is past it.
        await trimClusterLog(this.db(), ds.id, w).then(
          (n) => n > 0 && this.announce(ds.id, null),
          (e: unknown) => this.announce(ds.id, `Could not drop ${ds.name}'s events the cluster holds from this tab: ${errorText(e)}`),
        );
        continue;
      }
      if (!ds.retention || ds.retention.policy.kind === 'all' || w === 0) continue;
      try {
        const run = await applyRetention(this.db(), ds.id, w);
        // Said once after the policy is set; later runs (each recompute of a stream) are in the log's history only.
        const firstSinceSet = (ds.retention.runs.at(-1)?.at ?? 0) < ds.retention.setAt;
        if (run) this.announce(ds.id, firstSinceSet ? runText(ds, run) : null);
      } catch (e) {
        this.announce(ds.id, `Retention of ${ds.name} failed and removed nothing: ${errorText(e)}`);
      }
    }
  }

  /**
   * Brings the engine's table of `ds` to its last retention run. A run this tab did not see in
   * order (another tab's, or one older than the runs the record keeps) drops the table instead:
   * the recompute then loads it again from the log.
   */
  async syncCache(ds: DatasetRecord, loaded: Map<string, number>): Promise<void> {
    const last = ds.retention?.lastRun ?? 0;
    const done = this.applied.get(ds.id) ?? 0;
    if (last === done) return;
    this.applied.set(ds.id, last);
    if ((loaded.get(ds.id) ?? 0) === 0) return;
    const runs = (ds.retention?.runs ?? []).filter((r) => r.n > done);
    const table = tableFor(ds.id);
    if (last < done || runs[0]?.n !== done + 1) {
      await this.engine().dropTable(table);
      loaded.delete(ds.id);
      return;
    }
    for (const r of runs) await this.engine().query(`DELETE FROM ${table} WHERE ${retentionSql(r)}`);
  }

  forget(datasetId: string): void {
    this.applied.delete(datasetId);
  }
}

function runText(ds: DatasetRecord, run: RetentionRun): string {
  const older = run.beforeTs === null ? `seq ${run.upToSeq.toLocaleString('en')} and before` : `event time before ${new Date(run.beforeTs).toISOString().replace('.000Z', 'Z')}`;
  const left = eventsHeld(ds) - run.removed;
  return `Retention removed ${run.removed.toLocaleString('en')} events of ${ds.name} (${older}); it keeps ${policyText(run.policy)}, ${left.toLocaleString('en')} events now.`;
}
