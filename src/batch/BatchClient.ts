/** Main-thread handle on the batch worker. */
import { RpcClient } from '../protocol/rpc';
import type { BatchEvent, BatchMethods } from './worker/protocol';

export type BatchClient = RpcClient<BatchMethods, BatchEvent>;

export function startBatchWorker(): { client: BatchClient; worker: Worker } {
  // A module worker: it imports the view compiler and the log like any other module.
  const worker = new Worker(new URL('./worker/batch.worker.ts', import.meta.url), { type: 'module', name: 'batch' });
  return { client: new RpcClient<BatchMethods, BatchEvent>(worker, { name: 'batch' }), worker };
}
