/**
 * Retention: the only automatic way events leave the log. A dataset keeps everything, the last N
 * days of event time, or the last N events. A run removes what the policy no longer keeps, in one
 * transaction, and only at or below a seq the speed layer is already past (the batch watermark the
 * page last handed over): the events it removes were batch's, so the next recompute simply no longer
 * sees them, and no event is ever counted by speed after batch lost it.
 *
 * A run is recorded as a rule over (seq, ts): `seq <= upToSeq` and, by event time, `ts < beforeTs`.
 * The log applies it here; the batch engine's cache of the log applies the same rule as SQL
 * (`retentionSql`), so both hold the same events.
 */
import type { DatasetRecord, LogDb, SegmentRecord } from './LogDb';
import { decodeSegment, encodeSegment, isDense } from './segmentCodec';
import { filterBatch } from '../protocol/schema';

export type RetentionPolicy = { kind: 'all' } | { kind: 'days'; days: number } | { kind: 'events'; events: number };

export interface RetentionRun {
  /** Numbered from 1 per dataset: the engine cache applies each run once, in order. */
  n: number;
  at: number;
  policy: RetentionPolicy;
  /** The rule: events with `seq <= upToSeq` (and `ts < beforeTs` when set) left the log. */
  upToSeq: number;
  beforeTs: number | null;
  removed: number;
  bytesFreed: number;
}

export interface RetentionState {
  policy: RetentionPolicy;
  setAt: number;
  /** The newest runs (at most MAX_RUNS_KEPT), oldest first. */
  runs: RetentionRun[];
  /** The number of the last run (0: none yet). */
  lastRun: number;
  /** Events removed by every run so far. */
  removed: number;
  /** The highest `upToSeq` of any run: the log has holes in its seqs only at or below it. */
  cutUpTo: number;
}

export const MAX_RUNS_KEPT = 20;
export const DAY_MS = 86_400_000;
/** Beyond this an event-time window means "everything" anyway (and stays an exact double). */
const MAX_DAYS = 100_000;
const MAX_EVENTS = 1e12;

/** Why a policy cannot be used, in plain words; null when it can. */
export function retentionProblem(p: RetentionPolicy): string | null {
  if (p.kind === 'days' && !(Number.isInteger(p.days) && p.days >= 1 && p.days <= MAX_DAYS)) return `keep the last N days: N is a whole number of days from 1 to ${MAX_DAYS.toLocaleString('en')}`;
  if (p.kind === 'events' && !(Number.isInteger(p.events) && p.events >= 1 && p.events <= MAX_EVENTS)) return 'keep the last N events: N is a whole number from 1 to 1,000,000,000,000';
  return null;
}

export function policyText(p: RetentionPolicy): string {
  if (p.kind === 'days') return `the last ${p.days.toLocaleString('en')} day${p.days === 1 ? '' : 's'} of event time`;
  if (p.kind === 'events') return `the last ${p.events.toLocaleString('en')} event${p.events === 1 ? '' : 's'}`;
  return 'everything';
}

/** A run's rule as SQL over a table with `seq` and `ts` (ms) columns: the rows it removed. */
export function retentionSql(run: Pick<RetentionRun, 'upToSeq' | 'beforeTs'>): string {
  const bySeq = `seq <= ${Math.trunc(run.upToSeq)}`;
  return run.beforeTs === null ? bySeq : `${bySeq} AND ts < ${run.beforeTs}`;
}

/**
 * Events the log holds. Seqs are never reused, so after retention `highWater` is the last seq
 * given, not the count.
 */
export function eventsHeld(ds: { highWater: number; retention?: { removed: number } | null }): number {
  return ds.highWater - (ds.retention?.removed ?? 0);
}

/**
 * A retention state read back from a backup, as a fresh one: the policy and when it was set. Its
 * runs are not carried over, because a restore renumbers the events 1..N and the runs' seqs would no
 * longer mean the same events. Undefined when there is none; null when it is not a policy.
 */
export function restoredRetention(value: unknown): RetentionState | undefined | null {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || !('policy' in value) || !('setAt' in value)) return null;
  const { policy, setAt } = value;
  if (typeof setAt !== 'number' || !Number.isFinite(setAt) || typeof policy !== 'object' || policy === null || !('kind' in policy)) return null;
  let p: RetentionPolicy;
  if (policy.kind === 'all') p = { kind: 'all' };
  else if (policy.kind === 'days' && 'days' in policy && typeof policy.days === 'number') p = { kind: 'days', days: policy.days };
  else if (policy.kind === 'events' && 'events' in policy && typeof policy.events === 'number') p = { kind: 'events', events: policy.events };
  else return null;
  if (retentionProblem(p)) return null;
  return { policy: p, setAt, runs: [], lastRun: 0, removed: 0, cutUpTo: 0 };
}

export async function setRetentionPolicy(db: LogDb, datasetId: string, policy: RetentionPolicy, now = Date.now()): Promise<void> {
  const problem = retentionProblem(policy);
  if (problem) throw new Error(problem);
  await db.transaction('rw', db.datasets, async () => {
    const ds = await db.datasets.get(datasetId);
    if (!ds) throw new Error(`unknown dataset ${datasetId}`);
    const r = ds.retention;
    ds.retention = r ? { ...r, policy, setAt: now } : { policy, setAt: now, runs: [], lastRun: 0, removed: 0, cutUpTo: 0 };
    await db.datasets.put(ds);
  });
}

/**
 * Applies the dataset's policy to its events at or below `upToSeq`, in one transaction. Returns the
 * run, or null when the policy keeps everything there. An event-time policy keeps the events within
 * N days of the newest event time, or of now when that is earlier (one event dated in the far
 * future must not empty the log).
 */
export function applyRetention(db: LogDb, datasetId: string, upToSeq: number, now = Date.now()): Promise<RetentionRun | null> {
  return db.transaction('rw', db.datasets, db.segments, async () => {
    const ds = await db.datasets.get(datasetId);
    const state = ds?.retention;
    if (!ds || !state || state.policy.kind === 'all' || ds.pendingImport || ds.maxTs === null) return null;
    const upTo = Math.min(upToSeq, ds.highWater);
    const policy = state.policy;
    const rule = policy.kind === 'events' ? await lastEventsRule(db, ds, policy.events, upTo) : await daysRule(db, ds, Math.min(ds.maxTs, now) - policy.days * DAY_MS, upTo);
    if (!rule) return null;
    const { removed, bytesFreed, segmentsGone } = await removeEvents(db, ds, rule);
    if (removed === 0) return null;
    const run: RetentionRun = { n: state.lastRun + 1, at: now, policy, ...rule, removed, bytesFreed };
    ds.retention = { ...state, runs: [...state.runs, run].slice(-MAX_RUNS_KEPT), lastRun: run.n, removed: state.removed + removed, cutUpTo: Math.max(state.cutUpTo, rule.upToSeq) };
    ds.segmentCount -= segmentsGone;
    if (ds.bytes !== undefined) ds.bytes -= bytesFreed;
    const oldest = await db.segments.where('[datasetId+minTs]').between([datasetId, -Infinity], [datasetId, Infinity]).first();
    const newest = await db.segments.where('[datasetId+maxTs]').between([datasetId, -Infinity], [datasetId, Infinity]).last();
    ds.minTs = oldest?.minTs ?? null;
    ds.maxTs = newest?.maxTs ?? null;
    await db.datasets.put(ds);
    return run;
  });
}

type Rule = Pick<RetentionRun, 'upToSeq' | 'beforeTs'>;

/**
 * A dataset whose batch layer is the server's ClickHouse cluster keeps in this tab only what is past
 * the W batch last published: the cluster holds the rest whole. Removes the events at or below
 * `upToSeq` in one transaction (not a retention run: the dataset still has them, on the cluster).
 * Returns how many left this tab.
 */
export function trimClusterLog(db: LogDb, datasetId: string, upToSeq: number): Promise<number> {
  return db.transaction('rw', db.datasets, db.segments, async () => {
    const ds = await db.datasets.get(datasetId);
    if (!ds?.cluster || ds.pendingImport || upToSeq <= (ds.cluster.trimmedTo ?? ds.cluster.from)) return 0;
    const upTo = Math.min(upToSeq, ds.highWater);
    const { removed, bytesFreed, segmentsGone } = await removeEvents(db, ds, { upToSeq: upTo, beforeTs: null });
    ds.cluster = { ...ds.cluster, trimmedTo: upTo };
    ds.segmentCount -= segmentsGone;
    if (ds.bytes !== undefined) ds.bytes -= bytesFreed;
    await db.datasets.put(ds);
    return removed;
  });
}

/** The seq at or below which events go, so that `keep` events remain (never above `upTo`). */
async function lastEventsRule(db: LogDb, ds: DatasetRecord, keep: number, upTo: number): Promise<Rule | null> {
  if (eventsHeld(ds) <= keep) return null;
  const first = await db.segments.where('[datasetId+firstSeq]').between([ds.id, -Infinity], [ds.id, Infinity]).first();
  if (!first) return null;
  let cut: number;
  if (eventsHeld(ds) === ds.highWater - first.firstSeq + 1) cut = ds.highWater - keep;
  else {
    // Holes from an event-time run: count back from the end.
    let counted = 0;
    cut = 0;
    await db.segments
      .where('[datasetId+lastSeq]')
      .between([ds.id, -Infinity], [ds.id, ds.highWater], true, true)
      .reverse()
      .until(() => counted >= keep)
      .each((s) => {
        counted += s.count;
        if (counted < keep) return;
        const skip = counted - keep; // the oldest rows of this segment that go
        cut = skip === 0 ? s.firstSeq - 1 : isDense(s) ? s.firstSeq + skip - 1 : decodeSegment({ fields: [] }, s.bytes, new Set()).seq[skip - 1]!;
      });
  }
  cut = Math.min(cut, upTo);
  return cut >= first.firstSeq ? { upToSeq: cut, beforeTs: null } : null;
}

/**
 * Events older than `beforeTs` among whole segments at or below `upTo`: a segment holding seqs on
 * both sides of `upTo` waits for a later run, so the rule stays `seq <= upToSeq` exactly.
 */
async function daysRule(db: LogDb, ds: DatasetRecord, beforeTs: number, upTo: number): Promise<Rule | null> {
  const straddling = await db.segments
    .where('[datasetId+lastSeq]')
    .between([ds.id, upTo + 1], [ds.id, Infinity], true, true)
    .first();
  const upToSeq = straddling && straddling.firstSeq <= upTo ? straddling.firstSeq - 1 : upTo;
  return upToSeq > 0 ? { upToSeq, beforeTs } : null;
}

/**
 * Rewrites the segments the rule touches, one at a time (a first run over 10M events must not hold
 * them all); the caller's transaction makes it all or nothing.
 */
async function removeEvents(db: LogDb, ds: DatasetRecord, rule: Rule): Promise<{ removed: number; bytesFreed: number; segmentsGone: number }> {
  const candidates =
    rule.beforeTs === null
      ? db.segments.where('[datasetId+firstSeq]').between([ds.id, -Infinity], [ds.id, rule.upToSeq], true, true)
      : db.segments.where('[datasetId+minTs]').between([ds.id, -Infinity], [ds.id, rule.beforeTs], true, false);
  let removed = 0;
  let bytesFreed = 0;
  let segmentsGone = 0;
  for (const key of await candidates.primaryKeys()) {
    const seg = await db.segments.get(key);
    if (!seg || (seg.lastSeq > rule.upToSeq && rule.beforeTs !== null)) continue;
    const whole = rule.beforeTs === null ? seg.lastSeq <= rule.upToSeq : seg.maxTs < rule.beforeTs;
    await db.segments.delete(key);
    bytesFreed += seg.bytes.byteLength;
    if (whole) {
      removed += seg.count;
      segmentsGone++;
      continue;
    }
    const kept = keptPart(ds, seg, rule);
    removed += seg.count - kept.count;
    bytesFreed -= kept.bytes.byteLength;
    await db.segments.add(kept);
  }
  return { removed, bytesFreed, segmentsGone };
}

/** The events of `seg` the rule keeps, as a segment of their own (same seqs, same append time). */
function keptPart(ds: DatasetRecord, seg: SegmentRecord, rule: Rule): SegmentRecord {
  const { batch, seq } = decodeSegment(ds.schema, seg.bytes);
  let keep: Uint8Array;
  if (rule.beforeTs === null) {
    keep = new Uint8Array(batch.count);
    for (let i = 0; i < batch.count; i++) keep[i] = seq[i]! > rule.upToSeq ? 1 : 0;
  } else {
    const before = rule.beforeTs;
    keep = Uint8Array.from(batch.ts, (t) => (t < before ? 0 : 1));
  }
  const rows = filterBatch(batch, keep);
  const seqs = seq.filter((_, i) => keep[i] === 1);
  let minTs = Infinity;
  let maxTs = -Infinity;
  for (const t of rows.ts) {
    if (t < minTs) minTs = t;
    if (t > maxTs) maxTs = t;
  }
  const dense = seqs.length === seqs[seqs.length - 1]! - seqs[0]! + 1;
  const bytes = encodeSegment(ds.schema, rows, dense ? seqs[0]! : seqs);
  return { datasetId: ds.id, firstSeq: seqs[0]!, lastSeq: seqs[seqs.length - 1]!, count: rows.count, minTs, maxTs, appendedAt: seg.appendedAt, bytes };
}
