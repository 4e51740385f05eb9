/** Serves the batch dispatcher's methods on a port: the worker's `self`, or a MessagePort in tests. */
import { type PortLike, serveRpc, type TransferList } from '../../protocol/rpc';
import type { BatchEngine } from '../BatchEngine';
import { BatchDispatcher } from './BatchDispatcher';
import type { BatchEvent, BatchMethods } from './protocol';

/** `createFileEngine`: the engine that reads dropped CSV files (by default another `createEngine`). */
export function serveBatch(port: PortLike, createEngine: () => Promise<BatchEngine>, createFileEngine: () => Promise<BatchEngine> = createEngine): BatchDispatcher {
  let emit: (e: BatchEvent, transfer?: TransferList) => void = () => {};
  const dispatcher = new BatchDispatcher(createEngine, (e, transfer) => emit(e, transfer), createFileEngine);
  emit = serveRpc<BatchMethods, BatchEvent>(port, {
    init: (d) => dispatcher.init(d),
    setViews: (d) => dispatcher.setViews(d),
    recompute: (d) => dispatcher.recompute(d),
    rebuild: (d) => dispatcher.rebuild(d),
    setRetention: (d) => dispatcher.setRetention(d),
    reconcile: (d) => dispatcher.reconcile(d),
    timeSplit: (d) => dispatcher.timeSplit(d),
    query: (d) => dispatcher.query(d),
    stats: () => dispatcher.stats(),
    failNextRecompute: () => dispatcher.failNextRecompute(),
    previewFile: (d) => dispatcher.previewFile(d),
    importFile: (d) => dispatcher.importFile(d),
    cancelImport: (d) => dispatcher.cancelImport(d),
    renameDataset: (d) => dispatcher.renameDataset(d),
    deleteDataset: (d) => dispatcher.deleteDataset(d),
    consoleQuery: (d) => dispatcher.consoleQuery(d),
    consoleCancel: (d) => dispatcher.consoleCancel(d),
    consoleSchema: () => dispatcher.consoleSchema(),
    exportDataset: (d) => dispatcher.exports.dataset(d),
    cancelExport: (d) => dispatcher.exports.cancel(d),
    exportArrow: (d) => dispatcher.exports.arrow(d),
    exportColumns: (d) => dispatcher.exports.columns(d),
    backupWorkspace: (d) => dispatcher.backups.backup(d),
    restoreWorkspace: (d) => dispatcher.restoreWorkspace(d),
    cancelBackup: (d) => dispatcher.backups.cancel(d),
  });
  return dispatcher;
}
