/**
 * A query result as an ARIA grid that scrolls millions of rows: only the rows in view are rendered
 * (scaledScroll.ts keeps the scroll area within what a browser lays out exactly), and only their
 * cells are turned into text, straight from the Arrow columns. Values are React text, never HTML. Arrow keys, Page Up/Down, Home/End and Ctrl+Home/End
 * move the active cell; Ctrl+C copies it. The grid is divs with ARIA grid roles (a table element cannot
 * hold absolutely placed rows); focus stays on the grid, which points at the active cell with
 * aria-activedescendant, so the cells need no tabindex (biome.json turns those two checks off here).
 */
import type { RecordBatch } from 'apache-arrow';
import { type KeyboardEvent, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { ConsoleColumn } from '../../batch/console/consoleTypes';
import { columnText } from '../../batch/export/arrowText';
import { isNumericType, isTimeType, withSeparators } from './cellFormat';
import { firstRowAt, firstToShow, isScaled, rowTop, rowsPerPx, type ScrollGeometry, scrollTopFor, spacerHeight, visibleRows } from './scaledScroll';

const ROW_HEIGHT = 26;
const HEADER_HEIGHT = 44;
/** Rows drawn beyond those in view, so a quick scroll does not show blank rows. */
const OVERSCAN = 6;
/** Rows whose text decides a column's width. */
const SAMPLE_ROWS = 40;

/** Per result slice, one formatter per column, made on first sight. */
const formatters = new WeakMap<RecordBatch, ((i: number) => string | null)[]>();

/** A cell's exact text (null for NULL). */
export function cellText(batch: RecordBatch, col: number, index: number): string | null {
  let f = formatters.get(batch);
  if (!f) {
    f = batch.schema.fields.map((_, c) => columnText(batch.getChildAt(c)!));
    formatters.set(batch, f);
  }
  return f[col]!(index);
}

/** A column wide enough for its name, its type and (as displayed) the first rows' values, within limits. */
function columnWidth(c: ConsoleColumn, col: number, sample: (col: number) => string[]): number {
  const numeric = isNumericType(c.type);
  const longest = sample(col).reduce((m, t) => Math.max(m, (numeric ? withSeparators(t) : t).length), 4);
  const base = isTimeType(c.type) ? 190 : c.type === 'BOOLEAN' ? 80 : numeric ? 90 : 140;
  return Math.min(420, Math.max(base, c.name.length * 8 + 24, c.type.length * 7 + 24, longest * 8 + 24));
}

export interface GridCell {
  row: number;
  col: number;
}

export function ResultGrid({
  columns,
  rows,
  locate,
  active,
  onActive,
  onCopyCell,
}: {
  columns: ConsoleColumn[];
  rows: number;
  locate: (row: number) => { batch: RecordBatch; index: number } | null;
  active: GridCell | null;
  onActive: (cell: GridCell) => void;
  onCopyCell: (cell: GridCell) => void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const sampled = rows > 0 && columns.length > 0 ? Math.min(rows, SAMPLE_ROWS) : 0;
  // Widths from the first rows once they are there, then kept: columns must not jump while rows stream in.
  // biome-ignore lint/correctness/useExhaustiveDependencies: widths follow the columns and the first rows only
  const widths = useMemo(() => {
    const sample = (col: number) => {
      const out: string[] = [];
      for (let r = 0; r < sampled; r++) {
        const at = locate(r);
        if (at) out.push(cellText(at.batch, col, at.index) ?? 'NULL');
      }
      return out;
    };
    return columns.map((c, i) => columnWidth(c, i, sample));
  }, [columns, sampled]);
  const numberCol = Math.max(48, rows.toLocaleString('en-US').length * 8 + 22);
  const total = numberCol + widths.reduce((a, b) => a + b, 0);
  const template = `${numberCol}px ${widths.map((w) => `${w}px`).join(' ')}`;
  const [viewHeight, setViewHeight] = useState(440);
  const [scroll, setScroll] = useState({ top: 0, first: 0 });
  const geometry: ScrollGeometry = { rows, rowHeight: ROW_HEIGHT, viewHeight, headerHeight: HEADER_HEIGHT };

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    setViewHeight(el.clientHeight);
    const observer = new ResizeObserver(() => setViewHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    const top = el.scrollTop;
    const first = firstRowAt(geometry, top);
    // A scroll the keyboard made lands within a px of its row: keep the row it chose.
    setScroll((s) => ({ top, first: isScaled(geometry) && Math.abs(first - s.first) <= rowsPerPx(geometry) + 1 ? s.first : first }));
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: moves only when the active cell does
  useEffect(() => {
    const el = scroller.current;
    if (!active || !el) return;
    const first = firstToShow(geometry, scroll.first, active.row);
    if (first === scroll.first) return;
    const top = scrollTopFor(geometry, first);
    setScroll({ top, first });
    el.scrollTop = top;
  }, [active]);

  const pageRows = Math.max(1, visibleRows(geometry) - 1);
  const move = (e: KeyboardEvent) => {
    if (rows === 0 || columns.length === 0) return;
    const at = active ?? { row: 0, col: 0 };
    const clampRow = (r: number) => Math.max(0, Math.min(rows - 1, r));
    const clampCol = (c: number) => Math.max(0, Math.min(columns.length - 1, c));
    const ctrl = e.ctrlKey || e.metaKey;
    let next: GridCell | null = null;
    switch (e.key) {
      case 'ArrowDown':
        next = { row: clampRow(at.row + 1), col: at.col };
        break;
      case 'ArrowUp':
        next = { row: clampRow(at.row - 1), col: at.col };
        break;
      case 'ArrowRight':
        next = { row: at.row, col: clampCol(at.col + 1) };
        break;
      case 'ArrowLeft':
        next = { row: at.row, col: clampCol(at.col - 1) };
        break;
      case 'PageDown':
        next = { row: clampRow(at.row + pageRows), col: at.col };
        break;
      case 'PageUp':
        next = { row: clampRow(at.row - pageRows), col: at.col };
        break;
      case 'Home':
        next = ctrl ? { row: 0, col: 0 } : { row: at.row, col: 0 };
        break;
      case 'End':
        next = ctrl ? { row: rows - 1, col: columns.length - 1 } : { row: at.row, col: columns.length - 1 };
        break;
      case 'c':
      case 'C':
        if (ctrl && active && !e.shiftKey) {
          e.preventDefault();
          onCopyCell(active);
        }
        return;
      default:
        return;
    }
    e.preventDefault();
    onActive(next);
  };

  const from = Math.max(0, scroll.first - OVERSCAN);
  const to = Math.min(rows, scroll.first + visibleRows(geometry) + OVERSCAN + 1);
  const items: number[] = [];
  for (let r = from; r < to; r++) items.push(r);
  return (
    <div
      className="result-grid"
      ref={scroller}
      role="grid"
      aria-label="Query result"
      aria-rowcount={rows + 1}
      aria-colcount={columns.length + 1}
      aria-activedescendant={active ? `cell-${active.row}-${active.col}` : undefined}
      tabIndex={0}
      onKeyDown={move}
      onScroll={onScroll}
      data-testid="result-grid"
      data-rows={rows}
    >
      <div className="grid-head" role="rowgroup" style={{ width: total }}>
        <div className="grid-row" role="row" aria-rowindex={1} style={{ gridTemplateColumns: template }}>
          <div className="grid-cell rownum" role="columnheader">
            #
          </div>
          {columns.map((c, i) => (
            <div key={`${i}:${c.name}`} className={`grid-cell${isNumericType(c.type) ? ' num' : ''}`} role="columnheader" title={`${c.name} ${c.type}`} data-testid="result-column">
              <span className="col-name">{c.name}</span>
              <span className="col-type">{c.type}</span>
            </div>
          ))}
        </div>
      </div>
      <div role="rowgroup" style={{ height: spacerHeight(geometry), width: total, position: 'relative' }}>
        {items.map((index) => {
          const at = locate(index);
          return (
            <div
              key={index}
              className="grid-row"
              role="row"
              aria-rowindex={index + 2}
              data-testid="result-row"
              data-row={index}
              style={{ gridTemplateColumns: template, transform: `translateY(${rowTop(geometry, index, scroll.first, scroll.top)}px)`, height: ROW_HEIGHT }}
            >
              <div className="grid-cell rownum" role="rowheader">
                {(index + 1).toLocaleString('en-US')}
              </div>
              {columns.map((c, col) => {
                const text = at ? cellText(at.batch, col, at.index) : null;
                const numeric = isNumericType(c.type);
                const isActive = active?.row === index && active.col === col;
                return (
                  <div
                    key={`${col}:${c.name}`}
                    id={`cell-${index}-${col}`}
                    role="gridcell"
                    aria-selected={isActive}
                    className={`grid-cell${numeric ? ' num' : ''}${isActive ? ' active' : ''}`}
                    data-value={text ?? undefined}
                    data-null={text === null ? '' : undefined}
                    onClick={() => onActive({ row: index, col })}
                  >
                    {text === null ? <span className="null-value">NULL</span> : numeric ? withSeparators(text) : text}
                  </div>
                );
              })}
            </div>
          );
        })}
      </div>
    </div>
  );
}
