import { BreakdownChart } from './BreakdownChart';
import { Controls } from './Controls';
import { Handovers } from './Handovers';
import { KpiTiles } from './KpiTiles';
import { Messages } from './Messages';
import { usePipelineSnapshot } from './PipelineContext';
import { StatusBar } from './StatusBar';
import { TimelineChart } from './TimelineChart';
import { UserViews } from './UserViews';

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
