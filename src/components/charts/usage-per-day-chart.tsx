'use client';

import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import { usageSeries, type UsageWindow } from '@/lib/usage-series';

/** Distinguishable on white, in this order; more metrics than colours reuse them. */
const METRIC_COLOURS = ['#4f46e5', '#059669', '#d97706', '#0284c7', '#db2777', '#7c3aed', '#65a30d', '#dc2626'];

/**
 * Reported usage per metric per day as stacked bars, and the same numbers as a table (days with
 * usage only), which is what screen readers and anyone copying numbers use.
 */
export function UsagePerDayChart({ usage, caption }: { usage: UsageWindow; caption: string }) {
  const { metrics, points } = usageSeries(usage);
  if (metrics.length === 0) {
    return <p className="text-sm text-slate-600">No usage was reported in the last {usage.days} days.</p>;
  }
  const totals = metrics.map((metric) => [metric, usage.rows.filter((row) => row.metric === metric).reduce((sum, row) => sum + row.quantity, 0)] as const);
  const daysWithUsage = points.filter((point) => metrics.some((metric) => Number(point[metric]) > 0));
  return (
    <figure className="space-y-4">
      <figcaption className="text-sm text-slate-700">
        Last {usage.days} days, to {usage.until} (UTC): {totals.map(([metric, total]) => `${metric} ${total.toLocaleString('en')}`).join(', ')}.
      </figcaption>
      <div aria-hidden>
        <BarChart responsive data={points} style={{ width: '100%', height: 260 }} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
          <XAxis dataKey="day" tickFormatter={(day: string) => day.slice(5)} tick={{ fontSize: 12 }} minTickGap={16} />
          <YAxis allowDecimals={false} tick={{ fontSize: 12 }} width={56} />
          <Tooltip />
          <Legend />
          {metrics.map((metric, index) => (
            <Bar key={metric} dataKey={metric} stackId="usage" fill={METRIC_COLOURS[index % METRIC_COLOURS.length]} isAnimationActive={false} />
          ))}
        </BarChart>
      </div>
      <div className="overflow-x-auto">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <caption className="sr-only">{caption}</caption>
          <thead>
            <tr>
              <th scope="col" className="px-3 py-2 text-left font-semibold text-slate-700">
                Day (UTC)
              </th>
              {metrics.map((metric) => (
                <th key={metric} scope="col" className="px-3 py-2 text-right font-mono font-semibold text-slate-700">
                  {metric}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {daysWithUsage.map((point) => (
              <tr key={point.day}>
                <th scope="row" className="px-3 py-2 text-left font-normal tabular-nums text-slate-700">
                  {point.day}
                </th>
                {metrics.map((metric) => (
                  <td key={metric} className="px-3 py-2 text-right tabular-nums text-slate-700">
                    {Number(point[metric]).toLocaleString('en')}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
