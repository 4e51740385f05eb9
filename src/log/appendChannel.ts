/**
 * The workspace's channel for "events appended to a dataset up to seq N": the writer tab announces
 * its stream appends, a batch worker its committed file imports; every ingest worker catches its
 * speed layer up from the log. Every script of the origin can post on it, so notices are checked.
 */
import * as v from 'valibot';
import { NonEmptyText, NonNegativeInteger } from '../protocol/shapes';

export interface Appended {
  dataset: string;
  highWater: number;
}

const AppendedShape = v.object({ dataset: NonEmptyText, highWater: NonNegativeInteger });

/**
 * A notice from the channel, or null for anything else, since every script of the origin can post on it
 * (another build in another tab, an extension), and a follower must not tally from a bogus seq.
 */
export function readAppended(data: unknown): Appended | null {
  const r = v.safeParse(AppendedShape, data);
  return r.success ? r.output : null;
}

/** The workspace's channel for "events appended up to seq N". */
export class AppendChannel {
  private readonly channel: BroadcastChannel | null;

  constructor(workspace: string, onAppended: (a: Appended) => void) {
    this.channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(`lambda-workbench:appended:${workspace}`);
    if (this.channel) {
      this.channel.onmessage = (e: MessageEvent<unknown>) => {
        const a = readAppended(e.data);
        if (a) onAppended(a);
      };
    }
  }

  announce(a: Appended): void {
    this.channel?.postMessage(a);
  }
}
