import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { EventLog } from '../../log/EventLog';
import { beginImport, commitImport, stageSegment } from '../../log/fileImport';
import { LogDb } from '../../log/LogDb';
import { decodeSegment, encodeSegment } from '../../log/segmentCodec';
import type { ColumnBatch, DatasetSchema } from '../../protocol/schema';
import { SHOP_SCHEMA } from '../../protocol/shop';
import { shopBatch } from '../../testing/events';
import { useNodeParquetWasm } from '../files/testing/nodeParquetWasm';
import { BackupProblem } from './BackupProblem';
import { restoreBackup } from './restoreBackup';
import { writeBackup } from './writeBackup';

beforeAll(() => useNodeParquetWasm());

const TYPED: DatasetSchema = {
  fields: [
    { name: 'n', type: 'integer' },
    { name: 'x', type: 'float' },
    { name: 'ok', type: 'boolean' },
    { name: 'city', type: 'text' },
    { name: 'day', type: 'date' },
    { name: 'at', type: 'timestamp' },
    { name: 'ts_sub_ms', type: 'text' },
  ],
};

/** `count` typed events with NULLs in every field, fractional and pre-1970 event times. */
function typedBatch(count: number, seed: number): ColumnBatch {
  const ts: number[] = [];
  const cols = {
    n: [] as (number | null)[],
    x: [] as (number | null)[],
    ok: [] as (boolean | null)[],
    city: [] as (string | null)[],
    day: [] as (number | null)[],
    at: [] as (number | null)[],
    ts_sub_ms: [] as (string | null)[],
  };
  for (let i = 0; i < count; i++) {
    const k = seed * 1000 + i;
    ts.push(i % 9 === 0 ? -86_400_000 * 365 * 20 + k + 0.25 : 1_700_000_000_000 + k * 997 + (i % 4) / 8);
    cols.n.push(i % 7 === 0 ? null : ((k * 7919) % 2 ** 40) - 2 ** 39);
    cols.x.push(i % 5 === 0 ? null : k / 3);
    cols.ok.push(i % 6 === 0 ? null : k % 2 === 0);
    cols.city.push(i % 4 === 0 ? null : ['Oslo', 'Lima', 'São Paulo', ''][k % 4]!);
    cols.day.push(i % 8 === 0 ? null : -3000 + (k % 9000));
    cols.at.push(i % 3 === 0 ? null : 1_600_000_000_123 + k * 61_001);
    cols.ts_sub_ms.push(`v${k}`);
  }
  return { count, ts, columns: cols };
}

let n = 0;
async function workspace(): Promise<EventLog> {
  return new EventLog(new LogDb(`backup-test-${n++}`));
}

/** A stream dataset with offsets and a gap, a file dataset of every type, a view and a saved statement. */
async function filled(): Promise<EventLog> {
  const log = await workspace();
  await log.ensureDataset('shop', 'shop', SHOP_SCHEMA);
  await log.append('shop', shopBatch(400, 1), { stream: 'shop', offset: 0 });
  await log.recordGap('shop', 'shop', 400, 410);
  await log.append('shop', shopBatch(250, 2), { stream: 'shop', offset: 410 });
  await beginImport(log.db, 'i1', { datasetId: 'typed', create: { name: 'Typed data', schema: TYPED } });
  for (const seed of [1, 2, 3]) {
    const b = typedBatch(333, seed);
    await stageSegment(log.db, 'typed', 'i1', { count: b.count, minTs: Math.min(...b.ts), maxTs: Math.max(...b.ts) }, (first) => encodeSegment(TYPED, b, first));
  }
  await commitImport(log.db, 'typed', 'i1', { name: 'typed.csv', rows: 999, skipped: 0, fileBytes: 1234 });
  await log.db.views.put({ id: 'v1', createdAt: 5, def: { id: 'v1', name: 'by city', dataset: 'typed', groupBy: ['city'], measures: [{ op: 'count' }] } });
  await log.db.savedQueries.put({ name: 'all', sql: 'SELECT count(*) FROM typed', savedAt: 7 });
  return log;
}

/** Every event of a dataset in log order, as plain values. */
async function events(log: EventLog, id: string): Promise<{ ts: number[]; columns: Record<string, unknown[]> }> {
  const ds = (await log.dataset(id))!;
  const ts: number[] = [];
  const columns: Record<string, unknown[]> = Object.fromEntries(ds.schema.fields.map((f) => [f.name, []]));
  for await (const page of log.segmentPages(id, ds.highWater)) {
    for (const seg of page) {
      const { batch } = decodeSegment(ds.schema, seg.bytes);
      ts.push(...batch.ts);
      for (const f of ds.schema.fields) columns[f.name]!.push(...(batch.columns[f.name] ?? []));
    }
  }
  return { ts, columns };
}

async function nothingIn(log: EventLog): Promise<void> {
  expect(await log.db.datasets.count()).toBe(0);
  expect(await log.db.segments.count()).toBe(0);
  expect(await log.db.views.count()).toBe(0);
  expect(await log.db.savedQueries.count()).toBe(0);
}

describe('workspace backup and restore', () => {
  it('restores every event, record, view and saved statement exactly (several parts per dataset)', async () => {
    const from = await filled();
    const backup = await writeBackup(from, { partRows: 300 });
    expect(backup).toMatchObject({ datasets: 2, events: 1649, views: 1, savedQueries: 1 });
    const to = await workspace();
    const r = await restoreBackup(to, backup.blob, 'r1');
    expect(r.events).toBe(1649);
    for (const id of ['shop', 'typed']) {
      const a = (await from.dataset(id))!;
      const b = (await to.dataset(id))!;
      const { bytes: _a, segmentCount: _sa, ...sameA } = a;
      const { bytes: _b, segmentCount: _sb, ...sameB } = b;
      expect(sameB).toEqual(sameA);
      expect(await events(to, id)).toEqual(await events(from, id));
    }
    expect((await to.dataset('shop'))!.sources).toEqual({ shop: 660 });
    expect((await to.dataset('shop'))!.gaps).toEqual({ shop: 10 });
    expect(await to.db.views.toArray()).toEqual(await from.db.views.toArray());
    expect(await to.db.savedQueries.toArray()).toEqual(await from.db.savedQueries.toArray());
  });

  it('refuses a cut backup with the reason and writes nothing', async () => {
    const { blob } = await writeBackup(await filled());
    const to = await workspace();
    const cut = blob.slice(0, Math.floor(blob.size * 0.6));
    await expect(restoreBackup(to, cut, 'r2')).rejects.toThrow(/the backup is cut short/);
    await expect(restoreBackup(to, blob.slice(0, blob.size - 5), 'r2')).rejects.toThrow(BackupProblem);
    await nothingIn(to);
  });

  it("refuses an altered byte in a dataset's data, naming the dataset", async () => {
    const { blob } = await writeBackup(await filled());
    const bytes = new Uint8Array(await blob.arrayBuffer());
    bytes[200] = bytes[200]! ^ 0xff; // inside the first dataset's first part
    const to = await workspace();
    await expect(restoreBackup(to, new Blob([bytes]), 'r3')).rejects.toThrow(/dataset shop's data .*does not match its checksum/);
    await nothingIn(to);
  });

  it('refuses a file that is not a backup', async () => {
    const to = await workspace();
    await expect(restoreBackup(to, new Blob(['ts,a\n1,2\n']), 'r4')).rejects.toThrow(/not a workspace backup/);
    await nothingIn(to);
  });

  it('refuses a workspace that holds events, saying what to do, and leaves it as it was', async () => {
    const { blob } = await writeBackup(await filled());
    const to = await workspace();
    await to.ensureDataset('other', 'other', SHOP_SCHEMA);
    await to.append('other', shopBatch(10, 9));
    await expect(restoreBackup(to, blob, 'r5')).rejects.toThrow(/already holds data \(other: 10 events\).*Unsubscribe its live streams first.*delete the datasets/);
    expect((await to.datasets()).map((d) => d.id)).toEqual(['other']);
    expect(await to.db.segments.count()).toBe(1);
  });

  it('takes over an empty dataset a live stream made, and resumes it at the backed-up offset', async () => {
    const { blob } = await writeBackup(await filled());
    const to = await workspace();
    await to.ensureDataset('shop', 'shop', SHOP_SCHEMA);
    await restoreBackup(to, blob, 'r6');
    const shop = (await to.dataset('shop'))!;
    expect(shop.highWater).toBe(650);
    // A replay from offset 600 keeps only what the log does not hold yet.
    const r = await to.append('shop', shopBatch(100, 3), { stream: 'shop', offset: 600 });
    expect(r.segment?.firstSeq).toBe(651);
    expect(r.segment?.count).toBe(40);
  });

  it('a cancel midway leaves the workspace as it was', async () => {
    const { blob } = await writeBackup(await filled(), { partRows: 100 });
    const to = await workspace();
    const control = new AbortController();
    const run = restoreBackup(to, blob, 'r7', {
      signal: control.signal,
      onProgress: (p) => {
        if (p.phase === 'restoring' && p.done >= 300) control.abort(new DOMException('cancelled', 'AbortError'));
      },
    });
    await expect(run).rejects.toThrow(/cancelled/);
    await nothingIn(to);
  });

  it('a damaged Parquet page midway (checksums made to match) rolls back what was staged', async () => {
    const from = await filled();
    const { blob } = await writeBackup(from, { partRows: 300 });
    // Rewrite the backup with its second dataset's last part replaced by bytes that are not Parquet.
    const { ZipReader } = await import('./zipReader');
    const { ZipWriter } = await import('./zipWriter');
    const { sha256Hex } = await import('./crc32');
    const zip = await ZipReader.open(blob);
    const manifest = JSON.parse(new TextDecoder().decode(await zip.read('manifest.json')));
    const bad = new Uint8Array(4000).fill(7);
    const last = manifest.datasets[1].parts.at(-1);
    const out = new ZipWriter();
    for (const name of zip.entries.keys()) {
      if (name === 'manifest.json') continue;
      out.add(name, name === last.path ? bad : await zip.read(name));
    }
    last.bytes = bad.length;
    last.sha256 = await sha256Hex(bad);
    out.add('manifest.json', new TextEncoder().encode(JSON.stringify(manifest)));
    const to = await workspace();
    await expect(restoreBackup(to, out.finish(), 'r8')).rejects.toThrow(/dataset Typed data's part 4 is not readable Parquet/);
    await nothingIn(to);
  });
});
