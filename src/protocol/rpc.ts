/**
 * A small typed RPC over postMessage, after duckdb-wasm's worker protocol: requests
 * `{messageId, type, data}`, responses `{requestId, ok, data | error}`, errors as `{name, message, stack}`,
 * and unsolicited events from the worker. Each worker declares its methods and events in its own
 * protocol.ts; this file only moves them.
 *
 * Imported by the server too, so it names no DOM or Node type: the port, its events and transfer lists
 * are the structural minimum we read (src/architecture.test.ts compiles this folder without either).
 */

/** A worker's methods: request and response payload per method name. */
export type Methods = Record<string, { req: unknown; res: unknown }>;

export type RpcRequest<M extends Methods> = {
  [K in keyof M & string]: { kind: 'request'; messageId: number; type: K; data: M[K]['req'] };
}[keyof M & string];

export interface RpcError {
  name: string;
  message: string;
  stack?: string;
}

export type RpcResponse = { kind: 'response'; requestId: number; ok: true; data: unknown } | { kind: 'response'; requestId: number; ok: false; error: RpcError };

export type RpcEventMessage<E> = { kind: 'event'; event: E };

/** Objects whose ownership moves with a message (ArrayBuffer, MessagePort, …); the platform checks them. */
export type TransferList = readonly object[];

/**
 * What we read of a port's events: `data` of a MessageEvent, `message` of an ErrorEvent. `type` is
 * there so that a plain Event (a worker script that failed to load fires one) fits as well.
 */
export interface PortEvent {
  readonly type: string;
  readonly data?: unknown;
  readonly message?: unknown;
}

/**
 * The part of Worker / DedicatedWorkerGlobalScope / MessagePort we use. `error` and `messageerror`
 * matter on the caller's side: the worker died (or never started), or a reply could not be read.
 */
export interface PortLike {
  postMessage(message: unknown, transfer?: TransferList): void;
  addEventListener(type: 'message' | 'messageerror' | 'error', listener: (ev: PortEvent) => void): void;
}

export type Handlers<M extends Methods> = {
  [K in keyof M & string]: (data: M[K]['req']) => Promise<M[K]['res']> | M[K]['res'];
};

export function toRpcError(e: unknown): RpcError {
  if (e instanceof Error) return { name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}) };
  return { name: 'Error', message: String(e) };
}

/** Worker side: answers requests with the handlers; returns a function to emit events. */
export function serveRpc<M extends Methods, E>(port: PortLike, handlers: Handlers<M>): (event: E, transfer?: TransferList) => void {
  port.addEventListener('message', (ev) => {
    const req = ev.data as RpcRequest<M> | null | undefined;
    if (req?.kind !== 'request') return;
    const handler = handlers[req.type] as (data: unknown) => unknown;
    Promise.resolve()
      .then(() => {
        if (typeof handler !== 'function') throw new Error(`unknown request type ${String(req.type)}`);
        return handler(req.data);
      })
      .then(
        (result) => {
          try {
            port.postMessage({ kind: 'response', requestId: req.messageId, ok: true, data: result } satisfies RpcResponse);
          } catch (e) {
            // A result that cannot be cloned must still answer the call, or the caller waits for ever.
            port.postMessage({ kind: 'response', requestId: req.messageId, ok: false, error: toRpcError(e) } satisfies RpcResponse);
          }
        },
        (e: unknown) => port.postMessage({ kind: 'response', requestId: req.messageId, ok: false, error: toRpcError(e) } satisfies RpcResponse),
      );
  });
  return (event: E, transfer?: TransferList) => port.postMessage({ kind: 'event', event } satisfies RpcEventMessage<E>, transfer ?? []);
}

/** Why a worker reported an error, in words: an ErrorEvent has a message, a failed load has none. */
function errorText(ev: PortEvent): string {
  return typeof ev.message === 'string' && ev.message !== '' ? ev.message : 'its script failed to load or it crashed (the browser console has the details)';
}

export interface RpcClientOptions {
  /** Names the worker in errors: "the ingest worker failed: …". */
  name?: string;
  /** How long a worker that reported an uncaught exception has to answer before it counts as dead. */
  probeMs?: number;
}

/** Timers every JavaScript host has (pages, workers, Node), declared here without either's types. */
declare function setTimeout(handler: () => void, ms: number): unknown;
declare function clearTimeout(id: unknown): void;

/** A request no handler serves: a live worker answers it with an error, a dead one not at all. */
const PROBE = '__alive';

/** Caller side: a pending-promise map keyed by message id. */
export class RpcClient<M extends Methods, E> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Set<(event: E) => void>();
  private failure: Error | null = null;
  private readonly errorListeners = new Set<(message: string) => void>();
  private readonly label: string;

  constructor(
    private readonly port: PortLike,
    options: RpcClientOptions = {},
  ) {
    this.label = options.name ? `the ${options.name} worker` : 'the worker';
    port.addEventListener('message', (ev) => this.receive(ev.data as RpcResponse | RpcEventMessage<E> | null | undefined));
    // Without these a worker that never started (or died) would leave every call pending for ever.
    port.addEventListener('error', (ev) => this.onError(ev, options.probeMs ?? 2_000));
    port.addEventListener('messageerror', () => this.failAll(new Error(`${this.label} failed: a message from it could not be deserialized`)));
  }

  /** Why this client gave up on its worker, or null while it has not. */
  get failed(): Error | null {
    return this.failure;
  }

  call<K extends keyof M & string>(type: K, data: M[K]['req'], transfer: TransferList = []): Promise<M[K]['res']> {
    if (this.failure) return Promise.reject(this.failure);
    const messageId = this.nextId++;
    return new Promise<M[K]['res']>((resolve, reject) => {
      this.pending.set(messageId, { resolve: resolve as (v: unknown) => void, reject });
      this.port.postMessage({ kind: 'request', messageId, type, data }, transfer);
    });
  }

  /** Told of every uncaught exception the worker reports, fatal or not. */
  onWorkerError(listener: (message: string) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  onEvent(listener: (event: E) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Gives up on the worker (it died, or was terminated): rejects every call in flight and every later
   * one with `error`. The first error stays: it is the cause, later ones are its echoes.
   */
  failAll(error: Error): void {
    this.failure ??= error;
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
  }

  /**
   * A script that failed to load fires a plain `error` (no message): the worker never ran. An
   * uncaught exception fires one with a message, and the worker may well live on (a throw in a timer
   * callback), or not (a syntax error): it is given up on only if it then fails to answer a probe.
   */
  private onError(ev: PortEvent, probeMs: number): void {
    const failure = new Error(`${this.label} failed: ${errorText(ev)}`);
    if (typeof ev.message !== 'string' || ev.message === '') {
      this.failAll(failure);
      return;
    }
    for (const l of this.errorListeners) l(ev.message);
    if (this.failure) return;
    const messageId = this.nextId++;
    const timer = setTimeout(() => {
      this.pending.delete(messageId);
      this.failAll(failure);
    }, probeMs);
    const answered = () => clearTimeout(timer);
    this.pending.set(messageId, { resolve: answered, reject: answered });
    this.port.postMessage({ kind: 'request', messageId, type: PROBE, data: null });
  }

  private receive(msg: RpcResponse | RpcEventMessage<E> | null | undefined): void {
    if (!msg) return;
    if (msg.kind === 'event') {
      for (const l of this.listeners) l(msg.event);
      return;
    }
    if (msg.kind !== 'response') return;
    const p = this.pending.get(msg.requestId);
    if (!p) return;
    this.pending.delete(msg.requestId);
    if (msg.ok) p.resolve(msg.data);
    else {
      const err = new Error(msg.error.message);
      err.name = msg.error.name;
      if (msg.error.stack) err.stack = msg.error.stack;
      p.reject(err);
    }
  }
}
