import { tableFromIPC } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { NodeDuckDbEngine } from '../batch/testing/nodeDuckDbEngine';
import type { ColumnBatch, DatasetSchema } from '../protocol/schema';
import { decodeSegment, encodeSegment } from './segmentCodec';

const SCHEMA: DatasetSchema = {
  fields: [
    { name: 'label', type: 'string' },
    { name: 'x', type: 'number' },
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
