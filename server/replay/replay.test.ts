import { Int64, Table, TimestampMicrosecond, Utf8, vectorFromArray } from 'apache-arrow';
import { afterEach, describe, expect, it } from 'vitest';
import type { FieldDef } from '../../src/protocol/schema';
import { Replay, type ReplayIo, type ReplayOptions } from './replay';
import { type FakeServer, type FakeServerOptions, startFakeServer } from './testing/fakeServer';
import { writeParquetFile } from './testing/parquetFile';
import { tempDir } from './testing/tempFiles';

const dir = tempDir();
const NOW = Date.UTC(2026, 5, 1, 12);

let server: FakeServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function start(opts: FakeServerOptions = {}): Promise<FakeServer> {
  server = await startFakeServer(opts);
  return server;
}

async function replay(s: FakeServer, file: string, over: Partial<ReplayOptions> = {}, io: Partial<ReplayIo> = {}) {
  const log: string[] = [];
  const run = new Replay({ file, stream: 'trips', rate: 100_000, server: s.url, shift: false, loop: false, timeZone: 'UTC', ...over }, { log: (l) => log.push(l), now: () => NOW, ...io });
  let error: string | null = null;
  try {
    await run.run();
  } catch (e) {
    error = (e as Error).message;
  }
  const events = s.posts().flat();
  return { run, log, error, events, posts: s.posts() };
}

const CSV = ['time,Station,temp,seq,note', '2026-01-01 00:00:00,Oslo,-3.5,1,', '2026-01-01 00:10:00,Rome,12,2,"mild, dry"', '2026-01-01 00:20:00,Oslo,-4,3,'].join('\n');

describe('replay', () => {
  it('declares a stream from a CSV file and sends every row as an event', async () => {
    const s = await start();
    const file = dir.write('w.csv', `${CSV}\n`);
    const { run, log, error, events } = await replay(s, file, { timeZone: 'Europe/Oslo' });
    expect(error).toBeNull();
    const fields: FieldDef[] = [
      { name: 'Station', type: 'text' },
      { name: 'temp', type: 'float' },
      { name: 'seq_', type: 'integer' },
      { name: 'note', type: 'text' },
    ];
    const put = s.requests.find((r) => r.method === 'PUT')!;
    expect(put.path).toBe('/api/streams/trips');
    expect(JSON.parse(put.body)).toEqual({ fields, timeZone: 'Europe/Oslo' });
    expect(events).toEqual([
      { ts: Date.UTC(2025, 11, 31, 23, 0), Station: 'Oslo', temp: -3.5, seq_: 1, note: null },
      { ts: Date.UTC(2025, 11, 31, 23, 10), Station: 'Rome', temp: 12, seq_: 2, note: 'mild, dry' },
      { ts: Date.UTC(2025, 11, 31, 23, 20), Station: 'Oslo', temp: -4, seq_: 3, note: null },
    ]);
    expect(log).toEqual([
      'column "seq" is sent as the field "seq_" (seq is the log\'s own)',
      'Declared the stream "trips": Station text, temp float, seq_ integer, note text',
      `Replaying ${file} into "trips" at 100,000 events/s; event time from column "time", times without an offset read in Europe/Oslo`,
    ]);
    expect([run.sent, run.firstOffset, run.lastOffset, run.stopped]).toEqual([3, 0, 2, 'end of file']);
    expect(run.summary()).toMatch(/^Sent 3 events to "trips" \(offsets 0\.\.2\) in \d+\.\d s$/);
  });

  it('maps columns onto a declared stream ignoring case; a field the file lacks is null', async () => {
    const fields: FieldDef[] = [
      { name: 'station', type: 'text' },
      { name: 'Temp', type: 'integer' },
      { name: 'seq_', type: 'float' },
      { name: 'note', type: 'text' },
      { name: 'time', type: 'timestamp' },
      { name: 'wind', type: 'float' },
    ];
    const s = await start({ streams: [{ id: 'trips', fields, timeZone: 'UTC' }] });
    const file = dir.write('d.csv', `${CSV.replace('-3.5', '-3')}\n`);
    const { log, error, events } = await replay(s, file);
    expect(error).toBeNull();
    expect(s.requests.some((r) => r.method === 'PUT')).toBe(false);
    expect(log[0]).toBe(`${file} has no column for the field wind: sent as null`);
    expect(events[0]).toEqual({ ts: Date.UTC(2026, 0, 1), station: 'Oslo', Temp: -3, seq_: 1, note: null, time: Date.UTC(2026, 0, 1), wind: null });
    expect(events.length).toBe(3);
  });

  it('refuses a column the declared stream lacks before sending anything', async () => {
    const s = await start({ streams: [{ id: 'trips', fields: [{ name: 'station', type: 'text' }] }] });
    const { error } = await replay(s, dir.write('x.csv', `${CSV}\n`));
    expect(error).toBe(`${dir.path('x.csv')} has the column "temp", which the stream "trips" does not have (its fields: station)`);
    expect(s.requests.map((r) => r.method)).toEqual(['GET']);
  });

  it('stops at a value that does not convert, before its batch is sent, naming the line', async () => {
    const s = await start();
    // The schema is guessed from the first chunk of 1000 rows; batches are 1000 events at 10,000/s.
    const rows = Array.from({ length: 2025 }, (_, i) => `${1_764_000_000 + i},${i === 2024 ? 'n/a' : i}`);
    const { run, error, events } = await replay(s, dir.write('bad.csv', `ts,n\n${rows.join('\n')}\n`), { rate: 10_000 }, { sampleRows: 10 });
    expect(error).toBe(
      `${dir.path('bad.csv')}, line 2026: column "n": "n/a" is not an integer (the field's type was guessed from the first rows; declare the stream yourself with PUT /api/streams/trips to choose another)`,
    );
    // Whole batches before the bad one (a batch may be larger when catching up), none of the bad one.
    expect(run.sent).toBeGreaterThanOrEqual(1000);
    expect(run.sent).toBeLessThanOrEqual(2024);
    expect(events.map((e) => e.n)).toEqual(Array.from({ length: run.sent }, (_, i) => i));
  });

  it("maps the server's refusal back to the file line", async () => {
    const s = await start({ intercept: (req) => (req.method === 'POST' ? { status: 422, body: { accepted: 0, errors: [{ line: 2, error: 'ts is too old' }] } } : undefined) });
    const { error } = await replay(s, dir.write('r.csv', `${CSV}\n`));
    expect(error).toBe(`the server refused ${dir.path('r.csv')}, line 3 (422): ts is too old (sent as 2026-01-01T00:10:00.000Z)`);
  });

  it('paces batches at the rate, a tenth of a second each', async () => {
    const s = await start();
    const rows = Array.from({ length: 300 }, (_, i) => `${i}`);
    const { run, error, posts } = await replay(s, dir.write('p.csv', `n\n${rows.join('\n')}\n`), { rate: 1000 });
    expect(error).toBeNull();
    expect(posts.map((p) => p.length)).toEqual([100, 100, 100]);
    // Batches go at 0, 100 and 200 ms at the earliest (a busy machine may add any amount: no upper bound).
    expect(run.elapsedMs).toBeGreaterThanOrEqual(190);
  });

  it('loops with --shift: each pass starts now again; --limit ends it', async () => {
    const s = await start();
    let now = NOW;
    const { run, events } = await replay(s, dir.write('l.csv', `${CSV}\n`), { loop: true, shift: true, limit: 7 }, { now: () => (now += 1000) });
    const times = events.map((e) => e.ts as number);
    // One batch per pass here (the rate is high): its first event is stamped at the moment it is made.
    expect(times).toEqual([NOW + 1000, NOW + 1000 + 600_000, NOW + 1000 + 1_200_000, NOW + 2000, NOW + 2000 + 600_000, NOW + 2000 + 1_200_000, NOW + 3000]);
    expect(events.map((e) => e.Station)).toEqual(['Oslo', 'Rome', 'Oslo', 'Oslo', 'Rome', 'Oslo', 'Oslo']);
    expect(run.stopped).toBe('limit');
    expect(run.summary()).toMatch(/; stopped at --limit 7$/);
  });

  it('stamps events with the moment they are sent when there is no time column', async () => {
    const s = await start();
    const { events } = await replay(s, dir.write('n.csv', 'a,b\n1,x\n2,y\n'));
    expect(events).toEqual([
      { ts: NOW, a: 1, b: 'x' },
      { ts: NOW, a: 2, b: 'y' },
    ]);
  });

  it('stops after the batch in flight on Ctrl+C', async () => {
    const stop = new AbortController();
    const s = await start({
      intercept: (req) => {
        if (req.method === 'POST') stop.abort();
        return undefined;
      },
    });
    const rows = Array.from({ length: 50 }, (_, i) => `${i}`);
    const { run, posts } = await replay(s, dir.write('c.csv', `n\n${rows.join('\n')}\n`), { rate: 100 }, { signal: stop.signal });
    expect(posts.map((p) => p.length)).toEqual([10]);
    expect(run.stopped).toBe('interrupted');
    expect(run.summary()).toMatch(/; stopped by Ctrl\+C$/);
  });

  it('splits a batch over the body limit into several requests', async () => {
    const s = await start();
    const rows = Array.from({ length: 40 }, (_, i) => `${i},${'x'.repeat(20)}`);
    const { run, events, posts } = await replay(s, dir.write('big.csv', `n,s\n${rows.join('\n')}\n`), {}, { maxBodyBytes: 400 });
    expect(posts.length).toBeGreaterThan(4);
    for (const p of posts) expect(Buffer.byteLength(JSON.stringify(p))).toBeLessThanOrEqual(400);
    expect(events.map((e) => e.n)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect([run.firstOffset, run.lastOffset]).toEqual([0, 39]);
  });

  it('replays Parquet: types from the file, a zoned timestamp as the event time', async () => {
    const s = await start();
    const n = 5;
    const file = dir.path('t.parquet');
    writeParquetFile(
      file,
      new Table({
        ts: vectorFromArray(
          Array.from({ length: n }, (_, i) => Date.UTC(2026, 0, 1, i)),
          new TimestampMicrosecond('UTC'),
        ),
        carrier: vectorFromArray(['AA', 'DL', null, 'UA', 'AA'], new Utf8()),
        delay: vectorFromArray([5n, -2n, 0n, null, 9007199254740991n], new Int64()),
      }),
      2,
    );
    const { error, events } = await replay(s, file);
    expect(error).toBeNull();
    expect(JSON.parse(s.requests.find((r) => r.method === 'PUT')!.body).fields).toEqual([
      { name: 'carrier', type: 'text' },
      { name: 'delay', type: 'integer' },
    ]);
    expect(events).toEqual([
      { ts: Date.UTC(2026, 0, 1, 0), carrier: 'AA', delay: 5 },
      { ts: Date.UTC(2026, 0, 1, 1), carrier: 'DL', delay: -2 },
      { ts: Date.UTC(2026, 0, 1, 2), carrier: null, delay: 0 },
      { ts: Date.UTC(2026, 0, 1, 3), carrier: 'UA', delay: null },
      { ts: Date.UTC(2026, 0, 1, 4), carrier: 'AA', delay: 9007199254740991 },
    ]);
  });

  it('refuses a Parquet integer beyond 2^53, naming its row', async () => {
    const s = await start();
    const file = dir.path('big.parquet');
    writeParquetFile(file, new Table({ id: vectorFromArray([1n, 2n ** 60n], new Int64()) }));
    const { error, events } = await replay(s, file);
    expect(error).toBe(
      `${file}, row 2: column "id": 1152921504606846976 is beyond ±(2^53-1), the largest integer a stream holds exactly (the field's type was guessed from the first rows; declare the stream yourself with PUT /api/streams/trips to choose another)`,
    );
    expect(events).toEqual([]);
  });

  it('refuses an NDJSON key first seen after the sample, naming the line', async () => {
    const s = await start();
    // The sample is read in chunks of 1000 lines: the key comes in the second.
    const lines = Array.from({ length: 1500 }, (_, i) => JSON.stringify({ ts: 1_764_000_000 + i, a: i, ...(i === 1199 ? { b: true } : {}) }));
    const { error, events } = await replay(s, dir.write('late.ndjson', `${lines.join('\n')}\n`), { rate: 10_000 }, { sampleRows: 2 });
    expect(error).toBe(`${dir.path('late.ndjson')}, line 1200, has the column "b", which the stream "trips" does not have (its fields: a)`);
    expect(events.length).toBe(1000);
  });

  it('says so when a file has no rows', async () => {
    const s = await start();
    const { error } = await replay(s, dir.write('h.csv', 'a,b\n'));
    expect(error).toBe(`${dir.path('h.csv')} has no rows to replay`);
  });

  it('notes a stream that reads naive times in another zone', async () => {
    const s = await start({ streams: [{ id: 'trips', fields: [{ name: 'a', type: 'integer' }], timeZone: 'Asia/Kolkata' }] });
    const { log } = await replay(s, dir.write('z.csv', 'a\n1\n'));
    expect(log[0]).toBe("note: the stream reads naive times in Asia/Kolkata; this replay reads the file's in UTC (--time-zone) and sends instants");
  });
});
