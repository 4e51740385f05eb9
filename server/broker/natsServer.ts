/**
 * Runs a real nats-server with JetStream for tests (vitest and Playwright alike): a free loopback
 * port, a temporary store, and kill/restart on the same port and store so a test can show what a
 * broker crash does to the streams built on it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface NatsServer {
  /** nats://127.0.0.1:<port> */
  url: string;
  port: number;
  /** JetStream's store; it outlives kill() and restart(), and stop() removes it when it made it. */
  storeDir: string;
  /** SIGTERM (SIGKILL after 5 s), then removes the store if it was a temporary one. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash would; the store stays for restart(). */
  kill(): Promise<void>;
  /** Starts the server again on the same port and store. */
  restart(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
const HOST = '127.0.0.1';

/** The nats-server binary, or null when this machine has none. */
export function findNatsServer(): string | null {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter((d) => d !== '');
  for (const candidate of ['/usr/sbin/nats-server', ...dirs.map((d) => path.join(d, 'nats-server'))]) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next one
    }
  }
  return null;
}

export async function startNatsServer(opts: { port?: number; storeDir?: string } = {}): Promise<NatsServer> {
  const bin = findNatsServer();
  if (bin === null) {
    throw new Error('nats-server is not installed (looked in /usr/sbin and on PATH); install the Debian package `nats-server` (apt-get install nats-server)');
  }
  const ownStore = opts.storeDir === undefined;
  const storeDir = opts.storeDir ?? (await mkdtemp(path.join(os.tmpdir(), 'lw-nats-')));
  let port = opts.port ?? (await freePort());
  let child: ChildProcess | null = null;

  const start = async (): Promise<void> => {
    child = await spawnServer(bin, port, storeDir);
  };
  try {
    // Another process can take the free port between our probe and the server's bind: pick again.
    for (let attempt = 1; ; attempt++) {
      try {
        await start();
        break;
      } catch (err) {
        if (opts.port !== undefined || attempt >= 3) throw err;
        port = await freePort();
      }
    }
  } catch (err) {
    if (ownStore) await rm(storeDir, { recursive: true, force: true });
    throw err;
  }

  let stopped = false;
  return {
    url: `nats://${HOST}:${port}`,
    port,
    storeDir,
    async kill() {
      if (child) await terminate(child, 'SIGKILL');
      child = null;
    },
    async restart() {
      if (stopped) throw new Error('nats-server was stopped; start a new one');
      if (child) await terminate(child, 'SIGTERM');
      await start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child) await terminate(child, 'SIGTERM');
      child = null;
      if (ownStore) await rm(storeDir, { recursive: true, force: true });
    },
  };
}

/** Servers still running when the test process exits, killed so none outlives it. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

async function spawnServer(bin: string, port: number, storeDir: string): Promise<ChildProcess> {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of running) c.kill('SIGKILL');
    });
  }
  const child = spawn(bin, ['-a', HOST, '-p', String(port), '-js', '-sd', storeDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // Set by the child's events while the loop below polls.
  let exited = null as string | null;
  child.once('exit', (code, signal) => {
    running.delete(child);
    exited = `exited (${signal ?? `code ${code}`})`;
  });
  child.once('error', (err) => {
    running.delete(child);
    exited = `could not start: ${err.message}`;
  });

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await accepts(port))) {
    if (exited !== null || Date.now() > deadline) {
      if (exited === null) await terminate(child, 'SIGKILL');
      throw new Error(`nats-server on ${HOST}:${port} ${exited ?? `did not accept connections within ${START_TIMEOUT_MS / 1000} s`}\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return child;
}

function terminate(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const escalate = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(escalate);
      resolve();
    });
    child.kill(signal);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error('could not find a free port'))));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
