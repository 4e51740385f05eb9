/**
 * The timeline's bars (LiveBars: plain SVG, cheap to redraw while streaming), redrawn only when
 * their data, the chosen range or the formats change. The buckets past the boundary are shaded, the
 * chosen ones in the brush colour; the boundary line and its shade glide to a new place (CSS
 * transitions; none under prefers-reduced-motion).
 */
import { memo, useMemo } from 'react';
import { type BucketFormat, fmtInt, type MeasureFormat } from './format';
import { LiveBars } from './LiveBars';
import { PartsTooltip } from './PartsTooltip';
import type { TimeRange } from './timelineRange';

const MARGIN = { top: 10, right: 16, bottom: 0, left: 8 };

export type Bucket = { t: number; batch: number; speed: number; merged: number };

export const TimelineBars = memo(function TimelineBars({
  data,
  shadedFrom,
  w,
  times,
  values,
  selection,
  onDown,
  onMove,
  onUp,
}: {
  data: Bucket[];
  shadedFrom: number | null;
  /** The batch watermark, named on the boundary line. */
  w: number;
  times: BucketFormat;
  values: MeasureFormat;
  selection: TimeRange | null;
  onDown(t: number | null): void;
  onMove(t: number | null): void;
  onUp(t: number | null): void;
}) {
  const from = shadedFrom === null ? -1 : data.findIndex((d) => d.t === shadedFrom);
  // The chosen range's buckets on screen, by index: a range reaching past the window is drawn to its edge.
  const highlight = useMemo(() => {
    if (!selection) return null;
    const first = data.findIndex((d) => d.t >= selection.from);
    let last = -1;
    for (let i = data.length - 1; i >= 0; i--) {
      if (data[i]!.t < selection.to) {
        last = i;
        break;
      }
    }
    return first < 0 || last < first ? null : { from: first, to: last };
  }, [data, selection]);
  const press = useMemo(
    () => ({ down: (d: Bucket | null) => onDown(d?.t ?? null), move: (d: Bucket | null) => onMove(d?.t ?? null), up: (d: Bucket | null) => onUp(d?.t ?? null) }),
    [onDown, onMove, onUp],
  );
  return (
    <LiveBars
      data={data}
      label="Merged time series: batch part and speed part per bucket"
      layout="columns"
      height={280}
      margin={MARGIN}
      fontSize={11}
      axisWidth={48}
      grid
      categoryText={(d) => times.tick(d.t)}
      tickEvery={Math.ceil(data.length / 7)}
      valueTick={values.tick}
      boundary={from < 0 || shadedFrom === null ? null : { from, label: `batch ≤ W ${fmtInt(w)} | speed from ${times.tick(shadedFrom)}`, shade: true }}
      highlight={highlight}
      press={press}
      tooltip={(d) => <PartsTooltip active label={d.t} payload={[{ payload: d }]} values={values} labelText={times.label} />}
    />
  );
});
