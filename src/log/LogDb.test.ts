import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { LogDb } from './LogDb';

describe('LogDb upgrades', () => {
  it('renames the types of schemas written before typed files (number -> float, string -> text)', async () => {
    const old = new Dexie('upgrade-test');
    old.version(3).stores({ datasets: 'id', segments: '[datasetId+firstSeq], [datasetId+lastSeq]', views: 'id, createdAt', batchViews: 'viewId' });
    const legacy = {
      fields: [
        { name: 'amount', type: 'number' },
        { name: 'country', type: 'string' },
      ],
    };
    await old.table('datasets').put({ id: 'shop', name: 'shop', schema: legacy, highWater: 0 });
    await old.table('batchViews').put({ viewId: 'v', dataset: 'shop', schema: legacy, rows: [] });
    old.close();

    const db = new LogDb('upgrade-test');
    const renamed = {
      fields: [
        { name: 'amount', type: 'float' },
        { name: 'country', type: 'text' },
      ],
    };
    expect((await db.datasets.get('shop'))?.schema).toEqual(renamed);
    expect((await db.batchViews.get('v'))?.schema).toEqual(renamed);
    db.close();
  });
});
