/**
 * Field names that are also Object.prototype's (`__proto__`, `constructor`, `toString`) through
 * every layer: a columns record built on `{}` silently loses `__proto__` (the assignment sets the
 * prototype) and a plain read finds `Object.prototype.toString` for a column that is not there.
 * Totals are computed here from the source arrays, never through a columns record.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { parseIngestBody } from '../server/httpIngest';
import { NodeDuckDbEngine } from './batch/testing/nodeDuckDbEngine';
import { BatchDispatcher } from './batch/worker/BatchDispatcher';
import { EventLog } from './log/EventLog';
import { LogDb } from './log/LogDb';
import { decodeSegment } from './log/segmentCodec';
import { seededRandom } from './protocol/random';
import { checkBatch, concatBatches, type ColumnBatch, type DatasetSchema } from './protocol/schema';
import { compileView, type Tally } from './views/compileView';
import type { KeyValue, ViewDef } from './views/ViewDef';

const NAMES = ['__proto__', 'constructor', 'toString', 'country'] as const;
const SCHEMA: DatasetSchema = {
  fields: [
    { name: '__proto__', type: 'float' },
    { name: 'constructor', type: 'text' },
    { name: 'toString', type: 'float' },
    { name: 'country', type: 'text' },
  ],
};

/** The source events, one plain array per field (kept apart from any columns record). */
interface Source {
  ts: number[];
  proto: (number | null)[];
  ctor: (string | null)[];
  str: (number | null)[];
  country: (string | null)[];
}

function source(n: number, seed: number): Source {
  const r = seededRandom(seed);
  const s: Source = { ts: [], proto: [], ctor: [], str: [], country: [] };
  for (let i = 0; i < n; i++) {
    s.ts.push(1_700_000_000_000 + Math.floor(r() * 60_000));
    s.proto.push(r() < 0.1 ? null : Math.floor(r() * 1000) - 200);
    s.ctor.push(r() < 0.1 ? null : ['Object', 'Function', 'hasOwnProperty'][Math.floor(r() * 3)]!);
    s.str.push(r() < 0.1 ? null : Math.floor(r() * 100));
    s.country.push(['US', 'DE'][Math.floor(r() * 2)]!);
  }
  return s;
}

/** The batch as JSON from the wire: JSON.parse makes `__proto__` an own property, as a socket would. */
function wireJson(s: Source): unknown {
  const cols = `"__proto__":${JSON.stringify(s.proto)},"constructor":${JSON.stringify(s.ctor)},"toString":${JSON.stringify(s.str)},"country":${JSON.stringify(s.country)}`;
  return JSON.parse(`{"count":${s.ts.length},"ts":${JSON.stringify(s.ts)},"columns":{${cols}}}`);
}

function join(parts: Source[]): Source {
  const out: Source = { ts: [], proto: [], ctor: [], str: [], country: [] };
  for (const p of parts) for (const k of Object.keys(out) as (keyof Source)[]) (out[k] as unknown[]).push(...p[k]);
  return out;
}

const own = (b: ColumnBatch, name: string): unknown => Object.getOwnPropertyDescriptor(b.columns, name)?.value;

function expectSameEvents(b: ColumnBatch, s: Source, what: string): void {
  expect(Object.keys(b.columns), `${what}: column names`).toEqual([...NAMES]);
  expect(b.ts, `${what}: ts`).toEqual(s.ts);
  expect(own(b, '__proto__'), `${what}: __proto__`).toEqual(s.proto);
  expect(own(b, 'constructor'), `${what}: constructor`).toEqual(s.ctor);
  expect(own(b, 'toString'), `${what}: toString`).toEqual(s.str);
  expect(own(b, 'country'), `${what}: country`).toEqual(s.country);
}

const BY_CTOR: ViewDef = {
  id: 'by-ctor',
  name: 'by constructor',
  dataset: 'hostile',
  filters: [{ field: 'toString', op: '>=', value: 10 }],
  groupBy: ['constructor'],
  bucketMs: null,
  measures: [
    { op: 'count', label: 'events' },
    { op: 'sum', field: '__proto__', label: 'sum proto' },
    { op: 'max', field: 'toString', label: 'max toString' },
    { op: 'count_distinct', field: 'constructor', label: 'distinct constructors' },
  ],
};

const BY_COUNTRY: ViewDef = {
  id: 'by-country',
  name: 'by country',
  dataset: 'hostile',
  filters: [{ field: 'constructor', op: 'is not null' }],
  groupBy: ['country'],
  bucketMs: null,
  measures: [
    { op: 'sum', field: 'toString', label: 'sum toString' },
    { op: 'min', field: '__proto__', label: 'min proto' },
  ],
};

/** Per group key (JSON), the finalized measure values, computed from the source arrays. */
function expectedTotals(view: ViewDef, s: Source): Map<string, (number | null)[]> {
  // A Map, not an object literal: `{ __proto__: x }` would set a prototype, the very trap tested here.
  const byName = new Map<string, (number | string | null)[]>([
    ['__proto__', s.proto],
    ['constructor', s.ctor],
    ['toString', s.str],
    ['country', s.country],
  ]);
  const col = (field: string) => byName.get(field) ?? [];
  const groups = new Map<string, { rows: number[] }>();
  for (let i = 0; i < s.ts.length; i++) {
    const pass = (view.filters ?? []).every((f) => {
      const x = col(f.field)[i] ?? null;
      if (f.op === 'is not null') return x !== null;
      if (f.op === '>=') return x !== null && (x as number) >= (f.value as number);
      throw new Error(`test has no rule for ${f.op}`);
    });
    if (!pass) continue;
    const key = JSON.stringify(view.groupBy.map((g) => col(g)[i] ?? null));
    const g = groups.get(key) ?? { rows: [] };
    g.rows.push(i);
    groups.set(key, g);
  }
  const out = new Map<string, (number | null)[]>();
  for (const [key, { rows }] of groups) {
    out.set(
      key,
      view.measures.map((m) => {
        if (m.op === 'count') return rows.length;
        const values = rows.map((i) => col(m.field!)[i] ?? null).filter((x) => x !== null);
        if (m.op === 'count_distinct') return new Set(values).size;
        if (values.length === 0) return null;
        const nums = values as number[];
        if (m.op === 'sum') return nums.reduce((a, b) => a + b, 0);
        if (m.op === 'max') return Math.max(...nums);
        if (m.op === 'min') return Math.min(...nums);
        throw new Error(`test has no rule for ${m.op}`);
      }),
    );
  }
  return out;
}

function finalized(view: ViewDef, tally: Tally): Map<string, (number | null)[]> {
  const c = compileView(view, SCHEMA);
  return new Map([...tally.values()].map((g) => [JSON.stringify(g.key as KeyValue[]), c.finalize(g.state)]));
}

describe('fields named __proto__, constructor and toString', () => {
  it('survive checkBatch, the log, the segment codec, the speed tally and DuckDB, with exact totals', async () => {
    const dbName = 'hostile-names';
    const log = new EventLog(new LogDb(dbName));
    await log.ensureDataset('hostile', 'hostile', SCHEMA);
    const a = source(300, 1);
    const b = source(200, 2);

    const checkedA = checkBatch(SCHEMA, wireJson(a));
    if (!checkedA.ok) throw new Error(checkedA.error);
    expect(checkedA.checked.rejected).toBe(0);
    expectSameEvents(checkedA.checked.batch, a, 'checkBatch');

    // b with one bad value: checkBatch marks it, the log's append filters it out (filterBatch).
    const bWire = wireJson(b) as { columns: Record<string, unknown[]> };
    Object.getOwnPropertyDescriptor(bWire.columns, 'toString')!.value[7] = 'seven';
    const checkedB = checkBatch(SCHEMA, bWire);
    if (!checkedB.ok) throw new Error(checkedB.error);
    expect(checkedB.checked.rejected).toBe(1);
    const bKept = source(200, 2);
    for (const k of Object.keys(bKept) as (keyof Source)[]) bKept[k].splice(7, 1);

    await log.append('hostile', checkedA.checked.batch, { stream: 's', offset: 0 });
    // A replay overlapping what is durable: the log cuts it (sliceBatch) to the new part.
    const both = concatBatches(SCHEMA, [checkedA.checked.batch, checkedB.checked.batch]);
    const bAsSent = source(200, 2);
    (bAsSent.str as unknown[])[7] = 'seven'; // a rejected event stays in its batch, marked in `keep`
    expectSameEvents(both, join([a, bAsSent]), 'concatBatches');
    const keep = new Uint8Array(500).fill(1);
    keep[300 + 7] = 0;
    const r = await log.append('hostile', both, { stream: 's', offset: 0 }, keep);
    expect([r.duplicates, r.appended, r.rejected]).toEqual([300, 199, 1]);
    expect(await log.compactTail('hostile', { minRun: 2 })).toBe(2);

    const segs = await log.segmentsOverlapping('hostile', 0, Number.MAX_SAFE_INTEGER);
    expect(segs).toHaveLength(1);
    const all = join([a, bKept]);
    const decoded = decodeSegment(SCHEMA, segs[0]!.bytes).batch;
    expectSameEvents(decoded, all, 'decodeSegment');

    const engine = new BatchDispatcher(() => NodeDuckDbEngine.create());
    await engine.init({ dbName });
    expect((await engine.setViews({ views: [BY_CTOR, BY_COUNTRY] })).errors).toEqual({});
    const recomputed = await engine.recompute();
    expect(recomputed.datasets.hostile?.w).toBe(499);

    for (const view of [BY_CTOR, BY_COUNTRY]) {
      const c = compileView(view, SCHEMA);
      const speed: Tally = new Map();
      c.add(speed, decoded);
      const expected = expectedTotals(view, all);
      expect(expected.size, `${view.id}: the test data makes groups`).toBeGreaterThan(1);
      expect(finalized(view, speed), `${view.id}: speed tally`).toEqual(expected);
      expect(finalized(view, c.fromRows(recomputed.views[view.id]!)), `${view.id}: DuckDB`).toEqual(expected);
    }
  });

  it('survive HTTP ingest, present or missing in an event', () => {
    const body = [
      '{"ts":1700000000000,"__proto__":1.5,"constructor":"Object","toString":2,"country":"US"}',
      '{"ts":1700000000001,"country":"DE"}',
      '{"ts":1700000000002,"__proto__":null,"toString":-3}',
    ].join('\n');
    const r = parseIngestBody(body, SCHEMA, 0);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const s: Source = { ts: [1700000000000, 1700000000001, 1700000000002], proto: [1.5, null, null], ctor: ['Object', null, null], str: [2, null, -3], country: ['US', 'DE', null] };
    expectSameEvents(r.batch, s, 'parseIngestBody');
    const bad = parseIngestBody('[{"ts":1700000000000,"toString":"x"}]', SCHEMA, 0);
    expect(bad.ok || bad.errors).toEqual([{ line: 1, error: '"toString" must be a number, got "x"' }]);
  });
});
