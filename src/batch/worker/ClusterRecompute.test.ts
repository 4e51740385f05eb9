import { describe, expect, it } from 'vitest';
import type { DatasetRecord } from '../../log/LogDb';
import type { ViewDef } from '../../views/ViewDef';
import { ClusterRecompute } from './ClusterRecompute';
import type { ClusterAnswer, ClusterState } from './ClusterViews';

const schema = { fields: [{ name: 'item', type: 'text' as const }] };
const record = (id: string, highWater: number, extra: Partial<DatasetRecord> = {}): DatasetRecord => ({
  id,
  name: id,
  schema,
  createdAt: 0,
  highWater,
  segmentCount: 1,
  minTs: 0,
  maxTs: 0,
  sources: {},
  gaps: {},
  cluster: { from: 100 },
  ...extra,
});
const view = (id: string, dataset: string): ViewDef => ({ id, name: id, dataset, groupBy: [], bucketMs: null, measures: [{ op: 'count', label: 'events' }] });

/** A cluster the test steers: per dataset its W, or a failure; `down` fails every request. */
class Cluster {
  w: Record<string, number> = {};
  failing = new Set<string>();
  down = false;
  asked: { dataset: string; upto: number }[] = [];
  async state(): Promise<Record<string, ClusterState>> {
    if (this.down) throw new Error('the server cannot be reached');
    return Object.fromEntries(Object.entries(this.w).map(([id, w]) => [id, { w, shards: 2 }]));
  }
  async views(dataset: string, views: readonly ViewDef[], upto: number): Promise<ClusterAnswer> {
    this.asked.push({ dataset, upto });
    if (this.failing.has(dataset)) throw new Error('shard 2 cannot be reached');
    return { views: Object.fromEntries(views.map((v) => [v.id, [[upto]]])), errors: {}, shards: 2, ms: 5 };
  }
}

describe('ClusterRecompute', () => {
  const views = [view('a1', 'a'), view('b1', 'b')];

  it('takes W as the smaller of the cluster and the log, never below where the log began', async () => {
    const c = new Cluster();
    c.w = { a: 500, b: 50 };
    const r = await new ClusterRecompute(c).recompute([record('a', 300), record('b', 300, { cluster: { from: 100 } })], views);
    expect(r.datasets.a).toEqual({ w: 300, loaded: 0, cluster: { shards: 2, ms: 5 } });
    // b: the cluster holds fewer than the tab started from: stopped, in words, with nothing to keep.
    expect(r.datasets.b).toBeUndefined();
    expect(r.views).toEqual({ a1: [[300]] });
    expect(r.problems).toEqual([expect.stringContaining('the cluster holds fewer events of b (50) than this tab started from')]);
  });

  it('a dataset whose cluster answer fails keeps its last batch; the others move on', async () => {
    const c = new Cluster();
    c.w = { a: 200, b: 200 };
    const part = new ClusterRecompute(c);
    await part.recompute([record('a', 400), record('b', 400)], views);
    c.w = { a: 300, b: 300 };
    c.failing.add('b');
    const r = await part.recompute([record('a', 400), record('b', 400)], views);
    expect(r.datasets.a?.w).toBe(300);
    expect(r.datasets.b).toEqual({ w: 200, loaded: 0, cluster: { shards: 2, ms: 0, kept: 'shard 2 cannot be reached' } });
    expect(r.views).toEqual({ a1: [[300]], b1: [[200]] });
    expect(r.problems).toEqual([expect.stringContaining('batch of b stays at W = 200: shard 2 cannot be reached')]);

    // A view defined since then has no kept rows: it waits; a changed definition is not served stale.
    const changed = [view('a1', 'a'), { ...view('b1', 'b'), name: 'renamed' }, view('b2', 'b')];
    c.down = true;
    const down = await part.recompute([record('a', 400), record('b', 400)], changed);
    expect(down.datasets.a?.w).toBe(300);
    expect(down.datasets.b?.w).toBe(200);
    expect(down.views).toEqual({ a1: [[300]] });
    expect(down.problems).toHaveLength(2);

    c.down = false;
    c.failing.clear();
    const back = await part.recompute([record('a', 400), record('b', 400)], changed);
    expect(back.views).toEqual({ a1: [[300]], b1: [[300]], b2: [[300]] });
    expect(back.problems).toEqual([]);
  });

  it("a dataset deleted and started again does not get the old log's batch", async () => {
    const c = new Cluster();
    c.w = { a: 200 };
    const part = new ClusterRecompute(c);
    await part.recompute([record('a', 400)], views);
    c.failing.add('a');
    const r = await part.recompute([record('a', 400, { cluster: { from: 250 } })], views);
    expect(r.datasets.a).toBeUndefined();
    expect(r.views).toEqual({});
    expect(r.problems).toEqual([expect.stringContaining('Its views wait for the cluster')]);
  });

  it('never goes below the W batch already published (a dataset that joined the cluster before it had everything)', async () => {
    const c = new Cluster();
    c.w = { a: 150 };
    const r = await new ClusterRecompute(c).recompute([record('a', 400, { cluster: { from: 0 } })], views, new Map([['a', 300]]));
    expect(r.datasets.a).toBeUndefined();
    expect(r.problems[0]).toMatch(/holds 150 events of a whole, fewer than the 300 batch already covers/);
  });

  it('a tab that missed events stops that dataset alone, saying what to do', async () => {
    const c = new Cluster();
    c.w = { a: 200, b: 200 };
    const r = await new ClusterRecompute(c).recompute([record('a', 400, { gaps: { orders: 3 } }), record('b', 400)], views);
    expect(r.datasets.a).toBeUndefined();
    expect(r.datasets.b?.w).toBe(200);
    expect(r.problems[0]).toMatch(/this tab missed 3 events of a .* delete a in the Datasets panel/);
    expect(c.asked).toEqual([{ dataset: 'b', upto: 200 }]);
    const reset = await new ClusterRecompute(c).recompute([record('a', 400, { cluster: { from: 100, reset: true } })], views);
    expect(reset.problems[0]).toMatch(/started its offsets over since this tab read it/);
  });
});

describe('ClusterRecompute, a view the cluster cannot compute', () => {
  it("waits, said in words; the dataset's other views move to the new W", async () => {
    const c = new Cluster();
    c.w = { a: 200 };
    const part = new ClusterRecompute({
      state: () => c.state(),
      views: async (dataset, views, upto) => {
        const r = await c.views(dataset, views, upto);
        delete r.views.a2;
        r.errors.a2 = 'unknown field "size"';
        return r;
      },
    });
    const r = await part.recompute([record('a', 400)], [view('a1', 'a'), view('a2', 'a')]);
    expect(r.datasets.a?.w).toBe(200);
    expect(r.views).toEqual({ a1: [[200]] });
    expect(r.problems).toEqual(['view a2 of a on the ClickHouse cluster: unknown field "size"']);
  });
});
