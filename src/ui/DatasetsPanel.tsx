/**
 * Every dataset of the workspace: where its events came from, how many, their size in the log,
 * their schema and event-time range, what they keep (retention); rename, and delete (confirmed).
 */
import { useEffect, useRef, useState } from 'react';
import type { DatasetStatus } from '../ingest/worker/protocol';
import { timestampText } from '../protocol/valueText';
import { fmtBytes, fmtInt } from './format';
import { usePipeline, usePipelineSnapshot } from './PipelineContext';
import { ControlError } from './ControlError';
import { ExportButtons } from './export/ExportButtons';
import { runControl } from './runControl';
import { StorageSummary } from './StorageSummary';
import { BackupControls } from './BackupControls';
import { RetentionControl } from './RetentionControl';
import { eventsHeld } from '../log/retention';

const localTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });

/** A file's event times are wall-clock readings shown as stored; a stream's are instants, shown in local time. */
function timeText(d: DatasetStatus, ms: number): string {
  return d.origin === 'file' ? timestampText(ms) : localTime.format(ms);
}

/** A dataset's whole log (up to its end when the export starts) as a file, with progress and Cancel. */
function DatasetExport({ id, d }: { id: string; d: DatasetStatus }) {
  const pipeline = usePipeline();
  const exportId = useRef(`export-${id}-${Math.random().toString(36).slice(2)}`);
  return (
    <ExportButtons
      control={`dataset-${id}`}
      what={`the dataset ${d.name}`}
      disabled={d.highWater === 0}
      run={{
        start: (format, onProgress) => pipeline.exports.dataset(id, d.name, format, onProgress, exportId.current),
        cancel: () => void pipeline.exports.cancel(exportId.current),
      }}
    />
  );
}

function DatasetRow({ id, d }: { id: string; d: DatasetStatus }) {
  const pipeline = usePipeline();
  const [renaming, setRenaming] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const keep = useRef<HTMLButtonElement>(null);
  // Asked to confirm, the keyboard lands on the safe answer.
  useEffect(() => {
    if (confirming) keep.current?.focus();
  }, [confirming]);
  const source = d.origin === 'file' ? (d.files.length ? d.files.join(', ') : 'files') : d.clusterFrom !== null ? 'live stream, batch on ClickHouse' : 'live stream';
  return (
    <tr data-testid="dataset-row" data-id={id} data-name={d.name} data-rows={eventsHeld(d)} data-bytes={d.bytes ?? ''} data-origin={d.origin} data-min-ts={d.minTs ?? ''} data-max-ts={d.maxTs ?? ''}>
      <td>
        {renaming === null ? (
          <strong>{d.name}</strong>
        ) : (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              runControl(`rename-${id}`, `Renaming ${d.name}`, async () => {
                await pipeline.files.rename(id, renaming);
                setRenaming(null);
              });
            }}
          >
            <input aria-label={`New name for ${d.name}`} data-testid="dataset-name-input" value={renaming} maxLength={200} onChange={(e) => setRenaming(e.target.value)} />
            <button type="submit" data-testid="dataset-rename-save">
              Save
            </button>
            <button type="button" onClick={() => setRenaming(null)}>
              Keep
            </button>
          </form>
        )}
        {d.importing && <span className="muted small"> importing…</span>}
        <ControlError control={`rename-${id}`} />
      </td>
      <td data-testid="dataset-files">
        {d.origin === 'file' ? 'file: ' : ''}
        {source}
      </td>
      <td className="num">{fmtInt(eventsHeld(d))}</td>
      <td className="num">{d.bytes === null ? '–' : fmtBytes(d.bytes)}</td>
      <td data-testid="dataset-schema" className="schema">
        {d.schema.fields.map((f) => `${f.name} ${f.type}`).join(', ')}
      </td>
      <td data-testid="dataset-range">{d.minTs === null || d.maxTs === null ? '–' : `${timeText(d, d.minTs)} – ${timeText(d, d.maxTs)}`}</td>
      <td>
        <RetentionControl id={id} d={d} />
      </td>
      <td className="actions">
        <DatasetExport id={id} d={d} />{' '}
        {confirming ? (
          <span role="alert">
            Delete {d.name} and its {fmtInt(eventsHeld(d))} events from the log? This cannot be undone.{' '}
            <button
              type="button"
              className="danger"
              data-testid="dataset-delete-confirm"
              onClick={() =>
                runControl(`delete-${id}`, `Deleting ${d.name}`, async () => {
                  setConfirming(false);
                  await pipeline.files.remove(id);
                })
              }
            >
              Delete
            </button>{' '}
            <button type="button" data-testid="dataset-delete-keep" ref={keep} onClick={() => setConfirming(false)}>
              Keep
            </button>
          </span>
        ) : (
          <>
            <button type="button" data-testid="dataset-rename" aria-label={`Rename ${d.name}`} onClick={() => setRenaming(d.name)}>
              Rename
            </button>{' '}
            <button type="button" data-testid="dataset-delete" aria-label={`Delete ${d.name}`} disabled={d.importing} onClick={() => setConfirming(true)}>
              Delete
            </button>
          </>
        )}
        <ControlError control={`delete-${id}`} />
      </td>
    </tr>
  );
}

export function DatasetsPanel() {
  const datasets = usePipelineSnapshot().ingest?.datasets ?? {};
  // Oldest first, as they came: the log reports them in id order after a reload.
  const ids = Object.keys(datasets).sort((a, b) => datasets[a]!.createdAt - datasets[b]!.createdAt);
  return (
    <section className="card datasets" data-testid="datasets-panel" aria-label="Datasets">
      <div className="card-head">
        <h2>Datasets</h2>
        <BackupControls />
      </div>
      <StorageSummary datasetBytes={ids.reduce((n, id) => n + (datasets[id]!.bytes ?? 0), 0)} />
      {ids.length === 0 ? (
        <p className="muted">No datasets yet: the live stream creates one, and every file you drop on the page becomes one.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Source</th>
                <th className="num">Rows</th>
                <th className="num">In the log</th>
                <th>Schema</th>
                <th>Event time</th>
                <th>Retention</th>
                <th>Export, rename, delete</th>
              </tr>
            </thead>
            <tbody>
              {ids.map((id) => (
                <DatasetRow key={id} id={id} d={datasets[id]!} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
