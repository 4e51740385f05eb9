/**
 * The live charts' stacked bars (batch part + speed part), drawn as plain SVG. Recharts redid all of
 * a chart's work on every redraw (its store, selectors and follow-up renders, all synchronous: a
 * transition cannot slice them), 50-200 ms a redraw under full-rate ingest on 2 cores, the main
 * thread's longest tasks (CDP trace, bench/prof). Here a redraw is one React render of a few dozen
 * elements. Axis ticks are recharts' own choice (getNiceTickValues, 5 ticks), so the axes read as before.
 */
import { memo, type MouseEvent, type ReactNode, type RefObject, useLayoutEffect, useRef, useState } from 'react';
import { getNiceTickValues } from 'recharts';

export interface StackedBar {
  batch: number;
  speed: number;
  merged: number;
}

interface Margin {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export interface LiveBarsProps<T extends StackedBar> {
  data: readonly T[];
  /** What the chart shows, for a screen reader. */
  label: string;
  /** 'columns': categories along x (time buckets); 'rows': categories down y (a breakdown). */
  layout: 'columns' | 'rows';
  height: number;
  margin: Margin;
  fontSize: number;
  /** Room for the category labels (rows) or the value labels (columns). */
  axisWidth: number;
  categoryText: (d: T) => string;
  /** Label every `tickEvery`-th category (columns); rows label each. */
  tickEvery?: number;
  valueTick: (v: number) => string;
  grid?: boolean;
  /** Columns: index of the first bar holding speed-layer events: a dashed line there, and the bars from it on shaded. */
  boundary?: { from: number; label?: string; shade?: boolean } | null;
  /** Columns: the chosen bars, by index (inclusive), shaded in the brush colour. */
  highlight?: { from: number; to: number } | null;
  tooltip: (d: T) => ReactNode;
  onPick?: (d: T) => void;
  /** The pointer first entering the chart (a chart prepares what its interactions need). */
  onEnter?: () => void;
  /** A press, a drag and a release over the bars (a brush), each with the bar under the pointer, if any. */
  press?: { down(d: T | null): void; move(d: T | null): void; up(d: T | null): void };
}

/** The container's width, as recharts' ResponsiveContainer had it: nothing is drawn until it is known. */
function useWidth(): [RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    // Presentation mode zooms the page; a zoom changes the width in CSS pixels without a resize being observed.
    const mo = new MutationObserver(() => setWidth(el.clientWidth));
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ['data-present'] });
    return () => {
      ro.disconnect();
      mo.disconnect();
    };
  }, []);
  return [ref, width];
}

/** Recharts' gaps: 1 px either side of a time bucket's bar, 10 % of the band for a breakdown's. */
const gapOf = (layout: 'columns' | 'rows', band: number) => (layout === 'columns' ? Math.min(1, band / 4) : band * 0.1);
/** Recharts' axis: 6 px tick lines, labels 2 px past them; an x axis 30 px high. */
const TICK = 6;
const X_AXIS = 30;

function LiveBarsImpl<T extends StackedBar>(p: LiveBarsProps<T>) {
  const [ref, width] = useWidth();
  const [hover, setHover] = useState<number | null>(null);
  const { data, layout, height, margin, fontSize, axisWidth } = p;
  const cols = layout === 'columns';
  // The plot area, and the value axis' domain from 0 to the largest stack (below 0 for negative parts).
  const left = margin.left + axisWidth;
  const right = Math.max(left + 1, width - margin.right);
  const top = margin.top;
  const bottom = Math.max(top + 1, height - margin.bottom - X_AXIS);
  let lo = 0;
  let hi = 0;
  for (const d of data) {
    lo = Math.min(lo, d.batch, d.batch + d.speed);
    hi = Math.max(hi, d.batch, d.batch + d.speed);
  }
  const ticks = getNiceTickValues([lo, hi], 5, true);
  const d0 = ticks[0] ?? 0;
  const d1 = ticks[ticks.length - 1] ?? 1;
  const span = d1 - d0 || 1;
  // Value -> pixel along the value axis; category index -> band start along the other.
  const vpx = (v: number) => (cols ? bottom - ((v - d0) / span) * (bottom - top) : left + ((v - d0) / span) * (right - left));
  const band = data.length ? (cols ? right - left : bottom - top) / data.length : 0;
  const gap = gapOf(layout, band);
  const cat0 = cols ? left : top;
  const rect = (i: number, a: number, b: number) => {
    const [p0, p1] = [vpx(a), vpx(b)];
    const c = cat0 + i * band + gap;
    const t = Math.max(0, band - 2 * gap);
    return cols ? { x: c, y: Math.min(p0, p1), width: t, height: Math.abs(p1 - p0) } : { x: Math.min(p0, p1), y: c, width: Math.abs(p1 - p0), height: t };
  };
  const pointAt = (e: MouseEvent<SVGSVGElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    const pos = cols ? e.clientX - box.left - left : e.clientY - box.top - top;
    const i = Math.floor(pos / band);
    return band > 0 && i >= 0 && i < data.length ? i : null;
  };
  const every = Math.max(1, p.tickEvery ?? 1);
  const b = p.boundary ?? null;
  const hl = p.highlight && p.highlight.from <= p.highlight.to ? p.highlight : null;
  const hovered = hover !== null ? data[hover] : undefined;
  const tipAt = hover !== null ? cat0 + (hover + 0.5) * band : 0;
  return (
    <div className="chart live-bars" ref={ref} style={{ position: 'relative', height }}>
      {width > 0 && (
        // biome-ignore lint/a11y/useKeyWithClickEvents: a bar's click is a shortcut; the keyboard's way is the list beside the chart (CrossFilterChoice)
        <svg
          role="img"
          aria-label={p.label}
          width={width}
          height={height}
          fontSize={fontSize}
          onMouseEnter={p.onEnter}
          onMouseMove={(e) => {
            const i = pointAt(e);
            setHover(i);
            p.press?.move(i === null ? null : data[i]!);
          }}
          onMouseLeave={() => {
            setHover(null);
            p.press?.up(null);
          }}
          onMouseDown={(e) => {
            const i = pointAt(e);
            p.press?.down(i === null ? null : data[i]!);
          }}
          onMouseUp={(e) => {
            const i = pointAt(e);
            p.press?.up(i === null ? null : data[i]!);
          }}
          onClick={(e) => {
            const i = pointAt(e);
            if (i !== null && p.onPick) p.onPick(data[i]!);
          }}
          style={p.onPick ? { cursor: 'pointer' } : undefined}
        >
          {hover !== null && (
            <rect
              className="bars-cursor"
              {...(cols ? { x: cat0 + hover * band, y: top, width: band, height: bottom - top } : { x: left, y: cat0 + hover * band, width: right - left, height: band })}
            />
          )}
          {p.grid &&
            ticks.map((t) =>
              cols ? <line key={t} className="bars-grid" x1={left} x2={right} y1={vpx(t)} y2={vpx(t)} /> : <line key={t} className="bars-grid" x1={vpx(t)} x2={vpx(t)} y1={top} y2={bottom} />,
            )}
          {/* Geometry in style: CSS transitions move the shade and the line (below) rather than jump them. */}
          {cols && b?.shade && b.from < data.length && (
            <rect className="bars-shade boundary-move" style={{ x: cat0 + b.from * band, y: top, width: (data.length - b.from) * band, height: bottom - top }} />
          )}
          {cols && hl && <rect className="bars-chosen" data-testid="bars-chosen" x={cat0 + hl.from * band} y={top} width={(hl.to - hl.from + 1) * band} height={bottom - top} />}
          {data.map((d, i) => (
            // Keyed by position: bars keep their elements as the window slides, only attributes change.
            <g key={i}>
              {/* A part of nothing draws nothing, as in recharts (and a test's hover finds a bar with a size). */}
              {d.batch !== 0 && <rect className="bar-rect batch" {...rect(i, 0, d.batch)} />}
              {d.speed !== 0 && <rect className="bar-rect speed" {...rect(i, d.batch, d.batch + d.speed)} />}
            </g>
          ))}
          <g className="bars-axis">
            <line x1={left} x2={cols ? right : left} y1={bottom} y2={cols ? bottom : top} />
            {cols && <line x1={left} x2={left} y1={top} y2={bottom} />}
            {!cols && <line x1={left} x2={right} y1={bottom} y2={bottom} />}
            {ticks.map((t) => {
              const at = vpx(t);
              return cols ? (
                <g key={t}>
                  <line x1={left - TICK} x2={left} y1={at} y2={at} />
                  <text x={left - TICK - 2} y={at} dy="0.355em" textAnchor="end">
                    {p.valueTick(t)}
                  </text>
                </g>
              ) : (
                <g key={t}>
                  <line x1={at} x2={at} y1={bottom} y2={bottom + TICK} />
                  <text x={at} y={bottom + TICK + 2} dy="0.71em" textAnchor="middle">
                    {p.valueTick(t)}
                  </text>
                </g>
              );
            })}
            {data.map((d, i) => {
              if (cols && i % every !== 0) return null;
              const at = cat0 + (i + 0.5) * band;
              return cols ? (
                <g key={i}>
                  <line x1={at} x2={at} y1={bottom} y2={bottom + TICK} />
                  <text x={at} y={bottom + TICK + 2} dy="0.71em" textAnchor="middle">
                    {p.categoryText(d)}
                  </text>
                </g>
              ) : (
                <g key={i}>
                  <line x1={left - TICK} x2={left} y1={at} y2={at} />
                  <text x={left - TICK - 2} y={at} dy="0.355em" textAnchor="end">
                    {p.categoryText(d)}
                  </text>
                </g>
              );
            })}
          </g>
          {b && b.from < data.length && cols && (
            <g className="bars-boundary boundary-move" style={{ transform: `translateX(${cat0 + b.from * band}px)` }} data-testid="boundary-line">
              <line x1={0} x2={0} y1={top} y2={bottom} strokeDasharray="4 2" strokeWidth={2} />
              {b.label && (
                <text x={5} y={top + 5} dy="0.71em" fontSize={11}>
                  {b.label}
                </text>
              )}
            </g>
          )}
        </svg>
      )}
      {hovered && (
        <div className="bars-tooltip" style={cols ? { left: Math.min(tipAt + 10, Math.max(0, width - 200)), top: top } : { left: left + 10, top: tipAt + 10 }}>
          {p.tooltip(hovered)}
        </div>
      )}
    </div>
  );
}

/** Redrawn only when its props change: callers make data, formats and callbacks once per value. */
export const LiveBars = memo(LiveBarsImpl) as typeof LiveBarsImpl;
