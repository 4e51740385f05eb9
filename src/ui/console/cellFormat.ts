/**
 * How result cells read on screen: the exact text of the value (src/batch/export/arrowText.ts),
 * numbers with thousands separators and right-aligned. Separators go into the digits as they are,
 * never through a JS number, so a BIGINT or DECIMAL beyond 2^53 stays exact.
 */

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)(\(\d+,\s*\d+\))?$/;
const TIME = /^(DATE|TIMESTAMP)/;

export function isNumericType(type: string): boolean {
  return NUMERIC.test(type);
}

export function isTimeType(type: string): boolean {
  return TIME.test(type);
}

/** `1234567.5` -> `1,234,567.5`; anything that is not a plain decimal number (1e+21, NaN) is left as it is. */
export function withSeparators(text: string): string {
  const m = /^(-?)(\d+)(\.\d+)?$/.exec(text);
  if (!m || m[2]!.length <= 3) return text;
  return `${m[1]}${m[2]!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${m[3] ?? ''}`;
}

/** A cell's TSV form: tabs and line breaks inside a value would split the row, so they are escaped. */
export function tsvField(text: string | null): string {
  if (text === null) return '';
  return text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\r/g, '\\r').replace(/\n/g, '\\n');
}
