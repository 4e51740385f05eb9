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
  close: (() => void) | null;
  error: string | null;
  lastLoadMs: number | null;
}

export class ClusterBatch {
  private readonly clients: ClickHouseClient[];
  private readonly attached = new Map<string, Attached>();
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
    if (this.attached.has(stream.id) || !this.wants(stream.id)) return;
    const ds = new ClusterDataset({ shards: this.clients, cluster: this.options.cluster, segment: this.segment }, stream.id, stream.declaration.schema);
    await ds.open(stream.hub.epoch);
    const a: Attached = { ds, close: null, error: null, lastLoadMs: null };
    this.attached.set(stream.id, a);
    const tap = stream.hub.tap(ds.nextOffset, (e) => {
      try {
        ds.take(e.offset, e.count, e.batch);
      } catch (err) {
        a.error = err instanceof Error ? err.message : String(err);
      }
    });
    if (!tap) {
      a.error = `the cluster holds stream ${stream.id} up to offset ${ds.nextOffset}, and this server no longer holds the events after it (it keeps them from offset ${stream.hub.bufferedFrom}): start it with the --data-dir it had`;
      this.options.log(a.error);
      return;
    }
    a.close = tap.close;
    stream.hub.clusterAt = () => ({ w: ds.watermark, wOffset: ds.watermarkOffset });
    this.options.log(`stream ${stream.id}: batch layer on ClickHouse cluster ${this.options.cluster} (${this.shards} shards), W = ${ds.watermark}`);
  }

  /** Loads what is ready in every dataset; a failure is kept for the status and retried next time. */
  async tick(): Promise<void> {
    for (const a of this.attached.values()) {
      try {
        const r = await a.ds.load();
        if (r.segments > 0) a.lastLoadMs = r.ms;
        if (a.error && a.ds.lastError === null && !a.error.startsWith('the cluster holds')) a.error = null;
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
