'use client';

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatPrice } from '@/lib/licensing-format';

const COLOURS = ['#4f46e5', '#059669', '#d97706', '#dc2626', '#0891b2'];

export type RevenuePoint = { month: string; cents: Record<string, number> };

/** Monthly recurring revenue at the end of each of the last 12 months, one line per currency. */
export function RevenueChart({ trend, currencies }: { trend: RevenuePoint[]; currencies: string[] }) {
  const data = trend.map((point) => ({ month: point.month, ...Object.fromEntries(currencies.map((currency) => [currency, (point.cents[currency] ?? 0) / 100])) }));
  return (
    <figure aria-label="Monthly recurring revenue over the last 12 months">
      <div className="h-64 w-full">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
            <XAxis dataKey="month" tick={{ fontSize: 12 }} />
            <YAxis tick={{ fontSize: 12 }} width={64} />
            <Tooltip formatter={(value, name) => formatPrice(Math.round(Number(value) * 100), String(name))} />
            {currencies.length > 1 && <Legend />}
            {currencies.map((currency, index) => (
              <Line key={currency} type="monotone" dataKey={currency} name={currency} stroke={COLOURS[index % COLOURS.length]} strokeWidth={2} dot={false} isAnimationActive={false} />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="sr-only">
        {trend.map((point) => `${point.month}: ${currencies.map((currency) => formatPrice(point.cents[currency] ?? 0, currency)).join(', ') || 'none'}`).join('; ')}
      </figcaption>
    </figure>
  );
}
