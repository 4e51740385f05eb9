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
const COLORS = ['#2563eb', '#f59e0b', '#16a34a', '#dc2626', '#7c3aed', '#0891b2'];

export interface ChartPlan {
  x: number;
  kind: 'time' | 'category';
  ys: number[];
}

/** The columns a chart would use, or null when the result has no time/text column with numbers beside it. */
export function chartPlan(columns: readonly ConsoleColumn[]): ChartPlan | null {
  const ys = columns.flatMap((c, i) => (isNumericType(c.type) ? [i] : [])).slice(0, MAX_SERIES);
  // The first time or text column, as a person reads the result left to right.
  const x = columns.findIndex((c) => isTimeType(c.type) || c.type === 'VARCHAR');
  if (x < 0 || ys.length === 0) return null;
  return { x, kind: isTimeType(columns[x]!.type) ? 'time' : 'category', ys };
}

export function ResultChart({ plan, columns, rows, locate }: { plan: ChartPlan; columns: ConsoleColumn[]; rows: number; locate: (row: number) => { batch: RecordBatch; index: number } | null }) {
  const n = Math.min(rows, CHART_ROWS);
  const data = useMemo(() => {
    const out: Record<string, string | number | null>[] = [];
    for (let r = 0; r < n; r++) {
      const at = locate(r);
      if (!at) break;
      const point: Record<string, string | number | null> = { x: cellText(at.batch, plan.x, at.index) ?? 'NULL' };
      for (const y of plan.ys) {
        const t = cellText(at.batch, y, at.index);
        point[`y${y}`] = t === null ? null : Number(t);
      }
      out.push(point);
    }
    // A time axis reads left to right whatever order the query gave.
    if (plan.kind === 'time') out.sort((a, b) => String(a.x).localeCompare(String(b.x)));
    return out;
  }, [n, locate, plan]);
  const series = plan.ys.map((y, i) => ({ key: `y${y}`, name: columns[y]!.name, color: COLORS[i % COLORS.length]! }));
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
              <Line key={s.key} type="monotone" dataKey={s.key} name={s.name} stroke={s.color} dot={data.length < 60} isAnimationActive={false} />
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
        {series.map((s) => s.name).join(', ')} by {xName}
        {rows > CHART_ROWS ? `: the first ${CHART_ROWS.toLocaleString('en-US')} of ${rows.toLocaleString('en-US')} rows` : ''}
      </figcaption>
    </figure>
  );
}
