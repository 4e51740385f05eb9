/**
 * What the ingest dispatcher reaches for, injected (as BatchDispatcher takes its engine) so that unit
 * tests run it with fake-indexeddb, a fake socket and no Web Locks.
 */
import { EventLog } from '../../log/EventLog';
import { LogDb } from '../../log/LogDb';
import type { ClientMessage } from '../../protocol/stream';
import type { ConnectionState } from './protocol';
import { type ConnectionCallbacks, StreamConnection } from './StreamConnection';
import { AppendChannel, type Appended } from '../../log/appendChannel';
import { claimWriter } from './writerRole';

/** The stream socket as the dispatcher uses it (StreamConnection in the browser). */
export interface StreamSocket {
  readonly state: ConnectionState;
  readonly reconnects: number;
  start(): void;
  stop(): void;
  /** Reconnect now if waiting to. */
  nudge(): void;
  /** Drop the socket and reconnect after backoff. */
  restart(reason: string): void;
  send(msg: ClientMessage): void;
}

export interface IngestDeps {
  openLog(dbName: string): EventLog;
  openStream(url: string, callbacks: ConnectionCallbacks): StreamSocket;
  /** Calls `becomeWriter` once this worker may write the workspace's log, `follow` while another tab does. */
  claimWriter(workspace: string, becomeWriter: () => Promise<void>, follow: () => void): void;
  announcer(workspace: string, onAppended: (a: Appended) => void): { announce(a: Appended): void };
}

export const browserIngestDeps: IngestDeps = {
  openLog: (dbName) => new EventLog(new LogDb(dbName)),
  openStream: (url, callbacks) => new StreamConnection(url, callbacks),
  claimWriter,
  announcer: (workspace, onAppended) => new AppendChannel(workspace, onAppended),
};
