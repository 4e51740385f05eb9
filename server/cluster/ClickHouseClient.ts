/**
 * One ClickHouse node over HTTP. Credentials go in a Basic authorization header, never in the URL
 * (a proxy or the server's own log would keep them); they come from the server's environment and
 * never reach a browser. Answers are JSONCompact with 64-bit integers as numbers (our counts and
 * seqs stay below 2^53), checked before use.
 */
export interface ClickHouseNodeOptions {
  /** `http://host:8123`, the node's HTTP interface. */
  url: string;
  user?: string;
  password?: string;
  /** Per request, in ms (a dead shard must not hold a recompute forever). */
  timeoutMs?: number;
}

export class ClickHouseError extends Error {
  override name = 'ClickHouseError';
}

export class ClickHouseClient {
  readonly url: string;

  constructor(private readonly options: ClickHouseNodeOptions) {
    const u = new URL(options.url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`--clickhouse ${options.url}: an http:// or https:// address`);
    if (u.username || u.password) throw new Error('--clickhouse: put no credentials in the address; set LAMBDA_WORKBENCH_CLICKHOUSE_USER and LAMBDA_WORKBENCH_CLICKHOUSE_PASSWORD');
    this.url = u.origin;
  }

  /**
   * Runs `sql`. With `body` the statement's data follows it (INSERT … FORMAT …). `readonly` makes
   * ClickHouse itself refuse any write for this request.
   */
  async exec(sql: string, opts: { body?: string; readonly?: boolean; settings?: Record<string, string>; timeoutMs?: number } = {}): Promise<string> {
    const q = new URLSearchParams({ output_format_json_quote_64bit_integers: '0', ...opts.settings });
    if (opts.readonly) q.set('readonly', '1');
    if (opts.body !== undefined) q.set('query', sql);
    const headers: Record<string, string> = { 'Content-Type': 'text/plain; charset=utf-8' };
    if (this.options.user !== undefined) headers.Authorization = `Basic ${Buffer.from(`${this.options.user}:${this.options.password ?? ''}`).toString('base64')}`;
    let res: Response;
    const send = () => fetch(`${this.url}/?${q}`, { method: 'POST', headers, body: opts.body ?? sql, signal: AbortSignal.timeout(opts.timeoutMs ?? this.options.timeoutMs ?? 120_000) });
    try {
      // ClickHouse closes an idle keep-alive connection after a few seconds; a request that went out on
      // it as it closed never reached the server, so it is sent once more (every statement we send is
      // safe to repeat: CREATE … IF NOT EXISTS, reads, and a segment's insert, whose row count is
      // checked before W moves past it).
      res = await send().catch((e: unknown) => (isTimeout(e) ? Promise.reject(e) : send()));
    } catch (e) {
      // fetch's own message is "fetch failed"; the cause says what (refused, reset, timed out).
      const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
      throw new ClickHouseError(`ClickHouse at ${this.url} cannot be reached: ${e instanceof Error ? e.message : String(e)}${cause}`);
    }
    const text = await res.text();
    if (!res.ok) throw new ClickHouseError(`ClickHouse at ${this.url} refused it: ${firstLine(text)}`);
    return text;
  }

  /** A SELECT's rows. */
  async rows(sql: string, opts: { readonly?: boolean } = {}): Promise<unknown[][]> {
    const parsed: unknown = JSON.parse(await this.exec(`${sql} FORMAT JSONCompact`, opts));
    if (typeof parsed !== 'object' || parsed === null || !('data' in parsed) || !Array.isArray(parsed.data) || !parsed.data.every(Array.isArray)) {
      throw new ClickHouseError(`ClickHouse at ${this.url} answered something other than rows`);
    }
    return parsed.data;
  }
}

/** ClickHouse's errors carry a stack trace after the message: the first line says it. */
function firstLine(text: string): string {
  return text.trim().split('\n')[0]!.slice(0, 500);
}

function isTimeout(e: unknown): boolean {
  return e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
}
