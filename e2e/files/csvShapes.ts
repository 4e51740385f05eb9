/**
 * CSV files in the shapes people's exports come in, with the figures they must give:
 * - `shapes.csv`: CRLF, no final newline; header names with spaces, `$`, quotes, unicode, SQL
 *   keywords (`select`, `count`), the log's own `seq` and `ts`, repeats (`dup`, `dup`, `DUP`) and an
 *   empty name; values with commas and quotes, HTML and script as text, "None"/"NULL" beside empty cells.
 * - `dates.csv`: dates as "Jan 1 2000", "2015/01/03 00:00:00" and the ambiguous "03/04/2001".
 */
import { CITIES, cents, countBy, isoText, rng, sumOf, type Expected } from './sales';

const q = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

export const SHAPES_HEADER = ['order id', '$amount', 'say "hi"', 'größe', 'select', 'count', 'seq', 'ts', 'city', 'note', 'code', 'dup', 'dup', 'DUP', '', 'when'];

/** The names the log gives the columns, and their types. */
export const SHAPES_FIELDS: [string, string][] = [
  ['order id', 'integer'],
  ['$amount', 'float'],
  ['say "hi"', 'text'],
  ['größe', 'text'],
  ['select', 'integer'],
  ['count', 'integer'],
  ['seq_1', 'integer'],
  ['ts_1', 'integer'],
  ['city', 'text'],
  ['note', 'text'],
  ['code', 'text'],
  ['dup', 'text'],
  ['dup_2', 'text'],
  ['DUP_3', 'text'],
  ['column_15', 'integer'],
  ['when', 'timestamp'],
];

/** The renames the preview must list (the sentences cleanColumnNames' contract names: old and new name, quoted). */
export const SHAPES_RENAMES: [string, string][] = [
  ['seq', 'seq_1'],
  ['ts', 'ts_1'],
  ['dup', 'dup_2'],
  ['DUP', 'DUP_3'],
];

export const XSS_VALUES = ['<img src=x onerror="window.__xss=1">', '<script>window.__xss=2</script>'];
const SIZES = ['S', 'M', '<b>L</b>', ...XSS_VALUES];
const GREETINGS = ['hello', 'hola', 'hej'];
const CODES = ['None', 'NULL', '', 'x', ''];
export const NOTE0 = 'Smith, J. "JJ" #0';

export function shapesCsv(n = 240): { bytes: Buffer; expected: Expected } {
  const r = rng(99);
  const lines = [SHAPES_HEADER.map(q).join(',')];
  const col: Record<string, (number | string | null)[]> = { order: [], amount: [], select: [], count: [], code: [], size: [], when: [] };
  for (let i = 0; i < n; i++) {
    const amount = Math.floor(r() * 200_000) - 20_000;
    const when = Date.UTC(2024, 2, 1) + Math.floor(r() * 10 * 86_400_000);
    const code = CODES[i % CODES.length]!;
    const size = SIZES[i % SIZES.length]!;
    const row = [
      String(1000 + i),
      cents(amount),
      GREETINGS[i % 3]!,
      size,
      String(i % 17),
      String(Math.floor(r() * 100)),
      String(i * 2),
      String(1_700_000_000 + i),
      CITIES[i % CITIES.length]!,
      `Smith, J. "JJ" #${i % 4}`,
      code,
      `a${i % 3}`,
      'b',
      'c',
      String(i % 5),
      isoText(when),
    ];
    lines.push(row.map(q).join(','));
    col.order!.push(1000 + i);
    col.amount!.push(amount);
    col.select!.push(i % 17);
    col.count!.push(Number(row[5]));
    col.code!.push(code === '' ? null : code);
    col.size!.push(size);
    col.when!.push(when);
  }
  const when = col.when as number[];
  const expected: Expected = {
    rows: n,
    intSums: { 'order id': sumOf(col.order as number[]), select: sumOf(col.select as number[]), count: sumOf(col.count as number[]) },
    floatSums: { $amount: cents(sumOf(col.amount as number[])) },
    minTs: Math.min(...when),
    maxTs: Math.max(...when),
    groups: { code: countBy(col.code!), größe: countBy(col.size!) },
  };
  // CRLF line ends and no newline after the last row.
  return { bytes: Buffer.from(lines.join('\r\n'), 'utf8'), expected };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

export interface DatesFile {
  bytes: Buffer;
  rows: number;
  vSum: number;
  /** d3 read day first (%d/%m/%Y) and month first (%m/%d/%Y), as event times in ms. */
  dayFirst: { minTs: number; maxTs: number };
  monthFirst: { minTs: number; maxTs: number };
  /** The first row's values as written. */
  first: { d1: string; d2: string; d3: string };
}

/** d1 "Jan 1 2000", d2 "2015/01/03 00:00:00", d3 "03/04/2001" (day and month both 1..12, so either reading works), v. */
export function datesCsv(n = 60): DatesFile {
  const r = rng(7);
  const lines = ['d1,d2,d3,v'];
  const dayFirst: number[] = [];
  const monthFirst: number[] = [];
  let vSum = 0;
  for (let i = 0; i < n; i++) {
    const [m1, day1, y1] = i === 0 ? [0, 1, 2000] : [Math.floor(r() * 12), 1 + Math.floor(r() * 28), 2000 + Math.floor(r() * 4)];
    const d2 = i === 0 ? Date.UTC(2015, 0, 3) : Date.UTC(2015, Math.floor(r() * 12), 1 + Math.floor(r() * 28), Math.floor(r() * 24), Math.floor(r() * 60), Math.floor(r() * 60));
    const [a, b, y3] = i === 0 ? [3, 4, 2001] : [1 + Math.floor(r() * 12), 1 + Math.floor(r() * 12), 1990 + Math.floor(r() * 30)];
    const t2 = new Date(d2);
    const d2Text = `${t2.getUTCFullYear()}/${pad(t2.getUTCMonth() + 1)}/${pad(t2.getUTCDate())} ${pad(t2.getUTCHours())}:${pad(t2.getUTCMinutes())}:${pad(t2.getUTCSeconds())}`;
    const v = Math.floor(r() * 1000) - 100;
    vSum += v;
    lines.push(`${MONTHS[m1]} ${day1} ${y1},${d2Text},${pad(a)}/${pad(b)}/${y3},${v}`);
    dayFirst.push(Date.UTC(y3, b - 1, a));
    monthFirst.push(Date.UTC(y3, a - 1, b));
  }
  const range = (xs: number[]) => ({ minTs: Math.min(...xs), maxTs: Math.max(...xs) });
  return {
    bytes: Buffer.from(`${lines.join('\n')}\n`, 'utf8'),
    rows: n,
    vSum,
    dayFirst: range(dayFirst),
    monthFirst: range(monthFirst),
    first: { d1: 'Jan 1 2000', d2: '2015/01/03 00:00:00', d3: '03/04/2001' },
  };
}
