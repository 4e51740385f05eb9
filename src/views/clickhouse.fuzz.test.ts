/**
 * The one view definition's third target, proven on a real ClickHouse server (Debian's 18.16 here):
 * for random schemas, events, views and cut points W, ClickHouse's batch(all) equals the speed
 * tally of all events, and merge(ClickHouse batch(seq <= W), speed(seq > W)) does too (floats within
 * the stated tolerance, as for DuckDB). Same generators and seeds as twoPaths.fuzz.test.ts.
 *
 *   FUZZ_CASES=1000 npx vitest run src/views/clickhouse.fuzz.test.ts
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sliceBatch, type ColumnBatch, type DatasetSchema } from '../protocol/schema';
import { startClickHouse, type ClickHouse } from '../testing/clickhouseServer';
import { seeded } from '../testing/events';
import { expectTalliesEqual } from '../testing/tallies';
import { chColumnType, chIdent, clickhouseRows, clickhouseSql } from './clickhouseSql';
import { compileView, type Tally } from './compileView';
import { randomEvents, randomSchema, randomView } from './testing/randomViews';
import type { ViewDef } from './ViewDef';

const CASES = Number(process.env.FUZZ_CASES ?? 80);
const FIRST_SEED = Number(process.env.FUZZ_SEED ?? 1);

let ch: ClickHouse | null = null;
beforeAll(async () => {
  ch = await startClickHouse();
  if (!ch) console.warn('clickhouse-server is not installed: the ClickHouse dialect suite is skipped (.ci/run installs it)');
}, 60_000);
afterAll(async () => {
  await ch?.stop();
});

/** A cluster-style table holding `events` as seqs 1..n, each field in its value form. */
async function load(server: ClickHouse, table: string, schema: DatasetSchema, events: ColumnBatch): Promise<void> {
  const cols = ['seq Int64', 'ts Float64', ...schema.fields.map((f) => `${chIdent(f.name)} ${chColumnType(f.type)}`)];
  await server.run(`CREATE TABLE ${chIdent(table)} (${cols.join(', ')}) ENGINE = MergeTree ORDER BY seq`);
  const lines: string[] = [];
  for (let i = 0; i < events.count; i++) {
    const row: Record<string, unknown> = Object.create(null);
    row.seq = i + 1;
    row.ts = events.ts[i];
    for (const f of schema.fields) {
      const v = events.columns[f.name]![i] ?? null;
      row[f.name] = typeof v === 'boolean' ? (v ? 1 : 0) : v;
    }
    lines.push(JSON.stringify(row));
  }
  if (lines.length) await server.run(`INSERT INTO ${chIdent(table)} FORMAT JSONEachRow`, lines.join('\n'));
}

async function batchTally(server: ClickHouse, view: ViewDef, schema: DatasetSchema, table: string, after: number, upto: number): Promise<Tally> {
  const rows = await server.rows(clickhouseSql(view, schema, table, after, upto));
  return compileView(view, schema).fromRows(clickhouseRows(view, schema, rows));
}

async function runCase(server: ClickHouse, seed: number): Promise<void> {
  const r = seeded(seed);
  const schema = randomSchema(r);
  const n = 1 + Math.floor(r() * 300);
  const events = randomEvents(r, schema, n);
  const view = randomView(r, schema, events);
  const w = Math.floor(r() * (n + 1));
  const table = `fuzz_${seed}`;
  try {
    await load(server, table, schema, events);
    const c = compileView(view, schema);
    const speed = (from: number, to: number): Tally => {
      const t: Tally = new Map();
      c.add(t, sliceBatch(events, from, to));
      return t;
    };
    let scale = 1;
    for (const f of schema.fields) if (f.type === 'float') for (const v of events.columns[f.name]!) scale += Math.abs((v as number | null) ?? 0);
    const opts = { inexact: c.inexactParts, scale };
    const speedAll = speed(0, n);
    expectTalliesEqual(await batchTally(server, view, schema, table, 0, n), speedAll, 'ClickHouse batch(all) vs speed(all)', opts);
    const merged: Tally = new Map();
    c.mergeInto(merged, await batchTally(server, view, schema, table, 0, w));
    c.mergeInto(merged, speed(w, n));
    expectTalliesEqual(merged, speedAll, `merge(ClickHouse batch(<=${w}), speed(>${w})) vs speed(all)`, opts);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new Error(`ClickHouse fuzz seed ${seed} failed (FUZZ_SEED=${seed} FUZZ_CASES=1 to rerun)\nview: ${JSON.stringify(view)}\nschema: ${JSON.stringify(schema)}\n${msg}`);
  } finally {
    await server.run(`DROP TABLE IF EXISTS ${chIdent(table)}`);
  }
}

describe('the ClickHouse dialect: one definition, a third target (seeded fuzz on a real server)', () => {
  it(`${CASES} random cases from seed ${FIRST_SEED}`, async (ctx) => {
    if (!ch) return ctx.skip();
    for (let s = FIRST_SEED; s < FIRST_SEED + CASES; s++) await runCase(ch, s);
  }, 600_000);

  it('hostile names and values stay names and values: no literal ends early, no identifier breaks out', async (ctx) => {
    if (!ch) return ctx.skip();
    const name = 'a`; DROP TABLE x; --\\';
    const schema: DatasetSchema = {
      fields: [
        { name, type: 'float' },
        { name: "it's", type: 'text' },
      ],
    };
    const texts = ["a'; --", 'b\\', "x\\' OR 1=1 --", 'line\nbreak', 'nul\0byte'];
    const events: ColumnBatch = { count: 5, ts: [1, 2, 3, 4, 5], columns: { [name]: [1, 2, 4, 8, null], "it's": texts } };
    await load(ch, 'inj`x', schema, events);
    for (const value of texts) {
      const view: ViewDef = { id: 'v', name: 'inj', dataset: 'd', groupBy: ["it's"], bucketMs: null, measures: [{ op: 'sum', field: name, label: 's' }], filters: [{ field: "it's", op: '=', value }] };
      const t = await batchTally(ch, view, schema, 'inj`x', 0, 5);
      expect([...t.keys()]).toHaveLength(1);
      const c = compileView(view, schema);
      const expected: Tally = new Map();
      c.add(expected, events);
      expectTalliesEqual(t, expected, `filter = ${JSON.stringify(value)}`, { inexact: c.inexactParts, scale: 16 });
    }
    expect(await ch.rows('SELECT count() FROM `inj\\`x`')).toEqual([[5]]);
    await ch.run('DROP TABLE `inj\\`x`');
  });
});
