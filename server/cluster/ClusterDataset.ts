/**
 * A dataset whose batch layer is a ClickHouse cluster (issue 14). The server, not a tab, writes its
 * master dataset: the stream's events go into the shards in seq-range segments. Seqs are given as a
 * tab's log gives them, 1, 2, 3… over the events, offsets that carry none (a gap) taking none, so a
 * tab that reads the stream from the offset after W holds exactly the seqs past W. Each row keeps
 * its stream offset (`off`), so a restarted writer knows where in the stream W is.
 *
 * Segment s holds seqs s*N+1..(s+1)*N, is one partition (`intDiv(seq - 1, N)`) of one shard's local
 * MergeTree table (s mod shards), and is loaded whole or not at all: an INSERT of one block is atomic
 * in ClickHouse, and loading a segment first drops whatever its partition holds, so a reload after a
 * crash or a dead shard replaces a half segment instead of doubling it. W, the last seq fully loaded,
 * is the end of the leading run of complete segments; it is read back from the shards at start
 * (`system.parts`), so a restarted server continues where the cluster is, not where it thinks it was.
 * Queries read a Distributed table over the shards' local tables.
 */
import { concatBatches, type ColumnBatch, type DatasetSchema, sliceBatch } from '../../src/protocol/schema';
import { idProblem } from '../../src/protocol/ids';
import { chColumnType, chIdent, chString } from '../../src/views/clickhouseSql';
import type { ClickHouseClient } from './ClickHouseClient';
import { tsvRows } from './tsvRows';

export interface ClusterOptions {
  /** One client per shard, in the order of the cluster's shards. */
  shards: ClickHouseClient[];
  /** The cluster's name in the nodes' `remote_servers`. */
  cluster: string;
  /** Events per segment. */
  segment: number;
  database?: string;
}

export interface LoadReport {
  segments: number;
  events: number;
  ms: number;
}

export class ClusterDataset {
  readonly local: string;
  readonly distributed: string;
  /** The stream's incarnation, the segment size and the shard count the tables were made for. */
  readonly meta: string;
  private readonly db: string;
  /** Events past W not loaded yet, in seq order, the first at seq W + 1, and their stream offsets. */
  private pending: ColumnBatch[] = [];
  private pendingOffsets: number[] = [];
  private pendingCount = 0;
  private w = 0;
  /** The stream offset after the last event (or gap) taken. */
  private nextOff = 0;
  /** The stream offset after the event at seq W. */
  private wOff = 0;
  private chain: Promise<unknown> = Promise.resolve();
  /** Widenings whose columns the tables may not have yet (a count: one may come in while another runs). */
  private columnsDue = 0;
  /** Why the last load stopped, in plain words; null after one that got through. */
  lastError: string | null = null;

  constructor(
    private readonly options: ClusterOptions,
    readonly id: string,
    private fields: DatasetSchema,
  ) {
    const bad = idProblem(id);
    if (bad) throw new Error(`dataset id ${JSON.stringify(id)}: ${bad}`);
    if (!Number.isSafeInteger(options.segment) || options.segment < 1 || options.segment > 1_048_576) throw new Error('a segment holds 1 to 1,048,576 events (one ClickHouse block)');
    this.db = options.database ?? 'default';
    // Prefixes that differ before the id: a stream named `a_local` must not reach stream `a`'s tables.
    this.local = `lwlocal_${id}`;
    this.distributed = `lw_${id}`;
    this.meta = `lwmeta_${id}`;
  }

  /** The stream's schema: the tables hold each of its fields. */
  get schema(): DatasetSchema {
    return this.fields;
  }

  /**
   * The stream gained fields: from now on they are loaded, and the tables gain their columns (NULL in
   * the rows already loaded, as in a tab's log), before the next segment is loaded; an insert
   * already under way without the columns fails and is loaded again after.
   */
  widen(schema: DatasetSchema): Promise<unknown> {
    this.fields = schema;
    this.columnsDue++;
    return this.load();
  }

  /** Adds to each shard's tables the schema's fields they lack (18.16 has no ADD COLUMN IF NOT EXISTS). */
  private async ensureColumns(): Promise<void> {
    for (const shard of this.options.shards) {
      const held = await shard.rows(`SELECT table, name FROM system.columns WHERE database = ${chString(this.db)} AND table IN (${chString(this.local)}, ${chString(this.distributed)})`);
      for (const table of [this.local, this.distributed]) {
        const has = new Set(held.filter(([t]) => t === table).map(([, name]) => name));
        for (const f of this.fields.fields) {
          if (!has.has(f.name)) await shard.exec(`ALTER TABLE ${chIdent(this.db)}.${chIdent(table)} ADD COLUMN ${chIdent(f.name)} ${chColumnType(f.type)}`);
        }
      }
    }
  }

  /** The last seq fully loaded: batch over `seq <= W` is exact. */
  get watermark(): number {
    return this.w;
  }

  /** Events taken and not loaded yet. */
  get backlog(): number {
    return this.pendingCount;
  }

  /** The stream offset the loader needs next. */
  get nextOffset(): number {
    return this.nextOff;
  }

  /** The stream offset after the event at seq W: where a tab whose log ends at W reads on. */
  get watermarkOffset(): number {
    return this.wOff;
  }

  get shards(): number {
    return this.options.shards.length;
  }

  /**
   * Creates the tables where missing and reads W back from the shards. `epoch` names the stream's
   * incarnation (StreamInfo.epoch): a cluster holding another one is refused, because its seqs
   * belong to offsets that started over.
   */
  async open(epoch = ''): Promise<void> {
    const n = this.options.segment;
    const columns = ['seq Int64', 'off Int64', 'ts Float64', ...this.fields.fields.map((f) => `${chIdent(f.name)} ${chColumnType(f.type)}`)].join(', ');
    for (const shard of this.options.shards) {
      await shard.exec(`CREATE TABLE IF NOT EXISTS ${chIdent(this.db)}.${chIdent(this.local)} (${columns}) ENGINE = MergeTree PARTITION BY intDiv(seq - 1, ${n}) ORDER BY seq`);
      await shard.exec(
        `CREATE TABLE IF NOT EXISTS ${chIdent(this.db)}.${chIdent(this.distributed)} AS ${chIdent(this.db)}.${chIdent(this.local)} ENGINE = Distributed(${chIdent(this.options.cluster)}, ${chIdent(this.db)}, ${chIdent(this.local)})`,
      );
    }
    await this.ensureColumns();
    await this.checkMeta(epoch);
    this.w = await this.loadedWatermark();
    this.wOff = this.w === 0 ? 0 : await this.offsetAfter(this.w);
    this.nextOff = this.wOff;
    this.pending = [];
    this.pendingOffsets = [];
    this.pendingCount = 0;
  }

  /**
   * The tables were made for one incarnation of the stream, one segment size and one shard count:
   * another of any would read or place segments wrongly (a segment twice), so it is refused.
   */
  private async checkMeta(epoch: string): Promise<void> {
    const shard = this.options.shards[0]!;
    const table = `${chIdent(this.db)}.${chIdent(this.meta)}`;
    const mine = { epoch: epoch.replace(/[\\\t\n\r\0]/g, ' '), segment: this.options.segment, shards: this.shards };
    await shard.exec(`CREATE TABLE IF NOT EXISTS ${table} (epoch String, segment UInt64, shards UInt64) ENGINE = TinyLog`);
    const [held] = await shard.rows(`SELECT epoch, segment, shards FROM ${table} LIMIT 1`);
    if (!held) {
      await shard.exec(`INSERT INTO ${table} FORMAT TabSeparated`, { body: `${mine.epoch}\t${mine.segment}\t${mine.shards}\n` });
      return;
    }
    const [e, segment, shards] = held;
    const drop = `drop the cluster's tables lw_${this.id}, lwlocal_${this.id} and lwmeta_${this.id} to load it again`;
    if (e !== mine.epoch)
      throw new Error(
        `the cluster holds another incarnation of stream ${this.id} (${String(e)}), this server's is ${epoch}: the stream's offsets started over. Start the server with the --data-dir it had, or ${drop}`,
      );
    if (segment !== mine.segment)
      throw new Error(`stream ${this.id} was loaded in segments of ${String(segment)} events, not ${mine.segment}: start the server with --clickhouse-segment ${String(segment)}, or ${drop}`);
    if (shards !== mine.shards) throw new Error(`stream ${this.id} was loaded over ${String(shards)} shards, not ${mine.shards}: give the same shards, or ${drop}`);
  }

  private async offsetAfter(seq: number): Promise<number> {
    const s = Math.floor((seq - 1) / this.options.segment);
    const shard = this.options.shards[s % this.shards]!;
    const [[off] = []] = await shard.rows(`SELECT max(off) FROM ${chIdent(this.db)}.${chIdent(this.local)} WHERE seq = ${seq}`);
    if (typeof off !== 'number') throw new Error(`cluster dataset ${this.id}: seq ${seq} has no stream offset`);
    return off + 1;
  }

  /** Rows per segment as the shards hold them, then the leading run of complete segments. */
  private async loadedWatermark(): Promise<number> {
    const n = this.options.segment;
    const rows = new Map<number, number>();
    for (const [i, shard] of this.options.shards.entries()) {
      const parts = await shard.rows(`SELECT partition, sum(rows) FROM system.parts WHERE database = ${chString(this.db)} AND table = ${chString(this.local)} AND active GROUP BY partition`);
      for (const [p, count] of parts) {
        const s = Number(p);
        // A segment on the wrong shard (the shard count changed) is not counted: it would be read twice.
        if (Number.isSafeInteger(s) && s % this.shards === i) rows.set(s, Number(count));
      }
    }
    let s = 0;
    while (rows.get(s) === n) s++;
    return s * n;
  }

  /**
   * Takes the stream's entry at `offset`: its events, or (`batch` null) `count` offsets that carry
   * none. What it has already is skipped; an entry past the next offset it needs is refused.
   */
  take(offset: number, count: number, batch: ColumnBatch | null): void {
    const next = this.nextOff;
    if (offset > next) throw new Error(`cluster dataset ${this.id}: the stream from offset ${offset}, but the loader needs offset ${next} first`);
    const skip = next - offset;
    if (skip >= count) return;
    this.nextOff = offset + count;
    if (!batch) return;
    const part = skip > 0 ? sliceBatch(batch, skip, batch.count) : batch;
    this.pending.push(part);
    for (let i = skip; i < count; i++) this.pendingOffsets.push(offset + i);
    this.pendingCount += part.count;
  }

  /** Loads every complete segment waiting, one at a time, in order; stops at the first failure (said in `lastError`). */
  load(): Promise<LoadReport> {
    const run = this.chain.then(() => this.loadReady());
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async loadReady(): Promise<LoadReport> {
    // Until the tables have every field's column (a widening whose ALTER failed is tried again here).
    const due = this.columnsDue;
    if (due > 0) {
      await this.ensureColumns().catch((e: unknown) => {
        this.lastError = `the cluster's tables could not gain the stream's new fields: ${e instanceof Error ? e.message : String(e)}`;
        throw new Error(this.lastError);
      });
      // A widening that came in meanwhile may have found some shards already read: it runs again.
      this.columnsDue -= due;
    }
    const n = this.options.segment;
    const t0 = performance.now();
    let segments = 0;
    while (this.pendingCount >= n) {
      const all = this.pending.length === 1 ? this.pending[0]! : concatBatches(this.fields, this.pending);
      const events = sliceBatch(all, 0, n);
      const s = this.w / n;
      const shard = this.options.shards[s % this.shards]!;
      try {
        const local = `${chIdent(this.db)}.${chIdent(this.local)}`;
        await shard.exec(`ALTER TABLE ${local} DROP PARTITION ${s}`);
        // The client may send it twice (a keep-alive connection closed under it); the count below catches a double.
        // Columns named: a table with more (a field added since) fills them with NULL.
        const columns = ['seq', 'off', 'ts', ...this.fields.fields.map((f) => chIdent(f.name))].join(', ');
        await shard.exec(`INSERT INTO ${local} (${columns}) FORMAT TabSeparated`, { body: tsvRows(this.fields, events, this.w + 1, this.pendingOffsets) });
        // W moves only past a segment that holds exactly its events (a late insert would show here).
        const [[count] = []] = await shard.rows(`SELECT count() FROM ${local} WHERE seq > ${this.w} AND seq <= ${this.w + n}`);
        if (count !== n) throw new Error(`segment ${s} holds ${String(count)} rows after its load, not ${n}; it is loaded again`);
      } catch (e) {
        this.lastError = `segment ${s} (seq ${this.w + 1}..${this.w + n}) not loaded: ${e instanceof Error ? e.message : String(e)}`;
        this.pending = [all];
        throw new Error(this.lastError);
      }
      this.pending = all.count > n ? [sliceBatch(all, n, all.count)] : [];
      this.pendingCount -= n;
      this.wOff = this.pendingOffsets[n - 1]! + 1;
      this.pendingOffsets = this.pendingOffsets.slice(n);
      this.w += n;
      segments++;
      this.lastError = null;
    }
    return { segments, events: segments * n, ms: performance.now() - t0 };
  }

  /** A read over every shard, from the first node that answers (each holds the Distributed table). */
  async rows(sql: string): Promise<unknown[][]> {
    let last: unknown = null;
    for (const shard of this.options.shards) {
      try {
        return await shard.rows(sql, { readonly: true });
      } catch (e) {
        last = e;
      }
    }
    throw last instanceof Error ? last : new Error(String(last));
  }
}
