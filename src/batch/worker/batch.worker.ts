/// <reference lib="webworker" />
/** Batch worker entry: wires messages to the dispatcher. */
import { serveRpc, type PortLike } from '../../protocol/rpc';
import { BatchDispatcher } from './BatchDispatcher';
import { DuckDbEngine } from './DuckDbEngine';
import type { BatchEvent, BatchMethods } from './protocol';

const dispatcher = new BatchDispatcher(() => DuckDbEngine.create());
serveRpc<BatchMethods, BatchEvent>(self as unknown as PortLike, {
  init: (d) => dispatcher.init(d),
  setViews: (d) => dispatcher.setViews(d),
  recompute: () => dispatcher.recompute(),
  rebuild: () => dispatcher.rebuild(),
  reconcile: (d) => dispatcher.reconcile(d),
  query: (d) => dispatcher.query(d),
  stats: () => dispatcher.stats(),
  failNextRecompute: () => dispatcher.failNextRecompute(),
});
