/** The status the page shows for a dataset and its streams, built from the log's record in one place. */
import type { DatasetRecord } from '../../log/LogDb';
import { ownGet, ownSet } from '../../protocol/ownRecord';
import type { DatasetStatus, StreamStatus } from './protocol';

export function datasetStatus(ds: DatasetRecord): DatasetStatus {
  return {
    name: ds.name,
    createdAt: ds.createdAt,
    origin: ds.origin ?? 'stream',
    files: (ds.files ?? []).map((f) => f.name),
    highWater: ds.highWater,
    segments: ds.segmentCount,
    bytes: ds.bytes ?? null,
    minTs: ds.minTs,
    maxTs: ds.maxTs,
    importing: ds.pendingImport !== undefined,
    schema: ds.schema,
    retention: ds.retention ?? null,
    clusterFrom: ds.cluster?.from ?? null,
  };
}

/** Each source stream's durable offset and the events it lost or we refused, as the log records them. */
export function sourceStatuses(ds: DatasetRecord): Record<string, StreamStatus> {
  const out: Record<string, StreamStatus> = Object.create(null);
  for (const [stream, offset] of Object.entries(ds.sources)) ownSet(out, stream, sourceStatus(ds, stream, offset));
  return out;
}

export function sourceStatus(ds: DatasetRecord, stream: string, durableOffset: number): StreamStatus {
  return { durableOffset, gapEvents: ownGet(ds.gaps, stream) ?? 0, rejectedEvents: ownGet(ds.rejected, stream) ?? 0 };
}
