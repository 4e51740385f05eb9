/**
 * A declared stream held by NATS JetStream, through the real server: the broker's sequence numbers
 * are the offsets, events from the team's own producers are judged like ours, and neither a broker
 * crash nor a server restart loses or doubles an event.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connect } from '@nats-io/transport-node';
import { PROTOCOL_VERSION, type ServerMessage, type StreamStats } from '../src/protocol/stream';
import { JetStreamSource, jetStreamNames } from './broker/JetStreamSource';
import { findNatsServer, type NatsServer, startNatsServer } from './broker/natsServer';
import { createServer, type RunningServer } from './createServer';

const CLICKS = {
  fields: [
    { name: 'page', type: 'text' as const },
    { name: 'ms', type: 'integer' as const },
  ],
};

async function until(cond: () => boolean | Promise<boolean>, ms = 15_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.skipIf(!findNatsServer())('streams held by NATS JetStream (needs the Debian package nats-server)', () => {
  let nats: NatsServer;
  let server: RunningServer | null = null;
  const start = async () => {
    server = await createServer({ demo: false, streams: [{ id: 'clicks', schema: CLICKS, timeZone: 'UTC' }], broker: (id) => new JetStreamSource({ servers: nats.url, ...jetStreamNames(id) }) });
    return server.url;
  };
  const post = (url: string, events: unknown[]) => fetch(`${url}/api/streams/clicks/events`, { method: 'POST', body: JSON.stringify(events) });
  const stats = async (url: string) => ((await (await fetch(`${url}/api/streams`)).json()) as { streams: StreamStats[] }).streams[0]!;
  const batch = (k: number, from: number) => Array.from({ length: k }, (_, i) => ({ page: `/${from + i}`, ms: from + i }));

  beforeAll(async () => {
    nats = await startNatsServer();
  });
  afterEach(async () => {
    await server?.close();
    server = null;
  });
  afterAll(async () => {
    await nats?.stop();
  });

  it('offsets are the broker sequence; a crash of the broker and a restart of the server lose and double nothing', async () => {
    let url = await start();
    expect(await (await post(url, batch(100, 0))).json()).toEqual({ accepted: 100, firstOffset: 0, lastOffset: 99 });
    // A team's own producer publishes straight to the broker: one valid event, one that is not.
    const nc = await connect({ servers: nats.url });
    nc.publish(jetStreamNames('clicks').subject, JSON.stringify({ page: '/direct', ms: 1000 }));
    nc.publish(jetStreamNames('clicks').subject, 'not json');
    await nc.flush();
    await nc.close();
    await until(async () => (await stats(url)).produced === 102, 15_000, 'the direct messages');
    expect(await stats(url)).toMatchObject({ holder: 'nats-jetstream', validEvents: 101, totals: { count: 101, sums: { ms: 4950 + 1000 } }, broker: { up: true } });

    const reader = new WebSocket(`${url.replace('http', 'ws')}/stream`);
    const got: ServerMessage[] = [];
    reader.on('message', (d) => got.push(JSON.parse(String(d)) as ServerMessage));
    await new Promise((r) => reader.once('open', r));
    reader.send(JSON.stringify({ type: 'subscribe', protocolVersion: PROTOCOL_VERSION, stream: 'clicks', fromOffset: 0 }));
    await until(() => got.some((m) => m.type === 'gap'), 5000, 'the refused message');
    expect(got.find((m) => m.type === 'gap')).toMatchObject({ requested: 101, resumeAt: 102, kind: 'rejected' });

    await nats.kill();
    await until(async () => (await stats(url)).broker?.up === false, 10_000, 'the broker to be seen down');
    const refused = await post(url, batch(5, 500));
    expect(refused.status).toBe(503);
    expect(JSON.stringify(await refused.json())).toMatch(/broker is unavailable/);
    await nats.restart();
    await until(async () => (await post(url, batch(50, 200))).status === 200, 20_000, 'the broker back');
    await until(async () => (await stats(url)).produced === 152, 20_000, 'events after the restart');
    reader.close();

    await server!.close();
    url = await start();
    await until(async () => (await stats(url)).produced === 152, 20_000, 'the stream read back from the broker');
    const s = await stats(url);
    expect(s.totals.count).toBe(151);
    expect(s.totals.sums.ms).toBe(4950 + 1000 + (200 * 50 + 1225));
    expect(await (await post(url, batch(1, 900))).json()).toMatchObject({ firstOffset: 152 });
  });
});
