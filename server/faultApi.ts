/**
 * Fault injection under /api/faults (tests and teaching only, off unless asked for): a dropped
 * network, and messages a client must refuse without losing its place in the stream.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebSocketServer } from 'ws';
import type { ColumnBatch } from '../src/protocol/schema';
import type { LiveStream } from './streams/LiveStream';

type Json = (res: ServerResponse, status: number, body: unknown) => void;
type Body = (req: IncomingMessage, limit: number) => Promise<string | null>;

export async function handleFaults(req: IncomingMessage, res: ServerResponse, url: URL, stream: LiveStream, wss: WebSocketServer, sendJson: Json, readBody: Body): Promise<void> {
  const hub = stream.hub;
  if (url.pathname === '/api/faults/drop-connections') {
    // terminate(): no close handshake, as when a network drops mid-message.
    for (const c of wss.clients) c.terminate();
    return sendJson(res, 200, { dropped: true });
  }
  if (url.pathname === '/api/faults/publish-raw') {
    // A batch published as it is, unvalidated and left out of the totals: the client must reject it.
    const batch = JSON.parse((await readBody(req, 64 * 1024 * 1024)) ?? '{}') as ColumnBatch;
    const first = stream.publishUncounted(batch);
    return sendJson(res, 200, { firstOffset: first, count: batch.count });
  }
  if (url.pathname === '/api/faults/publish-unreadable') {
    // `count` offsets carried by a message nobody can read: truncated JSON, optionally padded to `bytes`.
    const count = Math.max(1, Math.min(1_000_000, Number(url.searchParams.get('count') ?? 10)));
    const bytes = Math.min(100_000_000, Number(url.searchParams.get('bytes') ?? 0));
    const head = `{"type":"events","stream":"${hub.id}","offset":${hub.nextOffset},"batch":{"count":${count},"pad":"`;
    const filler = { count, ts: [], columns: {} } as ColumnBatch; // replays as a batch of the wrong shape: unreadable again
    const first = stream.publishUncounted(filler, head + 'x'.repeat(Math.max(0, bytes - head.length)));
    return sendJson(res, 200, { firstOffset: first, count });
  }
  if (url.pathname === '/api/faults/publish-miscoded') {
    // `count` offsets carried by well-formed JSON whose string columns index outside their dictionaries.
    const count = Math.max(1, Math.min(100_000, Number(url.searchParams.get('count') ?? 10)));
    const columns = Object.fromEntries(hub.schema.fields.map((f) => [f.name, f.type === 'text' ? { dict: ['x'], idx: new Array<number>(count).fill(1) } : new Array<number>(count).fill(1)]));
    const json = JSON.stringify({ type: 'events', stream: hub.id, offset: hub.nextOffset, batch: { count, ts: { base: Date.now(), delta: new Array<number>(count).fill(0) }, columns } });
    const first = stream.publishUncounted({ count, ts: [], columns: {} } as ColumnBatch, json);
    return sendJson(res, 200, { firstOffset: first, count });
  }
  if (url.pathname === '/api/faults/raw') {
    const text = (await readBody(req, 64 * 1024 * 1024)) ?? '';
    const repeat = Math.min(10_000, Math.max(1, Number(url.searchParams.get('repeat') ?? 1)));
    for (const sub of hub.subscribers) for (let i = 0; i < repeat; i++) sub.ws.send(text);
    return sendJson(res, 200, { sent: hub.subscribers.size * repeat });
  }
  return sendJson(res, 404, { error: 'no such fault' });
}
