import { describe, expect, it } from 'vitest';
import type { ConnectionState as Connection } from '../../ingest/worker/protocol';
import { stillOffline } from './streamOffline';

function run(states: Connection[]): boolean[] {
  const seen: boolean[] = [];
  for (const c of states) seen.push(stillOffline(seen.at(-1) ?? false, c));
  return seen;
}

describe('stillOffline', () => {
  it('the first connection attempt is not offline; a failed one is, through every retry, until the socket opens', () => {
    expect(run(['idle', 'connecting', 'backoff', 'connecting', 'backoff', 'connecting', 'open'])).toEqual([false, false, true, true, true, true, false]);
  });

  it('a socket stopped on purpose or live in another tab is not offline', () => {
    expect(run(['backoff', 'stopped', 'connecting'])).toEqual([true, false, false]);
    expect(run(['backoff', 'elsewhere'])).toEqual([true, false]);
  });

  it('the same state twice gives the same answer (a repeated render)', () => {
    for (const c of ['idle', 'connecting', 'open', 'backoff', 'stopped', 'elsewhere'] as const) {
      for (const was of [false, true]) expect(stillOffline(stillOffline(was, c), c)).toBe(stillOffline(was, c));
    }
  });
});
