/// <reference lib="webworker" />
/** Batch worker entry: serves the dispatcher, with DuckDB-WASM as its engine, on the worker's own port. */
import type { PortLike } from '../../protocol/rpc';
import { DuckDbEngine } from './DuckDbEngine';
import { serveBatch } from './serveBatch';

serveBatch(
  self as unknown as PortLike,
  () => DuckDbEngine.create(),
  () => DuckDbEngine.create({ threaded: false }),
);
