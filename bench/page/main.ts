/**
 * Side-by-side measurements in the browser, on the same events: our segment log against a plain
 * row-per-event Dexie log, and our speed tally against FINOS Perspective. Driven by bench/run.ts.
 */
import perspective from '@finos/perspective';
import serverWasm from '@finos/perspective/dist/wasm/perspective-server.wasm?url';
import clientWasm from '@finos/perspective/dist/wasm/perspective-js.wasm?url';
import { tableFromIPC } from 'apache-arrow';
import Dexie from 'dexie';
import { ShopGenerator } from '../../server/ShopGenerator';
import { EventLog } from '../../src/log/EventLog';
import { LogDb } from '../../src/log/LogDb';
import type { ColumnBatch } from '../../src/protocol/schema';
import { SHOP_SCHEMA } from '../../src/protocol/shop';
import { SpeedLayer } from '../../src/speed/SpeedLayer';
import { compileView } from '../../src/views/compileView';
import type { ViewDef } from '../../src/views/ViewDef';

/** `n` shop events spread over the last hour, from the demo stream's own generator. */
function events(n: number, seed: number): ColumnBatch {
  return new ShopGenerator(seed).next(n, Date.now(), 3_600_000);
}

function slice(b: ColumnBatch, from: number, to: number): ColumnBatch {
  const columns: Record<string, ColumnBatch['columns'][string]> = {};
  for (const [k, c] of Object.entries(b.columns)) columns[k] = c.slice(from, to);
  return { count: to - from, ts: b.ts.slice(from, to), columns };
}

/** Our segment log against one IndexedDB record per event, same events, write and read back. */
async function segmentVsRow(n: number, run: number) {
  const all = events(n, run + 1);
  const segDb = new LogDb(`bench-seg-${run}-${Date.now()}`);
  const log = new EventLog(segDb);
  await log.ensureDataset('shop', 'shop', SHOP_SCHEMA);
  let t = performance.now();
  for (let i = 0; i < n; i += 16_384) await log.append('shop', slice(all, i, Math.min(n, i + 16_384)));
  const segWrite = performance.now() - t;
  t = performance.now();
  let rowsBack = 0;
  for (const seg of await log.segmentsOverlapping('shop', 0, Number.MAX_SAFE_INTEGER)) rowsBack += tableFromIPC(seg.bytes).numRows;
  const segRead = performance.now() - t;
  if (rowsBack !== n) throw new Error(`segment log read ${rowsBack} of ${n}`);

  const rowDb = new Dexie(`bench-row-${run}-${Date.now()}`);
  rowDb.version(1).stores({ events: 'seq' });
  const rows = Array.from({ length: n }, (_, i) => ({
    seq: i + 1,
    ts: all.ts[i],
    country: all.columns.country![i],
    product: all.columns.product![i],
    channel: all.columns.channel![i],
    amount: all.columns.amount![i],
    quantity: all.columns.quantity![i],
  }));
  t = performance.now();
  for (let i = 0; i < n; i += 10_000) await rowDb.table('events').bulkAdd(rows.slice(i, i + 10_000));
  const rowWrite = performance.now() - t;
  t = performance.now();
  const back = await rowDb.table('events').toArray();
  const rowRead = performance.now() - t;
  if (back.length !== n) throw new Error(`row log read ${back.length} of ${n}`);
  segDb.close();
  rowDb.close();
  await Promise.all([Dexie.delete(segDb.name), Dexie.delete(rowDb.name)]);
  return { segWrite, segRead, rowWrite, rowRead, segWritePerS: (n / segWrite) * 1000, rowWritePerS: (n / rowWrite) * 1000 };
}

const BY_COUNTRY: ViewDef = {
  id: 'c',
  name: 'c',
  dataset: 'shop',
  groupBy: ['country'],
  bucketMs: null,
  measures: [
    { op: 'count', label: 'n' },
    { op: 'sum', field: 'amount', label: 's' },
  ],
};
const PER_MINUTE: ViewDef = { id: 'm', name: 'm', dataset: 'shop', groupBy: [], bucketMs: 60_000, measures: [{ op: 'count', label: 'n' }] };

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? Number.NaN;
}

/**
 * The same group-bys (count and sum by country; count per minute) kept up to date batch by batch,
 * with a consistent read of both after every batch.
 */
async function speedVsPerspective(n: number, batchSize: number, run: number) {
  const all = events(n, 100 + run);
  const batches: ColumnBatch[] = [];
  for (let i = 0; i < n; i += batchSize) batches.push(slice(all, i, Math.min(n, i + batchSize)));

  const speed = new SpeedLayer();
  speed.setViews([compileView(BY_COUNTRY, SHOP_SCHEMA), compileView(PER_MINUTE, SHOP_SCHEMA)]);
  speed.reset('shop', 0);
  const oursLat: number[] = [];
  let seq = 1;
  let t0 = performance.now();
  let check = 0;
  for (const b of batches) {
    const t = performance.now();
    speed.add('shop', seq, b, 0);
    seq += b.count;
    const snap = speed.snapshot();
    check = 0;
    for (const g of snap.views.c!.values()) check += g.state[0] as number;
    oursLat.push(performance.now() - t);
  }
  const ours = performance.now() - t0;
  if (check !== n) throw new Error(`speed layer counted ${check} of ${n}`);

  const client = await perspective.worker();
  // A schema, not data: Perspective's typings only describe the data form of table().
  const schema = { country: 'string', amount: 'float', minute: 'float' } as unknown as Record<string, unknown[]>;
  const table = await client.table(schema);
  const byCountry = await table.view({ group_by: ['country'], columns: ['amount', 'country'], aggregates: { amount: 'sum', country: 'count' } });
  const perMinute = await table.view({ group_by: ['minute'], columns: ['amount'], aggregates: { amount: 'count' } });
  const theirLat: number[] = [];
  t0 = performance.now();
  let theirs = 0;
  for (const b of batches) {
    const t = performance.now();
    const update: Record<string, unknown[]> = { country: b.columns.country as string[], amount: b.columns.amount as number[], minute: b.ts.map((x) => Math.floor(x / 60_000) * 60_000) };
    await table.update(update);
    const cols = (await byCountry.to_columns()) as Record<string, number[]>;
    await perMinute.to_columns();
    theirs = cols.country?.[0] ?? 0; // the total row
    theirLat.push(performance.now() - t);
  }
  const persp = performance.now() - t0;
  if (theirs !== n) throw new Error(`perspective counted ${theirs} of ${n}`);
  await byCountry.delete();
  await perMinute.delete();
  await table.delete();
  return {
    oursPerS: (n / ours) * 1000,
    perspectivePerS: (n / persp) * 1000,
    oursP50: pct(oursLat, 50),
    oursP99: pct(oursLat, 99),
    perspectiveP50: pct(theirLat, 50),
    perspectiveP99: pct(theirLat, 99),
  };
}

perspective.init_server(fetch(serverWasm));
perspective.init_client(fetch(clientWasm));

Object.assign(window, { benchMicro: { segmentVsRow, speedVsPerspective } });
document.getElementById('status')!.textContent = 'ready';
