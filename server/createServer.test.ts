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
    await until(() => c.received() + (s.bufferedFrom) === s.produced);
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
    await until(() => c.messages.filter((m) => m.type === 'error').length === 3);
    c.ws.send(JSON.stringify({ type: 'subscribe', protocolVersion: 999, stream: 'shop', fromOffset: 0 }));
    await new Promise<void>((r) => c.ws.once('close', () => r()));
    expect((await stats(server.url)).id).toBe('shop');
  });

  it('refuses a browser connection from a foreign origin', async () => {
    server = await createServer({ rate: 100 });
    await expect(client(server.url, { Origin: 'https://evil.example' })).rejects.toThrow(/403/);
    const ok = await client(server.url, { Origin: server.url });
    ok.ws.close();
  });
});
