/**
 * Following one event through the pipeline: which layers hold it now, from the figures the
 * snapshot already has (the log's high water, W, the speed layer's range). An event is in the log
 * once the log reaches its seq; the speed layer tallies it while W < seq <= its last seq; batch
 * holds it once W >= seq, and from then on the speed layer has handed it over.
 */

export type FollowStage = 'source' | 'log' | 'speed' | 'batch';

export interface FollowFigures {
  /** The log's last seq for the dataset. */
  highWater: number;
  /** The batch watermark. */
  w: number;
  /** The speed layer's last tallied seq, or 0 when it holds nothing. */
  speedLast: number;
}

/** Where event `seq` is now: the furthest stage it has reached. */
export function stageOf(seq: number, f: FollowFigures): FollowStage {
  if (f.w >= seq) return 'batch';
  if (f.speedLast >= seq) return 'speed';
  if (f.highWater >= seq) return 'log';
  return 'source';
}

const ORDER: readonly FollowStage[] = ['source', 'log', 'speed', 'batch'];

/** The first time each stage was seen, given the stage now: stages passed between two looks share the later time. */
export function reached(prev: Readonly<Partial<Record<FollowStage, number>>>, now: FollowStage, at: number): Partial<Record<FollowStage, number>> {
  const out = { ...prev };
  for (const s of ORDER.slice(0, ORDER.indexOf(now) + 1)) out[s] ??= at;
  return out;
}

/** The event to follow: the next one a live stream will bring, or a file dataset's last (already in). */
export function eventToFollow(highWater: number, live: boolean): number {
  return live ? highWater + 1 : Math.max(1, highWater);
}
