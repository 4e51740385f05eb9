/**
 * A producer's socket (`/produce`): batches of events in, one reply per batch with the offsets
 * assigned or the reasons it was refused. Replies come in the order the batches were sent, so a
 * producer can keep many in flight and still know which got in.
 */
import type { WebSocket } from 'ws';
import { type ProducerReply, parsePublish } from '../../src/protocol/producer';
import type { Access } from '../access';
import { checkEvents } from '../httpIngest';
import { publishEvents } from '../publishing';
import type { StreamRegistry } from '../streams/StreamRegistry';

/** Batches a producer may have waiting for a reply before the socket stops reading them. */
const MAX_IN_FLIGHT = 64;

export function serveProducer(ws: WebSocket, producer: string, registry: StreamRegistry, access: Access, log: (line: string) => void): void {
  let queue: Promise<void> = Promise.resolve();
  let inFlight = 0;
  const send = (r: ProducerReply) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(r));
  };
  // Even an immediate refusal waits its turn, so replies keep the order of the messages.
  const reply = (r: ProducerReply) => {
    queue = queue.then(() => send(r));
  };
  ws.on('message', (data, isBinary) => {
    if (isBinary) return reply({ type: 'refused', id: null, status: 400, errors: [{ line: 0, error: 'messages must be JSON text, not binary' }] });
    const parsed = parsePublish(String(data));
    if (!parsed.ok) return reply({ type: 'refused', id: parsed.id, status: 400, errors: [{ line: 0, error: parsed.error }] });
    const { id, stream, events, idempotencyKey } = parsed.msg;
    if (++inFlight > MAX_IN_FLIGHT) {
      inFlight--;
      return reply({ type: 'refused', id, status: 429, errors: [{ line: 0, error: `more than ${MAX_IN_FLIGHT} batches waiting for a reply; wait for replies before sending more` }] });
    }
    // One at a time, in arrival order: offsets follow the order the producer sent its batches.
    queue = queue.then(async () => {
      try {
        const now = Date.now();
        const values = events.map((value, i) => ({ line: i + 1, value }));
        const r = await publishEvents(registry, access, producer, stream, (schema, zone) => checkEvents(values, schema, now, zone), idempotencyKey);
        if (r.status === 200) send({ type: 'published', id, stream, accepted: r.accepted, firstOffset: r.firstOffset, lastOffset: r.lastOffset });
        else send({ type: 'refused', id, status: r.status, errors: r.errors });
      } catch (e) {
        log(`producer socket: ${String(e)}`);
        send({ type: 'refused', id, status: 500, errors: [{ line: 0, error: 'internal error' }] });
      } finally {
        inFlight--;
      }
    });
  });
  ws.on('error', () => {}); // a broken producer must not take the server down
}
