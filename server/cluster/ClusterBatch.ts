/**
 * The server's side of a batch layer on a ClickHouse cluster: for each stream whose dataset is on
 * the cluster, a ClusterDataset fed in-process from the stream (StreamHub.tap) and loaded every
 * second, and what a tab asks of it: W and the views at W (clusterApi.ts).
 */
import type { LiveStream } from '../streams/LiveStream';
import { ClickHouseClient } from './ClickHouseClient';
import { ClusterDataset } from './ClusterDataset';
import { runClusterSql, type ClusterSqlResult } from './clusterSql';
import { chString } from '../../src/views/clickhouseSql';

export interface ClusterBatchOptions {
  /** Each shard's HTTP address, in the order of the cluster's shards. */
  shards: readonly string[];
  /** The cluster's name in the shards' `remote_servers`. */
  cluster: string;
  /** Events per segment (default 262,144). */
  segment?: number;
  /** Events past its replay buffer a stream keeps for a stopped loader (default 4,000,000). */
  heldEvents?: number;
  /** The streams whose datasets are on the cluster; every stream when absent. */
  streams?: readonly string[];
  user?: string;
  password?: string;
  log: (line: string) => void;
}

export interface ClusterDatasetStatus {
  /** The last seq fully loaded, and the stream offset after it. */
  w: number;
  wOffset: number;
  /** The stream offset the loader has read up to. */
  readOffset: number;
  shards: number;
  segment: number;
  lastLoadMs: number | null;
  error: string | null;
}

interface Attached {
  ds: ClusterDataset;
  stream: LiveStream;
  close: (() => void) | null;
  error: string | null;
  lastLoadMs: number | null;
}

/** Events held for the cluster past W: beyond this the loader stops reading the stream until the cluster catches up. */
const MAX_BACKLOG_SEGMENTS = 4;
/** Events past its replay buffer a stream keeps for a stopped loader (about 0.5 GB of the demo's events). */
export const HELD_EVENTS = 4_000_000;

export class ClusterBatch {
  private readonly clients: ClickHouseClient[];
  private readonly attached = new Map<string, Attached>();
  private readonly opening = new Map<string, Promise<void>>();
  readonly segment: number;

  constructor(private readonly options: ClusterBatchOptions) {
    if (options.shards.length === 0) throw new Error('--clickhouse: give at least one shard address');
    this.clients = options.shards.map((url) => new ClickHouseClient({ url, ...(options.user !== undefined ? { user: options.user, password: options.password ?? '' } : {}), timeoutMs: 30_000 }));
    this.segment = options.segment ?? 262_144;
  }

  get cluster(): string {
    return this.options.cluster;
  }

  get shards(): number {
    return this.clients.length;
  }

  /** Every shard answers and the cluster has exactly that many shards: else the server does not start. */
  async check(): Promise<void> {
    for (const c of this.clients) await c.exec('SELECT 1');
    const [[n] = []] = await this.clients[0]!.rows(`SELECT count() FROM system.clusters WHERE cluster = ${chString(this.options.cluster)}`);
    if (n !== this.clients.length) {
      throw new Error(`--clickhouse-cluster ${this.options.cluster}: the cluster has ${String(n ?? 0)} shards in the shards' remote_servers, but --clickhouse names ${this.clients.length}`);
    }
  }

  wants(streamId: string): boolean {
    return !this.options.streams || this.options.streams.includes(streamId);
  }

  /** Puts a stream's dataset on the cluster: opens its tables, reads W back, and reads the stream from W on. */
  async attach(stream: LiveStream): Promise<void> {
    const held = this.attached.get(stream.id);
    // A stream declared again with more fields: its tables gain them.
    if (held && held.ds.schema.fields.length !== stream.declaration.schema.fields.length) {
      this.options.log(`stream ${stream.id}: the cluster's tables gain its new fields`);
      // A failure is the load's, kept in its status and tried again at the next tick.
      await held.ds.widen(stream.declaration.schema).catch(() => undefined);
    }
    if (held || !this.wants(stream.id)) return;
    // Attaches can overlap (each change of the streams asks again): all wait for the one open.
    let opening = this.opening.get(stream.id);
    if (!opening) {
      opening = this.open(stream).finally(() => this.opening.delete(stream.id));
      this.opening.set(stream.id, opening);
    }
    await opening;
    // Fields the stream gained while the tables were being opened.
    if (this.attached.has(stream.id)) await this.attach(stream);
  }

  private async open(stream: LiveStream): Promise<void> {
    const ds = new ClusterDataset({ shards: this.clients, cluster: this.options.cluster, segment: this.segment }, stream.id, stream.declaration.schema);
    await ds.open(stream.hub.epoch);
    const a: Attached = { ds, stream, close: null, error: null, lastLoadMs: null };
    this.attached.set(stream.id, a);
    if (!this.read(a)) {
      this.options.log(a.error ?? '');
      return;
    }
    // A tab starts a new dataset at the offset after W: only while this server still holds it.
    stream.hub.clusterAt = () => (ds.watermarkOffset >= stream.hub.bufferedFrom ? { w: ds.watermark, wOffset: ds.watermarkOffset } : null);
    this.options.log(`stream ${stream.id}: batch layer on ClickHouse cluster ${this.options.cluster} (${this.shards} shards), W = ${ds.watermark}`);
  }

  /**
   * Reads the stream from where the loader is. With the cluster down the events wait in memory, up
   * to MAX_BACKLOG_SEGMENTS segments; then reading stops (the stream keeps them) and starts again
   * from the same offset once the cluster has caught up, if the server still holds it.
   */
  private read(a: Attached): boolean {
    const cap = MAX_BACKLOG_SEGMENTS * this.segment;
    let stopped = false;
    let handle: { close(): void } | null = null;
    const stop = () => {
      stopped = true;
      handle?.close();
      a.close = null;
      a.error = `the cluster is ${a.ds.backlog.toLocaleString('en-US')} events behind: reading stream ${a.stream.id} again once it has caught up`;
    };
    // The buffered entries come at once, inside tap(); the rest as they are stored.
    handle = a.stream.hub.tap(a.ds.nextOffset, (e) => {
      if (stopped) return;
      if (a.ds.backlog >= cap) return stop();
      try {
        a.ds.take(e.offset, e.count, e.batch);
      } catch (err) {
        a.error = err instanceof Error ? err.message : String(err);
      }
    });
    if (!handle) {
      // Past the held events (a long outage, or a server restarted on a stream that went on without
      // the cluster): nothing left to hold for.
      a.stream.hub.hold = null;
      a.error = `the loader of stream ${a.stream.id} needs offset ${a.ds.nextOffset}, and this server holds the stream only from offset ${a.stream.hub.bufferedFrom}: batch on the cluster stays at W = ${a.ds.watermark.toLocaleString('en-US')}, while the tabs' speed layers count every event past it`;
      return false;
    }
    if (stopped) handle.close();
    else a.close = handle.close;
    // The stream keeps what the loader has not read (up to the held events more than it would), so
    // a burst or the cluster down a while is loaded later rather than lost to the cluster.
    a.stream.hub.hold = () => a.ds.nextOffset;
    a.stream.hub.maxHeld = this.options.heldEvents ?? HELD_EVENTS;
    return true;
  }

  /** Loads what is ready in every dataset; a failure is kept for the status and retried next time. */
  async tick(): Promise<void> {
    for (const a of this.attached.values()) {
      try {
        const r = await a.ds.load();
        if (r.segments > 0) a.lastLoadMs = r.ms;
        if (a.close === null && a.ds.backlog < (MAX_BACKLOG_SEGMENTS * this.segment) / 2) {
          if (this.read(a)) a.error = null;
        } else if (a.error && a.ds.lastError === null && a.close !== null) a.error = null;
      } catch (e) {
        a.error = e instanceof Error ? e.message : String(e);
      }
    }
  }

  /** A console statement on the first node that answers (each reaches every shard through the Distributed tables). */
  async sql(sql: string): Promise<ClusterSqlResult> {
    let last: unknown = null;
    for (const c of this.clients) {
      try {
        return await runClusterSql(c, sql);
      } catch (e) {
        last = e;
        if (!(e instanceof Error && e.message.includes('cannot be reached'))) throw e;
      }
    }
    throw last instanceof Error ? last : new Error(String(last));
  }

  dataset(id: string): ClusterDataset | null {
    return this.attached.get(id)?.ds ?? null;
  }

  status(): Record<string, ClusterDatasetStatus> {
    const out: Record<string, ClusterDatasetStatus> = Object.create(null);
    for (const [id, a] of this.attached) {
      out[id] = { w: a.ds.watermark, wOffset: a.ds.watermarkOffset, readOffset: a.ds.nextOffset, shards: a.ds.shards, segment: this.segment, lastLoadMs: a.lastLoadMs, error: a.error };
    }
    return out;
  }

  close(): void {
    for (const a of this.attached.values()) a.close?.();
  }
}
