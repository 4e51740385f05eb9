/**
 * The speed layer: an incremental tally of the events past the batch watermark W.
 * State is kept per appended segment (a chunk), because W always falls on a segment boundary
 * (batch fixes W at the log's end): dropping `seq <= W` is then dropping whole chunks, which works
 * for every measure (min and max cannot be "subtracted"). The dropped chunks' tally is returned so
 * the serving layer can reconcile it with batch's answer for the same events.
 */
import { filterBatch, type ColumnBatch } from '../protocol/schema';
import type { CompiledView, Tally } from '../views/compileView';

interface Chunk {
  firstSeq: number;
  lastSeq: number;
  count: number;
  appendedAt: number;
  tallies: Map<string, Tally>;
}

export interface SpeedDatasetState {
  /** Events with seq <= baseW are excluded (they belong to batch). */
  baseW: number;
  /** Last seq tallied. */
  lastSeq: number;
  events: number;
  chunks: number;
  /** When the oldest event not yet in batch became durable; null when there is none. */
  oldestAppendedAt: number | null;
}

/**
 * The speed views as they cross to the main thread. Each view is its Tally itself: structured clone
 * copies a Map (and the Sets of count distinct) as it is, so the serving layer merges what arrives
 * without rebuilding a key string per group on every snapshot.
 */
export interface SpeedSnapshot {
  /** Non-null while the layer is deliberately faulty: it drops every nth event. */
  faultDropEvery: number | null;
  datasets: Record<string, SpeedDatasetState>;
  views: Record<string, Tally>;
}

export class SpeedLayer {
  private readonly chunks = new Map<string, Chunk[]>();
  /** Per view: every chunk folded, kept up to date on add, rebuilt on drop (reads are frequent, drops rare). */
  private readonly totals = new Map<string, Tally>();
  private readonly baseW = new Map<string, number>();
  private views: CompiledView[] = [];
  /** A deliberate fault for teaching and tests: lose every nth event. Null when healthy. */
  private dropEvery: number | null = null;
  private faultCounter = 0;

  /** Makes the layer faulty (drop every nth event it tallies) or healthy again (null). */
  setFault(dropEvery: number | null): void {
    this.dropEvery = dropEvery !== null && dropEvery >= 2 ? Math.floor(dropEvery) : null;
  }

  get faulty(): number | null {
    return this.dropEvery;
  }

  /** Sets the compiled views; existing chunks are re-tallied by the caller through `reset`. */
  setViews(views: CompiledView[]): void {
    this.views = views;
    for (const id of this.chunks.keys()) this.refold(id);
  }

  /** The last seq batch covers, as far as this layer knows. */
  baseOf(datasetId: string): number {
    return this.baseW.get(datasetId) ?? 0;
  }

  /** The last seq this layer has seen for a dataset: its last chunk's, or its base. */
  endOf(datasetId: string): number {
    const list = this.chunks.get(datasetId);
    const last = list && list.length > 0 ? list[list.length - 1]!.lastSeq : 0;
    return Math.max(last, this.baseOf(datasetId));
  }

  /** Forgets everything for a dataset; events with seq <= baseW are batch's. */
  reset(datasetId: string, baseW: number): void {
    this.chunks.set(datasetId, []);
    this.baseW.set(datasetId, baseW);
    this.refold(datasetId);
  }

  /** Whether any view tallies this dataset. */
  hasViews(datasetId: string): boolean {
    return this.views.some((v) => v.view.dataset === datasetId);
  }

  /** Forgets a dataset that was deleted from the log. */
  forget(datasetId: string): void {
    this.chunks.delete(datasetId);
    this.baseW.delete(datasetId);
  }

  /** Tallies one appended segment `firstSeq..firstSeq+batch.count-1`. */
  add(datasetId: string, firstSeq: number, batch: ColumnBatch, appendedAt: number): void {
    if (batch.count === 0) return;
    const base = this.baseW.get(datasetId) ?? 0;
    if (firstSeq + batch.count - 1 <= base) return; // already in batch
    const views = this.views.filter((v) => v.view.dataset === datasetId);
    // A dataset without views keeps only its chunk bounds: the batch need not even be decoded.
    const input = this.dropEvery === null || views.length === 0 ? batch : this.withFault(batch, this.dropEvery);
    const tallies = new Map<string, Tally>();
    for (const v of views) {
      const t: Tally = new Map();
      v.add(t, input);
      tallies.set(v.view.id, t);
    }
    let list = this.chunks.get(datasetId);
    if (!list) this.chunks.set(datasetId, (list = []));
    list.push({ firstSeq, lastSeq: firstSeq + batch.count - 1, count: batch.count, appendedAt, tallies });
    for (const v of this.views) {
      const t = tallies.get(v.view.id);
      if (!t) continue;
      let total = this.totals.get(v.view.id);
      if (!total) this.totals.set(v.view.id, (total = new Map()));
      v.mergeInto(total, t);
    }
  }

  /** Recomputes the running totals of a dataset's views from its chunks. */
  private refold(datasetId: string): void {
    for (const v of this.views) {
      if (v.view.dataset !== datasetId) continue;
      const total: Tally = new Map();
      for (const c of this.chunks.get(datasetId) ?? []) {
        const t = c.tallies.get(v.view.id);
        if (t) v.mergeInto(total, t);
      }
      this.totals.set(v.view.id, total);
    }
  }

  /**
   * Drops the chunks batch now covers (`lastSeq <= w`) and returns their tally per view: what the
   * speed layer had counted for the events batch has just absorbed.
   */
  dropUpTo(datasetId: string, w: number): { handedOver: Map<string, Tally>; fromSeq: number; events: number; straddled: boolean; straddleAfter: number } {
    const fromSeq = this.baseW.get(datasetId) ?? 0;
    const handedOver = new Map<string, Tally>();
    let events = 0;
    let straddled = false;
    /** Seqs in (straddleAfter, w] sit in chunks reaching past w: not in `handedOver`. */
    let straddleAfter = w;
    const list = this.chunks.get(datasetId) ?? [];
    const keep: Chunk[] = [];
    for (const c of list) {
      if (c.lastSeq > w) {
        if (c.firstSeq <= w) {
          straddled = true;
          straddleAfter = Math.min(straddleAfter, Math.max(c.firstSeq - 1, fromSeq));
        }
        keep.push(c);
        continue;
      }
      events += c.count;
      for (const v of this.views) {
        const t = c.tallies.get(v.view.id);
        if (!t) continue;
        let acc = handedOver.get(v.view.id);
        if (!acc) handedOver.set(v.view.id, (acc = new Map()));
        v.mergeInto(acc, t);
      }
    }
    this.chunks.set(datasetId, keep);
    this.baseW.set(datasetId, Math.max(w, this.baseW.get(datasetId) ?? 0));
    if (events > 0) this.refold(datasetId);
    return { handedOver, fromSeq, events, straddled, straddleAfter };
  }

  private withFault(batch: ColumnBatch, n: number): ColumnBatch {
    const keep = new Uint8Array(batch.count);
    for (let i = 0; i < batch.count; i++) keep[i] = ++this.faultCounter % n === 0 ? 0 : 1;
    return filterBatch(batch, keep);
  }

  /**
   * The speed view: every chunk's tally folded, per view. The tallies are live objects: clone them
   * (postMessage does) before the next `add`.
   */
  snapshot(): SpeedSnapshot {
    const datasets: Record<string, SpeedDatasetState> = {};
    for (const [id, base] of this.baseW) {
      const list = this.chunks.get(id) ?? [];
      datasets[id] = {
        baseW: base,
        lastSeq: list.length ? list[list.length - 1]!.lastSeq : base,
        events: list.reduce((n, c) => n + c.count, 0),
        chunks: list.length,
        oldestAppendedAt: list[0]?.appendedAt ?? null,
      };
    }
    const views: Record<string, Tally> = {};
    for (const v of this.views) views[v.view.id] = this.totals.get(v.view.id) ?? new Map();
    return { faultDropEvery: this.dropEvery, datasets, views };
  }
}
