import {
  Bool,
  DateDay,
  Decimal,
  Dictionary,
  Int16,
  Field,
  Float32,
  Float64,
  Int64,
  Int8,
  List,
  makeData,
  makeVector,
  TimestampMicrosecond,
  TimestampNanosecond,
  Uint64,
  Utf8,
  vectorFromArray,
  type Table as ArrowTable,
  type Vector,
} from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ConsoleLogger, createDuckDB, type DuckDBConnection, LogLevel, NODE_RUNTIME } from '@duckdb/duckdb-wasm/blocking';
import { arrowTypeName, columnText } from './arrowText';

const all = (v: Vector) => {
  const text = columnText(v);
  return Array.from({ length: v.length }, (_, i) => text(i));
};

/** A vector of a fixed-width type from raw values, with nulls where `valid` says. */
function raw(type: ConstructorParameters<typeof Object>[0], data: ArrayBufferView, length: number, valid?: boolean[]): Vector {
  const nullBitmap = valid ? Uint8Array.from({ length: Math.ceil(length / 8) }, (_, b) => valid.slice(b * 8, b * 8 + 8).reduce((m, ok, k) => m | (ok ? 1 << k : 0), 0)) : undefined;
  return makeVector(makeData({ type, length, nullCount: valid ? valid.filter((x) => !x).length : 0, nullBitmap, data } as never));
}

describe('columnText', () => {
  it('writes 64-bit integers exactly, and NULL as null', () => {
    expect(all(raw(new Int64(), new BigInt64Array([2n ** 63n - 1n, -(2n ** 63n), 0n, 9007199254740993n]), 4, [true, true, false, true]))).toEqual([
      '9223372036854775807',
      '-9223372036854775808',
      null,
      '9007199254740993',
    ]);
    expect(all(raw(new Uint64(), new BigUint64Array([2n ** 64n - 1n]), 1))).toEqual(['18446744073709551615']);
  });

  it('writes floats as String does, -0 as -0, float32 by its shortest decimal', () => {
    expect(all(raw(new Float64(), new Float64Array([-0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.1 + 0.2, 1e21, 5e-324]), 7))).toEqual([
      '-0',
      'NaN',
      'Infinity',
      '-Infinity',
      '0.30000000000000004',
      '1e+21',
      '5e-324',
    ]);
    expect(all(raw(new Float32(), new Float32Array([0.1, 1.5, -0, 3.4028234663852886e38]), 4))).toEqual(['0.1', '1.5', '-0', '3.4028235e+38']);
  });

  it('writes decimals exactly from their 128-bit words, negatives included', () => {
    const words = (...vs: bigint[]) => new Uint32Array(vs.flatMap((v) => [0, 1, 2, 3].map((k) => Number((BigInt.asUintN(128, v) >> BigInt(32 * k)) & 0xffffffffn))));
    const values = [-150n, 5n, 0n, -1n, 10n ** 37n + 3n, -(10n ** 37n) - 3n, -(2n ** 60n)];
    expect(all(raw(new Decimal(2, 38, 128), words(...values), values.length))).toEqual([
      '-1.50',
      '0.05',
      '0.00',
      '-0.01',
      '100000000000000000000000000000000000.03',
      '-100000000000000000000000000000000000.03',
      '-11529215046068469.76',
    ]);
    expect(all(raw(new Decimal(0, 38, 128), words(-(2n ** 127n)), 1))).toEqual([String(-(2n ** 127n))]);
  });

  it('writes timestamps in their unit and UTC terms, dates in any year', () => {
    const us = [Date.UTC(1969, 11, 31, 23, 59, 59) * 1000 + 123_456, Date.UTC(2024, 1, 29) * 1000, Date.UTC(1900, 0, 1) * 1000 + 500_000, -1];
    expect(all(raw(new TimestampMicrosecond(), BigInt64Array.from(us, BigInt), us.length))).toEqual([
      '1969-12-31 23:59:59.123456',
      '2024-02-29 00:00:00',
      '1900-01-01 00:00:00.5',
      '1969-12-31 23:59:59.999999',
    ]);
    expect(all(raw(new TimestampNanosecond(), new BigInt64Array([1_704_067_200_123_456_789n, -1n]), 2))).toEqual(['2024-01-01 00:00:00.123456789', '1969-12-31 23:59:59.999999999']);
    const days = [-1, 0, -719_528, -719_529, 2_932_897, 2_932_896, -25_567];
    expect(all(raw(new DateDay(), Int32Array.from(days), days.length))).toEqual(['1969-12-31', '1970-01-01', '0000-01-01', '-0001-12-31', '10000-01-01', '9999-12-31', '1900-01-01']);
  });

  it('reads a dictionary, a sliced chunk and a column of several chunks', () => {
    const dict = vectorFromArray(['b', null, 'a', 'b'], new Dictionary(new Utf8(), new Int16()));
    expect(all(dict)).toEqual(['b', null, 'a', 'b']);
    expect(arrowTypeName(dict.type)).toBe('VARCHAR');
    const d = vectorFromArray(['x', 'y', null, 'x'], new Utf8());
    expect(all(d)).toEqual(['x', 'y', null, 'x']);
    // Data.slice(begin, length): Arrow JS moves value buffers with it, the validity bitmap by `offset`.
    expect(all(makeVector(d.data[0]!.slice(1, 2)))).toEqual(['y', null]);
    expect(all(makeVector(dict.data[0]!.slice(1, 3)))).toEqual([null, 'a', 'b']);
    const bools = vectorFromArray([true, false, null, true, false, true, null, false, true, true], new Bool());
    expect(all(makeVector(bools.data[0]!.slice(5, 5)))).toEqual(['true', null, 'false', 'true', 'true']);
    const ints = raw(new Int64(), new BigInt64Array([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n]), 9, [true, true, true, true, true, true, true, false, true]);
    expect(all(makeVector(ints.data[0]!.slice(6, 3)))).toEqual(['7', null, '9']);
    const chunks = d.concat(vectorFromArray(['z'], new Utf8()));
    expect(all(chunks)).toEqual(['x', 'y', null, 'x', 'z']);
    const many = Array.from({ length: 40 }, (_, c) => vectorFromArray([`${c}a`, `${c}b`, `${c}c`], new Utf8())).reduce((a, b) => a.concat(b));
    const at = columnText(many);
    for (const row of [119, 0, 57, 58, 3, 2, 118, 60]) expect(at(row)).toBe(`${Math.floor(row / 3)}${'abc'[row % 3]}`);
    expect(all(vectorFromArray([true, null, false], new Bool()))).toEqual(['true', null, 'false']);
    const list = vectorFromArray([[1, null], [], null], new List(new Field('item', new Int8(), true)));
    expect(all(list)).toEqual(['[1, NULL]', '[]', null]);
  });

  it('decodes long ASCII and non-ASCII columns alike', () => {
    const values = Array.from({ length: 2000 }, (_, i) => (i % 3 === 0 ? null : i % 500 === 7 ? `é${i}` : `v${i}`));
    const ascii = values.map((v) => (v?.startsWith('é') ? `e${v.slice(1)}` : v));
    expect(all(vectorFromArray(values, new Utf8()))).toEqual(values);
    expect(all(vectorFromArray(ascii, new Utf8()))).toEqual(ascii);
  });
});

describe('against DuckDB', () => {
  // DuckDB's own Arrow objects (its bundle's copy of apache-arrow), straight from its IPC: the
  // test engine's re-encoding through that copy loses INTERVAL's nanoseconds (Arrow JS 17 thinks a
  // MONTH_DAY_NANO value is 12 bytes; DuckDB writes 16, and reading the buffer keeps them all).
  let conn: DuckDBConnection;
  beforeAll(async () => {
    const dist = dirname(createRequire(import.meta.url).resolve('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm'));
    const db = await createDuckDB(
      { mvp: { mainModule: join(dist, 'duckdb-mvp.wasm'), mainWorker: '' }, eh: { mainModule: join(dist, 'duckdb-eh.wasm'), mainWorker: '' } },
      new ConsoleLogger(LogLevel.WARNING),
      NODE_RUNTIME,
    );
    await db.instantiate();
    db.open({});
    conn = db.connect();
  });
  afterAll(() => conn?.close());

  // Each expression's text must equal DuckDB's own CAST(... AS VARCHAR).
  const cases: [string, string][] = [
    ['12345678901234567890123456789::HUGEINT', 'DECIMAL(38,0)'],
    ['-170141183460469231731687303715884105727::HUGEINT', 'DECIMAL(38,0)'],
    ['-1.50::DECIMAL(10,2)', 'DECIMAL(10,2)'],
    ['-0.000001::DECIMAL(18,6)', 'DECIMAL(18,6)'],
    ["INTERVAL '1 year 2 months 3 days 04:05:06.5'", 'INTERVAL'],
    ["INTERVAL '-1 year -1 month -1 day -00:00:01'", 'INTERVAL'],
    ["INTERVAL '0 seconds'", 'INTERVAL'],
    ["INTERVAL '30 hours'", 'INTERVAL'],
    ["TIME '10:00:00.5'", 'TIME'],
    ["TIME '23:59:59.999999'", 'TIME'],
    ["TIMESTAMP '1960-03-04 05:06:07.123456'", 'TIMESTAMP'],
    ["TIMESTAMP_MS '2024-01-01 00:00:00.120'", 'TIMESTAMP_MS'],
    ["TIMESTAMP_S '2024-01-01 00:00:01'", 'TIMESTAMP_S'],
    ["TIMESTAMP_NS '2024-01-01 00:00:00.000000001'", 'TIMESTAMP_NS'],
    ["DATE '1066-10-14'", 'DATE'],
    ['[1, 2, NULL]', 'INTEGER[]'],
    ['[[1], []]::INTEGER[][]', 'INTEGER[][]'],
    ['[1, 2]::INTEGER[2]', 'INTEGER[2]'],
    ["{'a': 1, 'b': NULL}", 'STRUCT(a INTEGER, b INTEGER)'],
    ["MAP {'k': 1, 'l': 2}", 'MAP(VARCHAR, INTEGER)'],
    ["'\\xAA\\x41''\\x00'::BLOB", 'BLOB'],
    ['1.5::FLOAT', 'FLOAT'],
    ['2::UTINYINT', 'UTINYINT'],
    ['-3::SMALLINT', 'SMALLINT'],
    ['true', 'BOOLEAN'],
    ["'it''s'", 'VARCHAR'],
  ];
  it('prints what DuckDB prints, with DuckDB type names', async () => {
    const sql = `SELECT ${cases.map(([e], i) => `${e} AS c${i}, CAST(${e} AS VARCHAR) AS t${i}`).join(', ')}`;
    const got: [string, string | null, string | null][] = [];
    const table = conn.query(sql) as unknown as ArrowTable;
    cases.forEach(([e, name], i) => {
      const v = table.getChild(`c${i}`)!;
      expect(arrowTypeName(v.type), e).toBe(name);
      got.push([e, columnText(v)(0), columnText(table.getChild(`t${i}`)!)(0)]);
    });
    expect(got.map(([e, mine]) => [e, mine])).toEqual(got.map(([e, , duck]) => [e, duck]));
  });

  it('names other types', () => {
    expect(arrowTypeName(new TimestampMicrosecond('UTC'))).toBe('TIMESTAMP WITH TIME ZONE');
    expect(arrowTypeName(vectorFromArray(['a'], new Utf8()).type)).toBe('VARCHAR');
  });
});
