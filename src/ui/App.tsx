import { BreakdownChart } from './BreakdownChart';
import { ControlError } from './ControlError';
import { Controls } from './Controls';
import { Handovers } from './Handovers';
import { KpiTiles } from './KpiTiles';
import { Messages } from './Messages';
import { usePipelineSnapshot } from './PipelineContext';
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
      </header>
      <StatusBar />
      <Controls />
      {phase === 'starting' && <p className="muted">Starting the batch engine and opening the log…</p>}
      {phase === 'failed' && <PipelineFailed />}
      <ControlError control="start" />
      <KpiTiles />
      <div className="grid">
        <TimelineChart />
        <BreakdownChart />
      </div>
      <UserViews />
      <Handovers />
      <Messages />
    </div>
  );
}
