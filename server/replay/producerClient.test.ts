import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { FieldDef } from '../../src/protocol/schema';
import { ProducerClient, Refused } from './producerClient';
import { type FakeServer, type FakeServerOptions, startFakeServer } from './testing/fakeServer';

const FIELDS: FieldDef[] = [
  { name: 'page', type: 'text' },
  { name: 'ms', type: 'integer' },
];

let server: FakeServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function start(opts: FakeServerOptions = {}): Promise<FakeServer> {
  server = await startFakeServer(opts);
  return server;
}

/** A client whose waits are recorded and take no time. */
function client(url: string, extra: Partial<ConstructorParameters<typeof ProducerClient>[0]> = {}) {
  let now = 0;
  const waits: number[] = [];
  const retries: string[] = [];
  const c = new ProducerClient({
    server: url,
    now: () => now,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
    onRetry: (why) => retries.push(why),
    ...extra,
  });
  return { c, waits, retries };
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('ProducerClient', () => {
  it('finds a declared stream, with its fields and zone, and sends the token', async () => {
    const s = await start({ token: 'sesame', streams: [{ id: 'clicks', fields: FIELDS, timeZone: 'Europe/Paris' }] });
    const { c } = client(s.url, { token: 'sesame' });
    expect(await c.findStream('clicks')).toEqual({ id: 'clicks', fields: FIELDS, timeZone: 'Europe/Paris' });
    expect(await c.findStream('other')).toBeNull();
    expect(s.requests.map((r) => r.headers.authorization)).toEqual(['Bearer sesame', 'Bearer sesame']);
  });

  it('says what to do about a missing token', async () => {
    const s = await start({ token: 'sesame' });
    await expect(client(s.url).c.findStream('x')).rejects.toThrow(
      `the server at ${s.url} refused the request (401: a valid bearer token is required): pass a token with --token or LAMBDA_WORKBENCH_TOKEN`,
    );
  });

  it('says at once when the server cannot be reached', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const { c, waits } = client(url);
    await expect(c.findStream('x')).rejects.toThrow(`cannot reach the server at ${url} (connection refused): is it running? (npm run serve)`);
    expect(waits).toEqual([]);
  });

  it('declares a stream: created, already there, or declared otherwise', async () => {
    const s = await start();
    const { c } = client(s.url);
    expect(await c.declare('clicks', FIELDS, 'UTC')).toBe(true);
    expect(JSON.parse(s.requests[0]!.body)).toEqual({ fields: FIELDS, timeZone: 'UTC' });
    expect(s.requests[0]!.method).toBe('PUT');
    expect(s.requests[0]!.path).toBe('/api/streams/clicks');
    expect(await c.declare('clicks', FIELDS, 'UTC')).toBe(false);
    await expect(c.declare('clicks', [{ name: 'page', type: 'integer' }], 'UTC')).rejects.toThrow(
      'the stream "clicks" was declared meanwhile with another schema (stream clicks is declared with another schema)',
    );
    await expect(c.declare('bad', [{ name: 'seq', type: 'integer' }], 'UTC')).rejects.toThrow('the server refused the schema for "bad": field name "seq" is reserved for the log');
  });

  it('posts events and gets their offsets', async () => {
    const s = await start({ streams: [{ id: 'clicks', fields: FIELDS }] });
    const { c } = client(s.url);
    const events = [
      { ts: 1_764_000_000_000, page: '/a', ms: 1 },
      { ts: 1_764_000_000_001, page: '/b', ms: null },
    ];
    expect(await c.post('clicks', JSON.stringify(events))).toEqual({ accepted: 2, firstOffset: 0, lastOffset: 1 });
    expect(await c.post('clicks', JSON.stringify(events.slice(0, 1)))).toEqual({ accepted: 1, firstOffset: 2, lastOffset: 2 });
    expect(s.requests[0]!.headers['content-type']).toBe('application/json');
  });

  it('retries 429 (after retry-after) and 503 with the same idempotency key, storing the batch once', async () => {
    const answers = [
      { status: 429, body: { error: 'slow down' }, headers: { 'retry-after': '2' } },
      { status: 503, body: { error: 'broker unavailable' } },
      { status: 503, body: {} },
    ];
    const s = await start({ streams: [{ id: 'clicks', fields: FIELDS }], intercept: (req, n) => (req.method === 'POST' ? answers[n] : undefined) });
    const { c, waits, retries } = client(s.url);
    const r = await c.post('clicks', JSON.stringify([{ ts: 1_764_000_000_000, page: '/a', ms: 1 }]));
    expect(r).toEqual({ accepted: 1, firstOffset: 0, lastOffset: 0 });
    expect(waits).toEqual([2000, 500, 1000]);
    expect(retries).toEqual(['429 slow down', '503 broker unavailable', '503 unavailable']);
    const keys = s.requests.map((q) => q.headers['idempotency-key']);
    expect(keys.length).toBe(4);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(s.streams.get('clicks')!.events.length).toBe(1);
  });

  it('gives a new batch a new idempotency key', async () => {
    const s = await start({ streams: [{ id: 'clicks', fields: FIELDS }] });
    const { c } = client(s.url);
    const body = JSON.stringify([{ ts: 1_764_000_000_000, page: '/a', ms: 1 }]);
    await c.post('clicks', body);
    await c.post('clicks', body);
    expect(s.streams.get('clicks')!.events.length).toBe(2);
    expect(s.requests[0]!.headers['idempotency-key']).not.toBe(s.requests[1]!.headers['idempotency-key']);
  });

  it('retries a post through network failures, then gives up after about giveUpMs', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const { c, waits } = client(url, { giveUpMs: 30_000 });
    await expect(c.post('clicks', '[]')).rejects.toThrow(`the server at ${url} did not take POST /api/streams/clicks/events within 30 s of retrying (last answer: connection refused)`);
    expect(waits).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000, 5000, 5000]);
  });

  it("refuses with the server's errors per line", async () => {
    const s = await start({ streams: [{ id: 'clicks', fields: FIELDS }] });
    const { c } = client(s.url);
    const events = [
      { ts: 1_764_000_000_000, page: '/a', ms: 1 },
      { ts: 1_764_000_000_000, page: '/a', ms: 1.5 },
    ];
    const e = await c.post('clicks', JSON.stringify(events)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Refused);
    expect((e as Refused).status).toBe(422);
    expect((e as Refused).errors).toEqual([{ line: 2, error: 'must be an integer, got 1.5' }]);
    expect((e as Refused).message).toBe('the server refused the batch (422): event 2: must be an integer, got 1.5');
  });
});
