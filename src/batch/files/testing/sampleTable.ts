/**
 * An Arrow table with one column of each kind the readers convert, in batches of uneven sizes, and
 * the values the log should get, computed here from the source arrays (BigInt arithmetic for the
 * 64-bit ones), never through the code under test.
 */
import {
  Bool,
  DateDay,
  Dictionary,
  Field,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimeUnit,
  Timestamp,
  Utf8,
  makeData,
  vectorFromArray,
  type Data,
} from 'apache-arrow';

export const SAMPLE_ROWS = 100_003;
/** Uneven batches, so that readers must both slice and gather. */
export const SAMPLE_BATCH_SIZES = [1000, 7, 30_000, 20_000, 1, 25_000, 3_995, 20_000];

const SAFE = 2n ** 53n - 1n;
const COUNTRIES = ['DE', 'US', 'ü€𝄞', 'FR'];

/** Floor division of bigints (BigInt's own `/` truncates toward zero). */
export const floorDiv = (a: bigint, b: bigint) => (a >= 0n ? a / b : -((-a + b - 1n) / b));

export interface SampleColumns {
  small: (number | null)[];
  ratio: number[];
  price: (number | null)[];
  label: (string | null)[];
  country: string[];
  day: number[];
  /** Microseconds, no zone. */
  at: bigint[];
  /** Nanoseconds, zoned. */
  atZ: bigint[];
  ok: (boolean | null)[];
  big: bigint[];
}

export function sampleColumns(n = SAMPLE_ROWS): SampleColumns {
  const c: SampleColumns = { small: [], ratio: [], price: [], label: [], country: [], day: [], at: [], atZ: [], ok: [], big: [] };
  for (let i = 0; i < n; i++) {
    c.small.push(i % 11 === 0 ? null : ((i * 37) % 65_536) - 32_768);
    c.ratio.push(Math.fround((i % 1000) / 8 - 60.3));
    c.price.push(i % 13 === 0 ? null : (i % 500) * 0.25);
    c.label.push(i % 7 === 3 ? null : i % 13 === 5 ? `ünï ${i} 𝄞` : `k${i % 13}`);
    c.country.push(COUNTRIES[i % COUNTRIES.length]!);
    c.day.push(19_000 + (i % 400) - 20_000);
    c.at.push(i % 97 === 0 ? -BigInt(i) * 1001n - 1n : 1_700_000_000_000_000n + BigInt(i) * 1_234_567n);
    c.atZ.push(1_700_000_000_000_000_000n + BigInt(i) * 999_999_937n - (i % 2 === 0 ? 0n : 3_000_000_000_000_000_000n));
    c.ok.push(i % 5 === 4 ? null : i % 3 === 0);
    c.big.push(i === 0 ? SAFE : i === 1 ? -SAFE : BigInt(i) * 1_000_000_007n - 2n ** 50n);
  }
  return c;
}

function validity(values: readonly unknown[]): { nullCount: number; nullBitmap?: Uint8Array } {
  const nullCount = values.filter((v) => v === null).length;
  if (nullCount === 0) return { nullCount };
  const nullBitmap = new Uint8Array((values.length + 7) >> 3);
  values.forEach((v, i) => {
    if (v !== null) nullBitmap[i >> 3]! |= 1 << (i & 7);
  });
  return { nullCount, nullBitmap };
}

const ZONE = 'America/New_York';

export const SAMPLE_SCHEMA = new Schema([
  new Field('small', new Int16(), true),
  new Field('ratio', new Float32(), true),
  new Field('price', new Float64(), true),
  new Field('label', new Utf8(), true),
  new Field('country', new Dictionary(new Utf8(), new Int32(), 0), true),
  new Field('day', new DateDay(), true),
  new Field('at', new Timestamp(TimeUnit.MICROSECOND), true),
  new Field('TS', new Timestamp(TimeUnit.NANOSECOND, ZONE), true),
  new Field('ok', new Bool(), true),
  new Field('big', new Int64(), true),
]);

/** The sample as an Arrow table in SAMPLE_BATCH_SIZES batches. */
export function sampleTable(c: SampleColumns): Table {
  const dictionary = vectorFromArray(COUNTRIES, new Utf8());
  const batches: RecordBatch[] = [];
  let from = 0;
  for (const size of SAMPLE_BATCH_SIZES) {
    const s = <T>(a: readonly T[]) => a.slice(from, from + size);
    const bools = (a: readonly (boolean | null)[]) => {
      const bits = new Uint8Array((a.length + 7) >> 3);
      a.forEach((v, i) => {
        if (v) bits[i >> 3]! |= 1 << (i & 7);
      });
      return bits;
    };
    const small = s(c.small);
    const price = s(c.price);
    const label = s(c.label);
    const ok = s(c.ok);
    const labelData = vectorFromArray(label, new Utf8()).data[0]!;
    const children: Data[] = [
      makeData({ type: new Int16(), length: size, ...validity(small), data: Int16Array.from(small, (v) => v ?? 0) }),
      makeData({ type: new Float32(), length: size, nullCount: 0, data: Float32Array.from(s(c.ratio)) }),
      makeData({ type: new Float64(), length: size, ...validity(price), data: Float64Array.from(price, (v) => v ?? 0) }),
      labelData,
      makeData({ type: SAMPLE_SCHEMA.fields[4]!.type, length: size, nullCount: 0, data: Int32Array.from(s(c.country), (v) => COUNTRIES.indexOf(v)), dictionary }),
      makeData({ type: new DateDay(), length: size, nullCount: 0, data: Int32Array.from(s(c.day)) }),
      makeData({ type: new Timestamp(TimeUnit.MICROSECOND), length: size, nullCount: 0, data: BigInt64Array.from(s(c.at)) }),
      makeData({ type: new Timestamp(TimeUnit.NANOSECOND, ZONE), length: size, nullCount: 0, data: BigInt64Array.from(s(c.atZ)) }),
      makeData({ type: new Bool(), length: size, ...validity(ok), data: bools(ok) }),
      makeData({ type: new Int64(), length: size, nullCount: 0, data: BigInt64Array.from(s(c.big)) }),
    ];
    batches.push(new RecordBatch(SAMPLE_SCHEMA, makeData({ type: new Struct(SAMPLE_SCHEMA.fields), length: size, nullCount: 0, children })));
    from += size;
  }
  if (from !== c.small.length) throw new Error('SAMPLE_BATCH_SIZES must add up to the rows');
  return new Table(SAMPLE_SCHEMA, batches);
}

/** What the log should hold for the sample, column by column (names as cleanColumnNames gives them). */
export function expectedColumns(c: SampleColumns): Record<string, unknown[]> {
  return {
    small: c.small,
    ratio: c.ratio,
    price: c.price,
    label: c.label,
    country: c.country,
    day: c.day,
    at: c.at.map((us) => Number(floorDiv(us, 1000n))),
    TS_1: c.atZ.map((ns) => Number(floorDiv(ns, 1_000_000n))),
    ok: c.ok,
    big: c.big.map(Number),
  };
}
