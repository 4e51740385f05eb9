/**
 * The workspace's storage at a glance: what its datasets take, what this site uses of what it may
 * use, whether the browser promised to keep it, a button to ask, and a warning before it runs out.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { askToKeep, storageState, storageWarning } from '../log/storage';
import { ControlError } from './ControlError';
import { fmtBytes } from './format';
import { runControl } from './runControl';

const KEY = ['storage'];

export function StorageSummary({ datasetBytes }: { datasetBytes: number }) {
  const client = useQueryClient();
  const [refused, setRefused] = useState(false);
  // Often enough to see a big import or a growing stream, rarely enough to cost nothing.
  const q = useQuery({ queryKey: KEY, queryFn: () => storageState(), refetchInterval: 10_000 });
  const s = q.data;
  if (!s) return null;
  const warning = storageWarning(s);
  const share = s.usage !== null && s.quota ? (s.usage / s.quota) * 100 : null;
  const ask = () =>
    runControl('storage-keep', 'Asking the browser to keep the data', async () => {
      setRefused(!(await askToKeep()));
      await client.invalidateQueries({ queryKey: KEY });
    });
  return (
    <div className="storage" data-testid="storage-summary" data-usage={s.usage ?? ''} data-quota={s.quota ?? ''} data-persisted={String(s.persisted)}>
      <p>
        Datasets take <strong data-testid="storage-datasets">{fmtBytes(datasetBytes)}</strong> in the log.{' '}
        {s.usage !== null && s.quota !== null ? (
          <>
            The browser counts {fmtBytes(s.usage)} used of the {fmtBytes(s.quota)} it allows this site ({share !== null && share < 0.1 ? 'under 0.1' : share?.toFixed(1)} %; its count, of stored and
            compressed bytes with app files, lags behind).{' '}
          </>
        ) : (
          'The browser does not say how much room is left. '
        )}
        {s.persisted === true ? (
          <span className="ok">The browser keeps this data even when the disk runs short.</span>
        ) : (
          <>
            <span>{s.persisted === false ? 'The browser may clear this data when the disk runs short.' : 'The browser does not say whether it keeps this data.'}</span>{' '}
            <button type="button" data-testid="storage-keep" onClick={ask}>
              Ask to keep it
            </button>
          </>
        )}
      </p>
      {refused && s.persisted !== true && (
        <p className="muted" data-testid="storage-refused">
          The browser did not grant it: browsers grant it to sites people use often or install. Your data stays; export what you cannot lose.
        </p>
      )}
      <ControlError control="storage-keep" />
      {warning && (
        <p className="warn-text" role="alert" data-testid="storage-warning">
          {warning}
        </p>
      )}
    </div>
  );
}
