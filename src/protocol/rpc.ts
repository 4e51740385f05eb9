/**
 * A small typed RPC over postMessage, after duckdb-wasm's worker protocol: requests
 * `{messageId, type, data}`, responses `{requestId, ok, data | error}`, errors as `{name, message, stack}`,
 * and unsolicited events from the worker. Each worker declares its methods and events in its own
 * protocol.ts; this file only moves them.
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

/** The part of Worker / DedicatedWorkerGlobalScope / MessagePort we use. */
export interface PortLike {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (ev: MessageEvent) => void): void;
}

export type Handlers<M extends Methods> = {
  [K in keyof M & string]: (data: M[K]['req']) => Promise<M[K]['res']> | M[K]['res'];
};

export function toRpcError(e: unknown): RpcError {
  if (e instanceof Error) return { name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}) };
  return { name: 'Error', message: String(e) };
}

/** Worker side: answers requests with the handlers; returns a function to emit events. */
export function serveRpc<M extends Methods, E>(port: PortLike, handlers: Handlers<M>): (event: E, transfer?: Transferable[]) => void {
  port.addEventListener('message', (ev: MessageEvent) => {
    const req = ev.data as RpcRequest<M>;
    if (!req || req.kind !== 'request') return;
    const handler = handlers[req.type] as (data: unknown) => unknown;
    Promise.resolve()
      .then(() => {
        if (typeof handler !== 'function') throw new Error(`unknown request type ${String(req.type)}`);
        return handler(req.data);
      })
      .then(
        (result) => port.postMessage({ kind: 'response', requestId: req.messageId, ok: true, data: result } satisfies RpcResponse),
        (e: unknown) => port.postMessage({ kind: 'response', requestId: req.messageId, ok: false, error: toRpcError(e) } satisfies RpcResponse),
      );
  });
  return (event: E, transfer?: Transferable[]) => port.postMessage({ kind: 'event', event } satisfies RpcEventMessage<E>, transfer ?? []);
}

/** Caller side: a pending-promise map keyed by message id. */
export class RpcClient<M extends Methods, E> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Set<(event: E) => void>();

  constructor(private readonly port: PortLike) {
    port.addEventListener('message', (ev: MessageEvent) => this.receive(ev.data as RpcResponse | RpcEventMessage<E>));
  }

  call<K extends keyof M & string>(type: K, data: M[K]['req'], transfer: Transferable[] = []): Promise<M[K]['res']> {
    const messageId = this.nextId++;
    return new Promise<M[K]['res']>((resolve, reject) => {
      this.pending.set(messageId, { resolve: resolve as (v: unknown) => void, reject });
      this.port.postMessage({ kind: 'request', messageId, type, data }, transfer);
    });
  }

  onEvent(listener: (event: E) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Rejects every call in flight, e.g. when the worker died. */
  failAll(error: Error): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  private receive(msg: RpcResponse | RpcEventMessage<E>): void {
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
