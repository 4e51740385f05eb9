/** Beside the editor: the tables (datasets and temporary ones) with their columns, saved statements, and the history. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { ConsoleSchema } from '../../batch/console/consoleTypes';
import { ControlError } from '../ControlError';
import { fmtInt } from '../format';
import { usePipeline } from '../PipelineContext';
import { runControl } from '../runControl';
import { sqlName } from './SqlEditor';

const timeOfDay = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

function Tables({ schema, onUse }: { schema: ConsoleSchema | null; onUse: (sql: string) => void }) {
  if (!schema) return <p className="muted small">Tables appear after the first recompute.</p>;
  const all = [...schema.tables.map((t) => ({ ...t, temp: false })), ...schema.temp.map((t) => ({ ...t, datasetId: '', w: 0, temp: true }))];
  if (all.length === 0) return <p className="muted small">No datasets yet.</p>;
  return (
    <ul className="console-tables" data-testid="console-tables">
      {all.map((t) => (
        <li key={`${t.temp}:${t.name}`} data-testid="console-table-item" data-name={t.name} data-rows={t.temp ? undefined : t.w} data-temp={t.temp}>
          <details>
            <summary>
              <span className="table-name" data-testid="console-table">
                {t.name}
              </span>{' '}
              <span className="muted small">{t.temp ? 'temporary' : `${fmtInt(t.w)} rows`}</span>
            </summary>
            <ul className="columns">
              {t.columns.map((c) => (
                <li key={c.name}>
                  {c.name} <span className="type">{c.type}</span>
                </li>
              ))}
            </ul>
            <button type="button" className="link" onClick={() => onUse(`SELECT *\nFROM ${sqlName(t.name)}\nLIMIT 100;`)}>
              Query {t.name}
            </button>
          </details>
        </li>
      ))}
    </ul>
  );
}

export function ConsoleSide({ schema, onUse, onRun, current }: { schema: ConsoleSchema | null; onUse: (sql: string) => void; onRun: (sql: string) => void; current: () => string }) {
  const pipeline = usePipeline();
  const client = useQueryClient();
  const history = pipeline.history;
  const list = useQuery({ queryKey: ['console-history'], queryFn: () => history?.list() ?? [], enabled: history !== null });
  const saved = useQuery({ queryKey: ['console-saved'], queryFn: () => history?.saved() ?? [], enabled: history !== null });
  const [name, setName] = useState('');
  useEffect(() => pipeline.console.onHistory(() => void client.invalidateQueries({ queryKey: ['console-history'] })), [pipeline, client]);

  return (
    <aside className="console-side" aria-label="Tables, saved statements and history">
      <div className="card">
        <h2>Tables</h2>
        <Tables schema={schema} onUse={onUse} />
      </div>
      <div className="card">
        <h2>Saved</h2>
        <form
          className="save-form"
          onSubmit={(e) => {
            e.preventDefault();
            runControl('console-save', 'Saving the statement', async () => {
              await history?.save(name, current());
              setName('');
              await client.invalidateQueries({ queryKey: ['console-saved'] });
            });
          }}
        >
          <input aria-label="Name to save the statement under" data-testid="save-name" placeholder="name" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
          <button type="submit" data-testid="save-statement" disabled={name.trim() === ''}>
            Save
          </button>
        </form>
        <ControlError control="console-save" />
        <ul className="statements" data-testid="saved-statements">
          {(saved.data ?? []).map((q) => (
            <li key={q.name}>
              <button type="button" className="link" title={q.sql} onClick={() => onUse(q.sql)}>
                {q.name}
              </button>{' '}
              <button type="button" className="small-btn" aria-label={`Run ${q.name}`} onClick={() => onRun(q.sql)}>
                Run
              </button>{' '}
              <button
                type="button"
                className="small-btn"
                aria-label={`Forget ${q.name}`}
                onClick={() =>
                  runControl('console-save', 'Removing the statement', async () => {
                    await history?.remove(q.name);
                    await client.invalidateQueries({ queryKey: ['console-saved'] });
                  })
                }
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      </div>
      <div className="card">
        <h2>History</h2>
        <ul className="statements history" data-testid="history">
          {(list.data ?? []).map((q) => (
            <li key={q.id} data-testid="history-entry">
              <button type="button" className="link sql" title="Put it in the editor" onClick={() => onUse(q.sql)}>
                {q.sql.length > 120 ? `${q.sql.slice(0, 120)}…` : q.sql}
              </button>
              <span className="muted small">
                {timeOfDay.format(q.at)} · {q.error === null ? `${fmtInt(q.rows ?? 0)} row${q.rows === 1 ? '' : 's'}` : q.error === 'cancelled' ? 'cancelled' : 'failed'}
              </span>{' '}
              <button type="button" className="small-btn" aria-label="Run again" onClick={() => onRun(q.sql)}>
                Run
              </button>
            </li>
          ))}
        </ul>
      </div>
    </aside>
  );
}
