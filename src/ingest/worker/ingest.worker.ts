/// <reference lib="webworker" />
/** Ingest worker entry: wires messages to the dispatcher. */
import { serveRpc, type PortLike } from '../../protocol/rpc';
import { IngestDispatcher } from './IngestDispatcher';
import type { IngestEvent, IngestMethods } from './protocol';

const port = self as unknown as PortLike;
let emit: (e: IngestEvent) => void = () => {};
const dispatcher = new IngestDispatcher((e) => emit(e));
emit = serveRpc<IngestMethods, IngestEvent>(port, {
  init: (d) => dispatcher.init(d),
  setViews: (d) => dispatcher.setViews(d),
  dropUpTo: (d) => dispatcher.dropUpTo(d),
  setSpeedFault: (d) => dispatcher.setSpeedFault(d),
  connect: (d) => dispatcher.connect(d),
  disconnect: () => dispatcher.disconnect(),
  nudge: () => dispatcher.nudge(),
});
