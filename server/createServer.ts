/**
 * The workbench server: serves the built app, the live shop stream over WebSocket (offsets, replay,
 * acknowledgements), HTTP ingest into the stream, and a JSON stats endpoint with exact totals.
 * A factory, so tests start it on port 0 and close it.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ColumnBatch } from '../src/protocol/schema';
import { SHOP_SCHEMA, SHOP_STREAM_ID } from '../src/protocol/shop';
import { DEFAULT_ACK_WINDOW, PROTOCOL_VERSION, parseClientMessage, type ServerMessage, type StreamStats } from '../src/protocol/stream';
import { MAX_INGEST_BYTES, parseIngestBody } from './httpIngest';
import { ShopGenerator } from './ShopGenerator';
import { ShopTotals } from './ShopTotals';
import { StreamFile } from './StreamFile';
import { StreamHub, type Subscriber } from './StreamHub';
import { serveStatic } from './staticFiles';

export interface ServerOptions {
  port?: number;
  host?: string;
  /** Directory of the built app; omit to serve only the API and stream. */
  staticDir?: string;
  /** Send COOP/COEP so the app is cross-origin isolated and DuckDB runs threaded (default true). */
  isolation?: boolean;
  /** Events per second of the demo stream. */
  rate?: number;
  seed?: number;
  tickMs?: number;
  /** Start with the generator paused. */
  paused?: boolean;
  /** Events kept for replay after a reconnect. */
  replayBuffer?: number;
  ackWindow?: number;
  /** Origins allowed to open the stream; loopback origins when omitted. */
  allowedOrigins?: readonly string[];
  /** Keep the stream on disk here, so a restart continues its offsets and replays. */
  dataDir?: string;
  /** Fault-injection endpoints under /api/faults (tests and teaching only). */
  faults?: boolean;
  /** Keep the send time of recent batches, for freshness measurements (GET /api/streams/:id/publishes). */
  diagnostics?: boolean;
  log?: (line: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_CLIENT_MESSAGE = 64 * 1024;
/** Client messages per second before a connection counts as a flood and is closed. */
const MAX_CLIENT_MESSAGES_PER_S = 2_000;

function isLoopbackOrigin(origin: string): boolean {
  try {
    const host = new URL(origin).hostname;
    return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
  } catch {
    return false;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

function send(ws: WebSocket, msg: ServerMessage): void {
  ws.send(JSON.stringify(msg));
}

/**
 * Reads a request body up to `limit` bytes; null when it is larger. An oversized body is drained
 * (so the client gets its 413) unless it goes on past four times the limit.
 */
function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
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

export async function createServer(options: ServerOptions = {}): Promise<RunningServer> {
  const log = options.log ?? (() => {});
  const tickMs = options.tickMs ?? 50;
  let rate = options.rate ?? 300;
  let paused = options.paused ?? false;
  const hub = new StreamHub(SHOP_STREAM_ID, SHOP_SCHEMA, options.replayBuffer ?? 500_000, options.ackWindow ?? DEFAULT_ACK_WINDOW);
  const hubs = new Map([[hub.id, hub]]);
  const totals = new ShopTotals();
  const file = options.dataDir ? new StreamFile(options.dataDir, hub.id) : null;
  if (file) {
    const stored = file.load();
    for (const b of stored) totals.add(b.batch);
    hub.restore(stored);
    if (stored.length) log(`restored stream ${hub.id} from disk: offsets 0..${hub.nextOffset - 1}`);
  }
  // Continue the synthetic sequence rather than repeat it after a restart.
  const generator = new ShopGenerator((options.seed ?? 42) + hub.nextOffset);

  /** With diagnostics: when each recent batch was published, as [first offset, count, ms]. */
  const publishes: [number, number, number][] = [];

  /** Every event enters the stream here: counted, stored, then offered to subscribers. */
  const publish = (batch: ColumnBatch): { first: number; last: number } => {
    const first = hub.nextOffset;
    totals.add(batch);
    file?.append(first, batch);
    hub.publish(batch);
    if (options.diagnostics) {
      publishes.push([first, batch.count, Date.now()]);
      if (publishes.length > 20_000) publishes.splice(0, 10_000);
    }
    return { first, last: first + batch.count - 1 };
  };

  /** Generates `count` events of history at once, spread over the `spanMs` before now. */
  const backfill = (count: number, spanMs: number): { first: number; last: number } => {
    const first = hub.nextOffset;
    const now = Date.now();
    const chunk = 5_000; // the size of a catch-up message, so each is serialised once for all clients
    for (let done = 0; done < count; done += chunk) {
      const n = Math.min(chunk, count - done);
      publish(generator.next(n, now - spanMs + (spanMs * (done + n)) / count, (spanMs * n) / count));
    }
    return { first, last: hub.nextOffset - 1 };
  };

  let carry = 0;
  const timer = setInterval(() => {
    if (!paused) {
      carry += (rate * tickMs) / 1000;
      const n = Math.floor(carry);
      carry -= n;
      if (n > 0) publish(generator.next(n, Date.now()));
    }
    // Re-pump every tick so subscribers held back by a full socket catch up once it drains.
    for (const sub of hub.subscribers) hub.pump(sub);
  }, tickMs);

  const stats = (): StreamStats[] => [
    {
      id: hub.id,
      produced: hub.nextOffset,
      validEvents: totals.count,
      amountTotal: totals.amountCents / 100,
      quantityTotal: totals.quantity,
      breakdown: totals.breakdown(),
      paused,
      ratePerSecond: rate,
      bufferedFrom: hub.bufferedFrom,
      clients: hub.subscribers.size,
    },
  ];

  const ingest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req, MAX_INGEST_BYTES);
    if (body === null) return sendJson(res, 413, { accepted: 0, errors: [{ line: 0, error: `body larger than ${MAX_INGEST_BYTES} bytes` }] });
    const parsed = parseIngestBody(body, hub.schema, Date.now());
    if (!parsed.ok) return sendJson(res, parsed.status, { accepted: 0, errors: parsed.errors });
    const { first, last } = publish(parsed.batch);
    return sendJson(res, 200, { accepted: parsed.batch.count, firstOffset: first, lastOffset: last });
  };

  const handleFaults = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    if (url.pathname === '/api/faults/drop-connections') {
      // terminate(): no close handshake, as when a network drops mid-message.
      for (const c of wss.clients) c.terminate();
      return sendJson(res, 200, { dropped: true });
    }
    if (url.pathname === '/api/faults/publish-raw') {
      // A batch published as it is, unvalidated and left out of the totals: the client must reject it.
      const batch = JSON.parse((await readBody(req, 64 * 1024 * 1024)) ?? '{}') as ColumnBatch;
      const first = hub.nextOffset;
      file?.append(first, batch);
      hub.publish(batch);
      return sendJson(res, 200, { firstOffset: first, count: batch.count });
    }
    if (url.pathname === '/api/faults/publish-unreadable') {
      // `count` offsets carried by a message nobody can read: truncated JSON, optionally padded to `bytes`.
      const count = Math.max(1, Math.min(1_000_000, Number(url.searchParams.get('count') ?? 10)));
      const bytes = Math.min(100_000_000, Number(url.searchParams.get('bytes') ?? 0));
      const first = hub.nextOffset;
      const head = `{"type":"events","stream":"${hub.id}","offset":${first},"batch":{"count":${count},"pad":"`;
      const filler = { count, ts: [], columns: {} } as ColumnBatch;
      file?.append(first, filler); // replays as a batch of the wrong shape: unreadable again
      hub.publish(filler, head + 'x'.repeat(Math.max(0, bytes - head.length)));
      return sendJson(res, 200, { firstOffset: first, count });
    }
    if (url.pathname === '/api/faults/publish-miscoded') {
      // `count` offsets carried by well-formed JSON whose string columns index outside their dictionaries.
      const count = Math.max(1, Math.min(100_000, Number(url.searchParams.get('count') ?? 10)));
      const first = hub.nextOffset;
      const columns = Object.fromEntries(hub.schema.fields.map((f) => [f.name, f.type === 'text' ? { dict: ['x'], idx: new Array<number>(count).fill(1) } : new Array<number>(count).fill(1)]));
      const json = JSON.stringify({ type: 'events', stream: hub.id, offset: first, batch: { count, ts: { base: Date.now(), delta: new Array<number>(count).fill(0) }, columns } });
      const filler = { count, ts: [], columns: {} } as ColumnBatch;
      file?.append(first, filler);
      hub.publish(filler, json);
      return sendJson(res, 200, { firstOffset: first, count });
    }
    if (url.pathname === '/api/faults/raw') {
      const text = (await readBody(req, 64 * 1024 * 1024)) ?? '';
      const repeat = Math.min(10_000, Math.max(1, Number(url.searchParams.get('repeat') ?? 1)));
      for (const sub of hub.subscribers) for (let i = 0; i < repeat; i++) sub.ws.send(text);
      return sendJson(res, 200, { sent: hub.subscribers.size * repeat });
    }
    return sendJson(res, 404, { error: 'no such fault' });
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    if (url.pathname === '/api/streams' && req.method === 'GET') return sendJson(res, 200, { streams: stats() });
    if (options.diagnostics && url.pathname === `/api/streams/${hub.id}/publishes` && req.method === 'GET') return sendJson(res, 200, { publishes });
    if (options.faults && url.pathname.startsWith('/api/faults/') && req.method === 'POST') return handleFaults(req, res, url);
    const m = /^\/api\/streams\/([^/]+)\/(pause|resume|rate|events|backfill)$/.exec(url.pathname);
    if (m && req.method === 'POST') {
      if (!hubs.has(m[1]!)) return sendJson(res, 404, { error: `unknown stream ${m[1]}` });
      if (m[2] === 'events') return ingest(req, res);
      if (m[2] === 'backfill') {
        const count = Number(url.searchParams.get('count') ?? 100_000);
        const spanMs = Number(url.searchParams.get('spanMs') ?? 86_400_000);
        if (!Number.isSafeInteger(count) || count < 1 || count > 20_000_000) return sendJson(res, 400, { error: 'count must be 1..20000000' });
        if (!Number.isFinite(spanMs) || spanMs < 0 || spanMs > 10 * 365 * 86_400_000) return sendJson(res, 400, { error: 'spanMs must be 0..10 years' });
        return sendJson(res, 200, backfill(count, spanMs));
      }
      if (m[2] === 'pause') paused = true;
      else if (m[2] === 'resume') paused = false;
      else {
        const r = Number(url.searchParams.get('value'));
        if (!Number.isFinite(r) || r < 0 || r > 5_000_000) return sendJson(res, 400, { error: 'rate must be 0..5000000 events/s' });
        rate = r;
      }
      return sendJson(res, 200, { streams: stats() });
    }
    return sendJson(res, 404, { error: 'no such endpoint' });
  };

  const http = createHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/api/')) {
      handleApi(req, res, url).catch((e: unknown) => {
        log(`api error: ${String(e)}`);
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      });
      return;
    }
    if (options.staticDir && (req.method === 'GET' || req.method === 'HEAD')) return serveStatic(options.staticDir, req, res, options.isolation ?? true);
    res.writeHead(404).end();
  });

  const wss = new WebSocketServer({
    server: http,
    path: '/stream',
    maxPayload: MAX_CLIENT_MESSAGE,
    verifyClient: ({ origin }: { origin: string }, done: (ok: boolean, code?: number, message?: string) => void) => {
      // Non-browser clients send no Origin; browsers always do, and a page elsewhere must not read our stream.
      const ok = !origin || (options.allowedOrigins ? options.allowedOrigins.includes(origin) : isLoopbackOrigin(origin));
      if (!ok) log(`refused a stream connection from origin ${origin}`);
      done(ok, 403, 'origin not allowed');
    },
  });

  wss.on('connection', (ws) => {
    let sub: Subscriber | null = null;
    let windowStart = Date.now();
    let inWindow = 0;
    send(ws, { type: 'hello', protocolVersion: PROTOCOL_VERSION, streams: [...hubs.values()].map((h) => h.info()) });
    ws.on('message', (data, isBinary) => {
      const now = Date.now();
      if (now - windowStart > 1000) {
        windowStart = now;
        inWindow = 0;
      }
      if (++inWindow > MAX_CLIENT_MESSAGES_PER_S) {
        log('closing a connection that floods messages');
        return ws.close(1008, 'message flood');
      }
      if (isBinary) return send(ws, { type: 'error', code: 'bad-message', message: 'messages must be JSON text, not binary' });
      const msg = parseClientMessage(String(data));
      switch (msg.type) {
        case 'invalid':
          send(ws, { type: 'error', code: msg.code, message: msg.error });
          if (msg.code === 'protocol-version') ws.close(1002, 'protocol version');
          return;
        case 'subscribe': {
          const h = hubs.get(msg.stream);
          if (!h) return send(ws, { type: 'error', code: 'unknown-stream', message: `no stream ${JSON.stringify(msg.stream)}` });
          if (sub) h.subscribers.delete(sub);
          sub = h.subscribe(ws, msg.fromOffset);
          log(`subscribe ${msg.stream} from ${msg.fromOffset}`);
          return;
        }
        case 'ack':
          if (sub) hub.ack(sub, msg.offset);
          return;
        case 'ping':
          return send(ws, { type: 'pong', t: msg.t });
      }
    });
    ws.on('close', () => {
      if (sub) hub.subscribers.delete(sub);
    });
    ws.on('error', () => {}); // a broken client must not take the server down
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const port = (http.address() as AddressInfo).port;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
  let closed = false;
  return {
    url,
    port,
    close: async () => {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}
