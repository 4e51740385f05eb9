/**
 * Row windowing for a result of up to millions of rows. A browser will not lay out an element
 * taller than ~33M px (Chromium; ~17M in Firefox), and well before that, positions in the tens of
 * millions of px lose precision (rows drew over each other at 1M rows x 26 px). So the scroll area
 * is at most MAX_SPACER px: below that one px is one px of rows; above it the scroll position is a
 * fraction of the result, and the rows in view are drawn at the scroll position.
 */

export const MAX_SPACER = 2_000_000;

export interface ScrollGeometry {
  rows: number;
  rowHeight: number;
  /** Height of the scroll viewport and of the sticky header inside it, px. */
  viewHeight: number;
  headerHeight: number;
}

/** Rows that fit wholly under the header. */
export function visibleRows(g: ScrollGeometry): number {
  return Math.max(1, Math.floor((g.viewHeight - g.headerHeight) / g.rowHeight));
}

/** Height of the body the scroll area holds. */
export function spacerHeight(g: ScrollGeometry): number {
  return Math.min(g.rows * g.rowHeight, MAX_SPACER);
}

export function isScaled(g: ScrollGeometry): boolean {
  return g.rows * g.rowHeight > MAX_SPACER;
}

function maxScrollTop(g: ScrollGeometry): number {
  return Math.max(1, spacerHeight(g) + g.headerHeight - g.viewHeight);
}

function maxFirst(g: ScrollGeometry): number {
  return Math.max(0, g.rows - visibleRows(g));
}

/** The first row in view at scroll position `top`. */
export function firstRowAt(g: ScrollGeometry, top: number): number {
  if (!isScaled(g)) return Math.max(0, Math.min(g.rows - 1, Math.floor(top / g.rowHeight)));
  return Math.round((Math.min(top, maxScrollTop(g)) / maxScrollTop(g)) * maxFirst(g));
}

/** The scroll position that shows `first` as the first row. */
export function scrollTopFor(g: ScrollGeometry, first: number): number {
  if (!isScaled(g)) return first * g.rowHeight;
  return (first / Math.max(1, maxFirst(g))) * maxScrollTop(g);
}

/** Rows per px of scrolling (scaled), below which a scroll event means no move. */
export function rowsPerPx(g: ScrollGeometry): number {
  return isScaled(g) ? maxFirst(g) / maxScrollTop(g) : 1 / g.rowHeight;
}

/** Where row `r` is drawn in the body, given the scroll position and the first row in view. */
export function rowTop(g: ScrollGeometry, r: number, first: number, top: number): number {
  return isScaled(g) ? top + (r - first) * g.rowHeight : r * g.rowHeight;
}

/** The first row to keep `row` in view, moving as little as possible from `first`. */
export function firstToShow(g: ScrollGeometry, first: number, row: number): number {
  const n = visibleRows(g);
  if (row < first) return row;
  if (row >= first + n) return Math.min(maxFirst(g), row - n + 1);
  return first;
}
