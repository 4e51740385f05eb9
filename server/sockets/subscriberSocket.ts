/**
 * A reader's socket (`/stream`): one hello with the streams on offer, then any number of
 * subscriptions, each with its own send and acknowledged positions, so a dashboard reads every
 * stream it follows over one connection and a slow stream holds back only itself.
 */
import type { WebSocket } from 'ws';
import { PROTOCOL_VERSION, parseClientMessage, type ServerMessage, type StreamInfo } from '../../src/protocol/stream';
import type { Subscriber } from '../StreamHub';
import type { StreamRegistry } from '../streams/StreamRegistry';

/** Client messages per second before a connection counts as a flood and is closed. */
const MAX_CLIENT_MESSAGES_PER_S = 2_000;

export function send(ws: WebSocket, msg: ServerMessage): void {
  ws.send(JSON.stringify(msg));
}

export function streamInfos(registry: StreamRegistry): StreamInfo[] {
  return registry.list().map((s) => s.hub.info());
}

export function serveSubscriber(ws: WebSocket, registry: StreamRegistry, log: (line: string) => void): void {
  const subs = new Map<string, Subscriber>();
  let windowStart = Date.now();
  let inWindow = 0;
  const drop = (stream: string) => {
    const sub = subs.get(stream);
    if (sub) registry.get(stream)?.hub.unsubscribe(sub);
    subs.delete(stream);
  };
  send(ws, { type: 'hello', protocolVersion: PROTOCOL_VERSION, streams: streamInfos(registry) });
  ws.on('message', (data, isBinary) => {
    const now = Date.now();
    if (now - windowStart > 1000) {
      windowStart = now;
      inWindow = 0;
    }
    if (++inWindow > MAX_CLIENT_MESSAGES_PER_S) {
      log('closing a connection that floods messages');
      return ws.close(1008, 'message flood');
    }
    if (isBinary) return send(ws, { type: 'error', code: 'bad-message', message: 'messages must be JSON text, not binary' });
    const msg = parseClientMessage(String(data));
    switch (msg.type) {
      case 'invalid':
        send(ws, { type: 'error', code: msg.code, message: msg.error });
        if (msg.code === 'protocol-version') ws.close(1002, 'protocol version');
        return;
      case 'subscribe': {
        const s = registry.get(msg.stream);
        if (!s) return send(ws, { type: 'error', code: 'unknown-stream', message: `no stream ${JSON.stringify(msg.stream)}`, stream: msg.stream });
        drop(msg.stream);
        subs.set(msg.stream, s.hub.subscribe(ws, msg.fromOffset));
        log(`subscribe ${msg.stream} from ${msg.fromOffset}`);
        return;
      }
      case 'unsubscribe':
        drop(msg.stream);
        return;
      case 'ack': {
        const sub = subs.get(msg.stream);
        // A stream retired since: its subscription is gone from the hub, so forget it here too.
        if (sub && !registry.get(msg.stream)?.hub.subscribers.has(sub)) subs.delete(msg.stream);
        else if (sub) registry.get(msg.stream)!.hub.ack(sub, msg.offset);
        return;
      }
      case 'ping':
        return send(ws, { type: 'pong', t: msg.t });
    }
  });
  ws.on('close', () => {
    for (const stream of [...subs.keys()]) drop(stream);
  });
  ws.on('error', () => {}); // a broken client must not take the server down
}
