/** Revenue by country, each bar split into its batch part and its speed part. */
import { memo, useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { BY_COUNTRY_VIEW } from '../views/defaultViews';
import { fmtCompact, fmtMoneyValue } from './format';
import { usePipelineSnapshot } from './PipelineContext';
import { PlainTick } from './PlainTick';
import { useStaggered } from './useStaggered';

export function BreakdownChart() {
  const s = usePipelineSnapshot();
  const view = useStaggered(s.views[BY_COUNTRY_VIEW.id], 30, s.batch.running);
  const data = useMemo(
    () => (view?.rows ?? []).map((r) => ({ key: String(r.key[0] ?? '(null)'), batch: r.batch?.[0] ?? 0, speed: r.speed?.[0] ?? 0, merged: r.merged[0] ?? 0 })).sort((a, b) => b.merged - a.merged),
    [view],
  );
  return (
    <div className="card chart-card" data-testid="breakdown">
      <div className="card-head">
        <h2>{BY_COUNTRY_VIEW.name}</h2>
      </div>
      <CountryBars data={data} />
    </div>
  );
}

const MARGIN = { top: 4, right: 16, bottom: 0, left: 8 };

/** The bars themselves, redrawn only when their data changes. */
const CountryBars = memo(function CountryBars({ data }: { data: { key: string; batch: number; speed: number }[] }) {
  return (
    <div className="chart">
      <ResponsiveContainer width="100%" height={Math.max(200, data.length * 22 + 50)}>
        <BarChart data={data} layout="vertical" margin={MARGIN}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" horizontal={false} />
          <XAxis tick={PlainTick} type="number" tickFormatter={fmtCompact} fontSize={11} interval={0} />
          <YAxis tick={PlainTick} type="category" dataKey="key" width={36} fontSize={11} interval={0} />
          <Tooltip formatter={fmtMoneyValue} isAnimationActive={false} />
          <Bar dataKey="batch" name="batch (exact)" stackId="a" fill="#2563eb" isAnimationActive={false} />
          <Bar dataKey="speed" name="speed (live tally)" stackId="a" fill="#f59e0b" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
});
