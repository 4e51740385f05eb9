/**
 * The batch layer of datasets the server holds on a ClickHouse cluster (issue 14): instead of DuckDB
 * over this tab's log, the server's `/api/cluster` answers each view over `after < seq <= upto`
 * (server/cluster/clusterApi.ts), from the same view definitions the speed layer tallies. What comes
 * back is checked before it is used.
 */
import type { SqlRow } from '../../views/compileView';
import type { ViewDef } from '../../views/ViewDef';
import type { BatchTimeSplit } from './timeSplit';

export interface ClusterState {
  /** The last seq the cluster holds whole. */
  w: number;
  shards: number;
}

export interface ClusterAnswer {
  views: Record<string, SqlRow[]>;
  errors: Record<string, string>;
  shards: number;
  ms: number;
}

type Cell = SqlRow[number];

const isScalar = (v: unknown): v is number | string | boolean | null => v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean';
const isCell = (v: unknown): v is Cell => isScalar(v) || (Array.isArray(v) && v.every(isScalar));
const isRows = (v: unknown): v is SqlRow[] => Array.isArray(v) && v.every((r) => Array.isArray(r) && r.every(isCell));
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

export class ClusterViews {
  constructor(private readonly apiBase: () => string | null) {}

  private url(path: string): string {
    const base = this.apiBase();
    if (!base) throw new Error('this page has no server to ask for the cluster');
    return new URL(path, base).href;
  }

  private async json(path: string, init?: RequestInit): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(this.url(path), init);
    } catch {
      throw new Error('the server, and the ClickHouse cluster behind it, cannot be reached');
    }
    const body: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const why = typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'string' ? body.error : `HTTP ${res.status}`;
      // The server's reason already says it was the cluster; a status alone does not.
      throw new Error(/cluster/i.test(why) ? why : `the ClickHouse cluster did not answer: ${why}`);
    }
    return body;
  }

  /** Per dataset on the cluster: its W and shard count. */
  async state(): Promise<Record<string, ClusterState>> {
    const body = await this.json('/api/cluster');
    const out: Record<string, ClusterState> = Object.create(null);
    if (typeof body !== 'object' || body === null || !('datasets' in body) || typeof body.datasets !== 'object' || body.datasets === null) return out;
    for (const [id, d] of Object.entries(body.datasets)) {
      if (typeof d === 'object' && d !== null && 'w' in d && 'shards' in d && isCount(d.w) && isCount(d.shards)) out[id] = { w: d.w, shards: d.shards };
    }
    return out;
  }

  /** One read-only console statement on the cluster: ClickHouse's column names and types, and the rows. */
  async sql(sql: string): Promise<{ columns: { name: string; type: string }[]; rows: unknown[][]; truncated: boolean; ms: number }> {
    const body = await this.json('/api/cluster/sql', { method: 'POST', body: JSON.stringify({ sql }) });
    if (typeof body !== 'object' || body === null || !('columns' in body) || !('rows' in body) || !Array.isArray(body.columns) || !Array.isArray(body.rows))
      throw new Error('the cluster answered no rows');
    const columns = body.columns.map((c: unknown) => ({
      name: typeof c === 'object' && c !== null && 'name' in c ? String(c.name) : '?',
      type: typeof c === 'object' && c !== null && 'type' in c ? String(c.type) : '?',
    }));
    return { columns, rows: body.rows.filter(Array.isArray), truncated: 'truncated' in body && body.truncated === true, ms: 'ms' in body && typeof body.ms === 'number' ? body.ms : 0 };
  }

  /** The teaching time split's batch side at seq <= w, counted on the cluster (timeSplit.ts does it in DuckDB). */
  async timeSplit(dataset: string, w: number, bucketMs: number): Promise<BatchTimeSplit> {
    const body = await this.json(`/api/cluster/${encodeURIComponent(dataset)}/timesplit`, { method: 'POST', body: JSON.stringify({ w, bucketMs }) });
    const num = (k: string): number | null => {
      const v = typeof body === 'object' && body !== null && k in body ? (body as Record<string, unknown>)[k] : null;
      return typeof v === 'number' && Number.isFinite(v) ? v : null;
    };
    const atOrBefore = num('atOrBefore');
    const after = num('after');
    if (atOrBefore === null || after === null || !isCount(atOrBefore) || !isCount(after)) throw new Error('the cluster answered no time split');
    return { maxTs: num('maxTs'), boundary: num('boundary'), atOrBefore, after };
  }

  /** Each view's rows over `after < seq <= upto` of `dataset` on the cluster. */
  async views(dataset: string, views: readonly ViewDef[], upto: number, after = 0): Promise<ClusterAnswer> {
    const body = await this.json(`/api/cluster/${encodeURIComponent(dataset)}/views`, { method: 'POST', body: JSON.stringify({ views, upto, after }) });
    if (typeof body !== 'object' || body === null || !('views' in body) || typeof body.views !== 'object' || body.views === null) throw new Error('the cluster answered no views');
    const out: ClusterAnswer = { views: {}, errors: {}, shards: 'shards' in body && isCount(body.shards) ? body.shards : 0, ms: 'ms' in body && typeof body.ms === 'number' ? body.ms : 0 };
    for (const v of views) {
      const rows = (body.views as Record<string, unknown>)[v.id];
      if (isRows(rows)) out.views[v.id] = rows;
      else out.errors[v.id] = 'errors' in body && typeof body.errors === 'object' && body.errors !== null ? String((body.errors as Record<string, unknown>)[v.id] ?? 'no rows') : 'no rows';
    }
    return out;
  }
}
