/**
 * The serving layer's store of batch views: every published batch view is saved with its W, and a
 * reload serves them at once, before the batch layer has reloaded the log into DuckDB.
 */
import * as v from 'valibot';
import type { RecomputeResult } from '../batch/worker/protocol';
import type { LogDb, StoredBatchViewRecord } from '../log/LogDb';
import { schemaProblem, type DatasetSchema } from '../protocol/schema';
import { FiniteNumber, NonEmptyText, NonNegativeInteger, Text } from '../protocol/shapes';
import type { SqlRow } from '../views/compileView';
import type { ViewDef } from '../views/ViewDef';

export interface StoredBatch {
  /** Per dataset: the watermark every stored view of it is exact for. */
  w: Record<string, number>;
  rows: Record<string, SqlRow[]>;
  schemas: Record<string, DatasetSchema>;
  savedAt: number;
}

const KeyValueShape = v.union([v.string(), v.number(), v.null()]);
/** A batch SQL value: a key or state part, a bigint count, or a count-distinct list. */
const SqlValueShape = v.union([KeyValueShape, v.bigint(), v.array(KeyValueShape)]);

/** A stored record as the store writes it; anything else on disk (another build, damage) is not served. */
const StoredRecordShape = v.object({
  viewId: NonEmptyText,
  dataset: NonEmptyText,
  w: NonNegativeInteger,
  def: Text,
  schema: v.custom<DatasetSchema>((x) => schemaProblem(x) === null),
  rows: v.array(v.array(SqlValueShape)),
  savedAt: FiniteNumber,
});

/** Checked without copying: the rows can be large, and IndexedDB hands over a fresh copy anyway. */
const isSound = (r: unknown): r is StoredBatchViewRecord => v.is(StoredRecordShape, r);

export class BatchViewStore {
  constructor(private readonly db: LogDb) {}

  async save(r: RecomputeResult, views: readonly ViewDef[]): Promise<void> {
    const now = Date.now();
    const records = views
      .filter((v) => r.views[v.id] && r.datasets[v.dataset] && r.schemas[v.dataset])
      .map((v) => ({ viewId: v.id, dataset: v.dataset, w: r.datasets[v.dataset]!.w, def: JSON.stringify(v), schema: r.schemas[v.dataset]!, rows: r.views[v.id]!, savedAt: now }));
    await this.db.transaction('rw', this.db.batchViews, async () => {
      await this.db.batchViews.clear();
      await this.db.batchViews.bulkPut(records);
    });
  }

  /**
   * The stored views that still match their definitions, per dataset at one W; null when none.
   * A damaged record is passed over like a changed definition: its view waits for the next
   * recompute, and a dataset whose records are all damaged is not served from here.
   */
  async load(views: readonly ViewDef[]): Promise<StoredBatch | null> {
    const stored: unknown[] = await this.db.batchViews.toArray();
    const byId = new Map(stored.filter(isSound).map((s) => [s.viewId, s]));
    const out: StoredBatch = { w: {}, rows: {}, schemas: {}, savedAt: 0 };
    for (const v of views) {
      const s = byId.get(v.id);
      if (!s || s.def !== JSON.stringify(v)) continue;
      // All views of a dataset come from one recompute; a mismatch means a torn save: serve none of it.
      if (out.w[v.dataset] !== undefined && out.w[v.dataset] !== s.w) return null;
      out.w[v.dataset] = s.w;
      out.rows[v.id] = s.rows as SqlRow[];
      out.schemas[v.dataset] = s.schema;
      out.savedAt = Math.max(out.savedAt, s.savedAt);
    }
    return Object.keys(out.rows).length ? out : null;
  }
}
