/**
 * A stream's dataset gets starter views the first time this workspace sees it, as an imported file
 * does: totals, and a live timeline, so a person who points a producer at the server sees their
 * events without defining anything. Once per dataset and workspace: views the person removed stay
 * removed across reloads.
 */
import type { DatasetStatus } from '../ingest/worker/protocol';
import { SHOP_STREAM_ID } from '../protocol/shop';
import { generateViews } from '../views/generatedViews';
import type { ViewDef } from '../views/ViewDef';
import type { KeyValueStore } from './StreamFollow';

/** A live timeline shows about the last quarter hour in a readable number of buckets. */
const LIVE_SPAN_MS = 15 * 60_000;

export class StreamStarterViews {
  private readonly key: string;
  private readonly done: Set<string>;

  constructor(
    dbName: string,
    private readonly store: KeyValueStore | null,
    private readonly add: (views: ViewDef[]) => Promise<void>,
  ) {
    this.key = `lambda-workbench:starter-views:${dbName}`;
    let ids: unknown = [];
    try {
      ids = JSON.parse(store?.getItem(this.key) ?? '[]');
    } catch {}
    this.done = new Set(Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : []);
  }

  /** Called with each snapshot's datasets and the views there are. */
  notice(datasets: Record<string, DatasetStatus>, views: readonly ViewDef[], now = Date.now()): void {
    for (const [id, d] of Object.entries(datasets)) {
      if (d.origin !== 'stream' || id === SHOP_STREAM_ID || this.done.has(id)) continue;
      this.done.add(id);
      try {
        this.store?.setItem(this.key, JSON.stringify([...this.done]));
      } catch {}
      if (views.some((v) => v.dataset === id)) continue;
      const generated = generateViews(id, d.schema, { minTs: now - LIVE_SPAN_MS, maxTs: now, lowCardinalityText: [] });
      void this.add(generated).catch(() => undefined);
    }
  }
}
