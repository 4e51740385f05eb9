/**
 * The speed layer as the ingest worker feeds it: which datasets and views it tallies, and catching
 * it up from the log (after a reload past restored batch views, a change of views, a follower's
 * catch-up, or a hand-over that split a compacted segment).
 */
import type { EventLog } from '../../log/EventLog';
import { decodeSegment, isDense, rowsBetween } from '../../log/segmentCodec';
import { newColumns, sliceBatch, type DatasetSchema } from '../../protocol/schema';
import { SpeedLayer } from '../../speed/SpeedLayer';
import { compileView, type CompiledView, type Tally } from '../../views/compileView';
import type { ViewDef } from '../../views/ViewDef';
import { errorText } from '../../protocol/errorText';

export class SpeedFeed {
  readonly speed = new SpeedLayer();
  private readonly schemas = new Map<string, DatasetSchema>();
  private views: ViewDef[] = [];

  constructor(private readonly log: () => EventLog) {}

  knows(datasetId: string): boolean {
    return this.schemas.has(datasetId);
  }

  datasets(): string[] {
    return [...this.schemas.keys()];
  }

  schemaOf(datasetId: string): DatasetSchema {
    const s = this.schemas.get(datasetId);
    if (!s) throw new Error(`unknown dataset ${datasetId}`);
    return s;
  }

  /** Starts tallying a dataset past `base`; its views compile now that its schema is known. */
  addDataset(datasetId: string, schema: DatasetSchema, base: number): void {
    this.schemas.set(datasetId, schema);
    this.speed.reset(datasetId, base);
    this.setViews(this.views);
  }

  /** The dataset's schema gained fields: its views compile against the new one, its tallies stay. */
  widen(datasetId: string, schema: DatasetSchema): void {
    if (!this.schemas.has(datasetId)) return;
    this.schemas.set(datasetId, schema);
    this.setViews(this.views);
  }

  /** Compiles the views of known datasets; returns the ones that do not compile, by id. */
  setViews(views: ViewDef[]): Record<string, string> {
    this.views = views;
    const errors: Record<string, string> = {};
    const compiled: CompiledView[] = [];
    for (const v of views) {
      const schema = this.schemas.get(v.dataset);
      if (!schema) continue; // compiled once the dataset exists
      try {
        compiled.push(compileView(v, schema));
      } catch (e) {
        errors[v.id] = errorText(e);
      }
    }
    this.speed.setViews(compiled);
    return errors;
  }

  /** Forgets the dataset's tally and re-tallies the log past the speed layer's base. */
  async rebuild(datasetId: string): Promise<void> {
    if (!this.knows(datasetId)) return;
    const base = this.speed.baseOf(datasetId);
    this.speed.reset(datasetId, base);
    await this.tallyFromLog(datasetId, base);
  }

  /** Tallies the log's events past seq `from`; returns how many. */
  async tallyFromLog(datasetId: string, from: number): Promise<number> {
    const schema = this.schemaOf(datasetId);
    const used = this.fieldsUsed(datasetId);
    let n = 0;
    for (const seg of await this.log().segmentsOverlapping(datasetId, from, Number.MAX_SAFE_INTEGER)) {
      // No view of the dataset: its chunk bounds are all the speed layer keeps, nothing to decode.
      const decoded = this.speed.hasViews(datasetId) || !isDense(seg) ? decodeSegment(schema, seg.bytes, used) : null;
      const batch = decoded?.batch ?? { count: seg.count, ts: [], columns: newColumns() };
      const [skip] = rowsBetween(seg, (i) => decoded!.seq[i]!, from, Number.MAX_SAFE_INTEGER);
      if (skip >= batch.count) continue;
      // Only retention leaves holes, and only at or below a W the speed layer is past: the tail is dense.
      const first = decoded ? decoded.seq[skip]! : seg.firstSeq + skip;
      this.speed.add(datasetId, first, skip === 0 ? batch : sliceBatch(batch, skip, batch.count), seg.appendedAt);
      n += batch.count - skip;
    }
    return n;
  }

  /**
   * Kappa: the dataset's views computed by replaying the log's events up to seq `upto` through the
   * speed path alone (the incremental tallies, no SQL), page by page, apart from the live layer.
   */
  async replay(datasetId: string, upto: number, after = 0): Promise<{ tallies: Record<string, Tally>; events: number }> {
    const schema = this.schemaOf(datasetId);
    const used = this.fieldsUsed(datasetId);
    const compiled = this.views.filter((v) => v.dataset === datasetId).map((v) => compileView(v, schema));
    const tallies: Record<string, Tally> = {};
    for (const c of compiled) tallies[c.view.id] = new Map();
    let done = after;
    let events = 0;
    for await (const page of this.log().segmentPages(datasetId, upto, undefined, after)) {
      for (const seg of page) {
        // Compaction between pages may merge across what is done, or reach past `upto`: each event once.
        if (seg.lastSeq <= done || seg.firstSeq > upto) continue;
        const { batch: whole, seq } = decodeSegment(schema, seg.bytes, used);
        const [from, to] = rowsBetween(seg, (i) => seq[i]!, done, upto);
        const batch = from === 0 && to === whole.count ? whole : sliceBatch(whole, from, to);
        for (const c of compiled) c.add(tallies[c.view.id]!, batch);
        events += to - from;
        done = Math.min(seg.lastSeq, upto);
      }
    }
    return { tallies, events };
  }

  /**
   * The events past W, by event time against a boundary: what a time-boundary split would serve
   * from speed (after it) and drop (at or before it: late events batch does not hold yet).
   */
  async pastW(datasetId: string, w: number, boundary: number): Promise<{ atOrBefore: number; after: number }> {
    const schema = this.schemaOf(datasetId);
    let atOrBefore = 0;
    let after = 0;
    for (const seg of await this.log().segmentsOverlapping(datasetId, w, Number.MAX_SAFE_INTEGER)) {
      const { batch, seq } = decodeSegment(schema, seg.bytes, new Set());
      for (let i = rowsBetween(seg, (r) => seq[r]!, w, Number.MAX_SAFE_INTEGER)[0]; i < batch.count; i++) {
        if (batch.ts[i]! <= boundary) atOrBefore++;
        else after++;
      }
    }
    return { atOrBefore, after };
  }

  /** Folds `from` (per view id) into `into`, by each view's own merge. */
  mergeTallies(datasetId: string, into: Map<string, Tally>, from: Record<string, Tally>): void {
    const schema = this.schemaOf(datasetId);
    for (const v of this.views) {
      const t = from[v.id];
      if (v.dataset !== datasetId || !t) continue;
      let acc = into.get(v.id);
      if (!acc) into.set(v.id, (acc = new Map()));
      compileView(v, schema).mergeInto(acc, t);
    }
  }

  /** The fields the dataset's views read: the only columns worth decoding for them. */
  private fieldsUsed(datasetId: string): Set<string> {
    const used = new Set<string>();
    for (const v of this.views) {
      if (v.dataset !== datasetId) continue;
      for (const g of v.groupBy) used.add(g);
      for (const m of v.measures) if (m.field !== undefined) used.add(m.field);
      for (const f of v.filters ?? []) used.add(f.field);
    }
    return used;
  }

  /** Stops tallying a dataset deleted from the log. */
  forget(datasetId: string): void {
    this.schemas.delete(datasetId);
    this.speed.forget(datasetId);
    this.setViews(this.views);
  }

  /** Tallies what the log holds past what this layer has seen (another tab's appends). */
  catchUp(datasetId: string): Promise<number> {
    return this.tallyFromLog(datasetId, this.speed.endOf(datasetId));
  }
}
