/** Quotes an SQL identifier, so a field named `a"; DROP TABLE x; --` stays a field. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
