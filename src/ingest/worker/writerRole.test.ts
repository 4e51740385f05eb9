import { describe, expect, it } from 'vitest';
import { type Appended, AppendChannel, readAppended } from '../../log/appendChannel';

const HOSTILE: unknown[] = [
  null,
  'appended',
  42,
  [],
  { dataset: 'shop' },
  { highWater: 5 },
  { dataset: '', highWater: 5 },
  { dataset: 7, highWater: 5 },
  { dataset: 'shop', highWater: -1 },
  { dataset: 'shop', highWater: 1.5 },
  { dataset: 'shop', highWater: '5' },
  { dataset: 'shop', highWater: 2 ** 53 },
  { dataset: 'shop', highWater: Number.NaN },
  { dataset: { toString: () => 'shop' }, highWater: 5 },
];

describe('readAppended', () => {
  it('takes a notice as the writer sends it, without extra keys', () => {
    expect(readAppended({ dataset: 'shop', highWater: 12 })).toEqual({ dataset: 'shop', highWater: 12 });
    expect(readAppended({ dataset: 'shop', highWater: 0, from: 'elsewhere' })).toEqual({ dataset: 'shop', highWater: 0 });
  });

  it.each(HOSTILE.map((h) => [h]))('ignores %j', (data) => {
    expect(readAppended(data)).toBeNull();
  });
});

describe('AppendChannel', () => {
  it('hands on only well-formed notices from the channel', async () => {
    const got: Appended[] = [];
    const follower = new AppendChannel('writer-role-test', (a) => got.push(a));
    const writer = new AppendChannel('writer-role-test', () => {});
    const stranger = new BroadcastChannel('lambda-workbench:appended:writer-role-test');
    try {
      for (const h of HOSTILE) {
        try {
          stranger.postMessage(h);
        } catch {
          // not cloneable (holds a function): cannot cross a channel anyway
        }
      }
      writer.announce({ dataset: 'shop', highWater: 3 });
      await expect.poll(() => got.length).toBe(1);
      await new Promise((r) => setTimeout(r, 50)); // nothing else arrives late
      expect(got).toEqual([{ dataset: 'shop', highWater: 3 }]);
    } finally {
      stranger.close();
      for (const c of [follower, writer]) (c as unknown as { channel: BroadcastChannel | null }).channel?.close();
    }
  });
});
