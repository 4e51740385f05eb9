import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { EventLog } from '../../log/EventLog';
import { LogDb } from '../../log/LogDb';
import { decodeSegment } from '../../log/segmentCodec';
import { gzip, namedBlob } from '../files/testing/fixtures';
import { NodeDuckDbEngine } from '../testing/nodeDuckDbEngine';
import { FileImporter } from './FileImporter';
import type { ImportPlan, ImportProgress } from './importTypes';

let engine: NodeDuckDbEngine;
beforeAll(async () => {
  engine = await NodeDuckDbEngine.create();
});

let k = 0;
function setup() {
  const log = new EventLog(new LogDb(`importer-${k++}`));
  const committed: [string, number][] = [];
  const importer = new FileImporter(
    async () => engine,
    () => log.db,
    (d, hw) => committed.push([d, hw]),
  );
  return { log, importer, committed };
}

const plan = (over: Partial<ImportPlan> = {}): ImportPlan => ({ importId: `imp-${k++}`, target: { kind: 'new', name: 'sales' }, eventTime: 'when', formats: {}, ...over });

/** `n` sales rows; the test keeps its own totals. */
function salesCsv(n: number) {
  const lines = ['when,city,qty,price'];
  let qty = 0;
  let minTs = Infinity;
  let maxTs = -Infinity;
  for (let i = 0; i < n; i++) {
    const t = Date.UTC(2024, 0, 1) + i * 60_000;
    const d = new Date(t).toISOString().replace('T', ' ').slice(0, 19);
    lines.push(`${d},${['Oslo', 'Lima', 'Pune'][i % 3]},${i % 5},${(i % 7) + 0.5}`);
    qty += i % 5;
    minTs = Math.min(minTs, t);
    maxTs = Math.max(maxTs, t);
  }
  return { text: lines.join('\n'), qty, minTs, maxTs };
}

async function logged(log: EventLog, id: string, schema = undefined as never) {
  const ds = (await log.dataset(id))!;
  const segs = await log.segmentsOverlapping(id, 0, ds.highWater);
  return segs.map((s) => decodeSegment(schema ?? ds.schema, s.bytes));
}

describe('FileImporter', () => {
  it('previews a CSV: types, first rows as text, the suggested event time, low-cardinality fields', async () => {
    const { importer, log } = setup();
    const p = await importer.preview(namedBlob('sales.csv', salesCsv(50).text));
    expect(p.fields.map((f) => [f.name, f.type])).toEqual([
      ['when', 'timestamp'],
      ['city', 'text'],
      ['qty', 'integer'],
      ['price', 'float'],
    ]);
    expect(p.rows[0]).toEqual(['2024-01-01 00:00:00', 'Oslo', '0', '0.5']);
    expect(p.rows.length).toBe(20);
    expect(p.suggestedEventTime).toBe('when');
    expect(p.lowCardinality).toEqual(['city']);
    expect(await log.datasets()).toEqual([]);
  });

  it('imports a gzipped CSV whole into a new dataset, event times from a column, in chunks', async () => {
    const { importer, log, committed } = setup();
    const s = salesCsv(150_000);
    const progress: ImportProgress[] = [];
    const r = await importer.run(namedBlob('sales.csv.gz', await gzip(s.text)), plan(), (p) => progress.push(p));
    expect(r).toMatchObject({ created: true, rows: 150_000, skipped: 0, minTs: s.minTs, maxTs: s.maxTs });
    expect(committed).toEqual([[r.datasetId, 150_000]]);
    const segs = await logged(log, r.datasetId);
    expect(segs.length).toBeGreaterThan(1);
    expect(segs.reduce((n, s) => n + (s.batch.columns.qty as number[]).reduce((a, b) => a + b, 0), 0)).toBe(s.qty);
    expect(segs[0]!.batch.ts[1]).toBe(Date.UTC(2024, 0, 1, 0, 1));
    expect(segs.at(-1)!.seq.at(-1)).toBe(150_000);
    expect(progress.at(-1)?.rows).toBe(150_000);
  });

  it('appends to an existing dataset that fits; refuses one that does not, naming the fields', async () => {
    const { importer, log } = setup();
    const first = await importer.run(namedBlob('a.csv', salesCsv(10).text), plan(), () => {});
    const more = await importer.run(namedBlob('b.csv', 'when,qty\n2024-02-01 00:00:00,7\n'), plan({ target: { kind: 'existing', datasetId: first.datasetId } }), () => {});
    expect(more).toMatchObject({ created: false, rows: 1, highWater: 11 });
    const segs = await logged(log, first.datasetId);
    expect(segs.at(-1)!.batch.columns).toMatchObject({ qty: [7], city: [null], price: [null] });
    await expect(importer.run(namedBlob('c.csv', 'when,qty\n2024-02-01 00:00:00,x\n'), plan({ target: { kind: 'existing', datasetId: first.datasetId } }), () => {})).rejects.toThrow(
      '"c.csv" does not fit the dataset sales: "qty" is text in the file but integer in the dataset',
    );
    expect((await log.dataset(first.datasetId))?.highWater).toBe(11);
  });

  it('leaves rows without a usable event time out and says how many; ingest time when there is no column', async () => {
    const { importer, log } = setup();
    const r = await importer.run(namedBlob('t.csv', 'when,v\n2024-01-01 00:00:00,1\n,2\n1800-01-01 00:00:00,3\n2024-01-02 00:00:00,4\n'), plan(), () => {});
    expect(r).toMatchObject({ rows: 2, skipped: 2 });
    expect((await logged(log, r.datasetId))[0]!.batch.columns.v).toEqual([1, 4]);
    const before = Date.now();
    const n = await importer.run(namedBlob('n.csv', 'v\n1\n2\n'), plan({ eventTime: null, target: { kind: 'new', name: 'n' } }), () => {});
    const ts = (await logged(log, n.datasetId))[0]!.batch.ts;
    expect(ts[0]).toBe(ts[1]);
    expect(ts[0]).toBeGreaterThanOrEqual(before);
  });

  it("takes a time column named ts as the events' own ts, not a field; another event time keeps it as ts_1", async () => {
    const { importer, log } = setup();
    const text = 'TS,when,v\n2024-01-01 00:00:00,2023-01-01 00:00:00,1\n2024-01-02 00:00:00,2023-01-02 00:00:00,2\n';
    const p = await importer.preview(namedBlob('t.csv', text));
    expect(p.suggestedEventTime).toBe('TS_1');
    expect(p.fields[0]!.note).toBe('"TS" is taken as the event time: as such it becomes the events\' own ts and is not kept as a field; with another event time it is kept as "TS_1"');
    expect(p.notes.filter((n) => n.includes('"TS"'))).toEqual([p.fields[0]!.note]);
    const r = await importer.run(namedBlob('t.csv', text), plan({ eventTime: 'TS_1' }), () => {});
    expect(r.schema.fields.map((f) => f.name)).toEqual(['when', 'v']);
    expect((await logged(log, r.datasetId))[0]!.batch.ts).toEqual([Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 2)]);
    const other = await importer.run(namedBlob('t.csv', text), plan({ eventTime: 'when', target: { kind: 'new', name: 'other' } }), () => {});
    expect(other.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(['TS_1:timestamp', 'when:timestamp', 'v:integer']);
    // A ts column that holds no times is only renamed.
    const plain = await importer.preview(namedBlob('p.csv', 'ts,when\nabc,2024-01-01 00:00:00\n'));
    expect(plain.suggestedEventTime).toBe('when');
    expect(plain.fields[0]).toMatchObject({ name: 'ts_1', type: 'text', note: '"ts" is a name the log keeps for itself: renamed "ts_1"' });
  });

  it('a bad file appends nothing and says why, naming the file', async () => {
    const { importer, log } = setup();
    const cases: [string, string | Uint8Array, RegExp][] = [
      ['empty.csv', '', /"empty.csv" is empty/],
      ['ragged.csv', 'when,v\n2024-01-01 00:00:00,1\n2024-01-01 00:00:00,2,3\n', /"ragged.csv" has a row of 3 fields where the header has 2/],
      ['garbage.csv', new Uint8Array(Array.from({ length: 4000 }, (_, i) => (i * 7919 + 13) % 256)), /"garbage.csv" /],
      ['header-only.csv', 'when,v\n', /"header-only.csv" has a header but no rows/],
    ];
    for (const [name, body, message] of cases) await expect(importer.run(namedBlob(name, body), plan({ target: { kind: 'new', name } }), () => {})).rejects.toThrow(message);
    expect(await log.datasets()).toEqual([]);
    expect(await log.db.segments.count()).toBe(0);
  });

  it('cancel stops the import and leaves the log as it was', async () => {
    const { importer, log } = setup();
    const p = plan();
    const run = importer.run(namedBlob('big.csv', salesCsv(200_000).text), p, (progress) => {
      if (progress.rows > 0) importer.cancel(p.importId);
    });
    await expect(run).rejects.toThrow('"big.csv" was not imported: the import was cancelled; the log is as it was');
    expect(await log.datasets()).toEqual([]);
    expect(await log.db.segments.count()).toBe(0);
  });
});

describe('dates written as text outside CSV', () => {
  it('finds them in NDJSON, offers the formats, and reads them in the chosen one', async () => {
    const { importer, log } = setup();
    const text = ['{"d":"03/04/2001","v":1,"city":"Oslo"}', '{"d":"12/04/2001","v":2,"city":"Lima"}', '{"d":null,"v":3,"city":"Oslo"}'].join('\n');
    const p = await importer.preview(namedBlob('d.ndjson', text));
    const d = p.fields.find((f) => f.name === 'd')!;
    expect(d.dateFormats?.slice(0, 2)).toEqual(['%m/%d/%Y', '%d/%m/%Y']);
    expect(d).toMatchObject({ type: 'date', format: '%m/%d/%Y' });
    expect(p.rows.map((r) => r[0])).toEqual(['2001-03-04', '2001-12-04', null]);
    expect(p.fields.find((f) => f.name === 'city')?.type).toBe('text');

    const r = await importer.run(namedBlob('d.ndjson', text), plan({ eventTime: 'd', formats: { d: '%d/%m/%Y' }, target: { kind: 'new', name: 'd' } }), () => {});
    expect(r).toMatchObject({ rows: 2, skipped: 1 });
    const seg = (await logged(log, r.datasetId))[0]!;
    const day = (y: number, m: number, dd: number) => Date.UTC(y, m - 1, dd) / 86_400_000;
    expect(seg.batch.columns.d).toEqual([day(2001, 4, 3), day(2001, 4, 12)]);
    expect(seg.batch.ts).toEqual([Date.UTC(2001, 3, 3), Date.UTC(2001, 3, 12)]);
    expect(seg.batch.columns.city).toEqual(['Oslo', 'Lima']);
  });
});
