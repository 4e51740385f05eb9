/**
 * One dropped file: its preview (first rows, each column's detected type), the choices before
 * anything is written (event time, target dataset, date formats), then progress with Cancel, then
 * the result or the reason it failed. Values are React text, never HTML.
 */
import { ISO_DATE, ISO_TIMESTAMP, ISO_ZONED } from '../../batch/import/dateFormats';
import type { FilePreview } from '../../batch/import/importTypes';
import { schemaFit } from '../../protocol/schemaFit';
import { fmtBytes, fmtDuration, fmtInt } from '../format';
import { useNow, usePipeline, usePipelineSnapshot } from '../PipelineContext';
import { useUiStore } from '../uiStore';
import { cancelImport, preview, startImport } from './importActions';
import { type ImportItem, useImportStore } from './importStore';
import { eventsHeld } from '../../log/retention';

const FORMAT_LABEL: Record<string, string> = {
  [ISO_DATE]: 'date (2024-01-31)',
  [ISO_TIMESTAMP]: 'date and time (2024-01-31 13:45:00)',
  [ISO_ZONED]: 'date and time with offset (converted to UTC)',
};

/** A strptime pattern as an example a person recognises: %m/%d/%Y -> 01/31/2024 (month first). */
function formatLabel(f: string): string {
  if (FORMAT_LABEL[f]) return FORMAT_LABEL[f];
  const example = f
    .replaceAll('%Y', '2024')
    .replaceAll('%y', '24')
    .replaceAll('%m', '01')
    .replaceAll('%d', '31')
    .replaceAll('%H', '13')
    .replaceAll('%M', '45')
    .replaceAll('%S', '00')
    .replaceAll('%b', 'Jan')
    .replaceAll('%B', 'January')
    .replaceAll('%a', 'Wed');
  const order = /%m.*%d/.test(f) ? ', month first' : /%d.*%m/.test(f) ? ', day first' : '';
  return `${example} (${f}${order})`;
}

function PreviewTable({ preview }: { preview: FilePreview }) {
  return (
    <div className="table-wrap preview-wrap">
      <table data-testid="import-preview">
        <thead>
          <tr>
            {preview.fields.map((f) => (
              <th key={f.name} data-testid="import-field" data-name={f.name} data-type={f.type} title={f.note ?? (f.name !== f.sourceName ? `"${f.sourceName}" in the file` : undefined)}>
                {f.name}
                <span className={`type type-${f.type}`}>{f.type}</span>
                {f.zoned && <span className="type">UTC</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {preview.rows.map((row, r) => (
            <tr key={r}>
              {row.map((v, i) => (
                <td key={i} title={v === null ? 'empty (null)' : undefined} className={v === null ? 'null' : preview.fields[i]?.type === 'integer' || preview.fields[i]?.type === 'float' ? 'num' : ''}>
                  {v ?? '∅'}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Progress({ item }: { item: ImportItem }) {
  const pipeline = usePipeline();
  useNow(500);
  const p = item.progress;
  const elapsed = item.startedAt === null ? 0 : (performance.now() - item.startedAt) / 1000;
  const done = p && p.fileBytes > 0 ? p.bytesRead / p.fileBytes : 0;
  const pct = Math.min(100, Math.round(done * 100));
  const rate = p && elapsed > 0 ? p.rows / elapsed : 0;
  const left = p && done > 0.02 && done < 1 ? (elapsed * (1 - done)) / done : null;
  return (
    <div className="import-progress">
      <div
        className="bar"
        role="progressbar"
        aria-label={`Importing ${item.file.name}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        data-testid="import-progress"
        data-rows={p?.rows ?? 0}
      >
        <div className="fill" style={{ width: `${pct}%` }} />
      </div>
      <p className="hint">
        {p ? `${fmtBytes(p.bytesRead)} of ${fmtBytes(p.fileBytes)} · ${fmtInt(p.rows)} rows · ${fmtInt(rate)} rows/s` : 'Starting…'}
        {left !== null && ` · about ${fmtDuration(left * 1000)} left`}
      </p>
      <button type="button" data-testid="import-cancel" onClick={() => cancelImport(pipeline, item.id)}>
        Cancel
      </button>
    </div>
  );
}

function Choices({ item, preview: p }: { item: ImportItem; preview: FilePreview }) {
  const pipeline = usePipeline();
  const datasets = usePipelineSnapshot().ingest?.datasets ?? {};
  const update = useImportStore((s) => s.update);
  const times = p.fields.filter((f) => f.type === 'timestamp' || f.type === 'date');
  const target = item.target !== 'new' && Object.hasOwn(datasets, item.target) ? datasets[item.target]! : null;
  const fit = target ? schemaFit(target.schema, p.fields) : null;
  const busy = item.status !== 'ready';
  const formatted = p.fields.filter((f) => f.dateFormats);
  return (
    <div className="import-choices">
      <label>
        Import into{' '}
        <select data-testid="import-target" value={item.target} disabled={busy} onChange={(e) => update(item.id, { target: e.target.value })}>
          <option value="new">a new dataset</option>
          {Object.entries(datasets).map(([id, d]) => (
            <option key={id} value={id} disabled={d.importing || d.origin !== 'file'}>
              {d.name} ({d.origin === 'file' ? `files, ${fmtInt(eventsHeld(d))} rows` : 'a live stream: files go to datasets of their own'})
            </option>
          ))}
        </select>
      </label>
      {item.target === 'new' && (
        <label>
          Dataset name <input data-testid="import-name" value={item.name} disabled={busy} maxLength={200} onChange={(e) => update(item.id, { name: e.target.value })} />
        </label>
      )}
      <label>
        Event time{' '}
        <select data-testid="import-event-time" value={item.eventTime} disabled={busy} onChange={(e) => update(item.id, { eventTime: e.target.value })}>
          <option value="">none: the time of the import</option>
          {times.map((f) => (
            <option key={f.name} value={f.name}>
              {f.name} ({f.type})
            </option>
          ))}
        </select>
      </label>
      {formatted.map((f) => (
        <label key={f.name}>
          Read {f.name} as{' '}
          <select
            data-testid="import-format"
            data-field={f.name}
            value={item.formats[f.name] ?? ''}
            disabled={busy}
            onChange={(e) => {
              update(item.id, { formats: { ...item.formats, [f.name]: e.target.value } });
              void preview(pipeline, item.id);
            }}
          >
            <option value="">text</option>
            {f.dateFormats!.map((fmt) => (
              <option key={fmt} value={fmt}>
                {formatLabel(fmt)}
              </option>
            ))}
          </select>
        </label>
      ))}
      {fit && fit.problems.length > 0 && (
        <ul className="error-text" data-testid="import-fit-problems">
          {fit.problems.map((x) => (
            <li key={x}>{x}</li>
          ))}
        </ul>
      )}
      {fit && fit.notes.length > 0 && (
        <ul className="hint">
          {fit.notes.map((x) => (
            <li key={x}>{x}</li>
          ))}
        </ul>
      )}
      {(item.status === 'failed' || item.status === 'cancelled') && (
        <button type="button" data-testid="import-retry" onClick={() => update(item.id, { status: 'ready', error: null })}>
          Change and try again
        </button>
      )}
      {item.status === 'ready' && (
        <button type="button" className="primary" data-testid="import-start" disabled={(fit?.problems.length ?? 0) > 0} onClick={() => void startImport(pipeline, item.id)}>
          Import {p.rowCount === null ? '' : `${fmtInt(p.rowCount)} rows`}
        </button>
      )}
    </div>
  );
}

export function ImportCard({ item }: { item: ImportItem }) {
  const remove = useImportStore((s) => s.remove);
  const setDatasetId = useUiStore((s) => s.setDatasetId);
  const p = item.preview;
  return (
    <div className="card import-card" data-testid="import-card" data-file-name={item.file.name} data-status={item.status}>
      <div className="card-head">
        <h2>{item.file.name}</h2>
        <span className="muted small">
          {fmtBytes(item.file.size)}
          {p && ` · ${p.format}${p.gzip ? ', gzip' : ''}`}
        </span>
        <span className="muted small" data-testid="import-rowcount" data-value={p?.rowCount ?? ''}>
          {p ? (p.rowCount === null ? 'rows counted as it imports' : `${fmtInt(p.rowCount)} rows`) : ''}
        </span>
        {item.status !== 'importing' && (
          <button type="button" data-testid="import-dismiss" aria-label={`Dismiss ${item.file.name}`} onClick={() => remove(item.id)}>
            Dismiss
          </button>
        )}
      </div>
      {item.status === 'previewing' && <p className="muted">Reading the file…</p>}
      {item.error && (
        <p className={item.status === 'cancelled' ? 'muted' : 'error-text'} role="alert" data-testid="import-error">
          {item.error}
        </p>
      )}
      {item.status === 'done' && item.result && (
        <p className="ok" data-testid="import-result" data-dataset={item.result.datasetId} data-rows={item.result.rows} data-skipped={item.result.skipped} data-ms={Math.round(item.result.ms)}>
          ✓ {fmtInt(item.result.rows)} rows imported into {item.result.name} in {fmtDuration(item.result.ms)}
          {item.result.skipped > 0 && ` (${fmtInt(item.result.skipped)} rows without a usable event time left out)`} · {fmtBytes(item.result.logBytes)} in the log{' '}
          <button type="button" onClick={() => setDatasetId(item.result!.datasetId)}>
            Show on dashboard
          </button>
        </p>
      )}
      {item.status === 'importing' && <Progress item={item} />}
      {p && item.status !== 'done' && (
        <>
          {p.notes.length > 0 && (
            <ul className="hint" data-testid="import-notes">
              {p.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          )}
          <Choices item={item} preview={p} />
          <PreviewTable preview={p} />
        </>
      )}
    </div>
  );
}
