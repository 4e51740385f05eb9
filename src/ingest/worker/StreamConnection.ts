/**
 * The WebSocket to the stream server as an explicit state machine:
 * idle -> connecting -> open -> (dropped) -> backoff -> connecting ... ; stop() -> stopped.
 * Backoff is exponential with equal jitter (half the step fixed, half random), so many tabs do not
 * reconnect in lockstep yet none retries at once.
 * A heartbeat detects a half-open socket that no close event will ever report.
 */
import { parseServerMessage, type ClientMessage, type ServerMessage } from '../../protocol/stream';
import type { ConnectionState } from './protocol';

export const BACKOFF_BASE_MS = 250;
export const BACKOFF_MAX_MS = 10_000;
export const HEARTBEAT_MS = 5_000;
/** No message for this long (pongs included) and the socket is presumed dead. */
export const IDLE_TIMEOUT_MS = 15_000;
/** Larger messages are refused unparsed: a 50 MB message must not stall or exhaust the worker. */
export const MAX_MESSAGE_CHARS = 16 * 1024 * 1024;

export interface ConnectionCallbacks {
  onMessage(msg: ServerMessage): void;
  /** An unreadable message; `head` is its first characters, to recover its offsets from. */
  onInvalid(error: string, head: string): void;
  onState(state: ConnectionState, detail?: string): void;
}

export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return Math.round(cap / 2 + random() * (cap / 2));
}

export class StreamConnection {
  state: ConnectionState = 'idle';
  reconnects = 0;
  private ws: WebSocket | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private lastMessageAt = 0;

  constructor(
    readonly url: string,
    private readonly cb: ConnectionCallbacks,
  ) {}

  start(): void {
    if (this.state === 'connecting' || this.state === 'open') return;
    this.open();
  }

  stop(): void {
    this.setState('stopped');
    this.clearTimers();
    this.ws?.close(1000, 'stopped');
    this.ws = null;
  }

  /** Reconnects at once if waiting to (the network came back, the tab became visible). */
  nudge(): void {
    if (this.state !== 'backoff') return;
    this.attempt = 0;
    this.open();
  }

  /** Drops the socket and reconnects after backoff (e.g. the log cannot take more events now). */
  restart(reason: string): void {
    if (this.state === 'stopped') return;
    this.ws?.close(4000, reason.slice(0, 100));
    this.onDrop(reason);
  }

  send(msg: ClientMessage): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  private open(): void {
    this.clearTimers();
    this.setState('connecting');
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url);
    } catch (e) {
      this.onDrop(`cannot open ${this.url}: ${String(e)}`);
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.attempt = 0;
      this.lastMessageAt = Date.now();
      this.setState('open');
      this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (this.ws !== ws) return;
      this.lastMessageAt = Date.now();
      if (typeof ev.data !== 'string') return this.cb.onInvalid('binary message', '');
      if (ev.data.length > MAX_MESSAGE_CHARS) return this.cb.onInvalid(`message of ${ev.data.length} characters refused (limit ${MAX_MESSAGE_CHARS})`, ev.data.slice(0, 200));
      const msg = parseServerMessage(ev.data);
      if (msg.type === 'invalid') this.cb.onInvalid(msg.error, ev.data.slice(0, 200));
      else this.cb.onMessage(msg);
    };
    ws.onclose = (ev: CloseEvent) => {
      if (this.ws !== ws) return;
      this.onDrop(`closed (${ev.code}${ev.reason ? `: ${ev.reason}` : ''})`);
    };
    ws.onerror = () => {
      /* a close event always follows */
    };
  }

  private beat(): void {
    if (Date.now() - this.lastMessageAt > IDLE_TIMEOUT_MS) {
      this.restart('heartbeat timeout');
      return;
    }
    this.send({ type: 'ping', t: Date.now() });
  }

  private onDrop(reason: string): void {
    this.ws = null;
    this.clearTimers();
    if (this.state === 'stopped') return;
    const delay = backoffDelay(this.attempt++);
    this.reconnects++;
    // The same words at each retry (not its delay), so the message list folds the repeats into one line.
    this.setState('backoff', `${reason}; retrying every few seconds until the server answers`);
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.retryTimer = null;
    this.heartbeat = null;
  }

  private setState(state: ConnectionState, detail?: string): void {
    this.state = state;
    this.cb.onState(state, detail);
  }
}
