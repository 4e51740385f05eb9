import { useEffect, useState } from 'react';
import { BreakdownChart } from './BreakdownChart';
import { ConsolePanel } from './console/ConsolePanel';
import { ControlError } from './ControlError';
import { Controls } from './Controls';
import { DatasetPicker } from './DatasetPicker';
import { DatasetsPanel } from './DatasetsPanel';
import { FileDrop } from './import/FileDrop';
import { ImportPanel } from './import/ImportPanel';
import { Handovers } from './Handovers';
import { CrossFilterBanner } from './CrossFilterChoice';
import { FrozenBanner } from './FreezeView';
import { KpiTiles } from './KpiTiles';
import { Messages } from './Messages';
import { usePipelineSnapshot } from './PipelineContext';
import { useSelectedDataset } from './selectedDataset';
import { PipelineDiagram } from './PipelineDiagram';
import { StatusBar } from './StatusBar';
import { StreamsPanel } from './StreamsPanel';
import { ThemeControls } from './ThemeControls';
import { Tour } from './Tour';
import { TimelineChart } from './TimelineChart';
import { OfflineBanner } from './offline/OfflineBanner';
import { UpdatePrompt } from './offline/UpdatePrompt';
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

type Tab = 'dashboard' | 'console';

/** The tab in the address (#sql), so a reload or a shared link opens the same one. */
function tabFromHash(): Tab {
  return location.hash === '#sql' ? 'console' : 'dashboard';
}

function useTab(): [Tab, (t: Tab) => void] {
  const [tab, setTab] = useState<Tab>(tabFromHash);
  useEffect(() => {
    const onHash = () => setTab(tabFromHash());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  return [
    tab,
    (t) => {
      history.replaceState(null, '', t === 'console' ? '#sql' : location.pathname + location.search);
      setTab(t);
    },
  ];
}

const TABS: { id: Tab; label: string }[] = [
  { id: 'dashboard', label: 'Dashboard' },
  { id: 'console', label: 'SQL console' },
];

function TabBar({ tab, onTab }: { tab: Tab; onTab: (t: Tab) => void }) {
  return (
    <div className="tabs" role="tablist" aria-label="Workbench">
      {TABS.map((t, i) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          id={`tab-${t.id}`}
          aria-selected={tab === t.id}
          aria-controls={`panel-${t.id}`}
          tabIndex={tab === t.id ? 0 : -1}
          data-testid={`tab-${t.id}`}
          onClick={() => onTab(t.id)}
          onKeyDown={(e) => {
            if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
            const next = TABS[(i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length]!;
            onTab(next.id);
            document.getElementById(`tab-${next.id}`)?.focus();
          }}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

export function App() {
  const { phase } = usePipelineSnapshot();
  const dataset = useSelectedDataset();
  const [tab, setTab] = useTab();
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
          <Tour dataset={dataset} />
          <ThemeControls />
          <DatasetPicker dataset={dataset} />
          <FileDrop />
        </div>
      </header>
      <UpdatePrompt />
      <ImportPanel />
      <StatusBar dataset={dataset} />
      <OfflineBanner />
      {phase === 'starting' && <p className="muted">Starting the batch engine and opening the log…</p>}
      {phase === 'failed' && <PipelineFailed />}
      <ControlError control="start" />
      <TabBar tab={tab} onTab={setTab} />
      {tab === 'dashboard' ? (
        <div role="tabpanel" id="panel-dashboard" aria-labelledby="tab-dashboard">
          <Controls dataset={dataset} />
          <FrozenBanner />
          <CrossFilterBanner dataset={dataset} />
          <PipelineDiagram dataset={dataset} />
          <KpiTiles dataset={dataset} />
          <div className="grid">
            <TimelineChart dataset={dataset} />
            <BreakdownChart dataset={dataset} />
          </div>
          <UserViews dataset={dataset} />
          <StreamsPanel />
          <DatasetsPanel />
          <Handovers />
        </div>
      ) : (
        <div role="tabpanel" id="panel-console" aria-labelledby="tab-console">
          <ConsolePanel />
        </div>
      )}
      <Messages />
    </div>
  );
}
