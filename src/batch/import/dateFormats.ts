/**
 * Dates and times written as text, found per column from a sample and parsed by DuckDB's core
 * functions only (a cast or strptime to plain TIMESTAMP; never TIMESTAMPTZ, which fetches ICU).
 * A format is a strptime pattern, or one of three ISO-8601 readings:
 *   `ISO date` (2024-01-31), `ISO timestamp` (2024-01-31 13:45:00[.fff], T or space),
 *   `ISO timestamp with offset` (…Z or …+02:00): converted to the UTC instant, by hand, because
 *   DuckDB's cast to TIMESTAMP drops the offset without applying it.
 */
import type { FieldType } from '../files/types';

export const ISO_DATE = 'ISO date';
export const ISO_TIMESTAMP = 'ISO timestamp';
export const ISO_ZONED = 'ISO timestamp with offset';

const OFFSET = `(Z|z|[+-]\\d\\d:?\\d\\d)$`;

/** Non-ISO forms people's files use; the order breaks ties (03/04/2001 reads both ways: month first wins). */
export const PATTERNS: readonly string[] = [
  '%m/%d/%Y',
  '%d/%m/%Y',
  '%m/%d/%Y %H:%M:%S',
  '%d/%m/%Y %H:%M:%S',
  '%m/%d/%Y %H:%M',
  '%d/%m/%Y %H:%M',
  '%m/%d/%y',
  '%d/%m/%y',
  '%Y/%m/%d',
  '%Y/%m/%d %H:%M:%S',
  '%Y/%m/%d %H:%M',
  '%d.%m.%Y',
  '%d.%m.%Y %H:%M:%S',
  '%d-%m-%Y',
  '%b %d %Y',
  '%b %d, %Y',
  '%d %b %Y',
  '%B %d, %Y',
  '%d %B %Y',
  '%b %d %Y %H:%M:%S',
  '%a, %d %b %Y %H:%M:%S',
];

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** Whether a format carries a time of day (a timestamp) or not (a date). */
export function formatType(format: string): FieldType {
  if (format === ISO_DATE) return 'date';
  if (format === ISO_TIMESTAMP || format === ISO_ZONED) return 'timestamp';
  return /%[HIMSfp]/.test(format) ? 'timestamp' : 'date';
}

/** The test of one format on text `c`: non-null when the value reads in it. */
function reads(c: string, format: string): string {
  if (format === ISO_DATE) return `CASE WHEN regexp_full_match(${c}, '\\d{4}-\\d{2}-\\d{2}') THEN TRY_CAST(${c} AS DATE) END`;
  if (format === ISO_TIMESTAMP) return `CASE WHEN regexp_full_match(${c}, '\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?') THEN TRY_CAST(${c} AS TIMESTAMP) END`;
  if (format === ISO_ZONED) return `CASE WHEN regexp_full_match(${c}, '\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?${OFFSET.slice(0, -1)}') THEN 1 END`;
  return `try_strptime(${c}, ${sqlString(format)})`;
}

/**
 * The formats in which every non-null sampled value of text column `c` reads, best first. `sample`
 * is a subquery over the file's first rows; `query` runs SQL and returns rows.
 */
export async function dateCandidates(query: (sql: string) => Promise<unknown[][]>, sample: string, c: string): Promise<string[]> {
  const formats = [ISO_DATE, ISO_TIMESTAMP, ISO_ZONED, ...PATTERNS];
  const counts = formats.map((f, i) => `count(${reads('v', f)}) AS f${i}`).join(', ');
  const row = (await query(`SELECT count(v) AS n, ${counts} FROM (SELECT ${c} AS v FROM ${sample})`))[0] ?? [];
  const n = Number(row[0] ?? 0);
  if (n === 0) return [];
  return formats.filter((_, i) => Number(row[i + 1]) === n);
}

/** The SQL reading text `c` in `format`: a DATE for date formats, else a TIMESTAMP. A value that does not read fails the query. */
export function dateExpression(c: string, format: string): string {
  if (format === ISO_DATE) return `CAST(${c} AS DATE)`;
  if (format === ISO_TIMESTAMP) return `CAST(${c} AS TIMESTAMP)`;
  if (format === ISO_ZONED) {
    const local = `CAST(regexp_replace(${c}, '${OFFSET}', '') AS TIMESTAMP)`;
    const sign = `CASE WHEN regexp_extract(${c}, '([+-])\\d\\d:?\\d\\d$', 1) = '-' THEN -1 ELSE 1 END`;
    const hh = `coalesce(TRY_CAST(regexp_extract(${c}, '[+-](\\d\\d):?\\d\\d$', 1) AS INTEGER), 0)`;
    const mm = `coalesce(TRY_CAST(regexp_extract(${c}, '[+-]\\d\\d:?(\\d\\d)$', 1) AS INTEGER), 0)`;
    return `CASE WHEN ${c} IS NULL THEN NULL ELSE epoch_ms(epoch_ms(${local}) - ${sign} * (${hh} * 60 + ${mm}) * 60000) END`;
  }
  const parsed = `strptime(${c}, ${sqlString(format)})`;
  return formatType(format) === 'date' ? `CAST(${parsed} AS DATE)` : parsed;
}
