// The CLI as a person meets it: a child process, its output and its exit code.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeServer, startFakeServer } from './testing/fakeServer';
import { tempDir } from './testing/tempFiles';

const dir = tempDir();
let server: FakeServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], onStdout?: (text: string, child: ChildProcess) => void): Promise<Ran> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/replay/index.ts', ...args], { env: { ...process.env, LAMBDA_WORKBENCH_TOKEN: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    onStdout?.(stdout, child);
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

describe('npm run replay', () => {
  it('replays a file and ends with a summary', async () => {
    server = await startFakeServer();
    const file = dir.write('w.csv', 'ts,city,temp\n2026-01-01T00:00:00Z,Oslo,-3\n2026-01-01T01:00:00Z,Rome,12\n');
    const r = await cli([file, '--stream', 'weather', '--server', server.url, '--rate', '10000']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(0, 2)).toEqual([
      'Declared the stream "weather": city text, temp integer',
      `Replaying ${file} into "weather" at 10,000 events/s; event time from column "ts", times without an offset read in UTC`,
    ]);
    expect(lines[2]).toMatch(/^Sent 2 events to "weather" \(offsets 0\.\.1\) in \d+\.\d s$/);
    expect(server.streams.get('weather')!.events).toEqual([
      { ts: Date.UTC(2026, 0, 1, 0), city: 'Oslo', temp: -3 },
      { ts: Date.UTC(2026, 0, 1, 1), city: 'Rome', temp: 12 },
    ]);
  });

  it('fails with one sentence and exit code 1', async () => {
    const s = createServer();
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const { port } = s.address() as AddressInfo;
    await new Promise<void>((resolve) => s.close(() => resolve()));
    const file = dir.write('a.csv', 'a\n1\n');
    const unreachable = await cli([file, '--stream', 's', '--server', `http://127.0.0.1:${port}`]);
    expect([unreachable.code, unreachable.stdout, unreachable.stderr]).toEqual([
      1,
      '',
      `replay: cannot reach the server at http://127.0.0.1:${port} (connection refused): is it running? (npm run serve)\n`,
    ]);
    const usage = await cli([]);
    expect([usage.code, usage.stderr]).toEqual([1, 'replay: give the file to replay: npm run replay -- <file> --stream <id>\n']);
  });

  it('stops after the batch in flight on Ctrl+C', async () => {
    server = await startFakeServer();
    const rows = Array.from({ length: 100 }, (_, i) => String(i));
    const file = dir.write('slow.csv', `n\n${rows.join('\n')}\n`);
    let interrupted = false;
    const r = await cli([file, '--stream', 'slow', '--server', server.url, '--rate', '5'], (out, child) => {
      if (!interrupted && out.includes('Replaying')) {
        interrupted = true;
        setTimeout(() => child.kill('SIGINT'), 300);
      }
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('stopping after the batch in flight (Ctrl+C again to quit now)\n');
    const sent = server.streams.get('slow')!.events.length;
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(100);
    expect(r.stdout).toMatch(new RegExp(`Sent ${sent} events to "slow" \\(offsets 0\\.\\.${sent - 1}\\) in \\d+\\.\\d s; stopped by Ctrl\\+C\\n$`));
  });
});
