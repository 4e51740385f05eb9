/**
 * The one way events enter a declared or demo stream from outside: an HTTP body or a producer
 * socket's batch. In order: the stream exists, the producer is within its limits, every event is
 * valid, then the batch is stored whole and its offsets returned. A refusal at any step stores
 * nothing and says why.
 */
import type { DatasetSchema } from '../src/protocol/schema';
import type { IngestParse, LineError } from './httpIngest';
import type { Access } from './access';
import { BrokerUnavailableError } from './broker/BrokerSource';
import type { StreamRegistry } from './streams/StreamRegistry';

export type PublishOutcome = { status: 200; accepted: number; firstOffset: number; lastOffset: number } | { status: 400 | 404 | 413 | 422 | 429 | 503; errors: LineError[]; retryAfterS?: number };

export async function publishEvents(
  registry: StreamRegistry,
  access: Access,
  producer: string,
  streamId: string,
  check: (schema: DatasetSchema, zone: string) => IngestParse,
  idempotencyKey?: string,
): Promise<PublishOutcome> {
  const stream = registry.get(streamId);
  if (!stream) return { status: 404, errors: [{ line: 0, error: `no stream ${JSON.stringify(streamId)}: declare it first with PUT /api/streams/${encodeURIComponent(streamId)}` }] };
  const request = access.admitRequest(producer);
  if (!request.ok) return refusedBy(request);
  const parsed = check(stream.declaration.schema, stream.declaration.timeZone);
  if (!parsed.ok) return { status: parsed.status, errors: parsed.errors };
  const events = access.admitEvents(producer, parsed.batch.count);
  if (!events.ok) return refusedBy(events);
  try {
    const { first, last } = await stream.publish(parsed.batch, idempotencyKey);
    return { status: 200, accepted: parsed.batch.count, firstOffset: first, lastOffset: last };
  } catch (e) {
    if (e instanceof BrokerUnavailableError) {
      const some = e.stored > 0 ? ` The broker took ${e.stored} of the ${parsed.batch.count} events; resend the same batch with the same idempotency key to store the rest without doubles.` : '';
      return { status: 503, errors: [{ line: 0, error: `the stream's broker is unavailable: ${e.message}.${some}` }], retryAfterS: 1 };
    }
    throw e;
  }
}

function refusedBy(v: { error: string; retryAfterS?: number }): PublishOutcome {
  return { status: 429, errors: [{ line: 0, error: v.error }], ...(v.retryAfterS ? { retryAfterS: v.retryAfterS } : {}) };
}
