/**
 * Who may publish and declare, and how much. Reading streams is open to the allowed origins (the
 * dashboard needs no secret); writing needs the server's token when it has one, and a server bound
 * beyond loopback must have one. Limits hold per producer (its address): a flood from one is refused
 * with 429 and changes nothing, and the others go on.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface AccessOptions {
  /** Required on every write when set (`Authorization: Bearer <token>`). */
  token?: string;
  /** Events per second one producer may publish, averaged over a second (a burst of one second's worth passes). */
  maxEventsPerSecond: number;
  /** Requests (HTTP writes or producer-socket messages) per second one producer may send. */
  maxRequestsPerSecond: number;
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export function isLoopbackOrigin(origin: string): boolean {
  try {
    return isLoopbackHost(new URL(origin).hostname);
  } catch {
    return false;
  }
}

/** A token bucket: `rate` per second, holding at most one second's worth. */
class Bucket {
  private level: number;
  private at = Date.now();
  constructor(private readonly rate: number) {
    this.level = rate;
  }
  /** Takes `n` if there are that many now; otherwise takes nothing and says how long to wait (ms). */
  take(n: number, now: number): number {
    this.level = Math.min(this.rate, this.level + ((now - this.at) / 1000) * this.rate);
    this.at = now;
    if (n <= this.level) {
      this.level -= n;
      return 0;
    }
    return Math.ceil(((Math.min(n, this.rate) - this.level) / this.rate) * 1000);
  }
}

export type Verdict = { ok: true } | { ok: false; status: 401 | 429; error: string; retryAfterS?: number };

export class Access {
  private readonly producers = new Map<string, { events: Bucket; requests: Bucket; seen: number }>();
  private readonly token: Buffer | null;

  constructor(private readonly options: AccessOptions) {
    this.token = options.token ? Buffer.from(options.token) : null;
  }

  get needsToken(): boolean {
    return this.token !== null;
  }

  /** Whether the request carries the token (always, when the server has none). */
  authorized(req: IncomingMessage): Verdict {
    if (!this.token) return { ok: true };
    const header = req.headers.authorization ?? '';
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    if (given.length === this.token.length && timingSafeEqual(given, this.token)) return { ok: true };
    return { ok: false, status: 401, error: header ? 'wrong token' : 'this server needs a token to publish or declare: send "Authorization: Bearer <token>"' };
  }

  /** Counts one request (an HTTP write, a producer-socket batch) from `producer` against its limit. */
  admitRequest(producer: string): Verdict {
    const now = Date.now();
    const wait = this.producer(producer, now).requests.take(1, now);
    if (wait > 0) return { ok: false, status: 429, error: `more than ${this.options.maxRequestsPerSecond} requests per second from one producer; slow down`, retryAfterS: Math.ceil(wait / 1000) };
    return { ok: true };
  }

  /** Counts `events` valid events from `producer` against its limit; over it, none of them count. */
  admitEvents(producer: string, events: number): Verdict {
    const max = this.options.maxEventsPerSecond;
    if (events > max) return { ok: false, status: 429, error: `a batch of ${events} events is more than this server takes from one producer in a second (${max}); send smaller batches` };
    const now = Date.now();
    const wait = this.producer(producer, now).events.take(events, now);
    if (wait > 0) return { ok: false, status: 429, error: `more than ${max} events per second from one producer; slow down`, retryAfterS: Math.ceil(wait / 1000) };
    return { ok: true };
  }

  private producer(id: string, now: number): { events: Bucket; requests: Bucket; seen: number } {
    let p = this.producers.get(id);
    if (!p) {
      if (this.producers.size > 10_000) this.forgetIdle(now);
      p = { events: new Bucket(this.options.maxEventsPerSecond), requests: new Bucket(this.options.maxRequestsPerSecond), seen: now };
      this.producers.set(id, p);
    }
    p.seen = now;
    return p;
  }

  private forgetIdle(now: number): void {
    for (const [k, p] of this.producers) if (now - p.seen > 60_000) this.producers.delete(k);
  }
}

/** A producer's identity for its limits: its address (the token is shared by all producers). */
export function producerOf(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}
