import { describe, expect, it } from 'vitest';
import { SHOP_SCHEMA } from '../src/protocol/shop';
import { parseIngestBody } from './httpIngest';

const NOW = 1_700_000_000_000;
const good = { ts: NOW, country: 'US', product: 'Cap', channel: 'web', amount: 12.5, quantity: 1 };

describe('parseIngestBody', () => {
  it('takes a JSON array or NDJSON of event objects', () => {
    const a = parseIngestBody(JSON.stringify([good, { country: 'DE' }]), SHOP_SCHEMA, NOW + 5);
    expect(a.ok && a.batch.ts).toEqual([NOW, NOW + 5]);
    const b = parseIngestBody(`${JSON.stringify(good)}\n\n${JSON.stringify({ ...good, ts: '2024-01-01T00:00:00Z' })}\n`, SHOP_SCHEMA, 0);
    expect(b.ok && b.batch.ts).toEqual([NOW, Date.parse('2024-01-01T00:00:00Z')]);
  });

  it.each([
    ['a JSON array cut short', '[1', 400, null],
    ['an object spread over lines (not NDJSON)', '{\n"country": "US"\n}', 422, null],
    ['an empty array', '[]', 400, [{ line: 0, error: 'no events in the body' }]],
    ['an array of non-objects', '[1, null, [], "x"]', 422, [1, 2, 3, 4].map((line) => ({ line, error: 'an event must be a JSON object' }))],
  ])('refuses %s', (_, body, status, errors) => {
    const r = parseIngestBody(body, SHOP_SCHEMA, NOW);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.status).toBe(status);
    if (errors) expect(r.errors).toEqual(errors);
  });

  it('NDJSON: a line that is an array is not an event', () => {
    const r = parseIngestBody(`${JSON.stringify(good)}\n[1]\n"text"`, SHOP_SCHEMA, NOW);
    expect(r.ok || r.errors).toEqual([
      { line: 2, error: 'an event must be a JSON object' },
      { line: 3, error: 'an event must be a JSON object' },
    ]);
  });

  it('applies the field rules checkBatch applies', () => {
    const r = parseIngestBody(
      [
        { ...good, amount: 'ten' },
        { ...good, quantity: Number.POSITIVE_INFINITY }, // stringified as null, posted as 1e999 (below)
        { ...good, country: 5 },
        { ...good, ts: 9e15 },
        { ...good, ts: '0001-01-01' },
        { ...good, ts: true },
      ]
        .map((e) => JSON.stringify(e))
        .join('\n')
        .replace('null', '1e999'),
      SHOP_SCHEMA,
      NOW,
    );
    expect(r.ok || r.errors).toEqual([
      { line: 1, error: '"amount" must be a number, got "ten"' },
      { line: 2, error: '"quantity" must be a number, got Infinity' },
      { line: 3, error: '"country" must be text, got 5' },
      { line: 4, error: 'ts 9000000000000000 is outside 1900..2200' },
      { line: 5, error: 'ts 0001-01-01 is outside 1900..2200' },
      { line: 6, error: 'ts must be ms since the epoch or an ISO-8601 time' },
    ]);
  });
});

describe('event times and time fields given as text', () => {
  const schema = {
    fields: [
      { name: 'at', type: 'timestamp' as const },
      { name: 'day', type: 'date' as const },
    ],
  };
  it('reads a naive ts as UTC, or in the stream zone, whatever the machine zone (npm test runs this under two TZ values)', () => {
    const body = JSON.stringify([{ ts: '2026-11-24T10:00:00' }, { ts: '2026-11-24T10:00:00+01:00' }]);
    const utc = parseIngestBody(body, schema, NOW);
    expect(utc.ok && utc.batch.ts).toEqual([Date.UTC(2026, 10, 24, 10), Date.UTC(2026, 10, 24, 9)]);
    const ny = parseIngestBody(body, schema, NOW, 'America/New_York');
    expect(ny.ok && ny.batch.ts).toEqual([Date.UTC(2026, 10, 24, 15), Date.UTC(2026, 10, 24, 9)]);
  });

  it('takes ISO text for timestamp and date fields, and says so when a value is neither', () => {
    const r = parseIngestBody(
      JSON.stringify([
        { ts: NOW, at: '2026-11-24 10:00:00.5', day: '2026-11-24' },
        { ts: NOW, at: 5, day: 3 },
      ]),
      schema,
      NOW,
    );
    expect(r.ok && r.batch.columns.at).toEqual([Date.UTC(2026, 10, 24, 10, 0, 0, 500), 5]);
    expect(r.ok && r.batch.columns.day).toEqual([Date.UTC(2026, 10, 24) / 86_400_000, 3]);
    const bad = parseIngestBody(JSON.stringify([{ at: 'soon' }]), schema, NOW);
    expect(bad.ok || bad.errors[0]?.error).toBe('"at" must be a timestamp (whole ms since 1970-01-01T00:00) or an ISO-8601 date-time, got "soon"');
  });
});
