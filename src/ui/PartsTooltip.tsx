/**
 * A chart tooltip that says what a bar is made of: its batch part (exact, up to W), its speed part
 * (the live tally past W) and the merged value the serving layer shows, which for a minimum, a
 * maximum or an average is not the sum of the two.
 */
import type { MeasureFormat } from './format';

interface Props {
  active?: boolean;
  label?: unknown;
  payload?: readonly { payload?: { batch?: number; speed?: number; merged?: number } }[];
  values: MeasureFormat;
  labelText?: (label: unknown) => string;
}

export function PartsTooltip({ active, label, payload, values, labelText }: Props) {
  const row = payload?.[0]?.payload;
  if (!active || !row) return null;
  return (
    <div className="recharts-default-tooltip parts-tooltip" data-testid="parts-tooltip">
      <div className="parts-tooltip-label">{labelText ? labelText(label) : String(label)}</div>
      <div className="part batch">batch {values.tooltip(row.batch ?? 0)}</div>
      <div className="part speed">speed {values.tooltip(row.speed ?? 0)}</div>
      <div>
        <strong>merged {values.tooltip(row.merged ?? 0)}</strong>
      </div>
    </div>
  );
}
