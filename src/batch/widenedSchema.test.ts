/**
 * A stream's schema widened (a field added): segments written before read the new field as NULL, in
 * the log's decoder and in DuckDB, whatever order old and new segments are loaded in.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeSegment, encodeSegment } from '../log/segmentCodec';
import type { DatasetSchema } from '../protocol/schema';
import { NodeDuckDbEngine } from './testing/nodeDuckDbEngine';

const OLD: DatasetSchema = {
  fields: [
    { name: 'page', type: 'text' },
    { name: 'ms', type: 'integer' },
  ],
};
const NEW: DatasetSchema = { fields: [...OLD.fields, { name: 'browser', type: 'text' }, { name: 'at', type: 'timestamp' }] };

const oldBatch = { count: 2, ts: [1000, 2000], columns: { page: ['/a', '/b'], ms: [1, 2] } };
const newBatch = { count: 2, ts: [3000, 4000], columns: { page: ['/c', null], ms: [3, 4], browser: ['lynx', null], at: [86_400_000, null] } };

describe('a widened schema', () => {
  let engine: NodeDuckDbEngine;
  beforeAll(async () => {
    engine = await NodeDuckDbEngine.create();
  });

  it('decodes an old segment with the new fields as NULL', () => {
    const back = decodeSegment(NEW, encodeSegment(OLD, oldBatch, 1));
    expect(back.batch.columns).toEqual({ page: ['/a', '/b'], ms: [1, 2], browser: [null, null], at: [null, null] });
  });

  it('loads old then new segments into one table, old rows NULL in the new fields', async () => {
    await engine.appendArrow('w1', encodeSegment(OLD, oldBatch, 1));
    await engine.ensureColumns('w1', NEW.fields);
    await engine.appendArrow('w1', encodeSegment(NEW, newBatch, 3));
    await engine.appendArrow('w1', encodeSegment(OLD, oldBatch, 5)); // an old-shaped segment after the widening
    const r = await engine.query('SELECT seq::DOUBLE AS seq, page, browser, epoch_ms("at")::DOUBLE AS at FROM w1 ORDER BY seq');
    expect(r.rows).toEqual([
      [1, '/a', null, null],
      [2, '/b', null, null],
      [3, '/c', 'lynx', 86_400_000],
      [4, null, null, null],
      [5, '/a', null, null],
      [6, '/b', null, null],
    ]);
  });

  it('loads a new segment first and an old one after, and a range of a mixed load', async () => {
    await engine.appendArrow('w2', encodeSegment(NEW, newBatch, 1));
    await engine.appendArrow('w2', encodeSegment(OLD, oldBatch, 3), { afterSeq: 3, uptoSeq: 4 });
    const r = await engine.query('SELECT seq::DOUBLE AS seq, page, browser FROM w2 ORDER BY seq');
    expect(r.rows).toEqual([
      [1, '/c', 'lynx'],
      [2, null, null],
      [4, '/b', null],
    ]);
  });
});
