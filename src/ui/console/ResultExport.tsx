/** The console result, exactly as shown, written out as CSV or Parquet. */
import type { ConsoleState } from '../../serving/SqlConsole';
import { ExportButtons } from '../export/ExportButtons';
import { usePipeline } from '../PipelineContext';

export function ResultExport({ state }: { state: ConsoleState }) {
  const pipeline = usePipeline();
  return (
    <>
      <ExportButtons control="result" what="the result" disabled={state.status === 'running' || state.ipc.length === 0} run={{ start: (format) => pipeline.exports.query(state.ipc, format) }} />
    </>
  );
}
