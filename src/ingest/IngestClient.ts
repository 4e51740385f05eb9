/** Main-thread handle on the ingest worker. */
import { RpcClient } from '../protocol/rpc';
import type { IngestEvent, IngestMethods } from './worker/protocol';

export type IngestClient = RpcClient<IngestMethods, IngestEvent>;

export function startIngestWorker(): { client: IngestClient; worker: Worker } {
  const worker = new Worker(new URL('./worker/ingest.worker.ts', import.meta.url), { type: 'module', name: 'ingest' });
  return { client: new RpcClient<IngestMethods, IngestEvent>(worker, { name: 'ingest' }), worker };
}
