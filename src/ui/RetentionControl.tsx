/**
 * A dataset's retention policy, stated and changed in its row of the Datasets panel, with the log's
 * history of what retention removed. The rule itself lives in src/log/retention.ts.
 */
import { useEffect, useRef, useState } from 'react';
import type { DatasetStatus } from '../ingest/worker/protocol';
import { policyText, retentionProblem, type RetentionPolicy, type RetentionRun } from '../log/retention';
import { ControlError } from './ControlError';
import { fmtInt } from './format';
import { usePipeline } from './PipelineContext';
import { runControl } from './runControl';
import { timestampText } from '../protocol/valueText';

type Kind = RetentionPolicy['kind'];
const KINDS: readonly Kind[] = ['all', 'days', 'events'];

function policyOf(kind: Kind, n: string): RetentionPolicy {
  if (kind === 'days') return { kind, days: Number(n) };
  if (kind === 'events') return { kind, events: Number(n) };
  return { kind: 'all' };
}

function initialN(p: RetentionPolicy | undefined): string {
  if (p?.kind === 'days') return String(p.days);
  if (p?.kind === 'events') return String(p.events);
  return '';
}

const localTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

/** A file's event times are wall-clock readings, shown as stored; a stream's are instants, in UTC here (to the ms: the cut is exact). */
function runText(r: RetentionRun, origin: DatasetStatus['origin']): string {
  const cut = r.beforeTs === null ? '' : origin === 'file' ? timestampText(r.beforeTs) : `${new Date(r.beforeTs).toISOString().replace('T', ' ').replace('Z', '')} UTC`;
  const rule = r.beforeTs === null ? `seq ≤ ${fmtInt(r.upToSeq)}` : `event time before ${cut}, seq ≤ ${fmtInt(r.upToSeq)}`;
  return `${localTime.format(r.at)}: removed ${fmtInt(r.removed)} events (${rule})`;
}

export function RetentionControl({ id, d }: { id: string; d: DatasetStatus }) {
  const pipeline = usePipeline();
  const policy = d.retention?.policy ?? { kind: 'all' as const };
  const [editing, setEditing] = useState(false);
  const [kind, setKind] = useState<Kind>(policy.kind);
  const [n, setN] = useState(initialN(policy));
  const first = useRef<HTMLSelectElement>(null);
  const change = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);
  // Opened, the keyboard lands in the form; closed (Apply, Cancel, Escape), back on Change.
  useEffect(() => {
    if (editing) first.current?.focus();
    else if (wasEditing.current) change.current?.focus();
    wasEditing.current = editing;
  }, [editing]);
  const open = () => {
    // The form starts from the policy in force, not from what was typed and cancelled before.
    setKind(policy.kind);
    setN(initialN(policy));
    setEditing(true);
  };
  const wanted = policyOf(kind, n);
  const problem = kind === 'all' ? null : n.trim() === '' ? 'enter a number' : retentionProblem(wanted);
  const control = `retention-${id}`;
  const runs = d.retention?.runs ?? [];
  return (
    <div className="retention" data-testid="retention" data-policy={policy.kind} data-n={initialN(policy)} data-removed={d.retention?.removed ?? 0} data-runs={d.retention?.lastRun ?? 0}>
      {editing ? (
        <form
          aria-label={`Retention of ${d.name}`}
          onSubmit={(e) => {
            e.preventDefault();
            if (problem) return;
            runControl(control, `Setting the retention of ${d.name}`, async () => {
              await pipeline.files.setRetention(id, wanted);
              setEditing(false);
            });
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setEditing(false);
          }}
        >
          <label>
            Keep{' '}
            <select ref={first} data-testid="retention-kind" value={kind} onChange={(e) => setKind(KINDS.find((k) => k === e.target.value) ?? 'all')}>
              <option value="all">everything</option>
              <option value="days">the last N days of event time</option>
              <option value="events">the last N events</option>
            </select>
          </label>
          {kind !== 'all' && (
            <label>
              N <input data-testid="retention-n" type="number" min={1} step={1} inputMode="numeric" value={n} aria-invalid={problem !== null} onChange={(e) => setN(e.target.value)} />
            </label>
          )}
          <button type="submit" data-testid="retention-save" disabled={problem !== null}>
            Apply
          </button>
          <button type="button" onClick={() => setEditing(false)}>
            Cancel
          </button>
          <p className={problem ? 'error small' : 'muted small'} role="status">
            {problem ??
              (kind === 'all'
                ? 'Nothing leaves the log on its own.'
                : `Older events leave the log for good at each recompute, once batch holds them (${kind === 'days' ? 'counted back from the newest event time, or from now if that is earlier' : 'counted back from the newest event'}). Export first to keep a copy.`)}
          </p>
        </form>
      ) : (
        <>
          <span data-testid="retention-text">Keeps {policyText(policy)}</span>{' '}
          <button type="button" ref={change} data-testid="retention-edit" aria-label={`Change what ${d.name} keeps`} onClick={open}>
            Change
          </button>
        </>
      )}
      <ControlError control={control} />
      {runs.length > 0 && (
        <details className="retention-history" data-testid="retention-history">
          <summary>
            Retention removed {fmtInt(d.retention?.removed ?? 0)} events in {fmtInt(d.retention?.lastRun ?? 0)} run{d.retention?.lastRun === 1 ? '' : 's'}
          </summary>
          <ol reversed start={d.retention?.lastRun}>
            {[...runs].reverse().map((r) => (
              <li key={r.n} data-testid="retention-run" data-removed={r.removed}>
                {runText(r, d.origin)}
              </li>
            ))}
          </ol>
        </details>
      )}
    </div>
  );
}
