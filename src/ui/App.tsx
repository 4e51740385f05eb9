import { BreakdownChart } from './BreakdownChart';
import { ControlError } from './ControlError';
import { Controls } from './Controls';
import { DatasetPicker } from './DatasetPicker';
import { DatasetsPanel } from './DatasetsPanel';
import { FileDrop } from './import/FileDrop';
import { ImportPanel } from './import/ImportPanel';
import { Handovers } from './Handovers';
import { KpiTiles } from './KpiTiles';
import { Messages } from './Messages';
import { usePipelineSnapshot } from './PipelineContext';
import { useSelectedDataset } from './selectedDataset';
import { StatusBar } from './StatusBar';
import { TimelineChart } from './TimelineChart';
import { UserViews } from './UserViews';

/** Why the pipeline stopped, from its newest error message: a page that just stops moving says nothing. */
function PipelineFailed() {
  const { messages } = usePipelineSnapshot();
  const reason = messages.find((m) => m.level === 'error')?.text ?? 'no reason was reported';
  return (
    <p className="error-text" role="alert" data-testid="pipeline-failed">
      The pipeline stopped: {reason}. The log in this browser is kept: reload the page to start again from it.
    </p>
  );
}

export function App() {
  const { phase } = usePipelineSnapshot();
  const dataset = useSelectedDataset();
  return (
    <div className="app" data-phase={phase} data-testid="app">
      <header>
        <h1>
          λ <span>lambda-workbench</span>
        </h1>
        <p className="legend">
          <span className="swatch batch" /> batch layer: exact, recomputed from the whole log
          <span className="swatch speed" /> speed layer: live tally of events past the watermark W
        </p>
        <div className="header-actions">
          <DatasetPicker dataset={dataset} />
          <FileDrop />
        </div>
      </header>
      <ImportPanel />
      <StatusBar dataset={dataset} />
      <Controls />
      {phase === 'starting' && <p className="muted">Starting the batch engine and opening the log…</p>}
      {phase === 'failed' && <PipelineFailed />}
      <ControlError control="start" />
      <KpiTiles dataset={dataset} />
      <div className="grid">
        <TimelineChart dataset={dataset} />
        <BreakdownChart dataset={dataset} />
      </div>
      <UserViews dataset={dataset} />
      <DatasetsPanel />
      <Handovers />
      <Messages />
    </div>
  );
}
