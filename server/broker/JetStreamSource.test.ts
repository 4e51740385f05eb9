import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerUnavailableError, type SourceDelivery } from './BrokerSource';
import { JetStreamSource, type JetStreamSourceOptions, jetStreamNames } from './JetStreamSource';
import { findNatsServer, type NatsServer, startNatsServer } from './natsServer';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const events = (from: number, count: number): Uint8Array[] => Array.from({ length: count }, (_, i) => encoder.encode(JSON.stringify({ n: from + i })));
const texts = (from: number, count: number): string[] => events(from, count).map((p) => decoder.decode(p));

/** What a source delivered, checked as it arrives: each delivery starts where the last one ended, no offset twice. */
class Received {
  readonly deliveries: SourceDelivery[] = [];
  /** Payload text per offset; null for an offset reported missing. */
  readonly byOffset = new Map<number, string | null>();
  readonly problems: string[] = [];
  #next: number | null = null;

  readonly deliver = (d: SourceDelivery): void => {
    this.deliveries.push(d);
    if (this.#next !== null && d.offset !== this.#next) this.problems.push(`delivery at ${d.offset}, expected ${this.#next}`);
    const count = d.kind === 'messages' ? d.payloads.length : d.count;
    for (let i = 0; i < count; i++) {
      if (this.byOffset.has(d.offset + i)) this.problems.push(`offset ${d.offset + i} delivered twice`);
      this.byOffset.set(d.offset + i, d.kind === 'messages' ? decoder.decode(d.payloads[i]) : null);
    }
    this.#next = d.offset + count;
  };

  texts(): (string | null)[] {
    return [...this.byOffset.values()];
  }
}

async function waitFor(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await sleep(20);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

let streams = 0;
function options(server: NatsServer, log: string[] = []): JetStreamSourceOptions {
  return { servers: server.url, ...jetStreamNames(`test.s_${++streams}`), log: (line) => log.push(line) };
}

describe('jetStreamNames', () => {
  // A left inverse of the mapping: since one exists, no two ids can share names.
  const decode = (token: string): string => token.replace(/_(.)/g, (_, c: string) => (c === '_' ? '_' : c === 'd' ? '.' : `<bad escape ${c}>`));

  it('gives every id valid names of its own', () => {
    const ids = ['a', 'a.b', 'a_b', 'a_.b', 'a._b', 'a__b', 'a_d', 'a.d', 'a..b', 'a.', '_', '__', '_d', 'A-b', 'x_dy', 'x.dy', 'x_ddy'];
    let seed = 7;
    const random = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const alphabet = 'ad_.-9';
    for (let i = 0; i < 5000; i++) ids.push(`_${Array.from({ length: 1 + random(6) }, () => alphabet[random(alphabet.length)]).join('')}`);

    const owner = new Map<string, string>();
    for (const id of ids) {
      const { stream, subject } = jetStreamNames(id);
      expect(stream).toMatch(/^LW_[A-Za-z0-9_-]+$/);
      expect(subject).toMatch(/^lw\.[A-Za-z0-9_-]+$/);
      expect(decode(stream.slice('LW_'.length))).toBe(id);
      expect(decode(subject.slice('lw.'.length))).toBe(id);
      expect(owner.get(stream) ?? id).toBe(id);
      owner.set(stream, id);
    }
  });
});

const noServer = findNatsServer() === null;
const skipped = noServer ? ' (SKIPPED: no nats-server binary on this machine; install the Debian package nats-server)' : '';

describe.skipIf(noServer)(`JetStreamSource against a real nats-server${skipped}`, () => {
  let server: NatsServer;
  beforeAll(async () => {
    server = await startNatsServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('assigns dense offsets from 0 and delivers them in order, from 0 or from the middle', async () => {
    const opts = options(server);
    const source = new JetStreamSource(opts);
    expect(source.kind).toBe('nats-jetstream');
    try {
      expect(await source.publish(events(0, 3))).toEqual({ first: 0, last: 2 });
      expect(await source.publish(events(3, 5))).toEqual({ first: 3, last: 7 });
      expect(await source.publish(events(8, 2))).toEqual({ first: 8, last: 9 });
      expect(source.status()).toEqual({ up: true, detail: null, nextOffset: 10 });

      const all = new Received();
      await source.open(0, all.deliver);
      await waitFor('10 events', () => all.byOffset.size === 10);
      expect(all.texts()).toEqual(texts(0, 10));
      // Published while reading: still in order, once each, in few deliveries.
      const [a, b] = await Promise.all([source.publish(events(10, 3000)), source.publish(events(3010, 3000))]);
      expect([a, b]).toEqual([
        { first: 10, last: 3009 },
        { first: 3010, last: 6009 },
      ]);
      await waitFor('6010 events', () => all.byOffset.size === 6010);
      expect(all.texts()).toEqual(texts(0, 6010));
      expect(all.problems).toEqual([]);
      expect(all.deliveries.every((d) => d.kind === 'messages' && d.payloads.length <= 5000)).toBe(true);
      expect(all.deliveries.length).toBeLessThan(300);
      expect(source.status().nextOffset).toBe(6010);
    } finally {
      await source.close();
      await source.close();
    }
    expect(source.status().up).toBe(false);

    const middle = new Received();
    const again = new JetStreamSource(opts);
    try {
      await again.open(6, middle.deliver);
      await waitFor('events from offset 6', () => middle.byOffset.size === 6004);
      expect(middle.deliveries[0]?.offset).toBe(6);
      expect(middle.texts()).toEqual(texts(6, 6004));
      expect(middle.problems).toEqual([]);
    } finally {
      await again.close();
    }
  });

  it('stores a batch resent with the same key only once', async () => {
    const opts = options(server);
    const source = new JetStreamSource(opts);
    const nc = await connect({ servers: server.url });
    try {
      const once = await source.publish(events(0, 3), 'batch-1');
      expect(await source.publish(events(0, 3), 'batch-1')).toEqual(once);
      expect(await source.publish(events(3, 1), 'batch-2')).toEqual({ first: 3, last: 3 });
      expect((await (await jetstreamManager(nc)).streams.info(opts.stream)).state.messages).toBe(4);

      const received = new Received();
      await source.open(0, received.deliver);
      await waitFor('4 events', () => received.byOffset.size === 4);
      await sleep(100);
      expect(received.texts()).toEqual(texts(0, 4));
      expect(received.problems).toEqual([]);
      await expect(source.publish([])).rejects.toThrow(/at least one/);
    } finally {
      await source.close();
      await nc.close();
    }
  });

  it('delivers deleted and purged offsets as missing', async () => {
    const opts = options(server);
    const source = new JetStreamSource(opts);
    const nc = await connect({ servers: server.url });
    try {
      await source.publish(events(0, 10));
      const jsm = await jetstreamManager(nc);
      await jsm.streams.purge(opts.stream, { seq: 3 }); // offsets 0 and 1
      await jsm.streams.deleteMessage(opts.stream, 5); // offset 4
      const received = new Received();
      await source.open(0, received.deliver);
      await waitFor('10 offsets', () => received.byOffset.size === 10);
      expect(received.deliveries.filter((d) => d.kind === 'missing')).toEqual([
        { kind: 'missing', offset: 0, count: 2 },
        { kind: 'missing', offset: 4, count: 1 },
      ]);
      expect(received.texts()).toEqual(texts(0, 10).map((t, i) => (i < 2 || i === 4 ? null : t)));

      // Everything purged, then new events: the hole is reported first.
      await jsm.streams.purge(opts.stream);
      const late = new Received();
      const reader = new JetStreamSource(opts);
      await reader.open(3, late.deliver);
      await waitFor('the purged range', () => late.byOffset.size === 7);
      await source.publish(events(10, 2));
      await waitFor('2 new events', () => late.byOffset.size === 9);
      await reader.close();
      expect(late.deliveries[0]).toEqual({ kind: 'missing', offset: 3, count: 7 });
      expect(late.texts().slice(7)).toEqual(texts(10, 2));
      expect([...received.problems, ...late.problems]).toEqual([]);
    } finally {
      await source.close();
      await nc.close();
    }
  });

  it('rejects open naming the URL when no broker is there', async () => {
    const down = await startNatsServer();
    const url = down.url;
    await down.stop();
    const source = new JetStreamSource({ servers: url, stream: 'LW_nowhere', subject: 'lw.nowhere' });
    const started = Date.now();
    await expect(source.open(0, () => {})).rejects.toThrow(url);
    expect(Date.now() - started).toBeLessThan(8_000);
    await expect(source.publish(events(0, 1))).rejects.toBeInstanceOf(BrokerUnavailableError);
    await source.close();
  });
});

describe.skipIf(noServer)(`JetStreamSource across a broker crash${skipped}`, () => {
  let server: NatsServer;
  beforeAll(async () => {
    server = await startNatsServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('delivers every offset exactly once, in order, across SIGKILL and restart', async () => {
    const log: string[] = [];
    const source = new JetStreamSource(options(server, log));
    const received = new Received();
    try {
      expect(await source.publish(events(0, 20_000), 'before')).toEqual({ first: 0, last: 19_999 });
      await source.open(0, received.deliver);
      expect(await source.publish(events(20_000, 200), 'while reading')).toEqual({ first: 20_000, last: 20_199 });
      // Killed while it is still reading, as far as the timing allows.
      await server.kill();
      await waitFor('the source to notice', () => !source.status().up, 5_000);
      expect(source.status().detail).toMatch(/NATS at nats:\/\/127\.0\.0\.1:\d+ unreachable since \d\d:\d\d:\d\d; reconnecting/);
      const started = Date.now();
      const down = await source.publish(events(20_200, 10)).catch((err: unknown) => err);
      expect(down).toBeInstanceOf(BrokerUnavailableError);
      expect((down as BrokerUnavailableError).stored).toBe(0);
      expect(Date.now() - started).toBeLessThan(5_000);

      await server.restart();
      await waitFor('the source to reconnect', () => source.status().up);
      expect(source.status().detail).toBeNull();
      // A resend after a reconnect may meet a broker still settling: retry like a producer would.
      let stored: { first: number; last: number } | null = null;
      const deadline = Date.now() + 15_000;
      while (stored === null) {
        stored = await source.publish(events(20_200, 500), 'after').catch((err: unknown) => {
          if (!(err instanceof BrokerUnavailableError) || Date.now() > deadline) throw err;
          return null;
        });
      }
      expect(stored).toEqual({ first: 20_200, last: 20_699 });
      await waitFor('events after the restart', () => received.byOffset.size === 20_700);
      await sleep(200);
      expect(received.byOffset.size).toBe(20_700);
      expect(received.texts()).toEqual(texts(0, 20_700));
      expect(received.problems).toEqual([]);
      expect(source.status().nextOffset).toBe(20_700);
    } finally {
      await source.close();
    }
    expect(log.some((line) => line.includes('reconnected'))).toBe(true);
  }, 45_000);

  it('rejects a publish while the broker is down within 5 s', async () => {
    const source = new JetStreamSource(options(server));
    try {
      await source.publish(events(0, 1));
      await server.kill();
      // Right after the crash: the source may not know yet, so this exercises the ack timeout too.
      const started = Date.now();
      const err = await source.publish(events(1, 20)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BrokerUnavailableError);
      expect((err as Error).message).toContain(server.url);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await source.close();
      await server.restart();
    }
  });
});
