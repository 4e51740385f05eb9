import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { EventLog } from '../../log/EventLog';
import { LogDb } from '../../log/LogDb';
import type { Column, ColumnBatch } from '../../protocol/schema';
import { SHOP_SCHEMA } from '../../protocol/shop';
import { shopBatch } from '../../testing/events';
import { expectTalliesEqual } from '../../testing/tallies';
import { compileView, type Tally } from '../../views/compileView';
import { DEFAULT_VIEWS } from '../../views/defaultViews';
import { FakeIngestWorld, until } from '../testing/fakeIngest';
import { IngestDispatcher } from './IngestDispatcher';
import type { IngestEvent } from './protocol';

let n = 0;
const URL = 'ws://127.0.0.1:1/stream';

async function start(opts: { dbName?: string; world?: FakeIngestWorld; role?: 'writer' | 'follower'; openLog?: (db: string) => EventLog } = {}) {
  const dbName = opts.dbName ?? `ingest-test-${n++}`;
  const world = opts.world ?? new FakeIngestWorld();
  const events: IngestEvent[] = [];
  const sockets = world.sockets.length;
  // Cloned as postMessage would: the speed layer's tallies are live objects that later appends change.
  const d = new IngestDispatcher((e) => events.push(structuredClone(e)), world.deps(opts.role, opts.openLog));
  await d.init({ dbName, url: URL, views: [...DEFAULT_VIEWS] });
  const last = () => [...events].reverse().find((e) => e.type === 'snapshot');
  // The writer connects once it has caught up with the log; every dispatcher sends a first snapshot.
  await until(() => (opts.role === 'follower' || world.sockets.length > sockets) && last() !== undefined, 5000, 'started');
  const snapshot = () => {
    const s = last();
    if (s?.type !== 'snapshot') throw new Error('no snapshot yet');
    return s;
  };
  return { d, dbName, world, events, snapshot, log: new EventLog(new LogDb(dbName)) };
}

/** The speed tally of a view over batches, computed here, independently of the dispatcher. */
function tallyOf(viewId: string, batches: ColumnBatch[]): Tally {
  const c = compileView(DEFAULT_VIEWS.find((v) => v.id === viewId)!, SHOP_SCHEMA);
  const t: Tally = new Map();
  for (const b of batches) c.add(t, b);
  return t;
}

function expectSpeed(actual: Tally | undefined, viewId: string, batches: ColumnBatch[]): void {
  const c = compileView(DEFAULT_VIEWS.find((v) => v.id === viewId)!, SHOP_SCHEMA);
  expectTalliesEqual(actual ?? new Map(), tallyOf(viewId, batches), viewId, { inexact: c.inexactParts, scale: 1e7 });
}

describe('IngestDispatcher', () => {
  it('acknowledges an offset only once the events before it are durable in the log', async () => {
    const order: string[] = [];
    class RecordingLog extends EventLog {
      override async append(...args: Parameters<EventLog['append']>) {
        const r = await super.append(...args);
        order.push(`durable ${r.nextOffset}`);
        return r;
      }
    }
    const { world, log, d } = await start({ openLog: (db) => new RecordingLog(new LogDb(db)) });
    const s = world.socket;
    const origSend = s.send.bind(s);
    s.send = (m) => {
      if (m.type === 'ack') order.push(`ack ${m.offset}`);
      origSend(m);
    };
    s.hello([{ id: 'shop', schema: SHOP_SCHEMA }]);
    await until(() => s.subscribes().length === 1, 5000, 'subscribe');
    s.events('shop', 0, shopBatch(100, 1));
    s.events('shop', 100, shopBatch(50, 2));
    expect(s.acks('shop')).toEqual([]); // held in a micro-batch, not yet durable
    await until(() => s.acks('shop').includes(150), 5000, 'ack 150');
    expect(order).toEqual(['durable 150', 'ack 150']);
    expect((await log.dataset('shop'))?.sources.shop).toBe(150);
    expect((await log.dataset('shop'))?.highWater).toBe(150);
    d.dispose();
  });

  it('a failed append is not acknowledged; the stream restarts and the replay lands once', async () => {
    let failNext = true;
    class FlakyLog extends EventLog {
      override async append(...args: Parameters<EventLog['append']>) {
        if (failNext) {
          failNext = false;
          throw new DOMException('quota', 'QuotaExceededError');
        }
        return super.append(...args);
      }
    }
    const { world, log, d, events } = await start({ openLog: (db) => new FlakyLog(new LogDb(db)) });
    const s = world.socket;
    s.hello([{ id: 'shop', schema: SHOP_SCHEMA }]);
    await until(() => s.subscribes().length === 1);
    const b = shopBatch(80, 3);
    s.events('shop', 0, b);
    await until(() => s.restarts.length === 1, 5000, 'restart');
    expect(s.acks('shop')).toEqual([]);
    expect(events.some((e) => e.type === 'error' && /could not append to the log: QuotaExceededError/.test(e.message))).toBe(true);
    // The server replays from the durable offset after the reconnect.
    s.start();
    s.hello([{ id: 'shop', schema: SHOP_SCHEMA }]);
    await until(() => s.subscribes().length === 2);
    expect(s.subscribes()[1]).toEqual({ stream: 'shop', fromOffset: 0 });
    s.events('shop', 0, b);
    await until(() => s.acks('shop').includes(80));
    expect((await log.dataset('shop'))?.highWater).toBe(80);
    d.dispose();
  });

  it('resumes from the durable offset after a reload and cuts the duplicates a replay brings', async () => {
    const first = await start();
    const batches = [shopBatch(120, 4), shopBatch(30, 5)];
    first.world.socket.hello([{ id: 'shop', schema: SHOP_SCHEMA }]);
    await until(() => first.world.socket.subscribes().length === 1);
    first.world.socket.events('shop', 0, batches[0]!);
    await until(() => first.world.socket.acks('shop').includes(120));
    first.d.dispose();

    // A reload: a new dispatcher over the same log.
    const second = await start({ dbName: first.dbName });
    const s = second.world.socket;
    s.hello([{ id: 'shop', schema: SHOP_SCHEMA, bufferedFrom: 0 }]);
    await until(() => s.subscribes().length === 1);
    expect(s.subscribes()[0]).toEqual({ stream: 'shop', fromOffset: 120 });
    // A server that replays too much: offsets 100..149, of which 100..119 are already in the log.
    const overlap = shopBatch(120, 4);
    const replay: ColumnBatch = {
      count: 50,
      ts: [...overlap.ts.slice(100), ...batches[1]!.ts],
      columns: Object.fromEntries(Object.keys(overlap.columns).map((k) => [k, [...overlap.columns[k]!.slice(100), ...batches[1]!.columns[k]!] as Column])),
    };
    s.events('shop', 100, replay);
    await until(() => s.acks('shop').includes(150));
    const ds = await second.log.dataset('shop');
    expect(ds?.highWater).toBe(150);
    await until(() => second.snapshot().status.duplicates === 20, 5000, 'duplicates in status');
    expect(second.snapshot().status.appended).toBe(30);
    // The speed layer started past the reloaded log: it holds exactly the 30 new events.
    expectSpeed(second.snapshot().speed.views.totals, 'totals', [batches[1]!]);
    expect(second.snapshot().speed.datasets.shop).toMatchObject({ baseW: 120, lastSeq: 150, events: 30 });
    second.d.dispose();
  });

  it('its speed snapshots are exact, and a hand-over drops exactly the events up to W', async () => {
    const { world, d, snapshot } = await start();
    const s = world.socket;
    s.hello([{ id: 'shop', schema: SHOP_SCHEMA }]);
    await until(() => s.subscribes().length === 1);
    const batches = [shopBatch(200, 6), shopBatch(100, 7), shopBatch(17_000, 8)];
    let offset = 0;
    for (const b of batches) {
      s.events('shop', offset, b);
      offset += b.count;
      await until(() => s.acks('shop').includes(offset));
    }
    await until(() => snapshot().speed.datasets.shop?.lastSeq === offset, 5000, 'snapshot of everything');
    for (const v of DEFAULT_VIEWS) expectSpeed(snapshot().speed.views[v.id], v.id, batches);
    // Batch now covers the first two appends (seq 1..300): the speed layer hands exactly those over.
    const h = await d.dropUpTo({ dataset: 'shop', w: 300 });
    expect(h).toMatchObject({ fromSeq: 0, events: 300 });
    expectSpeed(h.handedOver.totals, 'totals', batches.slice(0, 2));
    await until(() => snapshot().speed.datasets.shop?.baseW === 300, 5000, 'snapshot after hand-over');
    expectSpeed(snapshot().speed.views['by-country'], 'by-country', batches.slice(2));
    d.dispose();
  });

  it('rejects invalid events and unreadable messages without losing their neighbours, and says so', async () => {
    const { world, d, log, snapshot, events } = await start();
    const s = world.socket;
    s.hello([{ id: 'shop', schema: SHOP_SCHEMA }]);
    await until(() => s.subscribes().length === 1);
    const good = shopBatch(10, 9);
    const bad = shopBatch(10, 9);
    (bad.columns.amount as unknown[])[3] = 'twelve';
    s.events('shop', 0, bad);
    s.unreadable('message is not JSON', '{"type":"events","stream":"shop","offset":10,"batch":{');
    s.events('shop', 25, good);
    await until(() => s.acks('shop').includes(35));
    const ds = await log.dataset('shop');
    expect(ds?.highWater).toBe(19);
    expect(ds?.rejected?.shop).toBe(1 + 15);
    await until(() => snapshot().status.streams.shop?.rejectedEvents === 16, 5000, 'rejected in status');
    const errors = events.filter((e) => e.type === 'error').map((e) => (e.type === 'error' ? e.message : ''));
    expect(errors.some((m) => /1 invalid event\(s\) rejected.*"amount" must be a number/.test(m))).toBe(true);
    expect(errors.some((m) => /unreadable message from the server \(stream shop, offset 10\)/.test(m))).toBe(true);
    d.dispose();
  });

  it('refuses a stream whose id every object has as a member, and reads the others', async () => {
    const { world, d, log, events } = await start();
    const s = world.socket;
    s.hello([
      { id: '__proto__', schema: SHOP_SCHEMA },
      { id: 'toString', schema: SHOP_SCHEMA },
      { id: 'shop', schema: SHOP_SCHEMA },
    ]);
    await until(() => s.subscribes().length === 1);
    expect(s.subscribes()).toEqual([{ stream: 'shop', fromOffset: 0 }]);
    const errors = events.flatMap((e) => (e.type === 'error' ? [e.message] : []));
    expect(errors.filter((m) => /reserved.*not subscribing/.test(m))).toHaveLength(2);
    s.events('shop', 0, shopBatch(10, 12));
    await until(() => s.acks('shop').includes(10));
    expect((await log.datasets()).map((ds) => ds.id)).toEqual(['shop']);
    d.dispose();
  });

  it('after dispose() a writer lock granted late opens no stream', async () => {
    const world = new FakeIngestWorld();
    let grant: (() => Promise<void>) | null = null;
    const deps = { ...world.deps(), claimWriter: (_ws: string, becomeWriter: () => Promise<void>) => void (grant = becomeWriter) };
    const d = new IngestDispatcher(() => undefined, deps);
    await d.init({ dbName: `ingest-test-${n++}`, url: URL, views: [...DEFAULT_VIEWS] });
    d.dispose();
    await grant!();
    expect(world.sockets).toHaveLength(0);
  });

  it('a follower tab tallies what the writer appends, exactly, and hands over like the writer', async () => {
    const world = new FakeIngestWorld();
    const writer = await start({ world });
    const follower = await start({ world, dbName: writer.dbName, role: 'follower' });
    expect(world.sockets).toHaveLength(1); // only the writer reads the stream
    await until(() => follower.snapshot().status.connection === 'elsewhere');
    const s = world.sockets[0]!;
    s.hello([{ id: 'shop', schema: SHOP_SCHEMA }]);
    await until(() => s.subscribes().length === 1);
    const batches = [shopBatch(300, 10), shopBatch(250, 11)];
    s.events('shop', 0, batches[0]!);
    await until(() => s.acks('shop').includes(300));
    s.events('shop', 300, batches[1]!);
    await until(() => s.acks('shop').includes(550));
    await until(() => follower.snapshot().speed.datasets.shop?.lastSeq === 550, 5000, 'follower caught up');
    for (const v of DEFAULT_VIEWS) expectSpeed(follower.snapshot().speed.views[v.id], v.id, batches);
    expect(follower.snapshot().status.datasets.shop?.highWater).toBe(550);
    const h = await follower.d.dropUpTo({ dataset: 'shop', w: 300 });
    expect(h.events).toBe(300);
    expectSpeed(h.handedOver.totals, 'totals', batches.slice(0, 1));
    writer.d.dispose();
    follower.d.dispose();
  });
});
