/// <reference lib="webworker" />
/** Ingest worker entry: serves the dispatcher on the worker's own port. */
import type { PortLike } from '../../protocol/rpc';
import { serveIngest } from './serveIngest';

serveIngest(self as unknown as PortLike);
