/**
 * An axis tick label drawn as plain SVG text. Recharts' own tick (its Text component) measures every
 * label it has not seen in the DOM to wrap it, a forced layout per redraw; live charts show new labels
 * on almost every redraw (the clock moves, totals grow), and under full-rate ingest that measuring was
 * the largest part of the longest main-thread tasks. Tick labels here are short and never wrap.
 */
import type { BaseTickContentProps } from 'recharts';

/** Recharts' Text offsets: one line's cap height below a top anchor, half of it at a middle one. */
const DY = { start: '0.71em', middle: '0.355em', end: undefined } as const satisfies Record<BaseTickContentProps['verticalAnchor'], string | undefined>;

export function PlainTick({ x, y, textAnchor, verticalAnchor, fill, fontSize, className, index, payload, tickFormatter }: BaseTickContentProps & { fontSize?: number | string }) {
  const value = payload?.value;
  return (
    <text x={x} y={y} dy={DY[verticalAnchor]} textAnchor={textAnchor} fill={fill} fontSize={fontSize} className={className}>
      {tickFormatter ? tickFormatter(value, index) : String(value ?? '')}
    </text>
  );
}
