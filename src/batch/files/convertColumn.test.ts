/** Arrow types beyond the common ones, through the Arrow reader: each becomes one of the log's six. */
import {
  Binary,
  Bool,
  DateMillisecond,
  Decimal,
  Dictionary,
  Field,
  Float16,
  Int8,
  Int32,
  LargeUtf8,
  List,
  Null,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimeUnit,
  Timestamp,
  Uint32,
  Uint64,
  Utf8,
  makeData,
  makeVector,
  tableToIPC,
  vectorFromArray,
  type Data,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { ArrowReader } from './arrowReader';
import { normalizeBatch, planArrow } from './normalizeArrow';
import { LOG_TYPE_NAMES, namedBlob, readAll, typeNames } from './testing/fixtures';

const STREAM = { format: 'arrow-stream', gzip: false } as const;

function table(columns: [string, Data][]): Table {
  const schema = new Schema(columns.map(([name, d]) => new Field(name, d.type, true)));
  const length = columns[0]![1].length;
  return new Table(schema, [new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length, children: columns.map(([, d]) => d) }))]);
}

const read = async (t: Table) => readAll(new ArrowReader(namedBlob('types.arrows', tableToIPC(t, 'stream')), STREAM));

describe('column conversions', () => {
  it('widens, narrows and decodes every supported type exactly', async () => {
    const struct = new Struct([new Field('x', new Int32(), true), new Field('y', new Utf8(), true)]);
    const t = table([
      ['large', vectorFromArray(['a', null, 'ccc€'], new LargeUtf8()).data[0]!],
      ['half', makeData({ type: new Float16(), length: 3, nullCount: 1, nullBitmap: Uint8Array.of(0b011), data: Uint16Array.of(0x3800, 0xc080, 0) })],
      ['dec', makeData({ type: new Decimal(2, 10, 128), length: 3, nullCount: 0, data: Uint32Array.of(12345, 0, 0, 0, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0, 1, 0, 0) })],
      ['u64', makeData({ type: new Uint64(), length: 3, nullCount: 0, data: BigUint64Array.of(0n, 2n ** 53n - 1n, 42n) })],
      ['u32', makeData({ type: new Uint32(), length: 3, nullCount: 0, data: Uint32Array.of(4294967295, 0, 7) })],
      ['i8', makeData({ type: new Int8(), length: 3, nullCount: 0, data: Int8Array.of(-128, 127, -1) })],
      ['d64', makeData({ type: new DateMillisecond(), length: 3, nullCount: 0, data: BigInt64Array.of(-1n, 86_400_000n * 19_000n, 0n) })],
      ['sec', makeData({ type: new Timestamp(TimeUnit.SECOND), length: 3, nullCount: 0, data: BigInt64Array.of(-1n, 1_700_000_000n, 0n) })],
      ['utc', makeData({ type: new Timestamp(TimeUnit.MILLISECOND, 'UTC'), length: 3, nullCount: 0, data: BigInt64Array.of(5n, -5n, 0n) })],
      ['obj', vectorFromArray([{ x: 1, y: 'a' }, null, { x: null, y: 'q"' }], struct).data[0]!],
      ['list', vectorFromArray([[1, 2], [], null], new List(new Field('item', new Int32(), true))).data[0]!],
      ['bin', vectorFromArray([Uint8Array.of(0, 255, 16), null, new Uint8Array(0)], new Binary()).data[0]!],
      ['flag', vectorFromArray([true, null, false], new Bool()).data[0]!],
      ['nothing', makeData({ type: new Null(), length: 3, nullCount: 3 })],
    ]);
    const r = await read(t);
    expect(Object.fromEntries(r.fields.map((f) => [f.name, f.type]))).toEqual({
      large: 'text',
      half: 'float',
      dec: 'float',
      u64: 'integer',
      u32: 'integer',
      i8: 'integer',
      d64: 'date',
      sec: 'timestamp',
      utc: 'timestamp',
      obj: 'text',
      list: 'text',
      bin: 'text',
      flag: 'boolean',
      nothing: 'text',
    });
    expect(typeNames(r.batches[0]!)).toEqual(r.fields.map((f) => LOG_TYPE_NAMES[f.type]));
    expect(r.columns).toEqual({
      large: ['a', null, 'ccc€'],
      half: [0.5, -2.25, null],
      dec: [123.45, -0.01, 4294967296 / 100],
      u64: [0, 2 ** 53 - 1, 42],
      u32: [4294967295, 0, 7],
      i8: [-128, 127, -1],
      d64: [-1, 19_000, 0],
      sec: [-1000, 1_700_000_000_000, 0],
      utc: [5, -5, 0],
      obj: ['{"x":1,"y":"a"}', null, '{"x":null,"y":"q\\""}'],
      list: ['[1,2]', '[]', null],
      bin: ['00ff10', null, ''],
      flag: [true, null, false],
      nothing: [null, null, null],
    });
    expect(r.fields.find((f) => f.name === 'utc')).toMatchObject({ zoned: true });
    expect(r.fields.find((f) => f.name === 'dec')!.note).toMatch(/read as a float/);
    expect(r.fields.find((f) => f.name === 'bin')!.note).toMatch(/hex/);
  });

  it('reads a sliced batch (data with an offset) from its offset', () => {
    const t = new Table({
      n: vectorFromArray([1, 2, 3, null, 5, 6], new Int8()),
      s: vectorFromArray(['a', 'b', 'c', 'd', null, 'f'], new LargeUtf8()),
      b: vectorFromArray([true, false, true, true, null, false], new Bool()),
      c: vectorFromArray(['x', 'y', 'x', null, 'y', 'x'], new Dictionary(new Utf8(), new Int32())),
      us: makeVector(makeData({ type: new Timestamp(TimeUnit.MICROSECOND), length: 6, nullCount: 0, data: BigInt64Array.of(0n, 1n, -1n, 1999n, -1001n, 5000n) })),
    });
    const plan = planArrow(t.schema);
    const out = normalizeBatch(plan, t.batches[0]!.slice(2, 5), 'x.arrow', 2);
    const values = (name: string) =>
      Array.from({ length: out.numRows }, (_, i) => {
        const v: unknown = out.getChild(name)!.get(i);
        return typeof v === 'bigint' ? Number(v) : v;
      });
    expect(['n', 's', 'b', 'c', 'us'].map(values)).toEqual([
      [3, null, 5],
      ['c', 'd', null],
      [true, true, null],
      ['x', null, 'y'],
      [-1, 1, -2],
    ]);
  });

  it('fails an unsigned integer beyond 2^53-1, naming the column', async () => {
    const t = table([['big u', makeData({ type: new Uint64(), length: 2, nullCount: 0, data: BigUint64Array.of(1n, 2n ** 64n - 1n) })]]);
    await expect(read(t)).rejects.toThrow('"types.arrows" has the integer 18446744073709551615 in column "big u" (row 2), beyond 2^53-1, the largest the log holds exactly');
  });
});
