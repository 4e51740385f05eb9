import { describe, expect, it } from 'vitest';
import type { DatasetSchema } from '../protocol/schema';
import type { ViewDef } from '../views/ViewDef';
import type { MergedView } from './mergeView';
import { viewExportColumns } from './viewExport';

describe('viewExportColumns', () => {
  it('writes keys in their types and each measure merged, batch and speed', () => {
    const schema: DatasetSchema = {
      fields: [
        { name: 'country', type: 'text' },
        { name: 'qty', type: 'integer' },
        { name: 'at', type: 'timestamp' },
      ],
    };
    const def: ViewDef = {
      id: 'v',
      name: 'v',
      dataset: 'd',
      groupBy: ['country'],
      bucketMs: 60_000,
      measures: [
        { op: 'count', label: 'count' },
        { op: 'sum', field: 'qty', label: 'qty' },
        { op: 'max', field: 'at', label: 'latest' },
      ],
    };
    const view: MergedView = {
      id: 'v',
      keyNames: ['bucket', 'country'],
      measureLabels: ['count', 'qty', 'latest'],
      w: 10,
      boundary: null,
      rows: [
        { key: [60_000, 'DE'], batch: [2, 5, 100], speed: null, merged: [2, 5, 100] },
        { key: [120_000, null], batch: null, speed: [1, 1, 200], merged: [1, 1, 200] },
      ],
    };
    const cols = viewExportColumns(def, schema, view);
    expect(cols.map((c) => [c.name, c.type])).toEqual([
      ['bucket', 'timestamp'],
      ['country', 'text'],
      ['count', 'integer'],
      ['count (batch)', 'integer'],
      ['count (speed)', 'integer'],
      ['qty', 'integer'],
      ['qty (batch)', 'integer'],
      ['qty (speed)', 'integer'],
      ['latest', 'timestamp'],
      ['latest (batch)', 'timestamp'],
      ['latest (speed)', 'timestamp'],
    ]);
    expect(cols[1]!.values).toEqual(['DE', null]);
    expect(cols[3]!.values).toEqual([2, null]);
    expect(cols[4]!.values).toEqual([null, 1]);
  });
});
