/**
 * The workbench server: serves the built app; offers live streams (the synthetic demo stream and any
 * declared one, held here or by a broker) over WebSocket with offsets, replay and acknowledgements;
 * takes events from producers over HTTP and a producer socket; reports exact totals per stream.
 * A factory, so tests start it on port 0 and close it.
 */
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { SHOP_SCHEMA, SHOP_STREAM_ID } from '../src/protocol/shop';
import { DEFAULT_ACK_WINDOW } from '../src/protocol/stream';
import { Access, isLoopbackHost, isLoopbackOrigin, producerOf } from './access';
import type { BrokerSource } from './broker/BrokerSource';
import { DemoStream } from './DemoStream';
import { type ApiContext, handleApi, sendJson } from './httpApi';
import { MAX_INGEST_BYTES } from './httpIngest';
import { serveProducer } from './sockets/producerSocket';
import { send, serveSubscriber, streamInfos } from './sockets/subscriberSocket';
import { serveStatic } from './staticFiles';
import type { StreamDeclaration } from './streams/declaration';
import { StreamRegistry } from './streams/StreamRegistry';
import type { LiveStream } from './streams/LiveStream';
import { ClusterBatch, type ClusterBatchOptions, HELD_EVENTS } from './cluster/ClusterBatch';
import { handleClusterApi } from './cluster/clusterApi';

export interface ServerOptions {
  port?: number;
  host?: string;
  /** Directory of the built app; omit to serve only the API and stream. */
  staticDir?: string;
  /** Send COOP/COEP so the app is cross-origin isolated and DuckDB runs threaded (default true). */
  isolation?: boolean;
  /** Run the synthetic shop stream (default true). */
  demo?: boolean;
  /** Events per second of the demo stream. */
  rate?: number;
  seed?: number;
  tickMs?: number;
  /** Start with the generator paused. */
  paused?: boolean;
  /** Streams declared at start (in addition to those a --data-dir remembers). */
  streams?: readonly StreamDeclaration[];
  /** Holds every declared stream in a broker: one BrokerSource per stream id (server/broker/). */
  broker?: (id: string) => BrokerSource;
  /** Events kept for replay after a reconnect, per stream. */
  replayBuffer?: number;
  ackWindow?: number;
  /** Origins allowed to open a socket; loopback origins when omitted. */
  allowedOrigins?: readonly string[];
  /** Keep streams and their declarations on disk here, so a restart continues offsets and replays. */
  dataDir?: string;
  /** Required to publish and declare; a server bound beyond loopback refuses to start without one. */
  token?: string;
  /** Per producer (its address): events and write requests per second (defaults 1,000,000 and 1,000). */
  maxEventsPerSecond?: number;
  maxRequestsPerSecond?: number;
  /** Streams a server offers at most (default 100). */
  maxStreams?: number;
  /** Fault-injection endpoints under /api/faults (tests and teaching only). */
  faults?: boolean;
  /** Keep the send time of recent batches, for freshness measurements (GET /api/streams/:id/publishes). */
  diagnostics?: boolean;
  /** A ClickHouse cluster as the batch layer of these streams' datasets (issue 14; server/cluster/). */
  cluster?: Omit<ClusterBatchOptions, 'log'>;
  log?: (line: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_CLIENT_MESSAGE = 64 * 1024;

export async function createServer(options: ServerOptions = {}): Promise<RunningServer> {
  const log = options.log ?? (() => {});
  const host = options.host ?? '127.0.0.1';
  const tickMs = options.tickMs ?? 50;
  if (!isLoopbackHost(host) && !options.token) throw new Error(`bound to ${host}, beyond loopback: give a token (--token or LAMBDA_WORKBENCH_TOKEN) so that only your producers can publish`);
  const access = new Access({
    ...(options.token ? { token: options.token } : {}),
    maxEventsPerSecond: options.maxEventsPerSecond ?? 1_000_000,
    maxRequestsPerSecond: options.maxRequestsPerSecond ?? 1_000,
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE });
  const producers = new WebSocketServer({ noServer: true, maxPayload: MAX_INGEST_BYTES });
  const cluster = options.cluster ? new ClusterBatch({ ...options.cluster, log }) : null;
  const attach = async (streams: readonly LiveStream[]) => {
    for (const s of streams) await cluster?.attach(s).catch((e: unknown) => log(`stream ${s.id} not put on the cluster: ${String(e)}`));
  };
  const registry = new StreamRegistry({
    replayBuffer: options.replayBuffer ?? 500_000,
    // A restarted server keeps what its cluster loader may still need (ClusterBatch's held events).
    ...(options.cluster ? { heldAtStart: options.cluster.heldEvents ?? HELD_EVENTS } : {}),
    ackWindow: options.ackWindow ?? DEFAULT_ACK_WINDOW,
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.broker ? { broker: options.broker } : {}),
    maxStreams: options.maxStreams ?? 100,
    log,
    onChange: () => {
      const streams = streamInfos(registry);
      for (const c of wss.clients) send(c, { type: 'streams', streams });
      void attach(registry.list());
    },
  });
  let demo: DemoStream | null = null;
  try {
    if (options.demo ?? true) {
      const stream = await registry.addDemo({ id: SHOP_STREAM_ID, schema: SHOP_SCHEMA, timeZone: 'UTC' });
      demo = new DemoStream(stream, options.rate ?? 300, options.paused ?? false, options.seed ?? 42, options.diagnostics ?? false);
    }
    await registry.restore();
    for (const d of options.streams ?? []) {
      const r = await registry.declare(d);
      if (!('stream' in r)) throw new Error(`stream ${d.id}: ${r.error}`);
      if (r.widened.length) log(`stream ${d.id} widened with ${r.widened.join(', ')}`);
    }
    if (cluster) {
      await cluster.check();
      await attach(registry.list());
    }
  } catch (e) {
    await registry.close();
    throw e;
  }

  const timer = setInterval(() => {
    demo?.tick(tickMs);
    // Re-pump every tick so subscribers held back by a full socket catch up once it drains.
    for (const s of registry.list()) for (const sub of s.hub.subscribers) s.hub.pump(sub);
  }, tickMs);
  let loading = false;
  const clusterTimer = cluster
    ? setInterval(() => {
        if (loading) return;
        loading = true;
        void cluster.tick().finally(() => (loading = false));
      }, 1000)
    : null;

  // Non-browser clients send no Origin; browsers always do, and a page elsewhere must not use our sockets.
  const originOk = (origin: string | undefined) => !origin || (options.allowedOrigins ? options.allowedOrigins.includes(origin) : isLoopbackOrigin(origin));
  const cx: ApiContext = { registry, access, demo, wss, faults: options.faults ?? false, diagnostics: options.diagnostics ?? false };
  const http = createHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/api/')) {
      // A page on another site can send a simple POST here without a preflight; it must not write.
      if (req.method !== 'GET' && req.method !== 'HEAD' && !originOk(req.headers.origin)) {
        log(`refused a ${req.method} ${url.pathname} from origin ${req.headers.origin}`);
        return sendJson(res, 403, { error: 'origin not allowed: writes come from producers or from the app itself' });
      }
      // Console SQL reads whatever the cluster's user may: a client that is not the app's page needs the token.
      if (url.pathname === '/api/cluster/sql' && !req.headers.origin && options.token) {
        const auth = access.authorized(req);
        if (!auth.ok) return sendJson(res, 401, { error: auth.error });
      }
      const api =
        url.pathname === '/api/cluster' || url.pathname.startsWith('/api/cluster/')
          ? handleClusterApi(cluster, req, res, url).then((done) => (done ? undefined : sendJson(res, 404, { error: 'no such resource' })))
          : handleApi(cx, req, res, url);
      api.catch((e: unknown) => {
        log(`api error: ${String(e)}`);
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      });
      return;
    }
    if (options.staticDir && (req.method === 'GET' || req.method === 'HEAD')) return serveStatic(options.staticDir, req, res, options.isolation ?? true);
    res.writeHead(404).end();
  });

  http.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const refuse = (status: number, why: string) => {
      log(`refused a ${path} connection: ${why}`);
      socket.end(`HTTP/1.1 ${status} ${why}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(why)}\r\n\r\n${why}`);
    };
    if (!originOk(req.headers.origin)) return refuse(403, 'origin not allowed');
    if (path === '/stream') return wss.handleUpgrade(req, socket, head, (ws) => serveSubscriber(ws, registry, log));
    if (path === '/produce') {
      const auth = access.authorized(req);
      if (!auth.ok) return refuse(401, auth.error);
      return producers.handleUpgrade(req, socket, head, (ws) => serveProducer(ws, producerOf(req), registry, access, log));
    }
    return refuse(404, 'no such socket');
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, resolve);
  });
  const port = (http.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closed = false;
  return {
    url,
    port,
    close: async () => {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      if (clusterTimer) clearInterval(clusterTimer);
      cluster?.close();
      for (const c of [...wss.clients, ...producers.clients]) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => producers.close(() => r()));
      await new Promise<void>((r) => http.close(() => r()));
      await registry.close();
    },
  };
}
