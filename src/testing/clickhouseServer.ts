/**
 * A real ClickHouse server for tests (test-only): Debian's `clickhouse-server`, started on free
 * loopback ports with its own data directory under a temp folder, stopped and removed at the end.
 * `.ci/run` installs the package when missing; without it `startClickHouse` returns null and the
 * suites that need it say they were skipped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BINARIES = [process.env.CLICKHOUSE_SERVER ?? '', '/usr/sbin/clickhouse-server', '/usr/bin/clickhouse-server'];

export interface ClickHouse {
  url: string;
  /** Runs `sql`; with `body`, sends it as the statement's data (an INSERT … FORMAT …). Returns the response text. */
  run(sql: string, body?: string): Promise<string>;
  /** Runs a SELECT and returns its rows (JSONCompact, 64-bit integers as numbers). */
  rows(sql: string): Promise<unknown[][]>;
  stop(): Promise<void>;
}

export const clickhouseBinary = (): string | null => BINARIES.find((b) => b !== '' && existsSync(b)) ?? null;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

function configXml(dir: string, http: number, tcp: number): string {
  return `<yandex>
  <logger><level>warning</level><console>1</console></logger>
  <http_port>${http}</http_port>
  <tcp_port>${tcp}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/data/tmp/</tmp_path>
  <user_files_path>${dir}/data/user_files/</user_files_path>
  <format_schema_path>${dir}/data/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
</yandex>`;
}

const USERS_XML = `<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>`;

export async function startClickHouse(): Promise<ClickHouse | null> {
  const bin = clickhouseBinary();
  if (!bin) return null;
  const dir = mkdtempSync(join(tmpdir(), 'lw-clickhouse-'));
  const [http, tcp] = [await freePort(), await freePort()];
  writeFileSync(join(dir, 'config.xml'), configXml(dir, http, tcp));
  writeFileSync(join(dir, 'users.xml'), USERS_XML);
  let output = '';
  const proc: ChildProcess = spawn(bin, [`--config-file=${join(dir, 'config.xml')}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  proc.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${http}`;
  const stop = async () => {
    if (proc.exitCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const run = async (sql: string, body?: string): Promise<string> => {
    const q = new URLSearchParams({ output_format_json_quote_64bit_integers: '0' });
    if (body !== undefined) q.set('query', sql);
    const res = await fetch(`${url}/?${q}`, { method: 'POST', body: body ?? sql });
    const text = await res.text();
    if (!res.ok) throw new Error(`ClickHouse ${res.status}: ${text.trim()}\n${sql.slice(0, 500)}`);
    return text;
  };
  for (let i = 0; i < 200; i++) {
    if (proc.exitCode !== null) break;
    try {
      if ((await fetch(`${url}/ping`)).ok) {
        return {
          url,
          run,
          rows: async (sql) => {
            const parsed: unknown = JSON.parse(await run(`${sql} FORMAT JSONCompact`));
            if (typeof parsed !== 'object' || parsed === null || !('data' in parsed) || !Array.isArray(parsed.data)) throw new Error('ClickHouse answered no rows');
            return parsed.data.map((row: unknown) => (Array.isArray(row) ? row : []));
          },
          stop,
        };
      }
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`clickhouse-server did not start within 20 s:\n${output}`);
}
