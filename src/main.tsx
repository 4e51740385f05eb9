/** Wires the layers together: two workers, the pipeline coordinator, the React dashboard. */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startBatchWorker } from './batch/BatchClient';
import { startIngestWorker } from './ingest/IngestClient';
import { DEFAULT_DB_NAME, LogDb } from './log/LogDb';
import { BatchViewStore } from './serving/BatchViewStore';
import { Pipeline } from './serving/Pipeline';
import { QueryHistory } from './serving/QueryHistory';
import { streamParam } from './serving/StreamFollow';
import { ViewStore } from './serving/ViewStore';
import { App } from './ui/App';
import { startServiceWorker } from './ui/offline/serviceWorker';
import { PipelineProvider } from './ui/PipelineContext';
import { runControl } from './ui/runControl';
import { applyStoredTheme } from './ui/ThemeControls';
import { DEFAULT_VIEWS } from './views/defaultViews';
import './ui/styles.css';

applyStoredTheme();
// Builds only: the dev server has no service worker (and a cached shell would hide edits).
if (import.meta.env.PROD) startServiceWorker();
const params = new URLSearchParams(location.search);
const defaultStream = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/stream`;
const streams = streamParam(params.getAll('stream'), defaultStream);
const intervalS = Number(params.get('batchInterval') ?? '10');

const dbName = params.get('db') ?? DEFAULT_DB_NAME;
const workspace = new LogDb(dbName);
const pipeline = new Pipeline(
  { ingest: startIngestWorker, batch: startBatchWorker },
  {
    dbName,
    store: new ViewStore(workspace),
    batchViews: new BatchViewStore(workspace),
    history: new QueryHistory(workspace),
    streamUrl: streams.url,
    streamsOnly: streams.only,
    prefs: localStorage,
    views: [...DEFAULT_VIEWS],
    batchIntervalMs: Number.isFinite(intervalS) && intervalS >= 1 ? intervalS * 1000 : 10_000,
  },
);
// start() reports its own failures in the snapshot; this catches whatever escapes it, for the page to show.
runControl('start', 'Starting the pipeline', () => pipeline.start());
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') pipeline.nudge();
});
addEventListener('online', () => pipeline.nudge());

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={new QueryClient()}>
      <PipelineProvider pipeline={pipeline}>
        <App />
      </PipelineProvider>
    </QueryClientProvider>
  </StrictMode>,
);
