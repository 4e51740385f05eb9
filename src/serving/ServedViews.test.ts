import { describe, expect, it } from 'vitest';
import type { ColumnBatch } from '../protocol/schema';
import { SHOP_SCHEMA, SHOP_STREAM_ID } from '../protocol/shop';
import type { SpeedSnapshot } from '../speed/SpeedLayer';
import { shopBatch } from '../testing/events';
import { type CompiledView, compileView, keyString, type SqlRow, type Tally } from '../views/compileView';
import { DEFAULT_VIEWS, TOTALS_VIEW } from '../views/defaultViews';
import { MEASURES, isInexact, type SqlValue } from '../views/measures';
import type { ViewDef } from '../views/ViewDef';
import type { MergedView } from './mergeView';
import { ServedViews } from './ServedViews';

const T0 = 1_700_000_000_000;
/** Batch holds seq 1..40; the speed layer the 25 events after W = 40, partly in later buckets. */
const BATCH_EVENTS = shopBatch(40, 1, T0);
const SPEED_EVENTS = shopBatch(25, 2, T0 + 60_000);
const W = BATCH_EVENTS.count;

const OTHER_TOTALS: ViewDef = { ...TOTALS_VIEW, id: 'other-totals', dataset: 'other' };
const VIEWS: readonly ViewDef[] = [...DEFAULT_VIEWS, OTHER_TOTALS];

const compiledViews = new Map<ViewDef, CompiledView>();
function compiledFor(v: ViewDef): CompiledView {
  let c = compiledViews.get(v);
  if (!c) compiledViews.set(v, (c = compileView(v, SHOP_SCHEMA)));
  return c;
}

function tallyOf(v: ViewDef, ...batches: ColumnBatch[]): Tally {
  const t: Tally = new Map();
  for (const b of batches) compiledFor(v).add(t, b);
  return t;
}

/**
 * A tally as DuckDB returns the view's SQL: key columns, then per measure its state parts, counts as
 * BIGINT and the sum of no values as NULL (see `sqlParts` in measures.ts).
 */
function sqlRowsOf(v: ViewDef, tally: Tally): SqlRow[] {
  return [...tally.values()].map((g) => {
    const row: SqlValue[] = [...g.key];
    let o = 0;
    for (const m of v.measures) {
      if (m.op === 'count') {
        row.push(BigInt(g.state[o] as number));
        o += 1;
      } else if (m.op === 'sum') {
        const n = g.state[o + 1] as number;
        row.push(n === 0 ? null : (g.state[o] as number), BigInt(n));
        o += 2;
      } else throw new Error(`no SQL row layout for ${m.op} in this test`);
    }
    return row;
  });
}

function batchRows(views: readonly ViewDef[]): Record<string, SqlRow[]> {
  return Object.fromEntries(views.map((v) => [v.id, sqlRowsOf(v, tallyOf(v, BATCH_EVENTS))]));
}

function speedAt(baseW: Record<string, number>, views: readonly ViewDef[] = VIEWS): SpeedSnapshot {
  const datasets: SpeedSnapshot['datasets'] = {};
  for (const [id, w] of Object.entries(baseW)) datasets[id] = { baseW: w, lastSeq: w + SPEED_EVENTS.count, events: SPEED_EVENTS.count, chunks: 1, oldestAppendedAt: 1 };
  return { faultDropEvery: null, datasets, views: Object.fromEntries(views.map((v) => [v.id, tallyOf(v, SPEED_EVENTS)])) };
}

function published(views: readonly ViewDef[] = VIEWS, w: Record<string, number> = { [SHOP_STREAM_ID]: W, other: W }): ServedViews {
  const s = new ServedViews(compiledFor);
  expect(s.publish(w, batchRows(views), views)).toBe(views.filter((v) => w[v.dataset] !== undefined).length);
  return s;
}

const finalized = (v: ViewDef, t: Tally) => new Map([...t].map(([k, g]) => [k, compiledFor(v).finalize(g.state)]));

/** Checks a merged view against tallies of batch's events, the speed layer's, and both together. */
function expectMergedRight(v: ViewDef, m: MergedView | undefined): void {
  expect(m, v.id).toBeDefined();
  const batch = finalized(v, tallyOf(v, BATCH_EVENTS));
  const speed = finalized(v, tallyOf(v, SPEED_EVENTS));
  const both = finalized(v, tallyOf(v, BATCH_EVENTS, SPEED_EVENTS));
  expect(m!.w).toBe(W);
  expect(m!.rows.map((r) => keyString(r.key)).sort()).toEqual([...both.keys()].sort());
  expect(
    m!.rows.some((r) => r.batch && r.speed),
    `${v.id}: some keys have both parts`,
  ).toBe(true);
  for (const r of m!.rows) {
    const k = keyString(r.key);
    expect(r.batch, `${v.id} ${k} batch part`).toEqual(batch.get(k) ?? null);
    expect(r.speed, `${v.id} ${k} speed part`).toEqual(speed.get(k) ?? null);
    const expected = both.get(k)!;
    v.measures.forEach((measure, i) => {
      const what = `${v.id} ${k} ${measure.label}`;
      // Sums of fractional amounts depend on the order of addition in their last bits.
      if (isInexact(MEASURES[measure.op])) expect(r.merged[i], what).toBeCloseTo(expected[i]!, 6);
      else expect(r.merged[i], what).toBe(expected[i]);
    });
  }
}

describe('ServedViews', () => {
  it('merges each view as batch part + speed part when the speed snapshot starts at the published W', () => {
    const s = published();
    const merged = s.merge(VIEWS, speedAt({ [SHOP_STREAM_ID]: W, other: W }), {});
    expect(Object.keys(merged!).sort()).toEqual(VIEWS.map((v) => v.id).sort());
    for (const v of VIEWS) expectMergedRight(v, merged![v.id]);
  });

  it('checks the test data reach the cases that matter: keys only in batch, only in speed, and in both', () => {
    const v = DEFAULT_VIEWS[1]!; // the timeline: the speed events start 60 s later
    const batch = tallyOf(v, BATCH_EVENTS);
    const speed = tallyOf(v, SPEED_EVENTS);
    expect([...batch.keys()].some((k) => !speed.has(k))).toBe(true);
    expect([...speed.keys()].some((k) => !batch.has(k))).toBe(true);
    expect([...speed.keys()].some((k) => batch.has(k))).toBe(true);
  });

  it('keeps the previous merge of a view whose speed snapshot does not start at the published W', () => {
    const s = published();
    const previous = s.merge(VIEWS, speedAt({ [SHOP_STREAM_ID]: W, other: W }), {})!;
    const { [OTHER_TOTALS.id]: _other, ...shopOnly } = previous;
    for (const baseW of [W - 1, W + 1, 0]) {
      const merged = s.merge(VIEWS, speedAt({ [SHOP_STREAM_ID]: baseW, other: W }), shopOnly)!;
      expect(Object.keys(merged).sort(), `baseW ${baseW}`).toEqual(VIEWS.map((v) => v.id).sort());
      for (const v of DEFAULT_VIEWS) expect(merged[v.id], `baseW ${baseW}`).toBe(previous[v.id]);
      // The other dataset's pair is consistent: merged afresh.
      expect(merged[OTHER_TOTALS.id]).not.toBe(previous[OTHER_TOTALS.id]);
      expectMergedRight(OTHER_TOTALS, merged[OTHER_TOTALS.id]);
    }
  });

  it('serves nothing for an inconsistent pair without a previous merge', () => {
    const s = published();
    expect(s.merge(VIEWS, speedAt({ [SHOP_STREAM_ID]: W - 1, other: W - 1 }), {})).toEqual({});
    // A snapshot that does not know the dataset has excluded nothing (baseW 0).
    expect(s.merge(VIEWS, speedAt({}), {})).toEqual({});
  });

  it('merges nothing before a publish or without a speed snapshot', () => {
    const s = new ServedViews(compiledFor);
    expect(s.merge(VIEWS, speedAt({ [SHOP_STREAM_ID]: W }), {})).toBeNull();
    expect(published().merge(VIEWS, null, {})).toBeNull();
  });

  it('merges a view the speed snapshot lacks with an empty speed part', () => {
    const s = published();
    const merged = s.merge(VIEWS, speedAt({ [SHOP_STREAM_ID]: W, other: W }, []), {})!;
    const v = DEFAULT_VIEWS[2]!;
    const batch = finalized(v, tallyOf(v, BATCH_EVENTS));
    expect(merged[v.id]!.rows.map((r) => [keyString(r.key), r.batch, r.speed, r.merged]).sort()).toEqual([...batch].map(([k, values]) => [k, values, null, values]).sort());
  });

  it('serves only views with rows, a W for their dataset, and a compile', () => {
    const s = new ServedViews((v) => (v.id === 'timeline' ? null : compiledFor(v)));
    const rows = batchRows(VIEWS);
    delete rows['by-country'];
    expect(s.publish({ [SHOP_STREAM_ID]: W }, rows, VIEWS)).toBe(1);
    const merged = s.merge(VIEWS, speedAt({ [SHOP_STREAM_ID]: W, other: W }), {})!;
    expect(Object.keys(merged)).toEqual(['totals']);
    expectMergedRight(TOTALS_VIEW, merged.totals);
  });

  it('replaces every batch view at once on publish', () => {
    const s = published();
    const w = { [SHOP_STREAM_ID]: W };
    expect(s.publish(w, batchRows([TOTALS_VIEW]), VIEWS)).toBe(1);
    w[SHOP_STREAM_ID] = 0; // publish keeps its own copy of W
    const merged = s.merge(VIEWS, speedAt({ [SHOP_STREAM_ID]: W, other: W }), {})!;
    expect(Object.keys(merged)).toEqual(['totals']);
    expectMergedRight(TOTALS_VIEW, merged.totals);
  });

  it('publish(..., onlyIfAny=true) with no servable view changes nothing', () => {
    const s = published();
    const speed = speedAt({ [SHOP_STREAM_ID]: W, other: W });
    const before = s.merge(VIEWS, speed, {});
    expect(s.publish({}, batchRows(VIEWS), VIEWS, true)).toBe(0); // no W
    expect(s.publish({ [SHOP_STREAM_ID]: 99, other: 99 }, {}, VIEWS, true)).toBe(0); // no rows
    expect(s.merge(VIEWS, speed, {})).toEqual(before);
    expect(s.merge(VIEWS, speedAt({ [SHOP_STREAM_ID]: 99, other: 99 }), {})).toEqual({});
    // Without onlyIfAny the same publish takes every view off.
    expect(s.publish({}, batchRows(VIEWS), VIEWS)).toBe(0);
    expect(s.merge(VIEWS, speed, {})).toBeNull();
  });
});
