/**
 * Both real dispatchers in this process, each behind a MessageChannel as a worker would be (test-only):
 * every request, snapshot and tally crosses a structured clone, as in the browser. The batch engine is
 * DuckDB-WASM's Node build; the ingest side reads a fake stream the test drives.
 */
import { MessageChannel } from 'node:worker_threads';
import type { BatchClient } from '../../batch/BatchClient';
import type { BatchEngine } from '../../batch/BatchEngine';
import { NodeDuckDbEngine } from '../../batch/testing/nodeDuckDbEngine';
import type { BatchEvent, BatchMethods } from '../../batch/worker/protocol';
import { serveBatch } from '../../batch/worker/serveBatch';
import type { IngestClient } from '../../ingest/IngestClient';
import type { FakeIngestWorld } from '../../ingest/testing/fakeIngest';
import type { IngestEvent, IngestMethods } from '../../ingest/worker/protocol';
import { serveIngest } from '../../ingest/worker/serveIngest';
import { type PortLike, RpcClient } from '../../protocol/rpc';
import type { PipelineWorkers } from '../pipelineTypes';

function channel(): { inside: PortLike; outside: PortLike; close(): void } {
  const { port1, port2 } = new MessageChannel();
  // addEventListener on a Node MessagePort does not start it (on('message') would).
  port1.start();
  port2.start();
  const close = () => {
    port1.close();
    port2.close();
  };
  return { inside: port2 as unknown as PortLike, outside: port1 as unknown as PortLike, close };
}

export interface InProcessWorkers extends PipelineWorkers {
  /** How many batch engines were created: one per batch worker started. */
  engines: number;
  /** Speed snapshots the ingest side has sent to the page. */
  snapshots: number;
}

/** @param engine wraps the engine creation (a gate that holds it back, say). */
export function inProcessWorkers(world: FakeIngestWorld, engine: (create: () => Promise<BatchEngine>) => Promise<BatchEngine> = (c) => c()): InProcessWorkers {
  const out: InProcessWorkers = {
    engines: 0,
    snapshots: 0,
    ingest: () => {
      const c = channel();
      const d = serveIngest(c.inside, world.deps());
      const client: IngestClient = new RpcClient<IngestMethods, IngestEvent>(c.outside);
      client.onEvent((e) => {
        if (e.type === 'snapshot') out.snapshots++;
      });
      return {
        client,
        worker: {
          terminate: () => {
            d.dispose();
            c.close();
          },
        },
      };
    },
    batch: () => {
      const c = channel();
      out.engines++;
      serveBatch(c.inside, () => engine(() => NodeDuckDbEngine.create()));
      return { client: new RpcClient<BatchMethods, BatchEvent>(c.outside) as BatchClient, worker: { terminate: () => c.close() } };
    },
  };
  return out;
}
