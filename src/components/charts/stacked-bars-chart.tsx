'use client';

import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';

export type StackedSeries = { name: string; colour: string };
export type StackedPoint = { label: string; values: number[] };

/**
 * Counts over time as stacked bars, and the same numbers as a table (rows with counts only),
 * which is what screen readers and anyone copying numbers use.
 */
export function StackedBarsChart({
  series,
  points,
  caption,
  summary,
  periodHeader,
  emptyText,
}: {
  series: StackedSeries[];
  points: StackedPoint[];
  caption: string;
  summary: string;
  periodHeader: string;
  emptyText: string;
}) {
  const rows = points.filter((point) => point.values.some((value) => value > 0));
  if (rows.length === 0) return <p className="text-sm text-slate-600">{emptyText}</p>;
  return (
    <figure className="space-y-4">
      <figcaption className="text-sm text-slate-700">{summary}</figcaption>
      <div aria-hidden>
        <BarChart responsive data={points} style={{ width: '100%', height: 240 }} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
          <XAxis dataKey="label" tick={{ fontSize: 12 }} minTickGap={16} />
          <YAxis allowDecimals={false} tick={{ fontSize: 12 }} width={56} />
          <Tooltip />
          <Legend />
          {series.map((entry, index) => (
            <Bar key={entry.name} name={entry.name} dataKey={(point: StackedPoint) => point.values[index]} stackId="counts" fill={entry.colour} isAnimationActive={false} />
          ))}
        </BarChart>
      </div>
      <details className="text-sm">
        <summary className="cursor-pointer text-slate-600">Show the numbers</summary>
        <div className="mt-2 overflow-x-auto">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <caption className="sr-only">{caption}</caption>
            <thead>
              <tr>
                <th scope="col" className="px-3 py-2 text-left font-semibold text-slate-700">
                  {periodHeader}
                </th>
                {series.map((entry) => (
                  <th key={entry.name} scope="col" className="px-3 py-2 text-right font-semibold text-slate-700">
                    {entry.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((point) => (
                <tr key={point.label}>
                  <th scope="row" className="px-3 py-2 text-left font-normal tabular-nums text-slate-700">
                    {point.label}
                  </th>
                  {point.values.map((value, index) => (
                    <td key={series[index]!.name} className="px-3 py-2 text-right tabular-nums text-slate-700">
                      {value.toLocaleString('en')}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
