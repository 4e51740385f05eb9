/**
 * A producer's socket (`/produce`): batches of events in, one reply per batch with the offsets
 * assigned or the reasons it was refused. Replies come in the order the batches were sent, so a
 * producer can keep many in flight and still know which got in.
 */
import type { WebSocket } from 'ws';
import { type ProducerReply, parsePublish } from '../../src/protocol/producer';
import type { Access } from '../access';
import { checkEvents, MAX_INGEST_EVENTS } from '../httpIngest';
import { publishEvents } from '../publishing';
import type { StreamRegistry } from '../streams/StreamRegistry';

/**
 * Messages a producer may have waiting for a reply; past this the socket stops reading (TCP pushes
 * back on the producer). Each may be up to 10 MB as received and is parsed only when its turn comes,
 * so one producer holds at most this many raw messages and one parsed batch.
 */
const MAX_IN_FLIGHT = 16;

export function serveProducer(ws: WebSocket, producer: string, registry: StreamRegistry, access: Access, log: (line: string) => void): void {
  let queue: Promise<void> = Promise.resolve();
  let inFlight = 0;
  const send = (r: ProducerReply) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(r));
  };
  const handle = async (text: string): Promise<void> => {
    const parsed = parsePublish(text);
    if (!parsed.ok) return send({ type: 'refused', id: parsed.id, status: 400, errors: [{ line: 0, error: parsed.error }] });
    const { id, stream, events, idempotencyKey } = parsed.msg;
    if (events.length > MAX_INGEST_EVENTS) return send({ type: 'refused', id, status: 413, errors: [{ line: 0, error: `at most ${MAX_INGEST_EVENTS} events per batch` }] });
    const now = Date.now();
    const values = events.map((value, i) => ({ line: i + 1, value }));
    const r = await publishEvents(registry, access, producer, stream, (schema, zone) => checkEvents(values, schema, now, zone), idempotencyKey);
    if (r.status === 200) send({ type: 'published', id, stream, accepted: r.accepted, firstOffset: r.firstOffset, lastOffset: r.lastOffset });
    else send({ type: 'refused', id, status: r.status, errors: r.errors });
  };
  ws.on('message', (data, isBinary) => {
    if (++inFlight >= MAX_IN_FLIGHT) ws.pause();
    const text = isBinary ? null : String(data);
    // One at a time, in arrival order: offsets, and replies, follow the order the producer sent.
    queue = queue.then(async () => {
      try {
        if (text === null) send({ type: 'refused', id: null, status: 400, errors: [{ line: 0, error: 'messages must be JSON text, not binary' }] });
        else await handle(text);
      } catch (e) {
        log(`producer socket: ${String(e)}`);
        send({ type: 'refused', id: null, status: 500, errors: [{ line: 0, error: 'internal error' }] });
      } finally {
        if (--inFlight < MAX_IN_FLIGHT / 2 && ws.isPaused) ws.resume();
      }
    });
  });
  ws.on('error', () => {}); // a broken producer must not take the server down
}
