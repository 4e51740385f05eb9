/**
 * Just the producer contract of the server's HTTP API, on loopback, recording what it got: enough
 * to test the replay tool without the real server (tested on its own). Streams, schema checks,
 * all-or-nothing posts with per-line errors, idempotency keys, bearer tokens; `intercept` scripts
 * 429s, 503s and the like.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tsProblem, valueProblem } from '../../../src/protocol/fieldRules';
import { schemaProblem, type FieldDef } from '../../../src/protocol/schema';

export interface Recorded {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface Scripted {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FakeStream {
  id: string;
  fields: FieldDef[];
  timeZone?: string;
  events: Record<string, unknown>[];
}

export interface FakeServerOptions {
  streams?: { id: string; fields: FieldDef[]; timeZone?: string }[];
  token?: string;
  /** Answers a request instead of the contract when it returns something (n counts requests from 0). */
  intercept?: (req: Recorded, n: number) => Scripted | undefined;
}

export interface FakeServer {
  url: string;
  requests: Recorded[];
  streams: Map<string, FakeStream>;
  /** The bodies of the posts that were stored, in order. */
  posts: () => Record<string, unknown>[][];
  close: () => Promise<void>;
}

const MAX_BYTES = 10 * 1024 * 1024;
const MAX_EVENTS = 100_000;

export async function startFakeServer(opts: FakeServerOptions = {}): Promise<FakeServer> {
  const streams = new Map<string, FakeStream>();
  for (const s of opts.streams ?? []) streams.set(s.id, { ...s, events: [] });
  const requests: Recorded[] = [];
  const stored: Record<string, unknown>[][] = [];
  const byKey = new Map<string, unknown>();

  /** Answers; `true` so that handlers can `return send(...)`. */
  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): true => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
    return true;
  };

  function handle(req: Recorded, res: ServerResponse): true {
    if (opts.token && req.headers.authorization !== `Bearer ${opts.token}`) return send(res, 401, { error: 'a valid bearer token is required' });
    const [, api, list, id, rest] = req.path.split('/');
    if (api !== 'api' || list !== 'streams') return send(res, 404, { error: 'not found' });
    if (req.method === 'GET' && id === undefined) {
      return send(res, 200, { streams: [...streams.values()].map((s) => ({ id: s.id, schema: { fields: s.fields }, produced: s.events.length, ...(s.timeZone ? { timeZone: s.timeZone } : {}) })) });
    }
    if (!id) return send(res, 404, { error: 'not found' });
    const streamId = decodeURIComponent(id);
    if (req.method === 'PUT' && rest === undefined) {
      let body: { fields?: FieldDef[]; timeZone?: string };
      try {
        body = JSON.parse(req.body) as typeof body;
      } catch {
        return send(res, 400, { error: 'body is not JSON' });
      }
      const problem = schemaProblem({ fields: body.fields });
      if (problem) return send(res, 400, { error: problem });
      const fields = (body.fields ?? []).map((f) => ({ name: f.name, type: f.type }));
      const known = streams.get(streamId);
      if (known) return JSON.stringify(known.fields) === JSON.stringify(fields) ? send(res, 200, { id: streamId }) : send(res, 409, { error: `stream ${streamId} is declared with another schema` });
      streams.set(streamId, { id: streamId, fields, ...(body.timeZone ? { timeZone: body.timeZone } : {}), events: [] });
      return send(res, 201, { id: streamId });
    }
    if (req.method === 'POST' && rest === 'events') {
      const stream = streams.get(streamId);
      if (!stream) return send(res, 404, { error: `no stream ${streamId}` });
      const key = req.headers['idempotency-key'];
      if (typeof key === 'string' && byKey.has(key)) return send(res, 200, byKey.get(key));
      if (Buffer.byteLength(req.body) > MAX_BYTES) return send(res, 413, { accepted: 0, errors: [{ line: 0, error: 'body over 10 MB' }] });
      const events = JSON.parse(req.body) as Record<string, unknown>[];
      if (events.length > MAX_EVENTS) return send(res, 413, { accepted: 0, errors: [{ line: 0, error: `at most ${MAX_EVENTS} events per request` }] });
      const errors: { line: number; error: string }[] = [];
      events.forEach((ev, i) => {
        const unknown = Object.keys(ev).find((k) => k !== 'ts' && !stream.fields.some((f) => f.name === k));
        const problem =
          (unknown ? `unknown field ${JSON.stringify(unknown)}` : null) ??
          tsProblem(ev.ts) ??
          stream.fields.map((f) => valueProblem(f.type, Object.hasOwn(ev, f.name) ? ev[f.name] : null)).find((p) => p !== null);
        if (problem) errors.push({ line: i + 1, error: problem });
      });
      if (errors.length) return send(res, 422, { accepted: 0, errors });
      const firstOffset = stream.events.length;
      stream.events.push(...events);
      stored.push(events);
      const result = { accepted: events.length, firstOffset, lastOffset: stream.events.length - 1 };
      if (typeof key === 'string') byKey.set(key, result);
      return send(res, 200, result);
    }
    return send(res, 405, { error: 'method not allowed' });
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: Recorded = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      const n = requests.length;
      requests.push(recorded);
      const scripted = opts.intercept?.(recorded, n);
      if (scripted) send(res, scripted.status, scripted.body ?? {}, scripted.headers);
      else handle(recorded, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    streams,
    posts: () => stored,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
