/**
 * Which of the server's streams this workspace reads: the person's choice per stream (subscribe,
 * pause, stop), kept per workspace across reloads; streams without a choice follow the `stream`
 * URL parameter's list, or, without one, every stream the server offers.
 */
import type { IngestClient } from '../ingest/IngestClient';
import type { FollowState } from '../ingest/worker/protocol';

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const STATES: ReadonlySet<string> = new Set<FollowState>(['on', 'paused', 'off']);

export class StreamFollow {
  private readonly key: string;
  private choices: Record<string, FollowState>;

  constructor(
    dbName: string,
    /** The `stream` URL parameter's ids; null when it named none. */
    readonly only: string[] | null,
    private readonly store: KeyValueStore | null,
    private readonly ingest: () => IngestClient,
  ) {
    this.key = `lambda-workbench:follow:${dbName}`;
    this.choices = this.load();
  }

  /** What the ingest worker starts with. */
  init(): { follow: Record<string, FollowState>; only: string[] | null } {
    return { follow: { ...this.choices }, only: this.only };
  }

  async set(stream: string, state: FollowState): Promise<void> {
    await this.ingest().call('setFollow', { stream, state });
    this.choices[stream] = state;
    try {
      this.store?.setItem(this.key, JSON.stringify(this.choices));
    } catch {
      // A full or refused storage only loses the choice across reloads; reading goes on as chosen.
    }
  }

  /** Stored choices, checked: storage is shared with anything on this origin. */
  private load(): Record<string, FollowState> {
    const out = Object.create(null) as Record<string, FollowState>;
    let parsed: unknown;
    try {
      parsed = JSON.parse(this.store?.getItem(this.key) ?? '{}');
    } catch {
      return out;
    }
    if (typeof parsed !== 'object' || parsed === null) return out;
    for (const [id, state] of Object.entries(parsed)) if (typeof state === 'string' && STATES.has(state)) out[id] = state as FollowState;
    return out;
  }
}

/**
 * The `stream` URL parameter: `off` (no server), stream ids (`clicks,orders`, or the parameter
 * repeated), and a `ws://` or `wss://` address to read from another server.
 */
export function streamParam(values: readonly string[], defaultUrl: string): { url: string | null; only: string[] | null } {
  const items = values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  if (items.includes('off')) return { url: null, only: null };
  const url = items.find((v) => /^wss?:\/\//i.test(v)) ?? defaultUrl;
  const ids = items.filter((v) => !/^wss?:\/\//i.test(v));
  return { url, only: ids.length ? ids : null };
}
