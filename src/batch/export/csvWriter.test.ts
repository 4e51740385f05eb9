import { DateDay, Decimal, Float64, Int64, makeData, makeVector, RecordBatch, TimestampMicrosecond, Utf8, vectorFromArray, type Vector } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { csvChunks, csvField } from './csvWriter';

/** A batch of whole vectors (one chunk each). */
const batchOf = (columns: Record<string, Vector>) => new RecordBatch(Object.fromEntries(Object.entries(columns).map(([name, v]) => [name, v.data[0]!])));

function fixed(type: unknown, data: ArrayBufferView, valid: boolean[]): Vector {
  const nullBitmap = new Uint8Array(Math.ceil(valid.length / 8));
  valid.forEach((ok, i) => {
    if (ok) nullBitmap[i >> 3]! |= 1 << (i & 7);
  });
  return makeVector(makeData({ type, length: valid.length, nullCount: valid.filter((v) => !v).length, nullBitmap, data } as never));
}

async function text(batches: RecordBatch[], chunkBytes?: number): Promise<{ text: string; chunks: number }> {
  const parts: Uint8Array[] = [];
  for await (const c of csvChunks(batches, chunkBytes)) parts.push(c);
  return { text: new TextDecoder().decode(await new Blob(parts as BlobPart[]).arrayBuffer()), chunks: parts.length };
}

describe('csvChunks', () => {
  it('writes a hostile table byte for byte', async () => {
    const ok = [true, true, true, true, true, false];
    const batch = batchOf({
      'a "name", with comma': vectorFromArray(['plain', 'say "hi"', 'a,b', 'two\nlines', 'cr\rhere', null], new Utf8()),
      s: vectorFromArray(['', ' lead', 'trail ', 'in side', 'Zürich 名前 🙂', null], new Utf8()),
      f: fixed(new Float64(), new Float64Array([-0, Number.NaN, Number.POSITIVE_INFINITY, -1.5e-7, 0.1, 0]), ok),
      big: fixed(new Int64(), new BigInt64Array([2n ** 63n - 1n, -(2n ** 63n), 9007199254740993n, 0n, -1n, 0n]), ok),
      dec: fixed(new Decimal(3, 18, 128), new Uint32Array([-1500, -1, -1, -1, 1, 0, 0, 0, 0, 0, 0, 0, -1, -1, -1, -1, 123456, 0, 0, 0, 0, 0, 0, 0].map((v) => v >>> 0)), [
        true,
        true,
        true,
        true,
        true,
        false,
      ]),
      at: fixed(new TimestampMicrosecond(), BigInt64Array.from([-1n, 1_700_000_000_123_456n, 0n, -2_208_988_800_000_000n, 1_000_000n, 0n]), ok),
      day: fixed(new DateDay(), new Int32Array([-1, -25_567, -719_529, 0, 2_932_896, 0]), ok),
    });
    const { text: csv } = await text([batch]);
    expect(csv).toBe(
      [
        '"a ""name"", with comma",s,f,big,dec,at,day',
        'plain,"",-0,9223372036854775807,-1.500,1969-12-31 23:59:59.999999,1969-12-31',
        '"say ""hi"""," lead",NaN,-9223372036854775808,0.001,2023-11-14 22:13:20.123456,1900-01-01',
        '"a,b","trail ",Infinity,9007199254740993,0.000,1970-01-01 00:00:00,-0001-12-31',
        '"two\nlines",in side,-1.5e-7,0,-0.001,1900-01-01 00:00:00,1970-01-01',
        '"cr\rhere",Zürich 名前 🙂,0.1,-1,123.456,1970-01-01 00:00:01,9999-12-31',
        ',,,,,,',
        '',
      ].join('\n'),
    );
  });

  it('quotes only what needs it', () => {
    expect([null, '', 'x', ' x', 'x ', 'a"b', 'a\r\nb', 'a;b', "it's"].map(csvField)).toEqual(['', '""', 'x', '" x"', '"x "', '"a""b"', '"a\r\nb"', 'a;b', "it's"]);
  });

  it('writes the header from a batch of no rows, and chunks of about the size asked', async () => {
    const empty = batchOf({ x: vectorFromArray([], new Utf8()) });
    expect((await text([empty])).text).toBe('x\n');
    const rows = Array.from({ length: 10_000 }, (_, i) => `row ${i}`);
    const big = batchOf({ x: vectorFromArray(rows, new Utf8()) });
    const r = await text([big, big], 16_384);
    expect(r.text).toBe(`x\n${[...rows, ...rows].join('\n')}\n`);
    expect(r.chunks).toBeGreaterThan(10);
  });
});
