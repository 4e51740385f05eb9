import { describe, expect, it } from 'vitest';
import type { DatasetRecord } from '../../log/LogDb';
import { SHOP_SCHEMA } from '../../protocol/shop';
import { datasetStatus, sourceStatuses } from './datasetStatus';

const record: DatasetRecord = {
  id: 'shop',
  name: 'shop',
  schema: SHOP_SCHEMA,
  createdAt: 0,
  highWater: 120,
  segmentCount: 3,
  minTs: null,
  maxTs: null,
  sources: { shop: 130, other: 7 },
  gaps: { shop: 4 },
  rejected: { other: 2 },
};

describe('datasetStatus', () => {
  it('builds the page status of a dataset and its sources from the log record', () => {
    expect(datasetStatus(record)).toEqual({
      name: 'shop',
      createdAt: 0,
      origin: 'stream',
      files: [],
      highWater: 120,
      segments: 3,
      bytes: null,
      minTs: null,
      maxTs: null,
      importing: false,
      retention: null,
      clusterFrom: null,
      schema: SHOP_SCHEMA,
    });
    const file = { ...record, origin: 'file' as const, files: [{ name: 'a.csv', rows: 1, skipped: 0, fileBytes: 9, importedAt: 0 }], bytes: 500 };
    expect(datasetStatus(file)).toMatchObject({ origin: 'file', files: ['a.csv'], bytes: 500 });
    expect({ ...sourceStatuses(record) }).toEqual({
      shop: { durableOffset: 130, gapEvents: 4, rejectedEvents: 0 },
      other: { durableOffset: 7, gapEvents: 0, rejectedEvents: 2 },
    });
  });

  it('a record without rejections (written by an older build) reads as none', () => {
    const { rejected: _r, ...old } = record;
    expect(sourceStatuses(old).other?.rejectedEvents).toBe(0);
  });
});
