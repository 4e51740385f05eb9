import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PROTOCOL_VERSION, type ServerMessage, type StreamStats } from '../src/protocol/stream';
import { createServer, type RunningServer } from './createServer';

let server: RunningServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

/** A minimal stream client: collects messages, can subscribe and ack. */
async function client(url: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/stream`, { headers });
  const messages: ServerMessage[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(String(d)) as ServerMessage));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const events = () => messages.filter((m): m is Extract<ServerMessage, { type: 'events' }> => m.type === 'events');
  const received = () => events().reduce((n, m) => n + m.batch.count, 0);
  return { ws, messages, events, received };
}

async function stats(url: string): Promise<StreamStats> {
  return ((await (await fetch(`${url}/api/streams`)).json()) as { streams: StreamStats[] }).streams[0]!;
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('stream server', () => {
  it('says hello, streams contiguous offsets, and its stats match what it sent', async () => {
    server = await createServer({ rate: 2000, tickMs: 10 });
    const c = await client(server.url);
    await until(() => c.messages.length > 0);
    expect(c.messages[0]).toMatchObject({ type: 'hello', protocolVersion: PROTOCOL_VERSION });
    c.ws.send(JSON.stringify({ type: 'subscribe', protocolVersion: PROTOCOL_VERSION, stream: 'shop', fromOffset: 0 }));
    await until(() => c.received() > 300);
    await fetch(`${server.url}/api/streams/shop/pause`, { method: 'POST' });
    const s = await stats(server.url);
    await until(() => c.received() === s.produced);
    let next = 0;
    let amountCents = 0;
    for (const m of c.events()) {
      expect(m.offset).toBe(next);
      next += m.batch.count;
      for (const a of m.batch.columns.amount as number[]) amountCents += Math.round(a * 100);
    }
    expect(amountCents / 100).toBe(s.amountTotal);
    c.ws.close();
  });

  it('replays from an offset after a reconnect, and reports a gap past its buffer', async () => {
    server = await createServer({ rate: 5000, tickMs: 10, replayBuffer: 1000 });
    await new Promise((r) => setTimeout(r, 600)); // let ~3000 events be produced
    await fetch(`${server.url}/api/streams/shop/pause`, { method: 'POST' });
    const s = await stats(server.url);
    const c = await client(server.url);
    c.ws.send(JSON.stringify({ type: 'subscribe', protocolVersion: PROTOCOL_VERSION, stream: 'shop', fromOffset: 0 }));
    await until(() => c.received() + s.bufferedFrom === s.produced);
    const gap = c.messages.find((m) => m.type === 'gap');
    expect(gap).toEqual({ type: 'gap', stream: 'shop', requested: 0, resumeAt: s.bufferedFrom });
    expect(c.events()[0]!.offset).toBe(s.bufferedFrom);
    // A resubscribe from a buffered offset replays exactly from there.
    const c2 = await client(server.url);
    const from = s.produced - 10;
    c2.ws.send(JSON.stringify({ type: 'subscribe', protocolVersion: PROTOCOL_VERSION, stream: 'shop', fromOffset: from }));
    await until(() => c2.received() === 10);
    expect(c2.events()[0]!.offset).toBe(from);
  });

  it('holds back a client that does not acknowledge, past its window', async () => {
    server = await createServer({ rate: 20_000, tickMs: 10, ackWindow: 500 });
    const c = await client(server.url);
    c.ws.send(JSON.stringify({ type: 'subscribe', protocolVersion: PROTOCOL_VERSION, stream: 'shop', fromOffset: 0 }));
    await new Promise((r) => setTimeout(r, 400));
    expect(c.received()).toBeLessThanOrEqual(500 + 5000);
    const held = c.received();
    c.ws.send(JSON.stringify({ type: 'ack', stream: 'shop', offset: held }));
    await until(() => c.received() > held);
  });

  it('answers bad messages with an error and stays up', async () => {
    server = await createServer({ rate: 100 });
    const c = await client(server.url);
    c.ws.send('not json');
    c.ws.send(JSON.stringify({ type: 'nope' }));
    c.ws.send(JSON.stringify({ type: 'subscribe', protocolVersion: PROTOCOL_VERSION, stream: 'nope', fromOffset: 0 }));
    c.ws.send(JSON.stringify({ type: 'subscribe', protocolVersion: PROTOCOL_VERSION, stream: 'shop', fromOffset: -1 }));
    c.ws.send(JSON.stringify({ type: 'ack', stream: 'shop', offset: 'all' }));
    c.ws.send(Buffer.from('{"type":"ping","t":1}'));
    await until(() => c.messages.filter((m) => m.type === 'error').length === 6);
    expect(c.messages.filter((m) => m.type === 'error')).toEqual([
      { type: 'error', code: 'bad-message', message: 'messages must be JSON objects with a type' },
      { type: 'error', code: 'bad-message', message: 'unknown message type "nope"' },
      { type: 'error', code: 'unknown-stream', message: 'no stream "nope"', stream: 'nope' },
      { type: 'error', code: 'bad-message', message: 'bad subscribe: fromOffset: must be a non-negative integer, got -1' },
      { type: 'error', code: 'bad-message', message: 'bad ack: offset: must be a non-negative integer, got "all"' },
      { type: 'error', code: 'bad-message', message: 'messages must be JSON text, not binary' },
    ]);
    c.ws.send(JSON.stringify({ type: 'subscribe', protocolVersion: 999, stream: 'shop', fromOffset: 0 }));
    await new Promise<void>((r) => c.ws.once('close', () => r()));
    expect(c.messages.at(-1)).toEqual({ type: 'error', code: 'protocol-version', message: `server speaks protocol ${PROTOCOL_VERSION}, not 999` });
    expect((await stats(server.url)).id).toBe('shop');
  });

  it('refuses a browser connection from a foreign origin', async () => {
    server = await createServer({ rate: 100 });
    await expect(client(server.url, { Origin: 'https://evil.example' })).rejects.toThrow(/403/);
    const ok = await client(server.url, { Origin: server.url });
    ok.ws.close();
  });

  it('HTTP ingest takes a JSON array or NDJSON, all or nothing, with the reason per line', async () => {
    server = await createServer({ rate: 0 });
    const post = (body: string) => fetch(`${server!.url}/api/streams/shop/events`, { method: 'POST', body });
    const good = { ts: 1_700_000_000_000, country: 'US', product: 'Cap', channel: 'web', amount: 12.5, quantity: 1 };
    const r1 = await post(JSON.stringify([good, { ...good, ts: undefined, amount: 1.25 }]));
    expect(r1.status).toBe(200);
    expect(await r1.json()).toEqual({ accepted: 2, firstOffset: 0, lastOffset: 1 });
    const r2 = await post([JSON.stringify(good), 'not json', JSON.stringify({ ...good, amount: 'ten' }), JSON.stringify({ ...good, ts: 9e15 }), JSON.stringify({ ...good, evil: 1 })].join('\n'));
    expect(r2.status).toBe(422);
    expect(await r2.json()).toEqual({
      accepted: 0,
      errors: [
        { line: 2, error: 'not valid JSON' },
        { line: 3, error: '"amount" must be a number, got "ten"' },
        { line: 4, error: 'ts 9000000000000000 is outside 1900..2200' },
        { line: 5, error: 'unknown field "evil"' },
      ],
    });
    expect((await post('{"broken": ')).status).toBe(422);
    expect((await post('[1, 2')).status).toBe(400);
    expect((await post('x'.repeat(11 * 1024 * 1024))).status).toBe(413);
    const s = await stats(server.url);
    expect(s.produced).toBe(2); // nothing from the refused bodies got in
    expect(s.amountTotal).toBe(13.75);
  });

  it('a restarted server continues its offsets from disk and replays them', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lwb-stream-'));
    server = await createServer({ rate: 3000, tickMs: 10, dataDir });
    await new Promise((r) => setTimeout(r, 300));
    await fetch(`${server.url}/api/streams/shop/pause`, { method: 'POST' });
    const before = await stats(server.url);
    await server.close();
    server = await createServer({ rate: 3000, tickMs: 10, dataDir, paused: true });
    const after = await stats(server.url);
    expect(after.produced).toBe(before.produced);
    expect(after.amountTotal).toBe(before.amountTotal);
    const c = await client(server.url);
    c.ws.send(JSON.stringify({ type: 'subscribe', protocolVersion: PROTOCOL_VERSION, stream: 'shop', fromOffset: 5 }));
    await until(() => c.received() === before.produced - 5);
    expect(c.events()[0]!.offset).toBe(5);
    await fetch(`${server.url}/api/streams/shop/resume`, { method: 'POST' });
    await until(() => c.received() > before.produced);
    const next = c.events().find((m) => m.offset >= before.produced);
    expect(next?.offset).toBe(before.produced);
  });

  it('closes a connection that floods messages or sends one too large, and stays up', async () => {
    server = await createServer({ rate: 0 });
    const flood = await client(server.url);
    const closed = new Promise<number>((r) => flood.ws.once('close', (code) => r(code)));
    for (let i = 0; i < 5000; i++) flood.ws.send('{"type":"ping","t":1}');
    expect(await closed).toBe(1008);
    const big = await client(server.url);
    const closedBig = new Promise<number>((r) => big.ws.once('close', (code) => r(code)));
    big.ws.send('x'.repeat(1024 * 1024));
    expect(await closedBig).toBe(1009);
    expect((await stats(server.url)).id).toBe('shop');
  });
});
