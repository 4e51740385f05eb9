/**
 * The master dataset: append-only, immutable, columnar segments in IndexedDB.
 * An append writes one segment and the dataset's high-water mark (and the source's resume offset)
 * in one transaction, so a crash or a full quota leaves the whole segment or none of it.
 */
import type { ColumnBatch, DatasetSchema } from '../protocol/schema';
import { concatBatches, filterBatch, schemaProblem, sliceBatch, validateBatch } from '../protocol/schema';
import { idProblem } from '../protocol/ids';
import { schemaChange } from '../protocol/schemaChange';
import { ownGet, ownSet } from '../protocol/ownRecord';
import { type DatasetRecord, type LogDb, newDatasetRecord, type SegmentRecord } from './LogDb';
import { ImportBusyError } from './fileImport';
import { decodeSegment, encodeSegment } from './segmentCodec';

/** Where a batch came from, for exactly-once appends: the stream and the offset of its first event. */
export interface SourcePosition {
  stream: string;
  offset: number;
}

export interface AppendResult {
  /** Events written (after dropping any already in the log). 0 when the batch was a duplicate. */
  appended: number;
  /** Events of the batch that failed validation (`keep` 0) and were not written, duplicates excluded. */
  rejected: number;
  /** Events dropped because the log already held their offsets. */
  duplicates: number;
  firstSeq: number;
  lastSeq: number;
  /** The segment written, without its bytes; null when nothing was written. */
  segment: Omit<SegmentRecord, 'bytes'> | null;
  /** Its size in the log (0 when nothing was written). */
  byteLength: number;
  /** The source's next offset after this append. */
  nextOffset: number | null;
  /** Speed-layer input: the events actually appended (the batch minus duplicates). */
  batch: ColumnBatch;
}

export class LogGapError extends Error {
  override name = 'LogGapError';
}

export class EventLog {
  constructor(readonly db: LogDb) {}

  /** Creates the dataset if missing; an existing dataset keeps its schema and events. */
  async ensureDataset(id: string, name: string, schema: DatasetSchema): Promise<DatasetRecord> {
    const badId = idProblem(id);
    if (badId) throw new Error(`dataset id ${JSON.stringify(id)}: ${badId}`);
    const problem = schemaProblem(schema);
    if (problem) throw new Error(`dataset ${name}: ${problem}`);
    return this.db.transaction('rw', this.db.datasets, async () => {
      const existing = await this.db.datasets.get(id);
      if (existing) return existing;
      const rec = newDatasetRecord(id, name, schema, 'stream');
      await this.db.datasets.add(rec);
      return rec;
    });
  }

  /**
   * Gives a dataset the fields a stream added (schemaChange's rule: added only). Its segments stay as
   * written; the events in them read the new fields as NULL. Refused whole when the change is not a widening.
   */
  async widenDataset(id: string, schema: DatasetSchema): Promise<DatasetRecord> {
    const problem = schemaProblem(schema);
    if (problem) throw new Error(`dataset ${id}: ${problem}`);
    return this.db.transaction('rw', this.db.datasets, async () => {
      const ds = await this.db.datasets.get(id);
      if (!ds) throw new Error(`unknown dataset ${id}`);
      const change = schemaChange(ds.schema, schema);
      if (change.kind === 'refused') throw new Error(`dataset ${ds.name}: ${change.error}`);
      if (change.kind === 'same') return ds;
      ds.schema = change.schema;
      await this.db.datasets.put(ds);
      return ds;
    });
  }

  /**
   * Checks that a source's offsets still mean what the log holds: `epoch` names the server's
   * incarnation of the stream. The first one seen is kept ('first'); the same is 'same'; another one
   * means the stream started its offsets over (a server restarted without --data-dir, a broker
   * stream made again), and the log forgets the source's position so that the stream is read from
   * its new start, instead of taking its new events for duplicates of old ones ('reset').
   */
  async checkEpoch(datasetId: string, stream: string, epoch: string): Promise<'first' | 'same' | 'reset'> {
    return this.db.transaction('rw', this.db.datasets, async () => {
      const ds = await this.db.datasets.get(datasetId);
      if (!ds) throw new Error(`unknown dataset ${datasetId}`);
      const before = ownGet(ds.epochs, stream);
      if (before === epoch) return 'same';
      ownSet((ds.epochs ??= {}), stream, epoch);
      if (before !== undefined) delete ds.sources[stream];
      // On a cluster, the new incarnation's seqs are not this log's: its batch stops (ClusterRecompute).
      if (before !== undefined && ds.cluster) ds.cluster.reset = true;
      await this.db.datasets.put(ds);
      return before === undefined ? 'first' : 'reset';
    });
  }

  dataset(id: string): Promise<DatasetRecord | undefined> {
    return this.db.datasets.get(id);
  }

  datasets(): Promise<DatasetRecord[]> {
    return this.db.datasets.toArray();
  }

  /**
   * Appends a batch as one segment. With a source position, events whose offsets the log already
   * holds are dropped (a replay after reconnect), and a batch that starts past the stored offset is
   * refused with LogGapError unless the gap was reported by the source (`recordGap`).
   * With `keep`, only the marked events are written; the others count as rejected, but their
   * offsets are consumed, so a replay of the batch rejects the same events again, once.
   */
  async append(datasetId: string, batch: ColumnBatch, source?: SourcePosition, keep: Uint8Array | null = null): Promise<AppendResult> {
    return this.db.transaction('rw', this.db.datasets, this.db.segments, async () => {
      const ds = await this.db.datasets.get(datasetId);
      if (!ds) throw new Error(`unknown dataset ${datasetId}`);
      if (ds.pendingImport) throw new ImportBusyError(`dataset ${ds.name} is taking a file import; appends wait until it is done`);
      let all = batch;
      let mask = keep;
      let duplicates = 0;
      let nextOffset: number | null = null;
      if (source) {
        const stored = ownGet(ds.sources, source.stream) ?? 0;
        if (source.offset > stored) {
          throw new LogGapError(`stream ${source.stream}: batch starts at offset ${source.offset} but the log holds up to ${stored}`);
        }
        duplicates = Math.min(batch.count, stored - source.offset);
        if (duplicates > 0) {
          all = sliceBatch(batch, duplicates, batch.count);
          mask = keep ? keep.subarray(duplicates) : null;
        }
        nextOffset = Math.max(source.offset + batch.count, stored);
      }
      const kept = filterBatch(all, mask);
      const rejected = all.count - kept.count;
      const valid = validateBatch(ds.schema, kept);
      if (!valid.ok) throw new Error(`not appended to ${datasetId}: ${valid.error}`);
      const events = valid.batch;
      const firstSeq = ds.highWater + 1;
      if (source && rejected > 0) ownSet((ds.rejected ??= {}), source.stream, (ownGet(ds.rejected, source.stream) ?? 0) + rejected);
      if (events.count === 0) {
        if (source && nextOffset !== null && nextOffset !== ownGet(ds.sources, source.stream)) {
          ownSet(ds.sources, source.stream, nextOffset);
          await this.db.datasets.put(ds);
        }
        return { appended: 0, rejected, duplicates, firstSeq, lastSeq: ds.highWater, segment: null, byteLength: 0, nextOffset, batch: events };
      }
      let minTs = Infinity;
      let maxTs = -Infinity;
      for (let i = 0; i < events.count; i++) {
        const t = events.ts[i] as number;
        if (t < minTs) minTs = t;
        if (t > maxTs) maxTs = t;
      }
      const lastSeq = firstSeq + events.count - 1;
      const bytes = encodeSegment(ds.schema, events, firstSeq);
      const segment: SegmentRecord = { datasetId, firstSeq, lastSeq, count: events.count, minTs, maxTs, appendedAt: Date.now(), bytes };
      await this.db.segments.add(segment);
      ds.highWater = lastSeq;
      ds.segmentCount += 1;
      if (ds.bytes !== undefined) ds.bytes += bytes.byteLength;
      ds.minTs = ds.minTs === null ? minTs : Math.min(ds.minTs, minTs);
      ds.maxTs = ds.maxTs === null ? maxTs : Math.max(ds.maxTs, maxTs);
      if (source && nextOffset !== null) ownSet(ds.sources, source.stream, nextOffset);
      await this.db.datasets.put(ds);
      const { bytes: _bytes, ...meta } = segment;
      return { appended: events.count, rejected, duplicates, firstSeq, lastSeq, segment: meta, byteLength: bytes.byteLength, nextOffset, batch: events };
    });
  }

  /**
   * Starts reading a source the log has never read, at `offset` (a stream's oldest replayable
   * event): what came before was never ours, so it is not a gap. Returns the source's resume offset.
   */
  async startSource(datasetId: string, stream: string, offset: number): Promise<number> {
    return this.db.transaction('rw', this.db.datasets, async () => {
      const ds = await this.db.datasets.get(datasetId);
      if (!ds) throw new Error(`unknown dataset ${datasetId}`);
      const stored = ownGet(ds.sources, stream);
      if (stored !== undefined) return stored;
      ownSet(ds.sources, stream, offset);
      await this.db.datasets.put(ds);
      return offset;
    });
  }

  /**
   * Records that the source's offsets `from..resumeAt-1` will never reach the log: lost by the source
   * (`lost`, e.g. fallen out of its replay buffer) or refused by us as unreadable (`rejected`).
   * Returns how many were recorded; -1, recording nothing, when the log does not hold everything
   * before `from` (an append before the range failed: its events come again on the resubscribe,
   * and marking past them would lose them).
   */
  async recordGap(datasetId: string, stream: string, from: number, resumeAt: number, kind: 'lost' | 'rejected' = 'lost'): Promise<number> {
    return this.db.transaction('rw', this.db.datasets, async () => {
      const ds = await this.db.datasets.get(datasetId);
      if (!ds) throw new Error(`unknown dataset ${datasetId}`);
      const stored = ownGet(ds.sources, stream) ?? 0;
      if (stored < from) return -1;
      if (resumeAt <= stored) return 0;
      const lost = resumeAt - stored;
      ownSet(ds.sources, stream, resumeAt);
      if (kind === 'lost') ownSet(ds.gaps, stream, (ownGet(ds.gaps, stream) ?? 0) + lost);
      else ownSet((ds.rejected ??= {}), stream, (ownGet(ds.rejected, stream) ?? 0) + lost);
      await this.db.datasets.put(ds);
      return lost;
    });
  }

  /**
   * Segments holding any seq in `(afterSeq, uptoSeq]`, in seq order, never past the dataset's
   * high-water mark (an import stages segments beyond it until it commits). The first and last may
   * extend past the range (compaction may have merged across it); callers filter by seq.
   */
  segmentsOverlapping(datasetId: string, afterSeq: number, uptoSeq: number): Promise<SegmentRecord[]> {
    return this.db.transaction('r', this.db.datasets, this.db.segments, async () => {
      const upto = Math.min(uptoSeq, (await this.db.datasets.get(datasetId))?.highWater ?? 0);
      return this.db.segments
        .where('[datasetId+lastSeq]')
        .between([datasetId, afterSeq + 1], [datasetId, Infinity], true, true)
        .until((s) => s.firstSeq > upto)
        .filter((s) => s.firstSeq <= upto)
        .toArray();
    });
  }

  /**
   * The segments holding seqs `afterSeq+1..uptoSeq` (never past the high-water mark), in seq order, a page
   * of about `maxBytesPerPage` at a time (at least one segment), each page read in its own
   * transaction: an export of 10M events never holds more than a page. A compaction between pages
   * may merge segments already yielded with later ones, so a page's first segment can start before
   * the seq the last page ended at, and the last one can extend past `uptoSeq`: callers skip seqs
   * they have seen and stop at `uptoSeq`. A dataset deleted meanwhile ends the pages early.
   */
  async *segmentPages(datasetId: string, uptoSeq: number, maxBytesPerPage = 16 * 1024 ** 2, afterSeq = 0): AsyncGenerator<SegmentRecord[]> {
    let next = afterSeq + 1;
    while (next <= uptoSeq) {
      const from = next;
      const page = await this.db.transaction('r', this.db.datasets, this.db.segments, async () => {
        const upto = Math.min(uptoSeq, (await this.db.datasets.get(datasetId))?.highWater ?? 0);
        const out: SegmentRecord[] = [];
        let bytes = 0;
        await this.db.segments
          .where('[datasetId+lastSeq]')
          .between([datasetId, from], [datasetId, Infinity], true, true)
          .until((s) => s.firstSeq > upto || bytes >= maxBytesPerPage)
          .each((s) => {
            out.push(s);
            bytes += s.bytes.byteLength;
          });
        return out;
      });
      if (page.length === 0) return;
      yield page;
      next = page[page.length - 1]!.lastSeq + 1;
    }
  }

  /**
   * Re-packs the newest run of small segments into one, in one transaction. Events, their seqs and
   * their order are unchanged: only how many IndexedDB records hold them. Without it a slow stream
   * flushed every 50 ms (the ingest worker's FLUSH_MS) leaves up to ~72k tiny segments an hour, and a
   * reload pays for each of them.
   * Returns the number of segments merged (0 when the tail is not worth it yet).
   */
  async compactTail(datasetId: string, opts: { minRun?: number; smallEvents?: number; maxEvents?: number } = {}): Promise<number> {
    const minRun = opts.minRun ?? 16;
    const small = opts.smallEvents ?? 16_384;
    const max = opts.maxEvents ?? 65_536;
    return this.db.transaction('rw', this.db.datasets, this.db.segments, async () => {
      const ds = await this.db.datasets.get(datasetId);
      if (!ds || ds.pendingImport) return 0; // staged segments sit past highWater: not part of the tail
      const tail = await this.db.segments
        .where('[datasetId+lastSeq]')
        .between([datasetId, 0], [datasetId, ds.highWater], true, true)
        .reverse()
        .limit(minRun * 4)
        .toArray();
      const run: SegmentRecord[] = [];
      let total = 0;
      for (const seg of tail) {
        if (seg.count >= small || total + seg.count > max) break;
        run.push(seg);
        total += seg.count;
      }
      if (run.length < minRun) return 0;
      run.reverse();
      const decoded = run.map((s) => decodeSegment(ds.schema, s.bytes));
      const merged = concatBatches(
        ds.schema,
        decoded.map((d) => d.batch),
      );
      const first = run[0]!;
      const last = run[run.length - 1]!;
      // Retention by event time may have left holes in older seqs: then each seq is written out.
      const dense = total === last.lastSeq - first.firstSeq + 1;
      const segment: SegmentRecord = {
        datasetId,
        firstSeq: first.firstSeq,
        lastSeq: last.lastSeq,
        count: total,
        minTs: Math.min(...run.map((s) => s.minTs)),
        maxTs: Math.max(...run.map((s) => s.maxTs)),
        appendedAt: last.appendedAt,
        bytes: encodeSegment(ds.schema, merged, dense ? first.firstSeq : decoded.flatMap((d) => d.seq)),
      };
      await this.db.segments.bulkDelete(run.map((s) => [datasetId, s.firstSeq] as [string, number]));
      await this.db.segments.add(segment);
      ds.segmentCount -= run.length - 1;
      if (ds.bytes !== undefined) ds.bytes += segment.bytes.byteLength - run.reduce((n, s) => n + s.bytes.byteLength, 0);
      await this.db.datasets.put(ds);
      return run.length;
    });
  }
}
