/**
 * Follow one event through the diagram: the boxes that hold it light up, and a line says where it
 * is and when it got there (the log, the speed layer's tally past W, batch after a recompute).
 */
import { useEffect, useState } from 'react';
import { fmtInt } from './format';
import { eventToFollow, type FollowFigures, type FollowStage, reached, stageOf } from './followEvent';

export interface Followed {
  dataset: string;
  seq: number;
  reached: Partial<Record<FollowStage, number>>;
}

/** The event followed on `dataset` (null: none) and its stage now; starts and stops it. */
export function useFollow(dataset: string, figures: FollowFigures, live: boolean) {
  const [followed, setFollowed] = useState<Followed | null>(null);
  const mine = followed?.dataset === dataset ? followed : null;
  const stage = mine ? stageOf(mine.seq, figures) : null;
  useEffect(() => {
    if (stage === null) return;
    setFollowed((f) => {
      if (!f) return f;
      const r = reached(f.reached, stage, Date.now());
      return Object.keys(r).length === Object.keys(f.reached).length ? f : { ...f, reached: r };
    });
  }, [stage]);
  return {
    followed: mine,
    stage,
    start: () => setFollowed({ dataset, seq: eventToFollow(figures.highWater, live), reached: {} }),
    stop: () => setFollowed(null),
  };
}

const CLOCK = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 1, hour12: false });
const clock = (ms: number | undefined) => (ms === undefined ? '' : CLOCK.format(ms));

/** Where the followed event is, each step with the time it was first seen there. */
export function FollowCaption({ followed, stage, w, onStop }: { followed: Followed; stage: FollowStage; w: number; onStop(): void }) {
  const r = followed.reached;
  const seq = fmtInt(followed.seq);
  const step = (done: boolean, text: string, at?: number) => (
    <span className={done ? 'follow-step done' : 'follow-step'}>
      {done ? '✓ ' : '… '}
      {text}
      {done && at !== undefined ? ` at ${clock(at)}` : ''}
    </span>
  );
  return (
    <p className="follow-caption" role="status" data-testid="follow-caption" data-stage={stage} data-seq={followed.seq}>
      <strong>Following event seq {seq}:</strong> {step(stage !== 'source', stage === 'source' ? 'waiting for it at the source' : `appended to the log as seq ${seq}`, r.log)} →{' '}
      {step(stage === 'speed' || (stage === 'batch' && r.speed !== undefined), `tallied by the speed layer, since seq ${seq} > W`, r.speed)} →{' '}
      {step(
        stage === 'batch',
        stage === 'batch' ? `in batch: a recompute moved W to ${fmtInt(w)} ≥ ${seq}, and the speed layer handed it over` : `batch takes it at the next recompute (W is ${fmtInt(w)})`,
        r.batch,
      )}
      . Either way the views count it once.{' '}
      <button type="button" onClick={onStop}>
        Stop following
      </button>
    </p>
  );
}
