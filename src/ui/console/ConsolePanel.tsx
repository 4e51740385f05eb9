/**
 * The SQL console: DuckDB SQL over every dataset of the batch store, saying what W the answer
 * covers and how many newer events only the speed layer holds; the result in a virtual grid, as a
 * chart in one click, copied or exported; the history and saved statements beside it.
 */
import { useQuery } from '@tanstack/react-query';
import { useClusterInfo } from '../serverStats';
import type { RecordBatch } from 'apache-arrow';
import { useCallback, useRef, useState, useSyncExternalStore } from 'react';
import type { ConsoleState } from '../../serving/SqlConsole';
import { ControlError } from '../ControlError';
import { fmtInt } from '../format';
import { usePipeline, usePipelineSnapshot } from '../PipelineContext';
import { runControl } from '../runControl';
import { ConsoleSide } from './ConsoleSide';
import { ResultExport } from './ResultExport';
import { chartPlan, ResultChart } from './ResultChart';
import { type GridCell, ResultGrid, cellText } from './ResultGrid';
import { copyText, resultTsv, rowTsv } from './resultCopy';
import { SqlEditor, type SqlEditorHandle } from './SqlEditor';

const TEXT_KEY = 'lambda-workbench:sql';

function storedText(): string {
  try {
    return localStorage.getItem(TEXT_KEY) ?? '';
  } catch {
    return '';
  }
}

function useConsoleState(): ConsoleState {
  const pipeline = usePipeline();
  return useSyncExternalStore(pipeline.console.subscribe, pipeline.console.getState);
}

/** "Batch store as of W = 1,204,000; the speed layer holds 3,120 newer events", per dataset the answer read. */
function Coverage({ state, onRecomputeFirst }: { state: ConsoleState; onRecomputeFirst: () => void }) {
  const s = usePipelineSnapshot();
  const covers = state.result?.covers ?? [];
  if (covers.length === 0) return null;
  let newer = 0;
  const parts = covers.map((c) => {
    const held = Math.max(0, (s.ingest?.datasets[c.datasetId]?.highWater ?? c.w) - c.w);
    newer += held;
    return `${c.name}: batch store as of W = ${fmtInt(c.w)}; the speed layer holds ${fmtInt(held)} newer event${held === 1 ? '' : 's'}`;
  });
  return (
    <p className="coverage" data-testid="console-coverage">
      {parts.join(' · ')}{' '}
      {newer > 0 && (
        <button type="button" data-testid="recompute-first" onClick={onRecomputeFirst} disabled={s.batch.running}>
          Recompute first, then run again
        </button>
      )}
    </p>
  );
}

function Summary({ state }: { state: ConsoleState }) {
  if (state.status === 'idle') return null;
  const secs = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  let text: string;
  if (state.status === 'running') text = `Running… ${fmtInt(state.rows)} rows so far`;
  else if (state.status === 'cancelled') text = `Cancelled: ${fmtInt(state.rows)} rows arrived before it stopped${state.error ? ` (${state.error.replace(/^the query was cancelled; /, '')})` : ''}`;
  else if (state.status === 'failed') return null;
  else {
    const r = state.result!;
    text = `${fmtInt(r.rows)} row${r.rows === 1 ? '' : 's'} in ${secs(r.ms)}${state.firstRowsMs !== null && r.rows > 0 ? ` (first rows after ${secs(state.firstRowsMs)})` : ''}${r.statements > 1 ? ` · ${r.statements} statements, the last one shown` : ''}`;
  }
  return (
    <p className="result-summary" data-testid="result-summary" data-status={state.status} data-rows={state.rows} data-ms={state.result?.ms ?? ''} data-first-ms={state.firstRowsMs ?? ''} role="status">
      {text}
      {state.result?.truncated ? ` · stopped at ${state.result.truncated}: narrow the query or export it` : ''}
    </p>
  );
}

export function ConsolePanel() {
  const pipeline = usePipeline();
  const snap = usePipelineSnapshot();
  const state = useConsoleState();
  const editor = useRef<SqlEditorHandle | null>(null);
  const [active, setActive] = useState<GridCell | null>(null);
  const [chart, setChart] = useState(false);
  const [copied, setCopied] = useState<string | null>(null);
  const schema = useQuery({
    queryKey: ['console-schema', snap.batch.recomputes, state.status === 'running' ? 'running' : state.queryId],
    queryFn: () => pipeline.console.schema(),
    enabled: snap.batch.recomputes > 0 || snap.phase === 'ready',
    staleTime: Number.POSITIVE_INFINITY,
  });

  const cluster = useClusterInfo(snap.ingest?.connection === 'open').data ?? null;
  const [target, setTarget] = useState<'tab' | 'cluster'>('tab');
  const on = cluster ? target : 'tab';
  const run = useCallback(
    (sql?: string, all = false) => {
      const text = sql ?? editor.current?.runnable(all) ?? '';
      setActive(null);
      setChart(false);
      setCopied(null);
      runControl('console-run', on === 'cluster' ? 'Running the statement on the cluster' : 'Running the statement', () => pipeline.console.run(text, on));
    },
    [pipeline, on],
  );
  // A new identity per slice, so the grid and chart redraw when rows arrive.
  // biome-ignore lint/correctness/useExhaustiveDependencies: state.rows is the reason to make a new one
  const locate = useCallback((row: number) => pipeline.console.locate(row), [pipeline, state.rows, state.queryId]);

  const copy = (what: string, text: () => Promise<string> | string) =>
    runControl('console-copy', `Copying ${what}`, async () => {
      await copyText(await text());
      setCopied(what);
    });

  const plan = chartPlan(state.columns);
  const running = state.status === 'running';
  return (
    <section className="console" aria-label="SQL console" data-testid="console" data-query={state.queryId ?? ''} data-status={state.status}>
      <div className="console-main">
        <div className="card">
          <div className="card-head">
            <h2>SQL console</h2>
            <span className="muted small">
              {on === 'cluster'
                ? 'ClickHouse SQL on the cluster, read-only, one statement: a dataset on the cluster is the table lw_<its id>.'
                : 'DuckDB SQL over the batch store. Datasets are read-only tables; CREATE TEMP TABLE for your own.'}
            </span>
          </div>
          <SqlEditor
            initial={storedText()}
            schema={schema.data ?? null}
            onRun={(all) => run(undefined, all)}
            onChange={(t) => {
              try {
                localStorage.setItem(TEXT_KEY, t);
              } catch {
                // Only the text surviving a reload is lost.
              }
            }}
            handle={(h) => {
              editor.current = h;
            }}
          />
          <div className="console-actions">
            <button type="button" className="primary" data-testid="console-run" onClick={() => run(undefined, true)} disabled={snap.phase === 'starting'}>
              Run
            </button>
            {cluster && (
              <label>
                on{' '}
                <select data-testid="console-target" value={on} onChange={(e) => setTarget(e.target.value === 'cluster' ? 'cluster' : 'tab')}>
                  <option value="tab">this tab (DuckDB)</option>
                  <option value="cluster">
                    the ClickHouse cluster {cluster.cluster} ({cluster.shards} shards, read-only)
                  </option>
                </select>
              </label>
            )}
            <span className="muted small">Run: the selection or everything · Ctrl+Enter: the statement at the cursor</span>
            <button type="button" data-testid="console-cancel" disabled={!running} onClick={() => runControl('console-cancel', 'Cancelling', () => pipeline.console.cancel())}>
              Cancel
            </button>
            <ControlError control="console-run" />
            <ControlError control="console-cancel" />
          </div>
          {state.status === 'failed' && (
            <div className={`console-error${state.refused ? ' refused' : ''}`} role="alert" data-testid="console-error" data-refused={state.refused}>
              <strong>{state.refused ? 'Refused: ' : 'DuckDB: '}</strong>
              <span className="pre">{state.error}</span>
            </div>
          )}
          <Coverage
            state={state}
            onRecomputeFirst={() =>
              runControl('console-run', 'Recomputing, then running again', async () => {
                await pipeline.recomputeNow();
                await pipeline.console.run(state.sql);
              })
            }
          />
          <Summary state={state} />
        </div>
        {state.columns.length > 0 && (
          <div className="card result-card">
            <div className="card-head result-tools">
              <h2>Result</h2>
              <button type="button" data-testid="copy-cell" disabled={!active} onClick={() => active && copy('the cell', () => cellAt(locate, active) ?? '')}>
                Copy cell
              </button>
              <button type="button" data-testid="copy-row" disabled={!active} onClick={() => active && copy('the row', () => rowTsv(state.columns, locate, active.row))}>
                Copy row
              </button>
              <button type="button" data-testid="copy-all" disabled={running || state.rows === 0} onClick={() => copy('the result as TSV', () => resultTsv(state.columns, locate, state.rows))}>
                Copy all as TSV
              </button>
              <button
                type="button"
                data-testid="chart-this"
                aria-pressed={chart}
                disabled={!plan || state.rows === 0}
                title={plan ? undefined : 'needs a time or text column and a numeric column'}
                onClick={() => setChart(!chart)}
              >
                {chart ? 'Hide chart' : 'Chart this'}
              </button>
              <ResultExport state={state} />
              {copied && (
                <span className="ok small" role="status">
                  Copied {copied}
                </span>
              )}
              <ControlError control="console-copy" />
            </div>
            {chart && plan && <ResultChart plan={plan} columns={state.columns} rows={state.rows} locate={locate} />}
            <ResultGrid
              key={state.queryId ?? ''}
              columns={state.columns}
              rows={state.rows}
              locate={locate}
              active={active}
              onActive={setActive}
              onCopyCell={(c) => copy('the cell', () => cellAt(locate, c) ?? '')}
            />
          </div>
        )}
      </div>
      <ConsoleSide
        schema={schema.data ?? null}
        onUse={(sql) => editor.current?.setText(sql)}
        onRun={(sql) => {
          editor.current?.setText(sql);
          run(sql);
        }}
        current={() => editor.current?.text() ?? ''}
      />
    </section>
  );
}

function cellAt(locate: (row: number) => { batch: RecordBatch; index: number } | null, c: GridCell): string | null {
  const at = locate(c.row);
  return at ? cellText(at.batch, c.col, at.index) : null;
}
