import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { DatasetSchema } from '../protocol/schema';
import { EventLog } from './EventLog';
import { deleteDataset, renameDataset } from './datasetAdmin';
import { abortImport, beginImport, commitImport, ImportBusyError, recoverImports, stageSegment } from './fileImport';
import { LogDb } from './LogDb';
import { decodeSegment, encodeSegment } from './segmentCodec';

const SCHEMA: DatasetSchema = { fields: [{ name: 'n', type: 'integer' }] };
let k = 0;
const fresh = () => new EventLog(new LogDb(`import-test-${k++}`));

/** Stages `count` events whose n is their index plus `base`, at ts = 1000 + index. */
function stage(log: EventLog, id: string, importId: string, count: number, base: number) {
  const batch = { count, ts: Array.from({ length: count }, (_, i) => 1000 + base + i), columns: { n: Array.from({ length: count }, (_, i) => base + i) } };
  return stageSegment(log.db, id, importId, { count, minTs: 1000 + base, maxTs: 1000 + base + count - 1 }, (firstSeq) => encodeSegment(SCHEMA, batch, firstSeq));
}

async function visible(log: EventLog, id: string): Promise<number[]> {
  const segs = await log.segmentsOverlapping(id, 0, Number.MAX_SAFE_INTEGER);
  return segs.flatMap((s) => decodeSegment(SCHEMA, s.bytes).batch.columns.n as number[]);
}

describe('file imports: whole or not at all', () => {
  it('stages segments no reader sees, then commits them in one move of the high-water mark', async () => {
    const log = fresh();
    await beginImport(log.db, 'imp1', { datasetId: 'sales', create: { name: 'sales.csv', schema: SCHEMA } });
    await stage(log, 'sales', 'imp1', 3, 0);
    await stage(log, 'sales', 'imp1', 2, 3);
    expect(await visible(log, 'sales')).toEqual([]);
    expect((await log.dataset('sales'))?.highWater).toBe(0);
    expect(await log.compactTail('sales', { minRun: 1 })).toBe(0);
    await expect(log.append('sales', { count: 1, ts: [5], columns: { n: [9] } })).rejects.toBeInstanceOf(ImportBusyError);
    await expect(beginImport(log.db, 'imp2', { datasetId: 'sales' })).rejects.toThrow(/taking another import/);

    const ds = await commitImport(log.db, 'sales', 'imp1', { name: 'sales.csv', rows: 5, skipped: 0, fileBytes: 40 });
    expect(ds).toMatchObject({ highWater: 5, segmentCount: 2, minTs: 1000, maxTs: 1004, origin: 'file' });
    expect(ds.files?.map((f) => f.name)).toEqual(['sales.csv']);
    expect(ds.bytes).toBeGreaterThan(0);
    expect(await visible(log, 'sales')).toEqual([0, 1, 2, 3, 4]);
    // A second file appends after the first; the dataset takes appends again.
    await beginImport(log.db, 'imp3', { datasetId: 'sales' });
    await stage(log, 'sales', 'imp3', 2, 100);
    await commitImport(log.db, 'sales', 'imp3', { name: 'more.csv', rows: 2, skipped: 0, fileBytes: 10 });
    expect(await visible(log, 'sales')).toEqual([0, 1, 2, 3, 4, 100, 101]);
    expect((await log.append('sales', { count: 1, ts: [5], columns: { n: [9] } })).firstSeq).toBe(8);
  });

  it('an abort leaves the log as before: staged segments deleted, a dataset it created gone', async () => {
    const log = fresh();
    await beginImport(log.db, 'a', { datasetId: 'new', create: { name: 'new', schema: SCHEMA } });
    await stage(log, 'new', 'a', 4, 0);
    await abortImport(log.db, 'new', 'a');
    expect(await log.dataset('new')).toBeUndefined();
    expect(await log.db.segments.count()).toBe(0);

    await log.ensureDataset('old', 'old', SCHEMA);
    await log.append('old', { count: 2, ts: [1, 2], columns: { n: [7, 8] } });
    await beginImport(log.db, 'b', { datasetId: 'old' });
    await stage(log, 'old', 'b', 4, 0);
    await abortImport(log.db, 'old', 'b');
    expect(await visible(log, 'old')).toEqual([7, 8]);
    expect(await log.db.segments.count()).toBe(1);
    expect((await log.dataset('old'))?.pendingImport).toBeUndefined();
  });

  it('recovers imports no tab is running any more (a tab closed mid-import), not live ones', async () => {
    const log = fresh();
    await beginImport(log.db, 'dead', { datasetId: 'x', create: { name: 'x.parquet', schema: SCHEMA } });
    await stage(log, 'x', 'dead', 3, 0);
    await beginImport(log.db, 'live', { datasetId: 'y', create: { name: 'y.csv', schema: SCHEMA } });
    expect(await recoverImports(log.db, async (id) => id === 'live')).toEqual(['x.parquet']);
    expect(await log.dataset('x')).toBeUndefined();
    expect((await log.dataset('y'))?.pendingImport?.id).toBe('live');
    await expect(stage(log, 'x', 'dead', 1, 0)).rejects.toThrow(/no longer open/);
  });
});

describe('dataset admin', () => {
  it('renames, and deletes a dataset with its segments, views and batch views, leaving others', async () => {
    const log = fresh();
    await log.ensureDataset('a', 'a', SCHEMA);
    await log.ensureDataset('b', 'b', SCHEMA);
    await log.append('a', { count: 2, ts: [1, 2], columns: { n: [1, 2] } });
    await log.append('b', { count: 1, ts: [1], columns: { n: [3] } });
    await log.db.views.bulkPut([
      { id: 'va', createdAt: 0, def: { id: 'va', name: 'va', dataset: 'a' } },
      { id: 'vb', createdAt: 0, def: { id: 'vb', name: 'vb', dataset: 'b' } },
    ]);
    await log.db.batchViews.put({ viewId: 'va', dataset: 'a', w: 2, def: '{}', schema: SCHEMA, rows: [], savedAt: 0 });
    await renameDataset(log.db, 'a', '  Sales 2024 ');
    expect((await log.dataset('a'))?.name).toBe('Sales 2024');
    await expect(renameDataset(log.db, 'a', ' ')).rejects.toThrow('a dataset needs a name');

    expect(await deleteDataset(log.db, 'a')).toEqual(['va']);
    expect(await log.dataset('a')).toBeUndefined();
    expect(await visible(log, 'b')).toEqual([3]);
    expect(await log.db.segments.count()).toBe(1);
    expect((await log.db.views.toArray()).map((v) => v.id)).toEqual(['vb']);
    expect(await log.db.batchViews.count()).toBe(0);
  });
});
