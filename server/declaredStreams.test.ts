/**
 * Declared streams end to end over the real server: declaring, widening, retiring, publishing over
 * HTTP and the producer socket, many streams on one reader socket, tokens, limits, restarts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ProducerReply } from '../src/protocol/producer';
import { PROTOCOL_VERSION, type ServerMessage, type StreamStats } from '../src/protocol/stream';
import { createServer, type RunningServer, type ServerOptions } from './createServer';

let server: RunningServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

const CLICKS = {
  fields: [
    { name: 'page', type: 'text' },
    { name: 'ms', type: 'integer' },
  ],
};
const TEMPS = {
  fields: [
    { name: 'sensor', type: 'text' },
    { name: 'celsius', type: 'float' },
  ],
  timeZone: 'Europe/Paris',
};

async function start(o: ServerOptions = {}): Promise<string> {
  server = await createServer({ demo: false, ...o });
  return server.url;
}

const put = (url: string, id: string, body: unknown, token?: string) =>
  fetch(`${url}/api/streams/${id}`, { method: 'PUT', body: JSON.stringify(body), headers: token ? { authorization: `Bearer ${token}` } : {} });
const post = (url: string, id: string, events: unknown[], token?: string) =>
  fetch(`${url}/api/streams/${id}/events`, { method: 'POST', body: JSON.stringify(events), headers: token ? { authorization: `Bearer ${token}` } : {} });
async function all(url: string): Promise<StreamStats[]> {
  return ((await (await fetch(`${url}/api/streams`)).json()) as { streams: StreamStats[] }).streams;
}
async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
async function socket(url: string, path: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(`${url.replace('http', 'ws')}${path}`, { headers });
  const messages: unknown[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(String(d))));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, messages };
}

describe('declared streams', () => {
  it('are declared over HTTP, take events by their own schema, and report exact totals each', async () => {
    const url = await start();
    expect((await put(url, 'clicks', CLICKS)).status).toBe(201);
    expect((await put(url, 'clicks', CLICKS)).status).toBe(200);
    expect((await put(url, 'temps', TEMPS)).status).toBe(201);
    expect(
      await (
        await post(url, 'clicks', [
          { page: '/a', ms: 5 },
          { page: null, ms: 7, ts: '2026-11-24T10:00:00' },
        ])
      ).json(),
    ).toEqual({ accepted: 2, firstOffset: 0, lastOffset: 1 });
    expect((await post(url, 'temps', [{ sensor: 'x', celsius: 21.5, ts: '2026-11-24T10:00:00' }])).status).toBe(200);
    const refused = await post(url, 'temps', [{ sensor: 'y', celsius: 'warm' }]);
    expect(refused.status).toBe(422);
    expect(await refused.json()).toEqual({ accepted: 0, errors: [{ line: 1, error: '"celsius" must be a number, got "warm"' }] });
    const [clicks, temps] = await all(url);
    expect(clicks).toMatchObject({
      id: 'clicks',
      produced: 2,
      validEvents: 2,
      holder: 'memory',
      timeZone: 'UTC',
      totals: { count: 2, sums: { ms: 12 }, nulls: { page: 1, ms: 0 }, minTs: Date.UTC(2026, 10, 24, 10) },
    });
    // Naive times read in the stream's zone: 10:00 in Paris in November is 09:00 UTC.
    expect(temps).toMatchObject({ id: 'temps', produced: 1, timeZone: 'Europe/Paris', totals: { count: 1, sums: { celsius: 21.5 }, minTs: Date.UTC(2026, 10, 24, 9) } });
  });

  it('refuses bad declarations and type changes with the reason, and widens by added fields', async () => {
    const url = await start({ maxStreams: 2 });
    expect(await (await put(url, 'bad id!', CLICKS)).json()).toMatchObject({ error: expect.stringMatching(/^stream id "bad id!": an id is/) });
    expect((await put(url, 'x', { fields: [] })).status).toBe(400);
    expect((await put(url, 'x', { fields: [{ name: 'ts', type: 'integer' }] })).status).toBe(400);
    expect(await (await put(url, 'x', { ...CLICKS, timeZone: 'Mars/Base' })).json()).toEqual({ error: 'timeZone "Mars/Base" is not a time zone name (e.g. "UTC", "Europe/Paris")' });
    await put(url, 'clicks', CLICKS);
    await post(url, 'clicks', [{ page: '/a', ms: 1 }]);
    const changed = await put(url, 'clicks', {
      fields: [
        { name: 'page', type: 'text' },
        { name: 'ms', type: 'float' },
      ],
    });
    expect(changed.status).toBe(409);
    expect(await changed.json()).toEqual({ error: 'field "ms" is integer; it cannot become float (stored events and views read it as integer)' });
    expect((await put(url, 'clicks', { fields: [{ name: 'page', type: 'text' }] })).status).toBe(409);
    const r = await put(url, 'clicks', { fields: [...CLICKS.fields, { name: 'browser', type: 'text' }] });
    expect(await r.json()).toMatchObject({ widened: ['browser'] });
    await post(url, 'clicks', [{ page: '/b', ms: 2, browser: 'lynx' }]);
    const [clicks] = await all(url);
    expect(clicks!.schema.fields.map((f) => f.name)).toEqual(['page', 'ms', 'browser']);
    expect(clicks!.totals).toMatchObject({ count: 2, nulls: { browser: 1 } });
    await put(url, 'second', CLICKS);
    expect(await (await put(url, 'third', CLICKS)).json()).toEqual({ error: 'this server offers at most 2 streams' });
  });

  it('serves many streams over one reader socket, tells it of new and widened streams, and retires one', async () => {
    const url = await start();
    await put(url, 'clicks', CLICKS);
    await post(url, 'clicks', [{ page: '/a', ms: 1 }]);
    const c = await socket(url, '/stream');
    await until(() => c.messages.length > 0);
    const hello = c.messages[0] as Extract<ServerMessage, { type: 'hello' }>;
    expect(hello.streams.map((s) => s.id)).toEqual(['clicks']);
    await put(url, 'temps', TEMPS);
    await until(() => c.messages.some((m) => (m as ServerMessage).type === 'streams'));
    for (const stream of ['clicks', 'temps']) c.ws.send(JSON.stringify({ type: 'subscribe', protocolVersion: PROTOCOL_VERSION, stream, fromOffset: 0 }));
    await post(url, 'temps', [
      { sensor: 'a', celsius: 1 },
      { sensor: 'b', celsius: 2 },
    ]);
    const events = () => c.messages.filter((m): m is Extract<ServerMessage, { type: 'events' }> => (m as ServerMessage).type === 'events');
    await until(() => events().length === 2);
    expect(events().map((m) => [m.stream, m.offset, m.batch.count])).toEqual([
      ['clicks', 0, 1],
      ['temps', 0, 2],
    ]);
    c.ws.send(JSON.stringify({ type: 'unsubscribe', stream: 'clicks' }));
    await new Promise((r) => setTimeout(r, 50));
    await post(url, 'clicks', [{ page: '/b', ms: 1 }]);
    await post(url, 'temps', [{ sensor: 'c', celsius: 3 }]);
    await until(() => events().length === 3);
    expect(events().at(-1)).toMatchObject({ stream: 'temps', offset: 2 });
    expect((await fetch(`${url}/api/streams/temps`, { method: 'DELETE' })).status).toBe(200);
    expect((await all(url)).map((s) => s.id)).toEqual(['clicks']);
    expect((await post(url, 'temps', [{ sensor: 'd', celsius: 4 }])).status).toBe(404);
    // Declared again, it continues its offsets (a browser's log already holds 0..2).
    await put(url, 'temps', TEMPS);
    expect(await (await post(url, 'temps', [{ sensor: 'd', celsius: 4 }])).json()).toMatchObject({ firstOffset: 3 });
  });

  it('takes batches over the producer socket, acknowledged in order with their offsets', async () => {
    const url = await start({ streams: [{ id: 'clicks', schema: CLICKS as never, timeZone: 'UTC' }] });
    const p = await socket(url, '/produce');
    const n = 20;
    for (let i = 0; i < n; i++) p.ws.send(JSON.stringify({ type: 'publish', id: `b${i}`, stream: 'clicks', events: Array.from({ length: 100 }, (_, j) => ({ page: `/${j}`, ms: j })) }));
    p.ws.send(JSON.stringify({ type: 'publish', id: 'bad', stream: 'clicks', events: [{ page: '/x', ms: 1.5 }] }));
    p.ws.send(JSON.stringify({ type: 'publish', id: 'nowhere', stream: 'nope', events: [{}] }));
    p.ws.send('{"type":"publish"');
    await until(() => p.messages.length === n + 3);
    const replies = p.messages as ProducerReply[];
    for (const [i, r] of replies.slice(0, n).entries()) expect(r).toEqual({ type: 'published', id: `b${i}`, stream: 'clicks', accepted: 100, firstOffset: i * 100, lastOffset: i * 100 + 99 });
    expect(replies[n]).toEqual({ type: 'refused', id: 'bad', status: 422, errors: [{ line: 1, error: '"ms" must be an integer, got 1.5' }] });
    expect(replies[n + 1]).toMatchObject({ type: 'refused', id: 'nowhere', status: 404 });
    expect(replies[n + 2]).toMatchObject({ type: 'refused', id: null, status: 400 });
    const [clicks] = await all(url);
    expect(clicks!.totals).toMatchObject({ count: n * 100, sums: { ms: n * 4950 } });
  });

  it('with a token: writes without it are refused and change nothing; reading stays open', async () => {
    const url = await start({ token: 's3cret', streams: [{ id: 'clicks', schema: CLICKS as never, timeZone: 'UTC' }] });
    expect((await put(url, 'other', CLICKS)).status).toBe(401);
    expect(await (await post(url, 'clicks', [{ page: '/a', ms: 1 }], 'wrong')).json()).toMatchObject({ error: 'wrong token' });
    await expect(socket(url, '/produce')).rejects.toThrow(/401/);
    expect((await post(url, 'clicks', [{ page: '/a', ms: 1 }], 's3cret')).status).toBe(200);
    const p = await socket(url, '/produce', { authorization: 'Bearer s3cret' });
    p.ws.close();
    const r = await socket(url, '/stream');
    r.ws.close();
    expect((await all(url)).map((s) => [s.id, s.produced])).toEqual([['clicks', 1]]);
    await expect(createServer({ host: '0.0.0.0', demo: false })).rejects.toThrow(/beyond loopback: give a token/);
  });

  it('holds each producer to its event rate: a flood is refused with 429 and nothing of it is stored', async () => {
    const url = await start({ maxEventsPerSecond: 1000, streams: [{ id: 'clicks', schema: CLICKS as never, timeZone: 'UTC' }] });
    const batch = Array.from({ length: 400 }, () => ({ page: '/a', ms: 1 }));
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await post(url, 'clicks', batch)).status);
    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    const tooBig = await post(
      url,
      'clicks',
      Array.from({ length: 1001 }, () => ({ page: '/a', ms: 1 })),
    );
    expect(tooBig.status).toBe(429);
    const accepted = statuses.filter((s) => s === 200).length * 400;
    expect((await all(url))[0]!.produced).toBe(accepted);
  });

  it('with --data-dir, a restart offers the declared streams again at their offsets, widened schema included', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lwb-declared-'));
    let url = await start({ dataDir });
    await put(url, 'clicks', CLICKS);
    await post(url, 'clicks', [{ page: '/a', ms: 1 }]);
    await put(url, 'clicks', { fields: [...CLICKS.fields, { name: 'browser', type: 'text' }] });
    await post(url, 'clicks', [{ page: '/b', ms: 2, browser: 'lynx' }]);
    await server!.close();
    url = await start({ dataDir });
    const [clicks] = await all(url);
    expect(clicks).toMatchObject({ id: 'clicks', produced: 2, holder: 'disk', totals: { count: 2, sums: { ms: 3 }, nulls: { browser: 1 } } });
    const c = await socket(url, '/stream');
    c.ws.send(JSON.stringify({ type: 'subscribe', protocolVersion: PROTOCOL_VERSION, stream: 'clicks', fromOffset: 0 }));
    await until(() => c.messages.some((m) => (m as ServerMessage).type === 'events'));
    const ev = c.messages.find((m) => (m as ServerMessage).type === 'events') as Extract<ServerMessage, { type: 'events' }>;
    expect(Object.keys(ev.batch.columns).sort()).toEqual(['browser', 'ms', 'page']);
  });

  it('a retried batch with the same idempotency key is stored once; a write from a foreign page is refused', async () => {
    const url = await start({ streams: [{ id: 'clicks', schema: CLICKS as never, timeZone: 'UTC' }] });
    const body = JSON.stringify([
      { page: '/a', ms: 1 },
      { page: '/b', ms: 2 },
    ]);
    const send = () => fetch(`${url}/api/streams/clicks/events`, { method: 'POST', body, headers: { 'idempotency-key': 'k-123456789' } });
    expect(await (await send()).json()).toEqual({ accepted: 2, firstOffset: 0, lastOffset: 1 });
    expect(await (await send()).json()).toEqual({ accepted: 2, firstOffset: 0, lastOffset: 1 });
    const foreign = await fetch(`${url}/api/streams/clicks/events`, { method: 'POST', body, headers: { origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect((await fetch(`${url}/api/streams/clicks/events`, { method: 'POST', body, headers: { origin: url } })).status).toBe(200);
    expect((await all(url))[0]!.produced).toBe(4);
  });

  it('many declarations at once stay within the limit, and two of one id make one stream', async () => {
    const url = await start({ maxStreams: 3 });
    const ids = ['a', 'b', 'c', 'd', 'e', 'a', 'a'];
    const statuses = await Promise.all(ids.map(async (id) => (await put(url, id, CLICKS)).status));
    expect(statuses.filter((x) => x === 201)).toHaveLength(3);
    expect(statuses.filter((x) => x === 429).length + statuses.filter((x) => x === 200).length).toBe(4);
    expect((await all(url)).length).toBe(3);
  });

  it('the producer socket stops reading past 16 waiting batches and still answers every one, in order', async () => {
    const url = await start({ streams: [{ id: 'clicks', schema: CLICKS as never, timeZone: 'UTC' }] });
    const p = await socket(url, '/produce');
    const n = 200;
    for (let i = 0; i < n; i++) p.ws.send(JSON.stringify({ type: 'publish', id: `b${i}`, stream: 'clicks', events: [{ page: '/x', ms: i }] }));
    p.ws.send(JSON.stringify({ type: 'publish', id: 'huge', stream: 'clicks', events: Array.from({ length: 100_001 }, () => ({})) }));
    await until(() => p.messages.length === n + 1, 20_000);
    expect((p.messages as ProducerReply[]).slice(0, n).map((r) => (r.type === 'published' ? r.firstOffset : -1))).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(p.messages[n]).toMatchObject({ type: 'refused', id: 'huge', status: 413 });
  });

  it('names each incarnation of a stream: a new epoch when its offsets start over, the same one from --data-dir', async () => {
    const epochOf = async (url: string) => {
      const c = await socket(url, '/stream');
      await until(() => c.messages.length > 0);
      c.ws.close();
      return (c.messages[0] as Extract<ServerMessage, { type: 'hello' }>).streams[0]!.epoch;
    };
    const decl = [{ id: 'clicks', schema: CLICKS as never, timeZone: 'UTC' }];
    let url = await start({ streams: decl });
    const memory1 = await epochOf(url);
    await server!.close();
    url = await start({ streams: decl });
    expect(await epochOf(url)).not.toBe(memory1);
    await server!.close();
    const dataDir = mkdtempSync(join(tmpdir(), 'lwb-epoch-'));
    url = await start({ streams: decl, dataDir });
    await post(url, 'clicks', [{ page: '/a', ms: 1 }]);
    const disk1 = await epochOf(url);
    await server!.close();
    url = await start({ streams: decl, dataDir });
    expect(await epochOf(url)).toBe(disk1);
  });
});
