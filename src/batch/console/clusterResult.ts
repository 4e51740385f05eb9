/**
 * A statement's answer from the ClickHouse cluster (JSONCompact rows and ClickHouse's type names)
 * as the console shows every result: one Arrow IPC stream, for the same grid, chart and export.
 * Numbers become DOUBLE (the console's JSON carries 64-bit integers as numbers: exact below 2^53),
 * everything else text (arrays, tuples and maps as their JSON).
 */
import { Float64, Table, tableToIPC, Utf8, type Vector, vectorFromArray } from 'apache-arrow';
import type { ConsoleColumn } from './consoleTypes';

const NUMERIC = /^(Nullable\()?(U?Int\d+|Float\d+|Decimal)/;

export function clusterResultIpc(columns: readonly { name: string; type: string }[], rows: readonly (readonly unknown[])[]): { ipc: Uint8Array; columns: ConsoleColumn[] } {
  // No prototype, and each name once: `SELECT 1, 1` has two columns named 1.
  const vectors = Object.create(null) as Record<string, Vector>;
  const out: ConsoleColumn[] = [];
  columns.forEach((c, i) => {
    let name = c.name;
    for (let k = 2; name in vectors; k++) name = `${c.name} (${k})`;
    const numeric = NUMERIC.test(c.type);
    const values = rows.map((r) => {
      const v = r[i];
      if (v === null || v === undefined) return null;
      if (numeric) return typeof v === 'number' ? v : Number(v);
      return typeof v === 'string' ? v : JSON.stringify(v);
    });
    vectors[name] = numeric ? vectorFromArray(values as (number | null)[], new Float64()) : vectorFromArray(values as (string | null)[], new Utf8());
    out.push({ name, type: numeric ? 'DOUBLE' : 'VARCHAR' });
  });
  return { ipc: tableToIPC(new Table(vectors), 'stream'), columns: out };
}
