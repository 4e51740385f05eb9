/**
 * One view definition, two paths, proven equal on random inputs: for random schemas, events, views
 * and cut points W,  batch(all) = merge(batch(seq <= W), speed(seq > W)) = speed(all),
 * with batch from real DuckDB running the SQL text the app runs.
 *
 * FUZZ_CASES (default 80) and FUZZ_SEED (first seed) widen a local run:
 *   FUZZ_CASES=3000 npx vitest run src/views/twoPaths.fuzz.test.ts
 * A failure names its seed; pin it below as a named test.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDuckDbEngine } from '../batch/testing/nodeDuckDbEngine';
import { encodeSegment } from '../log/segmentCodec';
import { schemaProblem, sliceBatch, type ColumnBatch, type DatasetSchema } from '../protocol/schema';
import { seeded } from '../testing/events';
import { expectTalliesEqual } from '../testing/tallies';
import { compileView, type Tally } from './compileView';
import { randomEvents, randomSchema, randomView } from './testing/randomViews';

const CASES = Number(process.env.FUZZ_CASES ?? 80);
const FIRST_SEED = Number(process.env.FUZZ_SEED ?? 1);

let engine: NodeDuckDbEngine;
beforeAll(async () => {
  engine = await NodeDuckDbEngine.create();
});

/** Runs one seeded case; throws with the seed in the message when the paths disagree. */
async function runCase(seed: number): Promise<void> {
  const r = seeded(seed);
  const schema = randomSchema(r);
  const n = 1 + Math.floor(r() * 300);
  const events = randomEvents(r, schema, n);
  const view = randomView(r, schema, events);
  const w = Math.floor(r() * (n + 1));
  const table = `fuzz_${seed}`;
  try {
    // Several segments, as the log stores them, each with its own string dictionaries.
    let at = 0;
    while (at < n) {
      const end = Math.min(n, at + 1 + Math.floor(r() * n));
      await engine.appendArrow(table, encodeSegment(schema, sliceBatch(events, at, end), at + 1));
      at = end;
    }
    const c = compileView(view, schema);
    const batch = async (after: number, upto: number): Promise<Tally> => {
      const q = c.sql(table, after, upto);
      return c.fromRows((await engine.query(q.text, q.params)).rows);
    };
    // The speed layer tallies micro-batches into one running tally: add in chunks, as it does.
    const chunk = 1 + ((seed * 31) % 97);
    const speed = (from: number, to: number): Tally => {
      const t: Tally = new Map();
      for (let at = from; at < to; at += chunk) c.add(t, sliceBatch(events, at, Math.min(to, at + chunk)));
      return t;
    };
    let scale = 1;
    for (const f of schema.fields) if (f.type === 'float') for (const v of events.columns[f.name]!) scale += Math.abs((v as number | null) ?? 0);
    const opts = { inexact: c.inexactParts, scale };
    const speedAll = speed(0, n);
    expectTalliesEqual(await batch(0, n), speedAll, 'batch(all) vs speed(all)', opts);
    const merged: Tally = new Map();
    c.mergeInto(merged, await batch(0, w));
    c.mergeInto(merged, speed(w, n));
    expectTalliesEqual(merged, speedAll, `merge(batch(<=${w}), speed(>${w})) vs speed(all)`, opts);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new Error(`fuzz seed ${seed} failed (FUZZ_SEED=${seed} FUZZ_CASES=1 to rerun)\nview: ${JSON.stringify(view)}\nschema: ${JSON.stringify(schema)}\n${msg}`);
  } finally {
    await engine.dropTable(table);
  }
}

describe('two paths, one definition (seeded fuzz)', () => {
  it(`${CASES} random cases from seed ${FIRST_SEED}`, async () => {
    for (let s = FIRST_SEED; s < FIRST_SEED + CASES; s++) await runCase(s);
  }, 600_000);

  it('seed 1379: fields differing only in case are refused (DuckDB folds quoted identifiers)', () => {
    expect(
      schemaProblem({
        fields: [
          { name: 'country', type: 'text' },
          { name: 'Country', type: 'float' },
        ],
      }),
    ).toMatch(/differ only in case/);
    expect(schemaProblem({ fields: [{ name: 'SEQ', type: 'float' }] })).toMatch(/reserved/);
  });

  it('a field named like SQL injection is just a field', async () => {
    const schema: DatasetSchema = {
      fields: [
        { name: 'amount"; DROP TABLE x; --', type: 'float' },
        { name: "it's", type: 'text' },
      ],
    };
    const events: ColumnBatch = { count: 3, ts: [1, 2, 3], columns: { 'amount"; DROP TABLE x; --': [1, 2, null], "it's": ["a'; --", 'b', "a'; --"] } };
    await engine.appendArrow('inj', encodeSegment(schema, events, 1));
    const c = compileView(
      {
        id: 'v',
        name: 'inj',
        dataset: 'd',
        groupBy: ["it's"],
        bucketMs: null,
        measures: [{ op: 'sum', field: 'amount"; DROP TABLE x; --', label: 's' }],
        filters: [{ field: "it's", op: '!=', value: "x' OR 1=1 --" }],
      },
      schema,
    );
    const q = c.sql('inj', 0, 3);
    const rows = (await engine.query(q.text, q.params)).rows;
    expect(rows.map((row) => [row[0], row[1]]).sort()).toEqual([
      ["a'; --", 1],
      ['b', 2],
    ]);
    expect((await engine.query('SELECT count(*)::INTEGER AS n FROM inj')).rows).toEqual([[3]]);
    await engine.dropTable('inj');
  });
});
