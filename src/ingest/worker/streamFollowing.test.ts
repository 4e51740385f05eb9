/**
 * The ingest worker and many streams: each into its own dataset, subscribed, paused and stopped one
 * at a time; a schema that widens on the server widens the dataset; an incompatible one is refused;
 * a range the server refused is recorded as rejected, nothing lost or doubled.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { EventLog } from '../../log/EventLog';
import { LogDb } from '../../log/LogDb';
import { decodeSegment } from '../../log/segmentCodec';
import type { DatasetSchema } from '../../protocol/schema';
import { PROTOCOL_VERSION } from '../../protocol/stream';
import { FakeIngestWorld, until } from '../testing/fakeIngest';
import { IngestDispatcher } from './IngestDispatcher';
import type { FollowState, IngestEvent } from './protocol';

const CLICKS: DatasetSchema = {
  fields: [
    { name: 'page', type: 'text' },
    { name: 'ms', type: 'integer' },
  ],
};
const TEMPS: DatasetSchema = { fields: [{ name: 'celsius', type: 'float' }] };
let n = 0;

async function start(follow: Record<string, FollowState> = {}, only: string[] | null = null) {
  const dbName = `follow-test-${n++}`;
  const world = new FakeIngestWorld();
  const events: IngestEvent[] = [];
  const d = new IngestDispatcher((e) => events.push(structuredClone(e)), world.deps());
  await d.init({ dbName, url: 'ws://127.0.0.1:1/stream', views: [], follow, only });
  await until(() => world.sockets.length > 0, 5000, 'connected');
  const socket = world.sockets[0]!;
  const log = new EventLog(new LogDb(dbName));
  const rows = async (id: string) => (await log.dataset(id))?.highWater ?? 0;
  const messages = () => events.flatMap((e) => (e.type === 'info' || e.type === 'error' ? [e.message] : []));
  return { d, socket, log, rows, messages };
}

const clicks = (k: number, from = 0) => ({
  count: k,
  ts: Array.from({ length: k }, (_, i) => 1000 + from + i),
  columns: { page: Array.from({ length: k }, (_, i) => `/${from + i}`), ms: Array.from({ length: k }, (_, i) => from + i) },
});
const temps = (k: number) => ({ count: k, ts: Array.from({ length: k }, (_, i) => 5000 + i), columns: { celsius: Array.from({ length: k }, (_, i) => i / 2) } });

describe('many streams', () => {
  it('reads each offered stream into its own dataset, or only those the URL names', async () => {
    const a = await start();
    a.socket.hello([
      { id: 'clicks', schema: CLICKS },
      { id: 'temps', schema: TEMPS },
    ]);
    await until(() => a.socket.subscribes().length === 2);
    a.socket.events('clicks', 0, clicks(3));
    a.socket.events('temps', 0, temps(2));
    await until(async () => (await a.rows('clicks')) === 3 && (await a.rows('temps')) === 2);
    a.d.dispose();

    const b = await start({}, ['temps']);
    b.socket.hello([
      { id: 'clicks', schema: CLICKS },
      { id: 'temps', schema: TEMPS },
    ]);
    await until(() => b.socket.subscribes().length === 1);
    expect(b.socket.subscribes()).toEqual([{ stream: 'temps', fromOffset: 0 }]);
    expect(await b.log.dataset('clicks')).toBeUndefined();
    b.d.dispose();
  });

  it('pauses one stream and resumes it where its log ends, the other going on', async () => {
    const t = await start();
    t.socket.hello([
      { id: 'clicks', schema: CLICKS },
      { id: 'temps', schema: TEMPS },
    ]);
    await until(() => t.socket.subscribes().length === 2);
    t.socket.events('clicks', 0, clicks(4));
    await until(async () => (await t.rows('clicks')) === 4);
    t.d.setFollow({ stream: 'clicks', state: 'paused' });
    expect(t.socket.sent.at(-1)).toEqual({ type: 'unsubscribe', stream: 'clicks' });
    t.socket.events('temps', 0, temps(2));
    await until(async () => (await t.rows('temps')) === 2);
    t.d.setFollow({ stream: 'clicks', state: 'on' });
    await until(() => t.socket.subscribes().length === 3);
    expect(t.socket.subscribes().at(-1)).toEqual({ stream: 'clicks', fromOffset: 4 });
    // A replay overlapping what the log holds is not counted twice.
    t.socket.events('clicks', 2, clicks(4, 2));
    await until(async () => (await t.rows('clicks')) === 6);
    t.d.dispose();
  });

  it('widens a dataset when its stream gains a field, old events reading NULL; refuses a changed type', async () => {
    const t = await start();
    t.socket.hello([{ id: 'clicks', schema: CLICKS }]);
    await until(() => t.socket.subscribes().length === 1);
    t.socket.events('clicks', 0, clicks(2));
    await until(async () => (await t.rows('clicks')) === 2);
    const wider: DatasetSchema = { fields: [...CLICKS.fields, { name: 'browser', type: 'text' }] };
    t.socket.deliver({ type: 'streams', streams: [{ id: 'clicks', schema: wider, nextOffset: 2, bufferedFrom: 0 }] });
    t.socket.events('clicks', 2, { ...clicks(1, 2), columns: { ...clicks(1, 2).columns, browser: ['lynx'] } });
    await until(async () => (await t.rows('clicks')) === 3);
    expect((await t.log.dataset('clicks'))!.schema).toEqual(wider);
    expect(t.messages()).toContain('stream clicks gained the field browser; earlier events read it as empty (NULL)');
    const browser: unknown[] = [];
    for await (const page of t.log.segmentPages('clicks', 3)) for (const s of page) browser.push(...decodeSegment(wider, s.bytes).batch.columns.browser!);
    expect(browser).toEqual([null, null, 'lynx']);

    t.socket.deliver({ type: 'streams', streams: [{ id: 'clicks', schema: { fields: [{ name: 'page', type: 'integer' }, ...wider.fields.slice(1)] }, nextOffset: 3, bufferedFrom: 0 }] });
    await until(() => t.messages().some((m) => m.includes('changed its schema in a way its dataset cannot follow')));
    expect(t.socket.sent.at(-1)).toEqual({ type: 'unsubscribe', stream: 'clicks' });
    expect((await t.log.dataset('clicks'))!.schema).toEqual(wider);
    t.d.dispose();
  });

  it('records a range the server refused as rejected and acknowledges past it', async () => {
    const t = await start();
    t.socket.hello([{ id: 'clicks', schema: CLICKS }]);
    await until(() => t.socket.subscribes().length === 1);
    t.socket.events('clicks', 0, clicks(2));
    t.socket.deliver({ type: 'gap', stream: 'clicks', requested: 2, resumeAt: 5, kind: 'rejected', reason: 'not valid JSON' });
    t.socket.events('clicks', 5, clicks(1, 5));
    await until(async () => (await t.rows('clicks')) === 3);
    await until(() => t.socket.acks('clicks').includes(6));
    const ds = await t.log.dataset('clicks');
    expect(ds!.sources.clicks).toBe(6);
    expect(ds!.rejected?.clicks).toBe(3);
    expect(t.messages().some((m) => m.includes('offsets 2..4: 3 message(s) refused by the server'))).toBe(true);
    expect(PROTOCOL_VERSION).toBe(3);
    t.d.dispose();
  });

  it('a stream that started its offsets over (a new epoch) is read from its new start, not taken for duplicates', async () => {
    const t = await start();
    const hello = (epoch: string) => t.socket.deliver({ type: 'hello', protocolVersion: PROTOCOL_VERSION, streams: [{ id: 'clicks', schema: CLICKS, nextOffset: 0, bufferedFrom: 0, epoch }] });
    hello('e1');
    await until(() => t.socket.subscribes().length === 1);
    t.socket.events('clicks', 0, clicks(5));
    await until(async () => (await t.rows('clicks')) === 5);
    // The server restarts without its data: offsets from 0 again, under another epoch.
    t.socket.restart('server gone');
    t.socket.start();
    hello('e2');
    await until(() => t.socket.subscribes().length === 2);
    expect(t.socket.subscribes()[1]).toEqual({ stream: 'clicks', fromOffset: 0 });
    t.socket.events('clicks', 0, clicks(3, 100));
    await until(async () => (await t.rows('clicks')) === 8);
    expect(t.messages().some((m) => m.includes("the server's stream clicks started its offsets over"))).toBe(true);
    // The same epoch again (a reconnect): the log's position holds.
    t.socket.restart('blip');
    t.socket.start();
    hello('e2');
    await until(() => t.socket.subscribes().length === 3);
    expect(t.socket.subscribes()[2]).toEqual({ stream: 'clicks', fromOffset: 3 });
    t.d.dispose();
  });
});
