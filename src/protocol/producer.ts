/**
 * The producer socket's protocol (`/produce`), for producers at rates where a request per batch
 * costs too much: one connection, many batches in flight, each acknowledged with its offsets.
 * A batch is all or nothing, judged by the stream's schema like an HTTP body.
 */
import * as v from 'valibot';
import { NonEmptyText, Text, issueText, must } from './shapes';

/** Producer -> server: `events` are event objects, as in an HTTP ingest body. */
export interface PublishMessage {
  type: 'publish';
  /** The producer's name for this batch, echoed in the reply. */
  id: string;
  stream: string;
  events: unknown[];
  /**
   * Over a broker: a key unique to this batch (a UUID), so that resending it after a 503 stores
   * nothing twice. Not the id, which producers reuse (a counter that starts again at 0).
   */
  idempotencyKey?: string | undefined;
}

/** Server -> producer. */
export type ProducerReply =
  | { type: 'published'; id: string; stream: string; accepted: number; firstOffset: number; lastOffset: number }
  /** Nothing of the batch was stored; `status` as HTTP would answer (401, 404, 413, 422, 429, 503). */
  | { type: 'refused'; id: string | null; status: number; errors: { line: number; error: string }[] };

const PublishShape = v.object({
  type: v.literal('publish'),
  id: v.pipe(Text, v.maxLength(200, must('an id of at most 200 characters'))),
  stream: NonEmptyText,
  events: v.array(v.unknown(), must('a list of events')),
  idempotencyKey: v.optional(v.pipe(Text, v.minLength(8, must('a key of 8 to 200 characters')), v.maxLength(200, must('a key of 8 to 200 characters')))),
});

/** Parses a producer's message without trusting it; the reason in plain words when it is not one. */
export function parsePublish(text: string): { ok: true; msg: PublishMessage } | { ok: false; id: string | null; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, id: null, error: 'a message must be JSON: {"type":"publish","id":…,"stream":…,"events":[…]}' };
  }
  const r = v.safeParse(PublishShape, value, { abortEarly: true });
  if (r.success) return { ok: true, msg: r.output };
  const id = typeof (value as { id?: unknown } | null)?.id === 'string' ? (value as { id: string }).id : null;
  return { ok: false, id, error: `bad publish: ${issueText(r.issues)}` };
}
