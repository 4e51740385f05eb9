/**
 * What the timeline's range and zoom are, and the controls to change them: the brushed range that
 * filters the other cards, zooming to it, panning, and back to the live window. While zoomed the
 * pipeline goes on; newer buckets collect past the window and show on the way back to live.
 */
import { ControlError } from './ControlError';
import { type BucketFormat, fmtInt } from './format';
import { pan, type TimeRange, zoomBy } from './timelineRange';
import { useUiStore } from './uiStore';

interface Props {
  dataset: string;
  bucketMs: number;
  times: BucketFormat;
  /** The range filtering the other cards, when it was brushed here. */
  brushed: TimeRange | null;
  zoom: TimeRange | null;
  /** The newest bucket's start, over the whole view. */
  newest: number | null;
  onBrush(r: TimeRange | null): void;
}

export function TimelineRangeBar({ dataset, bucketMs, times, brushed, zoom, newest, onBrush }: Props) {
  const setZoom = useUiStore((u) => u.setTimelineZoom);
  const span = (r: TimeRange) => `${times.full(r.from)} to ${times.full(r.to)}`;
  const newer = zoom && newest !== null && newest >= zoom.to ? Math.floor((newest - zoom.to) / bucketMs) + 1 : 0;
  return (
    <div className="range-bar" data-testid="range-bar">
      {brushed ? (
        <>
          <span>
            <span className="range-text" data-testid="range-text" data-from={brushed.from} data-to={brushed.to}>
              {span(brushed)}
            </span>{' '}
            filters the other cards.
          </span>
          {(!zoom || zoom.from !== brushed.from || zoom.to !== brushed.to) && (
            <button type="button" data-testid="range-zoom" onClick={() => setZoom(dataset, brushed)}>
              Zoom to range
            </button>
          )}
          <button type="button" data-testid="range-clear" onClick={() => onBrush(null)}>
            Clear range
          </button>
        </>
      ) : (
        !zoom && <span className="muted small">Drag across the bars, or focus the chart and use the arrow keys, to filter the other cards by a time range.</span>
      )}
      {zoom && (
        <>
          <span data-testid="zoom-text">
            Zoomed to {span(zoom)}
            {newer > 0 && (
              <span data-testid="zoom-newer" data-value={newer}>
                {' '}
                · {fmtInt(newer)} newer bucket{newer === 1 ? '' : 's'} collected past it, none lost
              </span>
            )}
          </span>
          <button type="button" data-testid="zoom-earlier" aria-label="Pan earlier" onClick={() => setZoom(dataset, pan(zoom, -1, bucketMs))}>
            ◀ Earlier
          </button>
          <button type="button" data-testid="zoom-later" aria-label="Pan later" onClick={() => setZoom(dataset, pan(zoom, 1, bucketMs))}>
            Later ▶
          </button>
          <button type="button" data-testid="zoom-out" onClick={() => setZoom(dataset, zoomBy(zoom, 2, bucketMs))}>
            Zoom out
          </button>
          <button type="button" data-testid="zoom-live" onClick={() => setZoom(dataset, null)}>
            Back to live
          </button>
        </>
      )}
      <ControlError control="cross-filter" />
    </div>
  );
}
