import { tableFromIPC } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDuckDbEngine } from '../batch/testing/nodeDuckDbEngine';
import type { ColumnBatch, DatasetSchema } from '../protocol/schema';
import { decodeSegment, encodeSegment } from './segmentCodec';

const SCHEMA: DatasetSchema = {
  fields: [
    { name: 'label', type: 'text' },
    { name: 'x', type: 'float' },
  ],
};

/** `n` events whose label takes `distinct` values, every 7th label and every 5th x null. */
function batchWith(n: number, distinct: number): ColumnBatch {
  return {
    count: n,
    ts: Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i),
    columns: {
      label: Array.from({ length: n }, (_, i) => (i % 7 === 3 ? null : `v${i % distinct}`)),
      x: Array.from({ length: n }, (_, i) => (i % 5 === 1 ? null : i * 0.5 - 3)),
    },
  };
}

// Dictionaries narrow to 1, 2 or 4 bytes per index with their size; each width must round-trip.
const WIDTHS = [
  { distinct: 3, index: 'Int8' },
  { distinct: 127, index: 'Int8' },
  { distinct: 128, index: 'Int16' },
  { distinct: 40_000, index: 'Int32' },
] as const;

describe('segment codec', () => {
  let engine: NodeDuckDbEngine;
  beforeAll(async () => {
    engine = await NodeDuckDbEngine.create();
  });

  for (const { distinct, index } of WIDTHS) {
    it(`round-trips ${distinct} distinct strings (${index} indices) with nulls`, async () => {
      const n = Math.max(1_000, distinct * 2);
      const batch = batchWith(n, distinct);
      const firstSeq = 2 ** 33 + 5; // past 32 bits: both words of each Int64 seq matter
      const bytes = encodeSegment(SCHEMA, batch, firstSeq);
      const labelType = tableFromIPC(bytes).schema.fields.find((f) => f.name === 'label')!.type as { indices: { toString(): string } };
      expect(labelType.indices.toString()).toBe(index);

      const back = decodeSegment(SCHEMA, bytes);
      expect(back.batch).toEqual(batch);
      expect(back.seq[0]).toBe(firstSeq);
      expect(back.seq[n - 1]).toBe(firstSeq + n - 1);

      // DuckDB reads the same bytes to the same values.
      const table = `codec_${distinct}`;
      await engine.appendArrow(table, bytes);
      const r = await engine.query(
        `SELECT count(*)::DOUBLE AS n, count(label)::DOUBLE AS labels, count(DISTINCT label)::DOUBLE AS d, min(seq)::DOUBLE AS lo, max(seq)::DOUBLE AS hi, sum(x) AS sx FROM ${table}`,
      );
      const expectedLabels = batch.columns.label!.filter((v) => v !== null);
      const sx = (batch.columns.x as (number | null)[]).reduce<number>((a, v) => a + (v ?? 0), 0);
      expect(r.rows[0]).toEqual([n, expectedLabels.length, new Set(expectedLabels).size, firstSeq, firstSeq + n - 1, sx]);
    });
  }
});

describe('segment codec, every field type', () => {
  const TYPED: DatasetSchema = {
    fields: [
      { name: 'i', type: 'integer' },
      { name: 'f', type: 'float' },
      { name: 'b', type: 'boolean' },
      { name: 's', type: 'text' },
      { name: 'd', type: 'date' },
      { name: 't', type: 'timestamp' },
    ],
  };
  const batch: ColumnBatch = {
    count: 5,
    ts: [0, 1, 2, 3, 4],
    columns: {
      i: [-(2 ** 53 - 1), 2 ** 53 - 1, -1, null, 32_767],
      f: [0.1, -0, null, 1e300, -2.5],
      b: [true, false, null, true, true],
      s: ['ü', null, '', 'a"b', '🙂'],
      d: [-25_567, 0, 19_000, null, -1],
      t: [-2_208_988_800_000, 0, null, 1_700_000_000_123, -1],
    },
  };

  it('round-trips integers to ±(2^53-1), booleans, dates and timestamps before 1970, with nulls', async () => {
    const bytes = encodeSegment(TYPED, batch, 7);
    expect(decodeSegment(TYPED, bytes).batch).toEqual(batch);
    const engine = await NodeDuckDbEngine.create();
    await engine.appendArrow('typed', bytes);
    const r = await engine.query(`SELECT typeof(i), typeof(b), typeof(d), typeof(t), i::VARCHAR, b, d::VARCHAR, t::VARCHAR FROM typed ORDER BY seq`);
    expect(r.rows[0]).toEqual(['BIGINT', 'BOOLEAN', 'DATE', 'TIMESTAMP_MS', '-9007199254740991', true, '1900-01-01', '1900-01-01 00:00:00']);
    expect(r.rows[1]!.slice(4)).toEqual(['9007199254740991', false, '1970-01-01', '1970-01-01 00:00:00']);
    expect(r.rows[3]!.slice(4)).toEqual([null, true, null, '2023-11-14 22:13:20.123']);
    expect(r.rows[4]!.slice(4)).toEqual(['32767', true, '1969-12-31', '1969-12-31 23:59:59.999']);
  });
});
