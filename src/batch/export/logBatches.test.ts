import 'fake-indexeddb/auto';
import type { RecordBatch } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import type { SegmentRecord } from '../../log/LogDb';
import { beginImport, commitImport, stageSegment } from '../../log/fileImport';
import { encodeArrowSegment } from '../../log/segmentCodec';
import { concatBatches, sliceBatch } from '../../protocol/schema';
import { arrowTypeOf } from '../files/normalizeArrow';
import { arrowTypeName } from './arrowText';
import { applyRetention, setRetentionPolicy } from '../../log/retention';
import { logBatches } from './logBatches';
import { exportedRows, loggedRows, TYPED_SCHEMA, typedBatch, typedLog } from './testing/typedLog';

async function collect(gen: AsyncIterable<RecordBatch>): Promise<RecordBatch[]> {
  const out: RecordBatch[] = [];
  for await (const b of gen) out.push(b);
  return out;
}

describe('logBatches', () => {
  it('gives ts then the fields in the log types, text always plain Utf8, whatever the dictionary widths', async () => {
    const log = await typedLog();
    await log.append('typed', typedBatch(1, 300)); // 9 distinct cities: Int8 indices
    await log.append('typed', typedBatch(301, 400, 200)); // 200 distinct: Int16 indices
    await log.append('typed', typedBatch(701, 50));
    const batches = await collect(logBatches(log, 'typed', TYPED_SCHEMA, { uptoSeq: 750 }));
    expect(batches.map((b) => b.numRows)).toEqual([300, 400, 50]);
    for (const b of batches) {
      expect(b.schema.fields.map((f) => `${f.name} ${arrowTypeName(f.type)}`)).toEqual(['ts TIMESTAMP_MS', 'n BIGINT', 'x DOUBLE', 'ok BOOLEAN', 'city VARCHAR', 'day DATE', 'at TIMESTAMP_MS']);
      expect(String(b.getChild('city')!.type)).toBe(String(arrowTypeOf('text')));
    }
    expect(exportedRows(TYPED_SCHEMA, batches)).toEqual((await loggedRows(log, 'typed')).batch);
  });

  it('stops at uptoSeq inside a compacted segment, and reads across compactions between pages', async () => {
    const log = await typedLog();
    for (let i = 0; i < 20; i++) await log.append('typed', typedBatch(1 + i * 10, 10));
    const upto = 155; // mid-segment, as after a compaction that went past the export's start
    await log.append('typed', typedBatch(201, 10));
    expect(await log.compactTail('typed', { minRun: 16 })).toBeGreaterThan(0);
    const all = (await loggedRows(log, 'typed')).batch;
    const progress: [number, number][] = [];
    const batches = await collect(logBatches(log, 'typed', TYPED_SCHEMA, { uptoSeq: upto, onProgress: (done, total) => progress.push([done, total]) }));
    expect(batches.map((b) => b.numRows)).toEqual([upto]);
    expect(exportedRows(TYPED_SCHEMA, batches)).toEqual(sliceBatch(all, 0, upto));
    expect(progress).toEqual([[upto, upto]]);

    // A compaction between two pages merges a segment already read with the ones after it.
    const log2 = await typedLog();
    for (let i = 0; i < 20; i++) await log2.append('typed', typedBatch(1 + i * 10, 10));
    const pages = log2.segmentPages('typed', 200, 1);
    const first = await pages.next();
    expect(first.value?.map((s: SegmentRecord) => [s.firstSeq, s.lastSeq])).toEqual([[1, 10]]);
    await log2.compactTail('typed', { minRun: 16 });
    const seen = [first.value!];
    for await (const p of pages) seen.push(p);
    expect(seen.flat().map((s) => [s.firstSeq, s.lastSeq])).toEqual([
      [1, 10],
      [1, 200],
    ]);
    const log3 = await typedLog();
    for (let i = 0; i < 20; i++) await log3.append('typed', typedBatch(1 + i * 10, 10));
    const gen = logBatches(log3, 'typed', TYPED_SCHEMA, { uptoSeq: 200, maxBytesPerPage: 1 });
    const read = [(await gen.next()).value as RecordBatch, (await gen.next()).value as RecordBatch];
    await log3.compactTail('typed', { minRun: 16 });
    read.push(...(await collect(gen)));
    expect(read.map((b) => b.numRows)).toEqual([10, 10, 180]);
    expect(exportedRows(TYPED_SCHEMA, read)).toEqual(
      concatBatches(
        TYPED_SCHEMA,
        Array.from({ length: 20 }, (_, i) => typedBatch(1 + i * 10, 10)),
      ),
    );
  });

  it('reads plain Utf8 segments (file imports) and an empty log', async () => {
    const log = await typedLog();
    await beginImport(log.db, 'imp', { datasetId: 'file', create: { name: 'file', schema: { fields: [{ name: 'city', type: 'text' }] } } });
    const { vectorFromArray, Utf8 } = await import('apache-arrow');
    const col = vectorFromArray(['a', null, 'ü', ''], new Utf8()).data[0]!;
    await stageSegment(log.db, 'file', 'imp', { count: 4, minTs: 1, maxTs: 4 }, (seq) => encodeArrowSegment({ fields: [{ name: 'city', type: 'text' }] }, [col], new Float64Array([1, 2, 3, 4]), seq));
    await commitImport(log.db, 'file', 'imp', { name: 'f', rows: 4, skipped: 0, fileBytes: 1 });
    const schema = (await log.dataset('file'))!.schema;
    const rows = exportedRows(schema, await collect(logBatches(log, 'file', schema, { uptoSeq: 4 })));
    expect(rows).toEqual({ count: 4, ts: [1, 2, 3, 4], columns: { city: ['a', null, 'ü', ''] } });
    const empty = await collect(logBatches(log, 'typed', TYPED_SCHEMA, { uptoSeq: 0 }));
    expect(empty.map((b) => [b.numRows, b.numCols])).toEqual([[0, 7]]);
  });

  it('exports exactly the events retention left, holes in the seqs and all', async () => {
    const log = await typedLog();
    for (let i = 0; i < 5; i++) await log.append('typed', typedBatch(1 + i * 150, 150));
    await setRetentionPolicy(log.db, 'typed', { kind: 'days', days: 1 });
    const run = await applyRetention(log.db, 'typed', 750);
    const kept = (await loggedRows(log, 'typed')).batch;
    expect(run!.removed).toBeGreaterThan(0);
    expect(kept.count).toBe(750 - run!.removed);
    expect(kept.ts.every((t) => t >= run!.beforeTs!)).toBe(true);
    expect(exportedRows(TYPED_SCHEMA, await collect(logBatches(log, 'typed', TYPED_SCHEMA, { uptoSeq: 750 })))).toEqual(kept);
    const upto = 400;
    const part = await collect(logBatches(log, 'typed', TYPED_SCHEMA, { uptoSeq: upto }));
    const seqs = (await loggedRows(log, 'typed')).seq;
    expect(part.reduce((n, b) => n + b.numRows, 0)).toBe(seqs.filter((q) => q <= upto).length);
  });

  it('stops with an AbortError on cancel, and says when the dataset lost events meanwhile', async () => {
    const log = await typedLog();
    for (let i = 0; i < 5; i++) await log.append('typed', typedBatch(1 + i * 10, 10));
    const control = new AbortController();
    const e = await collect(logBatches(log, 'typed', TYPED_SCHEMA, { uptoSeq: 50, signal: control.signal, onProgress: () => control.abort() })).catch((x: unknown) => x);
    expect((e as Error).name).toBe('AbortError');
    await expect(collect(logBatches(log, 'typed', TYPED_SCHEMA, { uptoSeq: 60 }))).rejects.toThrow('the dataset typed lost events 51..60 during the export (deleted meanwhile?)');
  });
});
