/** The sales rows as CSV, TSV, a JSON array and NDJSON, each optionally gzip-compressed (node:zlib). */
import { gzipSync } from 'node:zlib';
import { cents, isoText, zonedText, type SalesRows } from './sales';

export type SalesColumn = 'when' | 'city' | 'qty' | 'price' | 'ok';
const ALL: SalesColumn[] = ['when', 'city', 'qty', 'price', 'ok'];

function cell(rows: SalesRows, i: number, c: SalesColumn): string {
  const v = c === 'when' ? rows.when[i]! : c === 'city' ? rows.city[i]! : c === 'qty' ? rows.qty[i]! : c === 'price' ? rows.priceCents[i]! : rows.ok[i]!;
  if (v === null) return '';
  return c === 'when' ? isoText(v as number) : c === 'price' ? cents(v as number) : String(v);
}

/** Comma- or tab-separated, a header line, LF line ends and a final newline; empty cells for nulls. */
export function delimited(rows: SalesRows, delim: ',' | '\t', columns: SalesColumn[] = ALL): Buffer {
  const lines = [columns.join(delim)];
  for (let i = 0; i < rows.n; i++) lines.push(columns.map((c) => cell(rows, i, c)).join(delim));
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

/** Event times with offsets, when `zoned` (the instants stay the same: the reader must convert them back to UTC). */
const OFFSETS = [-300, 0, 120, 330];

function record(rows: SalesRows, i: number, zoned: boolean): Record<string, unknown> {
  const p = rows.priceCents[i]!;
  return {
    when: zoned ? zonedText(rows.when[i]!, OFFSETS[i % OFFSETS.length]!) : isoText(rows.when[i]!, 'T'),
    city: rows.city[i],
    qty: rows.qty[i],
    price: p === null ? null : p / 100,
    ok: rows.ok[i],
  };
}

/** A JSON array of objects, pretty-printed over several lines as people's exports are. */
export function jsonArray(rows: SalesRows): Buffer {
  const parts: string[] = [];
  for (let i = 0; i < rows.n; i++) parts.push(`  ${JSON.stringify(record(rows, i, false))}`);
  return Buffer.from(`[\n${parts.join(',\n')}\n]\n`, 'utf8');
}

/** One object per line; `zoned`: times written with UTC offsets. */
export function ndjson(rows: SalesRows, zoned = false): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < rows.n; i++) lines.push(JSON.stringify(record(rows, i, zoned)));
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}

export const gzip = (bytes: Uint8Array): Buffer => gzipSync(bytes);
