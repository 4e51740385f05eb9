import { describe, expect, it } from 'vitest';
import { FileProblem } from './FileProblem';
import { JsonReader } from './jsonReader';
import { ArraySplitter, LineSplitter } from './jsonText';
import { expectValues, gzip, LOG_TYPE_NAMES, namedBlob, readAll, typeNames } from './testing/fixtures';
import type { DetectedFormat } from './types';

const NDJSON: DetectedFormat = { format: 'ndjson', gzip: false };
const JSON_ARRAY: DetectedFormat = { format: 'json', gzip: false };
const ROWS = 30_000;
const PROTO = '__proto__';
const DAY = 86_400_000;

/** Records with every kind of value, and the values the log should get, computed here. */
function sample() {
  const records: Record<string, unknown>[] = [];
  const want: Record<string, unknown[]> = {
    id: [],
    price: [],
    ok: [],
    label: [],
    day: [],
    at: [],
    atz: [],
    mixed: [],
    nested: [],
    sparse: [],
    nothing: [],
    big: [],
    seq_1: [],
    column_13: [],
    Count: [],
    'a b': [],
    name: [],
    Name_2: [],
    名前: [],
    ['__proto__']: [],
  }; // computed: a literal __proto__ key sets the prototype
  const push = (k: string, v: unknown) => want[k]!.push(v);
  for (let i = 0; i < ROWS; i++) {
    const r: Record<string, unknown> = Object.create(null);
    r.id = i * 7 - 100_000;
    push('id', r.id);
    r.price = i % 10 === 0 ? null : i / 4;
    push('price', r.price);
    r.ok = i % 3 === 0;
    push('ok', r.ok);
    r.label = i % 5 === 0 ? `line\nbreak "q" {x} [y] \\ ü€𝄞 ${i}` : `k${i % 17}`;
    push('label', r.label);
    const d = 19_000 + (i % 1000) - 500;
    r.day = new Date(d * DAY).toISOString().slice(0, 10);
    push('day', d);
    const ms = 1_700_000_000_000 + i * 1_234_567;
    const iso = new Date(ms).toISOString(); // 2023-11-14T22:13:20.000Z
    // Naive date-times in two spellings, and a bare date (midnight): all wall-clock readings.
    r.at = i % 3 === 0 ? iso.slice(0, 23) : i % 3 === 1 ? iso.slice(0, 19).replace('T', ' ') : iso.slice(0, 10);
    push('at', i % 3 === 0 ? ms : i % 3 === 1 ? ms - (ms % 1000) : ms - (ms % DAY));
    // The same instant written with different offsets.
    r.atz = i % 2 === 0 ? iso : `${new Date(ms + 5.5 * 3_600_000).toISOString().slice(0, 23)}+05:30`;
    push('atz', ms);
    r.mixed = i % 2 === 0 ? i : `m${i}`;
    push('mixed', i % 2 === 0 ? String(i) : `m${i}`);
    r.nested = i % 4 === 0 ? { a: [1, { b: i }] } : i % 4 === 1 ? [i, 'x'] : i % 4 === 2 ? 'plain' : null;
    push('nested', i % 4 === 0 ? `{"a":[1,{"b":${i}}]}` : i % 4 === 1 ? `[${i},"x"]` : i % 4 === 2 ? 'plain' : null);
    if (i % 1000 === 7) r.sparse = true;
    push('sparse', i % 1000 === 7 ? true : null);
    r.nothing = null;
    push('nothing', null);
    r.big = i === 5 ? 2 ** 60 : i;
    push('big', r.big);
    r.seq = i;
    push('seq_1', i);
    r[''] = 'e';
    push('column_13', 'e');
    r.Count = 1;
    push('Count', 1);
    r['a b'] = 0 - i; // not -i: JSON has no -0
    push('a b', 0 - i);
    r.name = 'n';
    push('name', 'n');
    r.Name = i % 2 === 0 ? 'N' : null;
    push('Name_2', i % 2 === 0 ? 'N' : null);
    r.名前 = '値';
    push('名前', '値');
    r[PROTO] = i; // an own property: the record has no prototype
    push('__proto__', i);
    records.push(r);
  }
  return { records, want };
}

const { records, want } = sample();
const ndjson = `${records.map((r) => JSON.stringify(r)).join('\n')}\n\n`;
// Every other element pretty-printed: elements span lines.
const jsonArray = `[\n${records.map((r, k) => `  ${JSON.stringify(r, null, k % 2)}`).join(',\n')}\n]\n`;

const TYPES = {
  id: 'integer',
  price: 'float',
  ok: 'boolean',
  label: 'text',
  day: 'date',
  at: 'timestamp',
  atz: 'timestamp',
  mixed: 'text',
  nested: 'text',
  sparse: 'boolean',
  nothing: 'text',
  big: 'float',
  seq_1: 'integer',
  column_13: 'text',
  Count: 'integer',
  'a b': 'integer',
  name: 'text',
  Name_2: 'text',
  名前: 'text',
  ['__proto__']: 'integer',
};

async function checkSample(file: Blob & { name: string }, detected: DetectedFormat, chunkRows: number) {
  const r = await readAll(new JsonReader(file, detected, { chunkRows }));
  expect(r.rowCount).toBe(ROWS);
  expect(Object.fromEntries(r.fields.map((f) => [f.name, f.type]))).toEqual(TYPES);
  // `sparse` first appears in row 8: columns are in the order keys first appear.
  expect(r.fields.map((f) => f.sourceName)).toEqual([...Object.keys(records[0]!), 'sparse']);
  expect(r.fields.find((f) => f.name === 'atz')).toMatchObject({ zoned: true, note: 'date-times with offsets converted to UTC' });
  expect(r.fields.find((f) => f.name === 'at')!.zoned).toBeUndefined();
  expect(r.fields.find((f) => f.name === 'seq_1')!.note).toBe('"seq" is a name the log keeps for itself: renamed "seq_1"');
  expect(r.fields.find((f) => f.name === 'Name_2')!.note).toBe('"Name" repeats an earlier column\'s name (names ignore case): renamed "Name_2"');
  expect(typeNames(r.batches[0]!)).toEqual(r.fields.map((f) => LOG_TYPE_NAMES[f.type]));
  expect(r.batches.map((b) => b.numRows)).toEqual([...Array(Math.floor(ROWS / chunkRows)).fill(chunkRows), ROWS % chunkRows].filter((n) => n > 0));
  for (const [name, values] of Object.entries(want)) expectValues(r.columns[name], values, name);
  expect(r.columns.big![5]).toBe(2 ** 60);
  expect(r.fields.find((f) => f.name === 'big')!.note).toBe('whole numbers beyond ±(2^53-1): read as floats, not exactly');
  expect(r.columns.at![0]).toBe(1_700_000_000_000);
  expect(r.bytesRead.at(-1)).toBe(file.size);
}

async function problemOf(p: Promise<unknown>): Promise<string> {
  const e = await p.catch((x: unknown) => x);
  expect(e).toBeInstanceOf(FileProblem);
  return (e as Error).message;
}

const read = (name: string, text: string | Uint8Array, detected = NDJSON) => readAll(new JsonReader(namedBlob(name, text), detected));

describe('JsonReader', () => {
  it('reads NDJSON, inferring each column type over all values', async () => {
    await checkSample(namedBlob('events.ndjson', ndjson), NDJSON, 4096);
  });

  it('reads a JSON array of objects', async () => {
    await checkSample(namedBlob('events.json', jsonArray), JSON_ARRAY, 10_000);
  });

  it('reads gzip-compressed NDJSON and JSON', async () => {
    await checkSample(namedBlob('events.ndjson.gz', await gzip(ndjson)), { format: 'ndjson', gzip: true }, 65_536);
    await checkSample(namedBlob('events.json.gz', await gzip(jsonArray)), { format: 'json', gzip: true }, 7000);
  });

  it('types date and time columns only when every value fits', async () => {
    const r = await read(
      't.ndjson',
      ['{"d":"2024-01-31","n":"2024-01-31T10:00:00","z":"2024-01-31T10:00:00Z","bad":"2024-02-30"}', '{"d":"2024-02-29","n":"2024-01-31","z":"2024-01-31T10:00:00","bad":"2024-02-28"}'].join('\n'),
    );
    expect(r.fields.map((f) => f.type)).toEqual(['date', 'timestamp', 'text', 'text']);
    expect(r.columns).toEqual({ d: [19753, 19782], n: [Date.UTC(2024, 0, 31, 10), Date.UTC(2024, 0, 31)], z: ['2024-01-31T10:00:00Z', '2024-01-31T10:00:00'], bad: ['2024-02-30', '2024-02-28'] });
  });

  it('refuses JSON that is not an array of objects', async () => {
    expect(await problemOf(read('one.json', '{\n  "a": 1\n}\n'))).toMatch(/^"one.json" is not a JSON array of objects, nor NDJSON \(line 1 is not a complete JSON object: /);
    expect(await problemOf(read('nums.json', '[1, 2]', JSON_ARRAY))).toBe('"nums.json" is not a JSON array of objects (element 1 starts with "1", not {)');
    expect(await problemOf(read('mixed.json', '[{"a":1}, [2]]', JSON_ARRAY))).toBe('"mixed.json" is not a JSON array of objects (element 2 starts with "[", not {)');
    expect(await problemOf(read('comma.json', '[{"a":1},]', JSON_ARRAY))).toBe('"comma.json" is not a JSON array of objects (element 2 is missing after a comma)');
    expect(await problemOf(read('cut.json', '[{"a":1},{"a":', JSON_ARRAY))).toBe('"cut.json" is not complete JSON: it ends inside the array (in element 2). Is it cut short?');
    expect(await problemOf(read('more.json', '[{"a":1}] {"b":2}', JSON_ARRAY))).toBe('"more.json" is not valid JSON (there is more after the array\'s closing ]: "{\\"b\\":2}")');
    expect(await problemOf(read('bad.json', '[{"a":1},{"a":tru}]', JSON_ARRAY))).toMatch(/^"bad.json" is not valid JSON at element 2 \(/);
    expect(await problemOf(read('empty.json', '[ ]', JSON_ARRAY))).toBe('"empty.json" holds no records');
    expect(await problemOf(read('blank.json', '[{}, {}]', JSON_ARRAY))).toBe('"blank.json" holds only empty objects: no columns');
  });

  it('names the line of a malformed NDJSON record', async () => {
    expect(await problemOf(read('x.ndjson', '{"a":1}\n\n{"a":2,}\n'))).toMatch(/^"x.ndjson" is not valid JSON at line 3 \(/);
    expect(await problemOf(read('x.ndjson', '{"a":1}\n[1,2]\n'))).toBe('"x.ndjson" has an array at line 2, where a JSON object (one record) should be');
    expect(await problemOf(read('x.ndjson', '{"a":1}\n"s"\n'))).toBe('"x.ndjson" has a string at line 2, where a JSON object (one record) should be');
  });

  it('names the byte offset of invalid UTF-8, also past the first chunk and inside gzip', async () => {
    const head = new TextEncoder().encode(ndjson.slice(0, 200_000));
    const at = head.lastIndexOf(0x0a) + 5; // inside a record, past the first 64 KB chunk
    const bytes = new Uint8Array([...head.subarray(0, at), 0xff, ...head.subarray(at)]);
    expect(await problemOf(read('bad.ndjson', bytes))).toBe(`"bad.ndjson" is not valid UTF-8 (byte offset ${at})`);
    expect(await problemOf(readAll(new JsonReader(namedBlob('bad.ndjson.gz', await gzip(bytes)), { format: 'ndjson', gzip: true })))).toBe(
      `"bad.ndjson.gz" is not valid UTF-8 (byte offset ${at} after decompression)`,
    );
    // A character cut off at the very end.
    expect(await problemOf(read('end.ndjson', new Uint8Array([...new TextEncoder().encode('{"a":"x"}\n{"a":"'), 0xe2, 0x82])))).toBe('"end.ndjson" is not valid UTF-8 (byte offset 16)');
  });

  it('fails damaged gzip with a FileProblem', async () => {
    const zipped = await gzip(ndjson);
    expect(await problemOf(readAll(new JsonReader(namedBlob('cut.ndjson.gz', zipped.subarray(0, zipped.length >> 1)), { format: 'ndjson', gzip: true })))).toMatch(
      /^"cut.ndjson.gz" could not be decompressed: the gzip data is damaged or cut short/,
    );
  });

  it('stops at an abort with an AbortError, in either pass', async () => {
    const first = new AbortController();
    const opening = new JsonReader(namedBlob('events.ndjson', ndjson), NDJSON, { signal: first.signal }).open();
    first.abort();
    expect(((await opening.catch((e: unknown) => e)) as Error).name).toBe('AbortError');

    const second = new AbortController();
    const reader = new JsonReader(namedBlob('events.ndjson', ndjson), NDJSON, { chunkRows: 1000, signal: second.signal });
    await reader.open();
    let batches = 0;
    const e = await (async () => {
      for await (const _ of reader.batches()) {
        batches++;
        second.abort();
      }
    })().catch((x: unknown) => x);
    expect((e as Error).name).toBe('AbortError');
    expect(batches).toBe(1);
  });
});

describe('record splitting', () => {
  const text = '[ {"a":"}]\\"{[","b":[1,{"c":"\\\\"}]} ,\n{"a":"\\u005d"}\t]';
  const whole: [string, number][] = [];
  new ArraySplitter('x').push(text, (t, n) => whole.push([t, n]));

  it('finds the same elements whatever the chunking', () => {
    expect(whole.map(([t]) => JSON.parse(t))).toEqual([{ a: '}]"{[', b: [1, { c: '\\' }] }, { a: ']' }]);
    for (const size of [1, 2, 3, 7]) {
      const s = new ArraySplitter('x');
      const got: [string, number][] = [];
      for (let k = 0; k < text.length; k += size) s.push(text.slice(k, k + size), (t, n) => got.push([t, n]));
      s.end();
      expect(got).toEqual(whole);
    }
  });

  it('numbers NDJSON lines as an editor does, blank and CRLF lines included', () => {
    const s = new LineSplitter();
    const got: [string, number][] = [];
    const sink = (t: string, n: number) => got.push([t, n]);
    s.push('{"a":1}\r\n\r\n  \n{"a"', sink);
    s.push(':2}\n{"a":3}', sink);
    s.end(sink);
    expect(got).toEqual([
      ['{"a":1}\r', 1],
      ['{"a":2}', 4],
      ['{"a":3}', 5],
    ]);
  });
});
