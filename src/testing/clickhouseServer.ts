/**
 * A real ClickHouse server for tests (test-only): Debian's `clickhouse-server`, started on free
 * loopback ports with its own data directory under a temp folder, stopped and removed at the end.
 * `.ci/run` installs the package when missing; without it `startClickHouse` returns null and the
 * suites that need it say they were skipped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
  /** Stops it as a crash would (SIGKILL); its data stays. */
  kill(): Promise<void>;
  /** Starts it again on the same data and ports. */
  start(): Promise<void>;
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

/** `remote_servers` naming a cluster `name` of one replica per shard, each a node's TCP port on loopback. */
function clusterXml(name: string, tcpPorts: readonly number[]): string {
  if (tcpPorts.length === 0) return '';
  const shards = tcpPorts.map((p) => `<shard><replica><host>127.0.0.1</host><port>${p}</port></replica></shard>`).join('');
  return `<remote_servers><${name}>${shards}</${name}></remote_servers>`;
}

function configXml(dir: string, http: number, tcp: number, cluster = ''): string {
  return `<yandex>${cluster}
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

/** One node: its own data directory and ports; `kill` stops it as a crash would, `start` brings it back on the same data. */
async function startNode(bin: string, dir: string, http: number, tcp: number, cluster: string): Promise<ClickHouse> {
  writeFileSync(join(dir, 'config.xml'), configXml(dir, http, tcp, cluster));
  writeFileSync(join(dir, 'users.xml'), USERS_XML);
  const url = `http://127.0.0.1:${http}`;
  let proc: ChildProcess | null = null;
  let output = '';
  const run = async (sql: string, body?: string): Promise<string> => {
    const q = new URLSearchParams({ output_format_json_quote_64bit_integers: '0' });
    if (body !== undefined) q.set('query', sql);
    const res = await fetch(`${url}/?${q}`, { method: 'POST', body: body ?? sql });
    const text = await res.text();
    if (!res.ok) throw new Error(`ClickHouse ${res.status}: ${text.trim()}\n${sql.slice(0, 500)}`);
    return text;
  };
  const kill = async () => {
    const p = proc;
    proc = null;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  };
  const start = async () => {
    output = '';
    const p = spawn(bin, [`--config-file=${join(dir, 'config.xml')}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    proc = p;
    p.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    p.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    for (let i = 0; i < 300; i++) {
      if (p.exitCode !== null) break;
      try {
        if ((await fetch(`${url}/ping`)).ok) return;
      } catch {}
      await new Promise((r) => setTimeout(r, 100));
    }
    await kill();
    throw new Error(`clickhouse-server did not start within 30 s:\n${output}`);
  };
  await start();
  return {
    url,
    run,
    rows: async (sql) => {
      const parsed: unknown = JSON.parse(await run(`${sql} FORMAT JSONCompact`));
      if (typeof parsed !== 'object' || parsed === null || !('data' in parsed) || !Array.isArray(parsed.data)) throw new Error('ClickHouse answered no rows');
      return parsed.data.map((row: unknown) => (Array.isArray(row) ? row : []));
    },
    kill,
    start,
    stop: async () => {
      if (proc && proc.exitCode === null) {
        const p = proc;
        const exited = new Promise((r) => p.once('exit', r));
        p.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      }
      await kill();
    },
  };
}

/** One ClickHouse server in a temp folder; null when the package is not installed. */
export async function startClickHouse(): Promise<ClickHouse | null> {
  const cluster = await startClickHouseCluster(1);
  if (!cluster) return null;
  const node = cluster.nodes[0]!;
  return { ...node, stop: cluster.stop };
}

export interface ClickHouseCluster {
  /** The name in `remote_servers`: a Distributed table over it reaches every shard. */
  name: string;
  nodes: ClickHouse[];
  stop(): Promise<void>;
}

/** `shards` servers on loopback, one replica per shard, each knowing the cluster (no ZooKeeper needed). */
export async function startClickHouseCluster(shards: number, name = 'lw'): Promise<ClickHouseCluster | null> {
  const bin = clickhouseBinary();
  if (!bin) return null;
  const root = mkdtempSync(join(tmpdir(), 'lw-clickhouse-'));
  const ports: { http: number; tcp: number }[] = [];
  for (let i = 0; i < shards; i++) ports.push({ http: await freePort(), tcp: await freePort() });
  const cluster = clusterXml(
    name,
    ports.map((p) => p.tcp),
  );
  const nodes: ClickHouse[] = [];
  const stop = async () => {
    for (const n of nodes) await n.stop();
    rmSync(root, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < shards; i++) {
      const dir = join(root, `shard${i + 1}`);
      mkdirSync(dir);
      nodes.push(await startNode(bin, dir, ports[i]!.http, ports[i]!.tcp, cluster));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { name, nodes, stop };
}
