'use client';

import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';

const plural = (count: number, noun: string) => `${count.toLocaleString('en')} ${noun}${count === 1 ? '' : 's'}`;

/**
 * Requests per day as bars. The chart is a picture of the table below it: screen readers get the
 * summary and the table, which a disclosure keeps out of sighted users' way.
 */
export function RequestsPerDayChart({ days, caption }: { days: { day: string; requests: number }[]; caption: string }) {
  const total = days.reduce((sum, day) => sum + day.requests, 0);
  const busiest = days.reduce<{ day: string; requests: number } | null>((best, day) => (day.requests > (best?.requests ?? 0) ? day : best), null);
  const summary = `${plural(total, 'request')} in the last ${days.length} days${busiest ? `, most on ${busiest.day} (${busiest.requests.toLocaleString('en')})` : ''}.`;
  return (
    <figure className="space-y-3">
      <figcaption className="text-sm text-slate-700" data-testid="requests-summary">
        {summary}
      </figcaption>
      <div aria-hidden>
        <BarChart responsive data={days} style={{ width: '100%', height: 220 }} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
          <XAxis dataKey="day" tickFormatter={(day: string) => day.slice(5)} tick={{ fontSize: 12 }} minTickGap={16} />
          <YAxis allowDecimals={false} tick={{ fontSize: 12 }} width={40} />
          <Tooltip formatter={(value) => [Number(value).toLocaleString('en'), 'Requests']} />
          <Bar dataKey="requests" fill="#4f46e5" radius={[3, 3, 0, 0]} isAnimationActive={false} />
        </BarChart>
      </div>
      <details className="text-sm">
        <summary className="cursor-pointer text-indigo-700">Show as a table</summary>
        <table className="mt-2 min-w-[16rem] divide-y divide-slate-200">
          <caption className="sr-only">{caption}</caption>
          <thead>
            <tr>
              <th scope="col" className="px-3 py-1 text-left font-semibold text-slate-700">
                Day (UTC)
              </th>
              <th scope="col" className="px-3 py-1 text-right font-semibold text-slate-700">
                Requests
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {days.map((day) => (
              <tr key={day.day}>
                <td className="px-3 py-1 tabular-nums">{day.day}</td>
                <td className="px-3 py-1 text-right tabular-nums">{day.requests.toLocaleString('en')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
