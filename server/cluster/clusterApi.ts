/**
 * The cluster batch layer over HTTP, for the tabs:
 *   GET  /api/cluster              the cluster, and per dataset on it W, the stream offset after W, errors
 *   POST /api/cluster/sql          {sql}: one read-only statement from the SQL console (clusterSql.ts)
 *   POST /api/cluster/:id/views    {views, upto?, after?}: each view's rows over after < seq <= upto (upto
 *                                  defaults to W, may not pass it), read-only on the cluster
 *   POST /api/cluster/:id/timesplit {w, bucketMs}: the teaching time split's batch side at seq <= w
 * Bad input is a 400 naming what is wrong; a cluster that cannot answer, a 503 saying why.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseViewDef } from '../../src/views/viewSchema';
import type { ViewDef } from '../../src/views/ViewDef';
import { readBody, sendJson } from '../httpApi';
import type { ClusterBatch } from './ClusterBatch';
import { clusterTimeSplit, clusterViewRows } from './clusterViews';
import type { ClusterDataset } from './ClusterDataset';
import { clusterSqlProblem } from './clusterSql';

const MAX_BODY = 1024 * 1024;

/** Handles `/api/cluster…`; false for any other path. */
export async function handleClusterApi(batch: ClusterBatch | null, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  if (url.pathname === '/api/cluster' && req.method === 'GET') {
    sendJson(res, 200, batch ? { cluster: batch.cluster, shards: batch.shards, segment: batch.segment, datasets: batch.status() } : { cluster: null });
    return true;
  }
  if (url.pathname === '/api/cluster/sql') {
    await consoleSql(batch, req, res);
    return true;
  }
  const m = /^\/api\/cluster\/([^/]+)\/(views|timesplit)$/.exec(url.pathname);
  if (!m) return false;
  if (req.method !== 'POST') {
    sendJson(res, 405, { error: m[2] === 'views' ? 'POST the views to compute' : 'POST {"w": …, "bucketMs": …}' }, { allow: 'POST' });
    return true;
  }
  const id = decodeURIComponent(m[1]!);
  const ds = batch?.dataset(id) ?? null;
  if (!ds) {
    sendJson(res, 404, { error: `no dataset ${id} on the cluster` });
    return true;
  }
  const text = await readBody(req, MAX_BODY);
  if (text === null) {
    sendJson(res, 413, { error: 'at most 1 MB of view definitions' });
    return true;
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    sendJson(res, 400, { error: 'the body is not JSON' });
    return true;
  }
  if (m[2] === 'timesplit') {
    await timeSplit(ds, body, res);
    return true;
  }
  const parsed = parseRequest(body);
  if ('error' in parsed) {
    sendJson(res, 400, { error: parsed.error });
    return true;
  }
  const upto = parsed.upto ?? ds.watermark;
  if (upto > ds.watermark || (parsed.after ?? 0) > upto) {
    sendJson(res, 400, { error: `seq ${parsed.after ?? 0}..${upto} is not within what the cluster holds whole (W = ${ds.watermark})` });
    return true;
  }
  try {
    const r = await clusterViewRows(ds, parsed.views, upto, parsed.after ?? 0);
    sendJson(res, 200, { w: ds.watermark, wOffset: ds.watermarkOffset, ...r });
  } catch (e) {
    sendJson(res, 503, { error: `the cluster could not answer: ${e instanceof Error ? e.message : String(e)}` });
  }
  return true;
}

/** The teaching time split's batch side at seq <= w (clusterTimeSplit). */
async function timeSplit(ds: ClusterDataset, body: unknown, res: ServerResponse): Promise<void> {
  const w = typeof body === 'object' && body !== null && 'w' in body ? body.w : undefined;
  const bucketMs = typeof body === 'object' && body !== null && 'bucketMs' in body ? body.bucketMs : undefined;
  if (!Number.isSafeInteger(w) || (w as number) < 0 || (w as number) > ds.watermark) return sendJson(res, 400, { error: `w is a seq from 0 to what the cluster holds whole (W = ${ds.watermark})` });
  if (typeof bucketMs !== 'number' || !Number.isFinite(bucketMs) || bucketMs <= 0) return sendJson(res, 400, { error: 'bucketMs is a positive number of milliseconds' });
  try {
    sendJson(res, 200, await clusterTimeSplit(ds, w as number, bucketMs));
  } catch (e) {
    sendJson(res, 503, { error: `the cluster could not answer: ${e instanceof Error ? e.message : String(e)}` });
  }
}

async function consoleSql(batch: ClusterBatch | null, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST') return sendJson(res, 405, { error: 'POST {"sql": "..."}' }, { allow: 'POST' });
  if (!batch) return sendJson(res, 404, { error: 'this server has no ClickHouse cluster' });
  const text = await readBody(req, 256 * 1024);
  if (text === null) return sendJson(res, 413, { error: 'a statement of at most 256 kB' });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return sendJson(res, 400, { error: 'the body is not JSON' });
  }
  if (typeof body !== 'object' || body === null || !('sql' in body) || typeof body.sql !== 'string') return sendJson(res, 400, { error: 'send {"sql": "..."}' });
  const problem = clusterSqlProblem(body.sql);
  if (problem) return sendJson(res, 422, { error: problem });
  try {
    sendJson(res, 200, await batch.sql(body.sql));
  } catch (e) {
    // ClickHouse's own refusal (a syntax error, readonly) is the user's to read: say it as it is.
    sendJson(res, 400, { error: e instanceof Error ? e.message : String(e) });
  }
}

function parseRequest(body: unknown): { views: ViewDef[]; upto?: number; after?: number } | { error: string } {
  if (typeof body !== 'object' || body === null || !('views' in body) || !Array.isArray(body.views)) return { error: 'send {"views": [...]}' };
  if (body.views.length > 200) return { error: 'at most 200 views at once' };
  const views: ViewDef[] = [];
  for (const [i, raw] of body.views.entries()) {
    const p = parseViewDef(raw);
    if (!p.ok) return { error: `views[${i}]: ${p.error}` };
    views.push(p.view);
  }
  const seq = (k: 'upto' | 'after'): number | undefined | null => {
    const v = k in body ? (body as Record<string, unknown>)[k] : undefined;
    return v === undefined ? undefined : Number.isSafeInteger(v) && (v as number) >= 0 ? (v as number) : null;
  };
  const upto = seq('upto');
  const after = seq('after');
  if (upto === null || after === null) return { error: 'upto and after are whole numbers from 0' };
  return { views, ...(upto !== undefined ? { upto } : {}), ...(after !== undefined ? { after } : {}) };
}
