/**
 * Test doubles for what the ingest dispatcher reaches for (test-only): a stream socket the test
 * drives message by message, a writer role decided by the test, and an in-memory append channel.
 * The log is the real EventLog (over fake-indexeddb in Node).
 */
import { EventLog } from '../../log/EventLog';
import { LogDb } from '../../log/LogDb';
import type { ColumnBatch, DatasetSchema } from '../../protocol/schema';
import { type ClientMessage, PROTOCOL_VERSION, type ServerMessage } from '../../protocol/stream';
import { toWire } from '../../protocol/wire';
import type { IngestDeps, StreamSocket } from '../worker/ingestDeps';
import type { ConnectionState } from '../worker/protocol';
import type { ConnectionCallbacks } from '../worker/StreamConnection';
import type { Appended } from '../../log/appendChannel';

export class FakeSocket implements StreamSocket {
  state: ConnectionState = 'idle';
  reconnects = 0;
  readonly sent: ClientMessage[] = [];
  readonly restarts: string[] = [];

  constructor(
    readonly url: string,
    private readonly cb: ConnectionCallbacks,
  ) {}

  start(): void {
    this.setState('open');
  }

  stop(): void {
    this.setState('stopped');
  }

  nudge(): void {}

  restart(reason: string): void {
    this.restarts.push(reason);
    this.reconnects++;
    this.setState('backoff', reason);
  }

  send(msg: ClientMessage): void {
    this.sent.push(msg);
  }

  /** The server says hello with these streams. */
  hello(streams: { id: string; schema: DatasetSchema; bufferedFrom?: number }[]): void {
    this.cb.onMessage({ type: 'hello', protocolVersion: PROTOCOL_VERSION, streams: streams.map((s) => ({ id: s.id, schema: s.schema, nextOffset: 0, bufferedFrom: s.bufferedFrom ?? 0 })) });
  }

  events(stream: string, offset: number, batch: ColumnBatch): void {
    // Through JSON, as on the wire.
    this.deliver(JSON.parse(JSON.stringify({ type: 'events', stream, offset, batch: toWire(batch) })) as ServerMessage);
  }

  deliver(msg: ServerMessage): void {
    this.cb.onMessage(msg);
  }

  unreadable(error: string, head: string): void {
    this.cb.onInvalid(error, head);
  }

  acks(stream: string): number[] {
    return this.sent.flatMap((m) => (m.type === 'ack' && m.stream === stream ? [m.offset] : []));
  }

  subscribes(): { stream: string; fromOffset: number }[] {
    return this.sent.flatMap((m) => (m.type === 'subscribe' ? [{ stream: m.stream, fromOffset: m.fromOffset }] : []));
  }

  private setState(state: ConnectionState, detail?: string): void {
    this.state = state;
    this.cb.onState(state, detail);
  }
}

/** Deps for one dispatcher: a real log, fake sockets (kept in `sockets`), the writer role as told. */
export class FakeIngestWorld {
  readonly sockets: FakeSocket[] = [];
  private readonly channels = new Map<string, Set<(a: Appended) => void>>();

  /** Deps for a dispatcher that is the writer (`writer`) or follows another tab's log. */
  deps(role: 'writer' | 'follower' = 'writer', openLog: (dbName: string) => EventLog = (db) => new EventLog(new LogDb(db))): IngestDeps {
    return {
      openLog,
      openStream: (url, cb) => {
        const s = new FakeSocket(url, cb);
        this.sockets.push(s);
        return s;
      },
      claimWriter: (_ws, becomeWriter, follow) => {
        if (role === 'writer') void becomeWriter();
        else follow();
      },
      announcer: (ws, onAppended) => {
        let set = this.channels.get(ws);
        if (!set) this.channels.set(ws, (set = new Set()));
        set.add(onAppended);
        // BroadcastChannel does not deliver to its own sender.
        return {
          announce: (a) =>
            queueMicrotask(() => {
              for (const l of set) if (l !== onAppended) l(a);
            }),
        };
      },
    };
  }

  get socket(): FakeSocket {
    const s = this.sockets[this.sockets.length - 1];
    if (!s) throw new Error('no socket opened');
    return s;
  }
}

/** Polls `check` until it returns true, for up to `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms = 5_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
