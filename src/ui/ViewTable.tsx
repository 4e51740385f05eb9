/**
 * A view card's table: its merged rows with the speed part of each, redrawn on the card's own
 * schedule (useStaggered). A row renders again only when its figures change; a long table renders
 * only the rows in its scroll window (a few dozen) plus spacers, so a redraw costs the same for 60
 * rows as for 200 (at full-rate ingest every row of a 200-row table changes each redraw, which was
 * the main thread's longest task left).
 */
import { memo, useLayoutEffect, useRef, useState } from 'react';
import type { MergedRow, MergedView } from '../serving/mergeView';
import type { ViewDef } from '../views/ViewDef';
import { fmtInt, keyText, measureFormat } from './format';
import { usePipelineSnapshot } from './PipelineContext';
import { useStaggered } from './useStaggered';
import type { ViewFormats } from './ViewCard';

/** Rows drawn per table; a view can have tens of thousands of groups, a page cannot draw them all live. */
const MAX_ROWS = 200;
/** Tables up to this many rows render every row; longer ones only their scroll window. */
const WINDOW_FROM = 60;
/** Rows rendered beyond the visible ones, above and below. */
const OVERSCAN = 8;
/** A row's height until one is measured (13 px text, 1.5 line height, padding). */
const ROW_PX = 26;
/** The scroll box's height (styles.css .table-wrap). */
const VIEW_PX = 320;

export function Table({ view, merged: live, offsetMs, formats }: { view: ViewDef; merged: MergedView; offsetMs: number; formats: ViewFormats }) {
  return <TableRows view={view} merged={useStaggered(live, offsetMs, usePipelineSnapshot().batch.running, undefined, live.id)} formats={formats} />;
}

const sameValues = (a: readonly (number | null)[] | null, b: readonly (number | null)[] | null) => a === b || (a !== null && b !== null && a.length === b.length && a.every((v, i) => v === b[i]));

/** One row, rendered again only when its figures change: every merge makes new row objects, most with the same values. */
const Row = memo(
  function Row({ rowKey, row, formats }: { rowKey: string; row: MergedRow; formats: ViewFormats }) {
    const text = (i: number, v: number | null | undefined) => (formats.measures[i] ?? measureFormat('avg', undefined)).text(v);
    return (
      <tr data-testid="view-row" data-key={rowKey} className={row.speed ? 'has-speed' : ''}>
        {row.key.map((k, i) => (
          <td key={i}>{formats.keys[i]?.(k) ?? keyText(undefined, k)}</td>
        ))}
        {row.merged.map((v, i) => (
          <td key={i} className="num" data-value={v ?? ''} title={`batch ${text(i, row.batch?.[i])} + speed ${text(i, row.speed?.[i])}`}>
            {text(i, v)}
            {row.speed && <span className="part speed small"> ({text(i, row.speed[i])} live)</span>}
          </td>
        ))}
      </tr>
    );
  },
  (a, b) => a.rowKey === b.rowKey && a.formats === b.formats && sameValues(a.row.merged, b.row.merged) && sameValues(a.row.speed, b.row.speed) && sameValues(a.row.batch, b.row.batch),
);

/** The rows in the scroll window of a long table: [first, end). */
export function windowOf(count: number, scrollTop: number, rowPx: number): [number, number] {
  if (count <= WINDOW_FROM) return [0, count];
  const first = Math.max(0, Math.floor(scrollTop / rowPx) - OVERSCAN);
  return [first, Math.min(count, first + Math.ceil(VIEW_PX / rowPx) + 2 * OVERSCAN)];
}

/** The rows themselves, redrawn only when the (staggered) view changes. data-value holds the raw value. */
const TableRows = memo(function TableRows({ view, merged, formats }: { view: ViewDef; merged: MergedView; formats: ViewFormats }) {
  const bucketed = view.bucketMs !== null;
  // Time-bucketed tables show the newest buckets, others the first keys.
  const rows = merged.rows.length <= MAX_ROWS ? merged.rows : bucketed ? merged.rows.slice(-MAX_ROWS) : merged.rows.slice(0, MAX_ROWS);
  const wrap = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [rowPx, setRowPx] = useState(ROW_PX);
  const [first, end] = windowOf(rows.length, scrollTop, rowPx);
  const windowed = end - first < rows.length;
  useLayoutEffect(() => {
    const tr = wrap.current?.querySelector<HTMLElement>('tbody tr[data-testid="view-row"]');
    const h = tr?.getBoundingClientRect().height ?? 0;
    if (windowed && h > 0 && Math.abs(h - rowPx) > 0.5) setRowPx(h);
  });
  const cols = merged.keyNames.length + merged.measureLabels.length;
  return (
    <div className="table-wrap" ref={wrap} onScroll={rows.length > WINDOW_FROM ? (e) => setScrollTop(e.currentTarget.scrollTop) : undefined}>
      <table>
        <thead>
          <tr>
            {merged.keyNames.map((k, i) => (
              <th key={i}>{k}</th>
            ))}
            {merged.measureLabels.map((m, i) => (
              <th key={i} className="num">
                {m}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {first > 0 && (
            <tr className="spacer" style={{ height: first * rowPx }}>
              <td colSpan={cols} />
            </tr>
          )}
          {rows.slice(first, end).map((r) => {
            const key = JSON.stringify(r.key);
            return <Row key={key} rowKey={key} row={r} formats={formats} />;
          })}
          {end < rows.length && (
            <tr className="spacer" style={{ height: (rows.length - end) * rowPx }}>
              <td colSpan={cols} />
            </tr>
          )}
        </tbody>
      </table>
      {merged.rows.length === 0 && <p className="muted">No events match yet.</p>}
      {merged.rows.length > rows.length && (
        <p className="muted small">
          showing {rows.length} of {fmtInt(merged.rows.length)} rows ({bucketed ? 'the newest buckets' : 'the first keys'})
        </p>
      )}
    </div>
  );
});
