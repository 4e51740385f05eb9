/** Pieces of the ingest path that need no worker state: micro-batches and reading broken messages. */
import type { ColumnBatch } from '../../protocol/schema';

/** Events received for one stream and not yet appended: contiguous offsets from `offset`. */
export interface Pending {
  offset: number;
  parts: { batch: ColumnBatch; keep: Uint8Array | null }[];
  count: number;
}

/** Pulls the stream and offset out of the head of an events message that could not be read. */
export function eventsHeader(head: string): { stream: string; offset: number } | null {
  const m = /"type"\s*:\s*"events"[\s\S]*?"stream"\s*:\s*"([^"]{1,100})"[\s\S]*?"offset"\s*:\s*(\d{1,15})/.exec(head);
  return m ? { stream: m[1]!, offset: Number(m[2]) } : null;
}

export function concatMasks(parts: readonly { batch: ColumnBatch; keep: Uint8Array | null }[]): Uint8Array | null {
  if (parts.every((p) => p.keep === null)) return null;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.batch.count, 0));
  let at = 0;
  for (const p of parts) {
    if (p.keep) out.set(p.keep, at);
    else out.fill(1, at, at + p.batch.count);
    at += p.batch.count;
  }
  return out;
}
