/**
 * The timeline's bars, redrawn only when their data, the selection or the formats change. The
 * buckets holding speed-layer events and those in the chosen range are shaded band by band (a bar
 * background: a reference area would stop at the start of its last band). The boundary line glides
 * to a new place rather than jump (a CSS transition on its transform; none under
 * prefers-reduced-motion).
 */
import { memo, useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis, type MouseHandlerDataParam } from 'recharts';
import type { BucketFormat, MeasureFormat } from './format';
import { PartsTooltip } from './PartsTooltip';
import { PlainTick } from './PlainTick';
import type { TimeRange } from './timelineRange';

const MARGIN = { top: 10, right: 16, bottom: 0, left: 8 };
const REF_LABEL = { value: 'batch | speed', position: 'insideTopLeft', fontSize: 11, fill: 'var(--speed-ink)' } as const;

interface LineShape {
  x1?: number;
  y1?: number;
  y2?: number;
}
interface BandShape {
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  payload?: unknown;
}

/** The boundary, drawn at x = 0 and moved by a transform, which CSS can animate (an x1 attribute it cannot). */
function BoundaryLine({ x1 = 0, y1 = 0, y2 = 0 }: LineShape) {
  return (
    <g className="boundary-move" style={{ transform: `translateX(${x1}px)` }} data-testid="boundary-line">
      <line x1={0} x2={0} y1={y1} y2={y2} stroke="var(--speed-ink)" strokeDasharray="4 2" strokeWidth={2} />
    </g>
  );
}

const EMPTY = <g />;

/** The band behind a bucket: the brush colour in the chosen range, the speed colour past the boundary, else nothing. */
function bandShade(selection: TimeRange | null, shadedFrom: number | null) {
  return ({ x = 0, y = 0, width = 0, height = 0, payload }: BandShape) => {
    const t = (payload as { t?: number } | undefined)?.t;
    if (t === undefined) return EMPTY;
    const chosen = selection !== null && t >= selection.from && t < selection.to;
    if (!chosen && (shadedFrom === null || t < shadedFrom)) return EMPTY;
    return <rect x={x} y={y} width={Math.max(0, width)} height={Math.max(0, height)} fill={chosen ? 'var(--brush)' : 'var(--speed)'} fillOpacity={chosen ? 0.25 : 0.14} />;
  };
}

const labelOf = (state: MouseHandlerDataParam): number | null => {
  const l = state.activeLabel;
  const t = typeof l === 'number' ? l : l === undefined ? Number.NaN : Number(l);
  return Number.isFinite(t) ? t : null;
};

export const TimelineBars = memo(function TimelineBars({
  data,
  shadedFrom,
  times,
  values,
  selection,
  onDown,
  onMove,
  onUp,
}: {
  data: { t: number; batch: number; speed: number }[];
  shadedFrom: number | null;
  times: BucketFormat;
  values: MeasureFormat;
  selection: TimeRange | null;
  onDown(t: number | null): void;
  onMove(t: number | null): void;
  onUp(t: number | null): void;
}) {
  const background = useMemo(() => bandShade(selection, shadedFrom), [selection, shadedFrom]);
  return (
    <div className="chart">
      <ResponsiveContainer width="100%" height={280}>
        <BarChart
          data={data}
          margin={MARGIN}
          barCategoryGap={1}
          // The wrapper is the keyboard's way in (a slider over the buckets); a second focus stop inside would confuse.
          accessibilityLayer={false}
          onMouseDown={(s) => onDown(labelOf(s))}
          onMouseMove={(s) => onMove(labelOf(s))}
          onMouseUp={(s) => onUp(labelOf(s))}
          onMouseLeave={() => onUp(null)}
        >
          <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" vertical={false} />
          {/* Fixed tick intervals: recharts' gap-based tick choice measures every label in the DOM on each redraw. */}
          <XAxis tick={PlainTick} dataKey="t" tickFormatter={times.tick} interval={Math.max(0, Math.ceil(data.length / 7) - 1)} fontSize={11} />
          <YAxis tick={PlainTick} tickFormatter={values.tick} fontSize={11} width={48} interval={0} />
          <Tooltip content={<PartsTooltip values={values} labelText={times.label} />} isAnimationActive={false} />
          {shadedFrom !== null && <ReferenceLine x={shadedFrom} position="start" shape={BoundaryLine} label={REF_LABEL} />}
          <Bar dataKey="batch" name="batch (exact)" stackId="a" fill="var(--batch)" isAnimationActive={false} background={background} />
          <Bar dataKey="speed" name="speed (live tally)" stackId="a" fill="var(--speed)" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
});
