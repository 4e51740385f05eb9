/** A view's merged rows (batch at W plus speed), as the card shows them, written out as CSV or Parquet. */
import { viewExportColumns } from '../../serving/viewExport';
import type { ViewDef } from '../../views/ViewDef';
import { usePipeline, usePipelineSnapshot } from '../PipelineContext';
import { useDatasetStatus } from '../selectedDataset';
import { ExportButtons } from './ExportButtons';

export function ViewExport({ def }: { def: ViewDef }) {
  const pipeline = usePipeline();
  const s = usePipelineSnapshot();
  const status = useDatasetStatus(def.dataset);
  const ready = s.views[def.id] !== undefined && status !== undefined;
  return (
    <ExportButtons
      control={`view-${def.id}`}
      what={`the view ${def.name}`}
      disabled={!ready}
      run={{
        start: (format) => {
          // The rows at the moment of the click, not of the last render.
          const view = pipeline.getSnapshot().views[def.id];
          if (!view || !status) throw new Error('the view has no rows yet');
          return pipeline.exports.view(status.name, def.name, view.w, viewExportColumns(def, status.schema, view), format);
        },
      }}
    />
  );
}
