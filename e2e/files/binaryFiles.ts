/**
 * The sales rows as Parquet (ZSTD, Snappy; written by parquet-wasm from Arrow) and as Arrow IPC
 * file and stream (apache-arrow), plus the big Parquet file: columns built from typed arrays, since
 * an Arrow column from millions of JS strings takes seconds.
 */
import { writeFileSync } from 'node:fs';
import {
  Bool,
  Field,
  Float32,
  Float64,
  Int16,
  Int64,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMicrosecond,
  TimestampMillisecond,
  Utf8,
  makeData,
  tableToIPC,
  type Data,
  type DataType,
} from 'apache-arrow';
import * as pq from 'parquet-wasm/node';
import { rng, type Expected, type SalesRows } from './sales';

function validity(isNull: (i: number) => boolean, n: number): { nullCount: number; nullBitmap?: Uint8Array } {
  const bitmap = new Uint8Array((n + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < n; i++) {
    if (isNull(i)) nullCount++;
    else bitmap[i >> 3]! |= 1 << (i & 7);
  }
  return nullCount === 0 ? { nullCount } : { nullCount, nullBitmap: bitmap };
}

/** A Utf8 column of `n` values drawn from `words` by index, without a JS string per row. */
function utf8(words: readonly string[], index: (i: number) => number, n: number): Data<Utf8> {
  const encoded = words.map((w) => Buffer.from(w, 'utf8'));
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i]! + encoded[index(i)]!.length;
  const bytes = new Uint8Array(offsets[n]!);
  for (let i = 0; i < n; i++) bytes.set(encoded[index(i)]!, offsets[i]!);
  return makeData({ type: new Utf8(), length: n, nullCount: 0, valueOffsets: offsets, data: bytes });
}

function bools(values: readonly (boolean | null)[] | ((i: number) => boolean), n: number): Data<Bool> {
  const at = typeof values === 'function' ? values : (i: number) => values[i] === true;
  const bits = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) if (at(i)) bits[i >> 3]! |= 1 << (i & 7);
  const v = typeof values === 'function' ? { nullCount: 0 } : validity((i) => values[i] === null, n);
  return makeData({ type: new Bool(), length: n, ...v, data: bits });
}

function tableOf(fields: [string, DataType][], children: Data[], n: number): Table {
  const schema = new Schema(fields.map(([name, type]) => new Field(name, type, true)));
  const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: n, nullCount: 0, children }));
  return new Table(schema, [batch]);
}

/** The sales rows with Parquet's usual types: microsecond timestamps, Int64, Float64. */
function parquetTable(rows: SalesRows): Table {
  const n = rows.n;
  const cities = [...new Set(rows.city)];
  return tableOf(
    [
      ['when', new TimestampMicrosecond()],
      ['city', new Utf8()],
      ['qty', new Int64()],
      ['price', new Float64()],
      ['ok', new Bool()],
    ],
    [
      makeData({ type: new TimestampMicrosecond(), length: n, nullCount: 0, data: BigInt64Array.from(rows.when, (ms) => BigInt(ms) * 1000n) }),
      utf8(cities, (i) => cities.indexOf(rows.city[i]!), n),
      makeData({ type: new Int64(), length: n, ...validity((i) => rows.qty[i] === null, n), data: BigInt64Array.from(rows.qty, (q) => BigInt(q ?? 0)) }),
      makeData({ type: new Float64(), length: n, ...validity((i) => rows.priceCents[i] === null, n), data: Float64Array.from(rows.priceCents, (c) => (c ?? 0) / 100) }),
      bools(rows.ok, n),
    ],
    n,
  );
}

export function writeParquet(table: Table, compression: 'ZSTD' | 'SNAPPY', rowGroup = 1024 * 1024): Uint8Array {
  const props = new pq.WriterPropertiesBuilder().setCompression(pq.Compression[compression]).setMaxRowGroupSize(rowGroup).build();
  return pq.writeParquet(pq.Table.fromIPCStream(tableToIPC(table, 'stream')), props);
}

export function salesParquet(rows: SalesRows, compression: 'ZSTD' | 'SNAPPY'): Uint8Array {
  return writeParquet(parquetTable(rows), compression, 1000);
}

/** Prices cut to quarters, which Float32 holds exactly (so the expected sum is exact too). */
export function quarterPrices(rows: SalesRows): SalesRows {
  return { ...rows, priceCents: rows.priceCents.map((c) => (c === null ? null : Math.floor(c / 25) * 25)) };
}

/** Arrow IPC with narrow types: millisecond timestamps, Int16 quantities, Float32 prices (give it quarterPrices rows). */
export function salesArrow(rows: SalesRows, kind: 'file' | 'stream'): Uint8Array {
  const n = rows.n;
  const cities = [...new Set(rows.city)];
  const table = tableOf(
    [
      ['when', new TimestampMillisecond()],
      ['city', new Utf8()],
      ['qty', new Int16()],
      ['price', new Float32()],
      ['ok', new Bool()],
    ],
    [
      makeData({ type: new TimestampMillisecond(), length: n, nullCount: 0, data: BigInt64Array.from(rows.when, (ms) => BigInt(ms)) }),
      utf8(cities, (i) => cities.indexOf(rows.city[i]!), n),
      makeData({ type: new Int16(), length: n, ...validity((i) => rows.qty[i] === null, n), data: Int16Array.from(rows.qty, (q) => q ?? 0) }),
      makeData({ type: new Float32(), length: n, ...validity((i) => rows.priceCents[i] === null, n), data: Float32Array.from(rows.priceCents, (c) => (c ?? 0) / 100) }),
      bools(rows.ok, n),
    ],
    n,
  );
  return tableToIPC(table, kind);
}

export const BIG_CATEGORIES = ['books', 'garden', 'toys', 'food', 'tools'] as const;

/**
 * The big file: `n` rows of event_time (µs, one a second from 2024-01-01 with the order shuffled
 * in blocks), category (5 values), units (integer), amount (quarters, exact as doubles), flag
 * (boolean); ZSTD, row groups of 256k rows. Written to `path`; returns its figures.
 */
export function writeBigParquet(path: string, n: number): Expected {
  const r = rng(2024);
  const t0 = Date.UTC(2024, 0, 1);
  const ts = new BigInt64Array(n);
  const cat = new Uint8Array(n);
  const units = new BigInt64Array(n);
  const amount = new Float64Array(n);
  let unitSum = 0;
  let quarterSum = 0;
  let minTs = Infinity;
  let maxTs = -Infinity;
  const perCat = new Array<number>(BIG_CATEGORIES.length).fill(0);
  let flagged = 0;
  const flag = (i: number) => i % 3 === 1;
  for (let i = 0; i < n; i++) {
    // Within each block of 1000 rows the seconds run backwards: the file is not in time order.
    const ms = t0 + (Math.floor(i / 1000) * 1000 + (999 - (i % 1000))) * 1000 + (i % 7);
    ts[i] = BigInt(ms) * 1000n;
    if (ms < minTs) minTs = ms;
    if (ms > maxTs) maxTs = ms;
    const c = Math.floor(r() * r() * BIG_CATEGORIES.length);
    cat[i] = c;
    perCat[c]!++;
    const u = Math.floor(r() * 1000);
    units[i] = BigInt(u);
    unitSum += u;
    const q = Math.floor(r() * 400);
    amount[i] = q / 4;
    quarterSum += q;
    if (flag(i)) flagged++;
  }
  const table = tableOf(
    [
      ['event_time', new TimestampMicrosecond()],
      ['category', new Utf8()],
      ['units', new Int64()],
      ['amount', new Float64()],
      ['flag', new Bool()],
    ],
    [
      makeData({ type: new TimestampMicrosecond(), length: n, nullCount: 0, data: ts }),
      utf8(BIG_CATEGORIES, (i) => cat[i]!, n),
      makeData({ type: new Int64(), length: n, nullCount: 0, data: units }),
      makeData({ type: new Float64(), length: n, nullCount: 0, data: amount }),
      bools(flag, n),
    ],
    n,
  );
  writeFileSync(path, writeParquet(table, 'ZSTD', 256 * 1024));
  const category: Record<string, number> = {};
  BIG_CATEGORIES.forEach((c, i) => {
    if (perCat[i]! > 0) category[JSON.stringify([c])] = perCat[i]!;
  });
  return {
    rows: n,
    intSums: { units: unitSum },
    // quarterSum / 4 is exact: whole quarters.
    floatSums: { amount: (quarterSum / 4).toFixed(2) },
    minTs,
    maxTs,
    groups: { category, flag: { '[true]': flagged, '[false]': n - flagged } },
  };
}
