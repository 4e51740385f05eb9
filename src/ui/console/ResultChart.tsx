/**
 * "Chart this": a result with a time or text column and numeric columns drawn in one click, a line
 * per numeric column over time, or bars per text value. The first rows only: a chart of a million
 * points says less than the grid.
 */
import type { RecordBatch } from 'apache-arrow';
import { useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ConsoleColumn } from '../../batch/console/consoleTypes';
import { isNumericType, isTimeType } from './cellFormat';
import { cellText } from './ResultGrid';

export const CHART_ROWS = 2_000;
const MAX_SERIES = 6;
const COLORS = ['var(--batch)', 'var(--speed)', '#16a34a', '#dc2626', '#7c3aed', '#0891b2'];

export interface ChartPlan {
  x: number;
  kind: 'time' | 'category';
  ys: number[];
  /** Long form (a time, a text, a number per row): a line per value of this text column. */
  series?: number;
}

/** The columns a chart would use, or null when the result has no time/text column with numbers beside it. */
export function chartPlan(columns: readonly ConsoleColumn[]): ChartPlan | null {
  const ys = columns.flatMap((c, i) => (isNumericType(c.type) ? [i] : [])).slice(0, MAX_SERIES);
  // The first time or text column, as a person reads the result left to right.
  const x = columns.findIndex((c) => isTimeType(c.type) || c.type === 'VARCHAR');
  if (x < 0 || ys.length === 0) return null;
  const kind = isTimeType(columns[x]!.type) ? 'time' : 'category';
  const series = kind === 'time' ? columns.findIndex((c, i) => i !== x && c.type === 'VARCHAR') : -1;
  return series >= 0 ? { x, kind, ys: ys.slice(0, 1), series } : { x, kind, ys };
}

/** Long-form rows pivoted: one point per x, a key per series value (the MAX_SERIES largest by total). */
function pivot(rows: { x: string; s: string; y: number | null }[]): { data: Record<string, string | number | null>[]; keys: string[]; dropped: number } {
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(r.s, (totals.get(r.s) ?? 0) + Math.abs(r.y ?? 0));
  const keys = [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_SERIES)
    .map(([k]) => k);
  const kept = new Set(keys);
  const byX = new Map<string, Record<string, string | number | null>>();
  for (const r of rows) {
    if (!kept.has(r.s)) continue;
    const point = byX.get(r.x) ?? { x: r.x };
    point[`s:${r.s}`] = r.y;
    byX.set(r.x, point);
  }
  return { data: [...byX.values()], keys, dropped: totals.size - keys.length };
}

export function ResultChart({ plan, columns, rows, locate }: { plan: ChartPlan; columns: ConsoleColumn[]; rows: number; locate: (row: number) => { batch: RecordBatch; index: number } | null }) {
  const n = Math.min(rows, CHART_ROWS);
  const { data, series, dropped } = useMemo(() => {
    const out: Record<string, string | number | null>[] = [];
    const long: { x: string; s: string; y: number | null }[] = [];
    for (let r = 0; r < n; r++) {
      const at = locate(r);
      if (!at) break;
      const x = cellText(at.batch, plan.x, at.index) ?? 'NULL';
      if (plan.series !== undefined) {
        const t = cellText(at.batch, plan.ys[0]!, at.index);
        long.push({ x, s: cellText(at.batch, plan.series, at.index) ?? 'NULL', y: t === null ? null : Number(t) });
        continue;
      }
      const point: Record<string, string | number | null> = { x };
      for (const y of plan.ys) {
        const t = cellText(at.batch, y, at.index);
        point[`y${y}`] = t === null ? null : Number(t);
      }
      out.push(point);
    }
    const p = plan.series !== undefined ? pivot(long) : null;
    const data = p ? p.data : out;
    // A time axis reads left to right whatever order the query gave.
    if (plan.kind === 'time') data.sort((a, b) => String(a.x).localeCompare(String(b.x)));
    const series = p
      ? p.keys.map((k, i) => ({ key: `s:${k}`, name: k, color: COLORS[i % COLORS.length]! }))
      : plan.ys.map((y, i) => ({ key: `y${y}`, name: columns[y]!.name, color: COLORS[i % COLORS.length]! }));
    return { data, series, dropped: p?.dropped ?? 0 };
  }, [n, locate, plan, columns]);
  const xName = columns[plan.x]!.name;
  return (
    <figure className="result-chart" data-testid="result-chart" data-points={data.length} aria-label={`Chart of ${series.map((s) => s.name).join(', ')} by ${xName}`}>
      <ResponsiveContainer width="100%" height={320}>
        {plan.kind === 'time' ? (
          <LineChart data={data} margin={{ top: 8, right: 24, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="x" minTickGap={40} />
            <YAxis width={80} />
            <Tooltip />
            <Legend />
            {series.map((s) => (
              <Line key={s.key} type="linear" dataKey={s.key} name={s.name} stroke={s.color} dot={data.length < 60} connectNulls isAnimationActive={false} />
            ))}
          </LineChart>
        ) : (
          <BarChart data={data} margin={{ top: 8, right: 24, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="x" />
            <YAxis width={80} />
            <Tooltip />
            <Legend />
            {series.map((s) => (
              <Bar key={s.key} dataKey={s.key} name={s.name} fill={s.color} isAnimationActive={false} />
            ))}
          </BarChart>
        )}
      </ResponsiveContainer>
      <figcaption className="muted small">
        {plan.series !== undefined ? `${columns[plan.ys[0]!]!.name} by ${xName}, a line per ${columns[plan.series]!.name}` : `${series.map((s) => s.name).join(', ')} by ${xName}`}
        {dropped > 0 ? ` (the ${MAX_SERIES} largest; ${dropped} more not drawn)` : ''}
        {rows > CHART_ROWS ? `: the first ${CHART_ROWS.toLocaleString('en-US')} of ${rows.toLocaleString('en-US')} rows` : ''}
      </figcaption>
    </figure>
  );
}
