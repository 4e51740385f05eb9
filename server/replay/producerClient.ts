/**
 * The producer side of the server's HTTP API: list streams, declare one, post events. A batch that
 * meets 429, 503 or a network failure is posted again, with the same idempotency key so that a
 * retried batch the server did store is not stored twice, until about 30 s of failures in a row:
 * a replay should ride out a broker restart, not hang on a server that is gone.
 */
import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { check, DatasetSchemaShape } from '../../src/protocol/shapes';
import type { FieldDef } from '../../src/protocol/schema';
import { reasonOf, ReplayError } from './ReplayError';

export interface StreamInfo {
  id: string;
  fields: FieldDef[];
  /** The zone the stream reads naive times in, when the server says. */
  timeZone?: string;
}

const StreamsBody = v.object({ streams: v.array(v.looseObject({ id: v.string() })) });
const StreamShape = v.looseObject({ schema: DatasetSchemaShape, timeZone: v.optional(v.string()) });
const Accepted = v.looseObject({ accepted: v.number(), firstOffset: v.number(), lastOffset: v.number() });
const ErrorsBody = v.looseObject({ errors: v.array(v.looseObject({ line: v.number(), error: v.string() })) });
const ErrorBody = v.looseObject({ error: v.string() });

/** The `error` of an error body, or ''. */
function errorOf(body: unknown): string {
  const e = check(ErrorBody, body);
  return e.ok ? e.value.error : '';
}

export interface PostResult {
  accepted: number;
  firstOffset: number;
  lastOffset: number;
}

/** The server refused a batch: its status and, per event, why (line = 1-based position in the batch). */
export class Refused extends ReplayError {
  constructor(
    readonly status: number,
    readonly errors: readonly { line: number; error: string }[],
    message: string,
  ) {
    super(message);
  }
}

export interface ClientOptions {
  server: string;
  token?: string;
  /** How long failures in a row may last before a request is given up (ms). */
  giveUpMs?: number;
  /** First wait between retries; doubled each time up to 5 s (ms). */
  retryMs?: number;
  /** Reports a retry, so the person sees why nothing moves. */
  onRetry?: (why: string, waitMs: number) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const MAX_RETRY_WAIT_MS = 5000;
const REQUEST_TIMEOUT_MS = 30_000;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Why a fetch failed, in words: undici hides the cause (ECONNREFUSED) under "fetch failed". */
function networkReason(e: unknown): string {
  const cause = (e as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused';
  if (cause?.code === 'ENOTFOUND') return 'no such host';
  if (typeof cause?.code === 'string') return cause.code;
  if (e instanceof Error && e.name === 'TimeoutError') return `no answer in ${REQUEST_TIMEOUT_MS / 1000} s`;
  return typeof cause?.message === 'string' ? cause.message : reasonOf(e);
}

export class ProducerClient {
  private readonly base: string;
  private readonly giveUpMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly o: ClientOptions) {
    this.base = o.server.replace(/\/+$/, '');
    this.giveUpMs = o.giveUpMs ?? 30_000;
    this.now = o.now ?? Date.now;
    this.sleep = o.sleep ?? defaultSleep;
  }

  /** The stream `id` as the server has it declared, or null when it is not. */
  async findStream(id: string): Promise<StreamInfo | null> {
    const res = await this.request('GET', '/api/streams', undefined, {}, false);
    const body = await this.json(res);
    if (!res.ok) throw this.unexpected(res, 'GET /api/streams', errorOf(body));
    const list = check(StreamsBody, body);
    if (!list.ok) throw new ReplayError(`the server at ${this.base} answered GET /api/streams with something else than a list of streams (${list.error})`);
    const found = list.value.streams.find((s) => s.id === id);
    if (!found) return null;
    // Only this stream's entry is checked closely: another stream's newer field type is not this replay's business.
    const s = check(StreamShape, found);
    if (!s.ok) throw new ReplayError(`the server describes the stream ${JSON.stringify(id)} in a way this tool does not understand (${s.error})`);
    return { id, fields: s.value.schema.fields.map((f) => ({ name: f.name, type: f.type })), ...(s.value.timeZone ? { timeZone: s.value.timeZone } : {}) };
  }

  /** Declares a stream; true when created, false when it already was with this schema. */
  async declare(id: string, fields: readonly FieldDef[], timeZone: string): Promise<boolean> {
    const res = await this.request('PUT', `/api/streams/${encodeURIComponent(id)}`, JSON.stringify({ fields, timeZone }), {}, false);
    if (res.status === 201 || res.status === 200) return res.status === 201;
    const error = errorOf(await this.json(res));
    if (res.status === 409) throw new ReplayError(`the stream ${JSON.stringify(id)} was declared meanwhile with another schema (${error || `status ${res.status}`})`);
    if (res.status === 400 && error) throw new ReplayError(`the server refused the schema for ${JSON.stringify(id)}: ${error}`);
    throw this.unexpected(res, `PUT /api/streams/${id}`, error);
  }

  /** Posts events (all or none are stored); retried through 429, 503 and network failures for up to giveUpMs. */
  async post(id: string, body: string): Promise<PostResult> {
    const res = await this.request('POST', `/api/streams/${encodeURIComponent(id)}/events`, body, { 'idempotency-key': randomUUID() }, true);
    const json = await this.json(res);
    const ok = check(Accepted, json);
    if (res.ok && ok.ok) return { accepted: ok.value.accepted, firstOffset: ok.value.firstOffset, lastOffset: ok.value.lastOffset };
    const errors = check(ErrorsBody, json);
    if (errors.ok && errors.value.errors.length) {
      const first = errors.value.errors[0]!;
      throw new Refused(res.status, errors.value.errors, `the server refused the batch (${res.status}): ${first.line > 0 ? `event ${first.line}: ` : ''}${first.error}`);
    }
    throw this.unexpected(res, `POST /api/streams/${id}/events`, errorOf(json));
  }

  private unexpected(res: Response, what: string, detail: string): ReplayError {
    if (res.status === 401 || res.status === 403)
      return new ReplayError(`the server at ${this.base} refused the request (${res.status}${detail ? `: ${detail}` : ''}): pass a token with --token or LAMBDA_WORKBENCH_TOKEN`);
    if (res.status === 404 && what.startsWith('GET')) return new ReplayError(`the server at ${this.base} has no ${what.slice(4)} (is it a lambda-workbench server?)`);
    return new ReplayError(`the server at ${this.base} answered ${what} with ${res.status}${detail ? `: ${detail}` : ''}`);
  }

  private async json(res: Response): Promise<unknown> {
    try {
      return JSON.parse(await res.text());
    } catch {
      return null;
    }
  }

  /**
   * One request, retried on 429 (after retry-after), 502-504 and, when `retryNetwork`, on network
   * failures. Listing and declaring fail at once when the server cannot be reached: that is a
   * server not running, better said now than after 30 s.
   */
  private async request(method: string, path: string, body: string | undefined, extra: Record<string, string>, retryNetwork: boolean): Promise<Response> {
    const headers: Record<string, string> = { ...extra };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.o.token) headers.authorization = `Bearer ${this.o.token}`;
    let firstFailure: number | null = null;
    let wait = this.o.retryMs ?? 250;
    for (;;) {
      let why: string;
      let retryAfterMs: number | null = null;
      try {
        const res = await fetch(`${this.base}${path}`, { method, headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
        if (res.status !== 429 && (res.status < 502 || res.status > 504)) return res;
        why = `${res.status} ${errorOf(await this.json(res)) || (res.status === 429 ? 'slow down' : 'unavailable')}`;
        const after = Number(res.headers.get('retry-after'));
        if (res.headers.has('retry-after') && Number.isFinite(after) && after >= 0) retryAfterMs = after * 1000;
      } catch (e) {
        why = networkReason(e);
        if (!retryNetwork) throw new ReplayError(`cannot reach the server at ${this.base} (${why}): is it running? (npm run serve)`);
      }
      const now = this.now();
      firstFailure ??= now;
      const delay = retryAfterMs ?? wait;
      if (now + delay - firstFailure > this.giveUpMs)
        throw new ReplayError(`the server at ${this.base} did not take ${method} ${path} within ${this.giveUpMs / 1000} s of retrying (last answer: ${why})`);
      this.o.onRetry?.(why, delay);
      await this.sleep(delay);
      wait = Math.min(MAX_RETRY_WAIT_MS, wait * 2);
    }
  }
}
