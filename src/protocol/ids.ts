/**
 * Stream and dataset ids are identifiers: they key records in the log, the status and the serving
 * layer, and name engine tables. A name Object.prototype uses (`__proto__`, `toString`, …) would read
 * or replace a prototype member in any plain record along the way, so such ids are refused where they
 * enter; field names, by contrast, may be anything (columns are kept in prototype-free records).
 */
const ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/;
const RESERVED = new Set([...Object.getOwnPropertyNames(Object.prototype), '__proto__']);

/** Why `id` cannot name a stream or dataset, or null when it can. */
export function idProblem(id: string): string | null {
  if (!ID.test(id)) return 'an id is 1 to 100 letters, digits, "_", "." or "-", not starting with "." or "-"';
  if (RESERVED.has(id)) return `${JSON.stringify(id)} is reserved (a name every JavaScript object has)`;
  return null;
}
