/**
 * The SQL console's statements on the ClickHouse cluster: read-only twice over. Our check lets
 * through one statement that starts with a reading keyword (SELECT, WITH, SHOW, DESCRIBE, EXISTS,
 * EXPLAIN), and ClickHouse itself runs it with `readonly=1`, which refuses every write, DDL and
 * setting change whatever the text says. Results are capped in rows and time.
 */
import type { ClickHouseClient } from './ClickHouseClient';

export const CLUSTER_SQL_MAX_ROWS = 100_000;
const READING = new Set(['SELECT', 'WITH', 'SHOW', 'DESCRIBE', 'DESC', 'EXISTS', 'EXPLAIN']);

export interface ClusterSqlResult {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  /** Stopped at the row cap: the rows are the first ones. */
  truncated: boolean;
  ms: number;
}

/** The statement with comments and literals blanked, so keywords and semicolons in them do not count. */
function code(sql: string): string {
  return sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`/g, (m) => (m.startsWith("'") || m.startsWith('"') || m.startsWith('`') ? 'x' : ' '));
}

/** Why `sql` is not run on the cluster, in plain words; null when it may be. */
export function clusterSqlProblem(sql: string): string | null {
  // ClickHouse nests /* */ comments and a regex does not: a comment could hide the statement's real start.
  if (sql.includes('/*')) return 'leave out /* */ comments on the cluster (-- comments are fine)';
  const text = code(sql).trim().replace(/;\s*$/, '');
  if (text === '') return 'there is no statement to run';
  if (text.includes(';')) return 'one statement at a time on the cluster';
  const first = /^[A-Za-z]+/.exec(text)?.[0]?.toUpperCase() ?? '';
  if (!READING.has(first)) return `the cluster is read-only from here: ${first || 'this statement'} is refused (SELECT, WITH, SHOW, DESCRIBE, EXISTS and EXPLAIN run)`;
  if (/\bFORMAT\s+\w+/i.test(text) || /\bINTO\s+OUTFILE\b/i.test(text)) return 'leave out FORMAT and INTO OUTFILE: the console shows the rows itself';
  return null;
}

export async function runClusterSql(node: ClickHouseClient, sql: string): Promise<ClusterSqlResult> {
  const t0 = performance.now();
  // On a line of its own: a statement may end in a -- comment.
  const text = await node.exec(`${sql.trim().replace(/;\s*$/, '')}\nFORMAT JSONCompact`, {
    readonly: true,
    settings: { max_result_rows: String(CLUSTER_SQL_MAX_ROWS), max_result_bytes: String(256 * 1024 ** 2), result_overflow_mode: 'break', max_execution_time: '120' },
    timeoutMs: 130_000,
  });
  const body: unknown = JSON.parse(text);
  if (typeof body !== 'object' || body === null || !('meta' in body) || !('data' in body) || !Array.isArray(body.meta) || !Array.isArray(body.data))
    throw new Error('ClickHouse answered something other than rows');
  const columns = body.meta.map((m: unknown) => ({
    name: typeof m === 'object' && m !== null && 'name' in m ? String(m.name) : '?',
    type: typeof m === 'object' && m !== null && 'type' in m ? String(m.type) : '?',
  }));
  const rows = body.data.filter(Array.isArray);
  return { columns, rows, truncated: rows.length >= CLUSTER_SQL_MAX_ROWS, ms: performance.now() - t0 };
}
