import { describe, expect, it } from 'vitest';
import { type PortEvent, type PortLike, RpcClient, serveRpc } from './rpc';

type TestMethods = {
  double: { req: number; res: number };
  fail: { req: string; res: never };
  uncloneable: { req: null; res: unknown };
};

/** A worker as the page sees it, that can die: it dispatches what a real Worker would. */
class FakeWorker implements PortLike {
  readonly posted: unknown[] = [];
  private readonly listeners = new Map<string, ((ev: PortEvent) => void)[]>();

  postMessage(message: unknown): void {
    this.posted.push(message);
  }

  addEventListener(type: string, listener: (ev: PortEvent) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  dispatch(ev: PortEvent): void {
    for (const l of this.listeners.get(ev.type) ?? []) l(ev);
  }
}

/** Settles to 'pending' if the promise has not settled after the microtasks queued so far. */
async function state(p: Promise<unknown>): Promise<unknown> {
  return Promise.race([
    p.then(
      (v) => ({ resolved: v }),
      (e: Error) => ({ rejected: e.message }),
    ),
    new Promise((r) => setTimeout(() => r('pending'), 0)),
  ]);
}

describe('RpcClient and serveRpc over a MessageChannel', () => {
  function connect() {
    const channel = new MessageChannel();
    serveRpc<TestMethods, string>(channel.port2, {
      double: (n) => n * 2,
      fail: (why) => {
        throw new RangeError(why);
      },
      uncloneable: () => () => 'a function cannot cross a port',
    });
    const client = new RpcClient<TestMethods, string>(channel.port1, { name: 'test' });
    return { channel, client };
  }

  it('answers a call', async () => {
    const { channel, client } = connect();
    await expect(client.call('double', 21)).resolves.toBe(42);
    channel.port1.close();
  });

  it('rejects a call whose handler threw, with its name and message, and goes on answering', async () => {
    const { channel, client } = connect();
    const err = await client.call('fail', 'no such view').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('RangeError');
    expect((err as Error).message).toBe('no such view');
    expect(client.failed).toBeNull();
    await expect(client.call('double', 2)).resolves.toBe(4);
    channel.port1.close();
  });

  it('answers with an error when the result cannot be cloned, instead of leaving the call pending', async () => {
    const { channel, client } = connect();
    await expect(client.call('uncloneable', null)).rejects.toThrow(/could not be cloned/);
    await expect(client.call('double', 3)).resolves.toBe(6);
    channel.port1.close();
  });
});

describe('RpcClient when its worker dies', () => {
  it('rejects every pending call and every later one when a worker that reported an error no longer answers', async () => {
    const worker = new FakeWorker();
    const client = new RpcClient<TestMethods, never>(worker, { name: 'ingest', probeMs: 5 });
    const a = client.call('double', 1);
    const b = client.call('double', 2);
    for (const p of [a, b]) p.catch(() => undefined); // rejected while the test waits; checked below
    expect(await state(a)).toBe('pending');

    worker.dispatch({ type: 'error', message: 'Uncaught SyntaxError: Unexpected token' });
    expect(await state(a)).toBe('pending'); // it may have survived: a probe asks first
    await new Promise((r) => setTimeout(r, 20));
    expect(await state(a)).toEqual({ rejected: 'the ingest worker failed: Uncaught SyntaxError: Unexpected token' });
    expect(await state(b)).toEqual({ rejected: 'the ingest worker failed: Uncaught SyntaxError: Unexpected token' });
    expect(await state(client.call('double', 3))).toEqual({ rejected: 'the ingest worker failed: Uncaught SyntaxError: Unexpected token' });
    expect(worker.posted).toHaveLength(3); // two calls and the probe
    expect(client.failed?.message).toMatch(/^the ingest worker failed/);
  });

  it('goes on with a worker that survived its uncaught exception, and says what it was', async () => {
    const channel = new MessageChannel();
    serveRpc<TestMethods, never>(channel.port2, { double: (n) => n * 2, fail: () => undefined as never, uncloneable: () => null });
    const client = new RpcClient<TestMethods, never>(channel.port1, { name: 'ingest', probeMs: 200 });
    const heard: string[] = [];
    client.onWorkerError((m) => heard.push(m));
    // The page's side of a Worker fires this for a throw in, say, a timer callback inside it.
    (channel.port1 as unknown as EventTarget).dispatchEvent(Object.assign(new Event('error'), { message: 'Uncaught TypeError: x is undefined' }));
    await new Promise((r) => setTimeout(r, 400));
    expect(heard).toEqual(['Uncaught TypeError: x is undefined']);
    expect(client.failed).toBeNull();
    await expect(client.call('double', 4)).resolves.toBe(8);
    channel.port1.close();
  });

  it('says so when a script that failed to load fires a plain error event, without a message', async () => {
    const worker = new FakeWorker();
    const client = new RpcClient<TestMethods, never>(worker, { name: 'batch' });
    const a = client.call('double', 1);
    worker.dispatch({ type: 'error' });
    expect(await state(a)).toEqual({ rejected: expect.stringMatching(/^the batch worker failed: its script failed to load/) });
  });

  it('gives up on a messageerror too: the reply it carried is lost', async () => {
    const worker = new FakeWorker();
    const client = new RpcClient<TestMethods, never>(worker, { name: 'batch' });
    const a = client.call('double', 1);
    worker.dispatch({ type: 'messageerror', data: null });
    expect(await state(a)).toEqual({ rejected: 'the batch worker failed: a message from it could not be deserialized' });
    expect(await state(client.call('double', 2))).toEqual({ rejected: 'the batch worker failed: a message from it could not be deserialized' });
  });

  it('keeps the first cause when failed again (a restart after the worker died)', async () => {
    const worker = new FakeWorker();
    const client = new RpcClient<TestMethods, never>(worker, { name: 'ingest' });
    worker.dispatch({ type: 'error' });
    client.failAll(new Error('the ingest worker was restarted'));
    expect(await state(client.call('double', 1))).toEqual({ rejected: expect.stringMatching(/^the ingest worker failed: its script failed to load/) });
  });

  it('still answers through a fake port until then', async () => {
    const worker = new FakeWorker();
    const client = new RpcClient<TestMethods, never>(worker);
    const a = client.call('double', 5);
    const req = worker.posted[0] as { messageId: number };
    worker.dispatch({ type: 'message', data: { kind: 'response', requestId: req.messageId, ok: true, data: 10 } });
    expect(await state(a)).toEqual({ resolved: 10 });
  });
});
