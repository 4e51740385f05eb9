/**
 * Producers as a team would run them, from the test process: HTTP posts and the producer socket,
 * with the expected totals kept here, computed from what was sent, never read from the app.
 */
import { execFile } from 'node:child_process';
import type { Page } from '@playwright/test';
import WebSocket from 'ws';
import type { ProducerReply } from '../../src/protocol/producer';
import type { StreamStats } from '../../src/protocol/stream';
import { expect } from '../fixtures';

export interface Sent {
  count: number;
  /** Per numeric field, the sum of what was sent. */
  sums: Record<string, number>;
}

export const sent = (): Sent => ({ count: 0, sums: {} });

function tally(into: Sent, events: Record<string, unknown>[]): void {
  into.count += events.length;
  for (const e of events) for (const [k, v] of Object.entries(e)) if (k !== 'ts' && typeof v === 'number') into.sums[k] = (into.sums[k] ?? 0) + v;
}

export async function declare(url: string, id: string, body: unknown, token?: string): Promise<Response> {
  return fetch(`${url}/api/streams/${id}`, { method: 'PUT', body: JSON.stringify(body), headers: token ? { authorization: `Bearer ${token}` } : {} });
}

/** Posts events; counts them into `into` only when the server took them. */
export async function post(url: string, id: string, events: Record<string, unknown>[], into: Sent | null, headers: Record<string, string> = {}): Promise<Response> {
  const res = await fetch(`${url}/api/streams/${id}/events`, { method: 'POST', body: JSON.stringify(events), headers });
  if (res.status === 200 && into) tally(into, events);
  return res;
}

/** A producer socket that sends batches and waits for each reply. */
export async function producerSocket(url: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/produce`, { headers });
  const replies: ProducerReply[] = [];
  ws.on('message', (d) => replies.push(JSON.parse(String(d)) as ProducerReply));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    replies,
    async publish(stream: string, batches: Record<string, unknown>[][], into: Sent): Promise<void> {
      const start = replies.length;
      for (const [i, events] of batches.entries()) ws.send(JSON.stringify({ type: 'publish', id: `b${start + i}`, stream, events }));
      await expect.poll(() => replies.length, { timeout: 30_000 }).toBe(start + batches.length);
      replies.slice(start).forEach((r, i) => {
        expect(r.type, JSON.stringify(r)).toBe('published');
        tally(into, batches[i]!);
      });
    },
    close: () => ws.close(),
  };
}

export async function streamStats(url: string): Promise<Record<string, StreamStats>> {
  const body = (await (await fetch(`${url}/api/streams`)).json()) as { streams: StreamStats[] };
  return Object.fromEntries(body.streams.map((s) => [s.id, s]));
}

/** Runs `npm run replay` as a person would (the CLI in a child process); resolves with its output. */
export function replay(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', 'server/replay/index.ts', ...args], { timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`replay failed: ${stderr || err.message}`));
      else resolve(stdout);
    });
  });
}

/** The Live streams panel's row for a stream. */
export const streamRow = (page: Page, id: string) => page.locator(`[data-testid="stream-row"][data-id=${JSON.stringify(id)}]`);
