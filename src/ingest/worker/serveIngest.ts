/** Serves the ingest dispatcher's methods on a port: the worker's `self`, or a MessagePort in tests. */
import { type PortLike, serveRpc } from '../../protocol/rpc';
import type { IngestDeps } from './ingestDeps';
import { IngestDispatcher } from './IngestDispatcher';
import type { IngestEvent, IngestMethods } from './protocol';

export function serveIngest(port: PortLike, deps?: IngestDeps): IngestDispatcher {
  let emit: (e: IngestEvent) => void = () => {};
  const dispatcher = new IngestDispatcher((e) => emit(e), deps);
  emit = serveRpc<IngestMethods, IngestEvent>(port, {
    init: (d) => dispatcher.init(d),
    setViews: (d) => dispatcher.setViews(d),
    dropUpTo: (d) => dispatcher.dropUpTo(d),
    setSpeedFault: (d) => dispatcher.setSpeedFault(d),
    connect: (d) => dispatcher.connect(d),
    setFollow: (d) => dispatcher.setFollow(d),
    kappa: (d) => dispatcher.kappa(d),
    pastW: (d) => dispatcher.pastW(d),
    disconnect: () => dispatcher.disconnect(),
    nudge: () => dispatcher.nudge(),
  });
  return dispatcher;
}
