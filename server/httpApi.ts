/**
 * The HTTP API under /api: the streams and their figures, declaring and retiring streams,
 * publishing events, the demo stream's controls, and (when enabled) diagnostics and faults.
 * Every write is authorized and limited before it changes anything.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebSocketServer } from 'ws';
import { producerOf, type Access } from './access';
import type { DemoStream } from './DemoStream';
import { handleFaults } from './faultApi';
import { MAX_INGEST_BYTES, parseIngestBody } from './httpIngest';
import { publishEvents } from './publishing';
import { parseDeclaration } from './streams/declaration';
import type { StreamRegistry } from './streams/StreamRegistry';

export interface ApiContext {
  registry: StreamRegistry;
  access: Access;
  demo: DemoStream | null;
  wss: WebSocketServer;
  faults: boolean;
  diagnostics: boolean;
}

/** Largest stream declaration accepted. */
const MAX_DECLARATION_BYTES = 256 * 1024;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }).end(JSON.stringify(body));
}

/**
 * Reads a request body up to `limit` bytes; null when it is larger. An oversized body is drained
 * (so the client gets its 413) unless it goes on past four times the limit.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 4 * limit) {
        resolve(null);
        req.destroy();
      } else if (size <= limit) chunks.push(c);
    });
    req.on('end', () => resolve(size > limit ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function stats(cx: ApiContext) {
  return cx.registry.list().map((s) => s.stats(cx.demo?.stream === s ? { paused: cx.demo.paused, rate: cx.demo.rate } : null));
}

export async function handleApi(cx: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const method = req.method ?? 'GET';
  if (url.pathname === '/api/streams' && method === 'GET') return sendJson(res, 200, { streams: stats(cx) });
  const m = /^\/api\/streams\/([^/]+)(?:\/(pause|resume|rate|events|backfill|late|publishes))?$/.exec(url.pathname);
  if (cx.diagnostics && m?.[2] === 'publishes' && method === 'GET') return sendJson(res, 200, { publishes: cx.demo && cx.demo.stream.id === m[1] ? cx.demo.publishes : [] });
  const writes = (m && (method === 'PUT' || method === 'DELETE' || method === 'POST')) || (cx.faults && url.pathname.startsWith('/api/faults/') && method === 'POST');
  if (!writes) return sendJson(res, 404, { error: 'no such endpoint' });
  const auth = cx.access.authorized(req);
  if (!auth.ok) return sendJson(res, auth.status, { error: auth.error, accepted: 0 });
  if (!m) return cx.demo ? handleFaults(req, res, url, cx.demo.stream, cx.wss, sendJson, readBody) : sendJson(res, 404, { error: 'faults need the demo stream' });
  let id: string;
  try {
    id = decodeURIComponent(m[1]!);
  } catch {
    return sendJson(res, 400, { error: 'the stream id in the address is not valid percent-encoding' });
  }
  if (!m[2]) {
    if (method === 'PUT') return declare(cx, req, res, id);
    if (method === 'DELETE')
      return cx.registry.retire(id)
        ? sendJson(res, 200, { retired: id })
        : sendJson(res, 404, { error: cx.registry.get(id) ? `${id} is the demo stream; it cannot be retired` : `no stream ${JSON.stringify(id)}` });
    return sendJson(res, 404, { error: 'no such endpoint' });
  }
  if (method !== 'POST') return sendJson(res, 404, { error: 'no such endpoint' });
  if (m[2] === 'events') return ingest(cx, req, res, id);
  return demoControl(cx, res, url, id, m[2]);
}

async function declare(cx: ApiContext, req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
  const admitted = cx.access.admitRequest(producerOf(req));
  if (!admitted.ok) return sendJson(res, admitted.status, { error: admitted.error }, admitted.retryAfterS ? { 'retry-after': String(admitted.retryAfterS) } : {});
  const text = await readBody(req, MAX_DECLARATION_BYTES);
  if (text === null) return sendJson(res, 413, { error: `a declaration is at most ${MAX_DECLARATION_BYTES} bytes` });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    return sendJson(res, 400, { error: `the declaration is not valid JSON: ${(e as Error).message}` });
  }
  const d = parseDeclaration(id, body);
  if (!d.ok) return sendJson(res, 400, { error: d.error });
  const r = await cx.registry.declare(d.declaration);
  if (!('stream' in r)) return sendJson(res, r.status, { error: r.error });
  return sendJson(res, r.status, { stream: r.stream.stats(null), widened: r.widened });
}

async function ingest(cx: ApiContext, req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
  const body = await readBody(req, MAX_INGEST_BYTES);
  if (body === null) return sendJson(res, 413, { accepted: 0, errors: [{ line: 0, error: `body larger than ${MAX_INGEST_BYTES} bytes` }] });
  const key = req.headers['idempotency-key'];
  const now = Date.now();
  const r = await publishEvents(cx.registry, cx.access, producerOf(req), id, (schema, zone) => parseIngestBody(body, schema, now, zone), typeof key === 'string' ? key : undefined);
  if (r.status === 200) return sendJson(res, 200, { accepted: r.accepted, firstOffset: r.firstOffset, lastOffset: r.lastOffset });
  return sendJson(res, r.status, { accepted: 0, errors: r.errors }, r.retryAfterS ? { 'retry-after': String(r.retryAfterS) } : {});
}

async function demoControl(cx: ApiContext, res: ServerResponse, url: URL, id: string, action: string): Promise<void> {
  const demo = cx.demo;
  if (!cx.registry.get(id)) return sendJson(res, 404, { error: `unknown stream ${id}` });
  if (!demo || demo.stream.id !== id) return sendJson(res, 409, { error: `${action} applies to the demo stream only; ${id} is fed by its producers` });
  if (action === 'backfill') {
    const count = Number(url.searchParams.get('count') ?? 100_000);
    const spanMs = Number(url.searchParams.get('spanMs') ?? 86_400_000);
    if (!Number.isSafeInteger(count) || count < 1 || count > 20_000_000) return sendJson(res, 400, { error: 'count must be 1..20000000' });
    if (!Number.isFinite(spanMs) || spanMs < 0 || spanMs > 10 * 365 * 86_400_000) return sendJson(res, 400, { error: 'spanMs must be 0..10 years' });
    return sendJson(res, 200, await demo.backfill(count, spanMs));
  }
  if (action === 'late') {
    const count = Number(url.searchParams.get('count') ?? 100);
    const lateMs = Number(url.searchParams.get('lateMs') ?? 60_000);
    if (!Number.isSafeInteger(count) || count < 1 || count > 1_000_000) return sendJson(res, 400, { error: 'count must be 1..1000000' });
    if (!Number.isFinite(lateMs) || lateMs < 0 || lateMs > 365 * 86_400_000) return sendJson(res, 400, { error: 'lateMs must be 0..1 year' });
    return sendJson(res, 200, demo.late(count, lateMs));
  }
  if (action === 'pause') demo.paused = true;
  else if (action === 'resume') demo.paused = false;
  else {
    const r = Number(url.searchParams.get('value'));
    if (!Number.isFinite(r) || r < 0 || r > 5_000_000) return sendJson(res, 400, { error: 'rate must be 0..5000000 events/s' });
    demo.rate = r;
  }
  return sendJson(res, 200, { streams: stats(cx) });
}
