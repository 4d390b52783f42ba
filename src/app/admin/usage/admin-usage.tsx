'use client';

import { useQuery } from '@tanstack/react-query';
import { UsagePerDayChart } from '@/components/charts/usage-per-day-chart';
import type { UsageWindow } from '@/lib/usage-series';
import { useTRPC } from '@/lib/trpc/client';

/** Usage of every customer, or of `customerId`; rendered by the server first, refreshed when the tab regains focus. */
export function AdminUsage({ customerId, initialUsage }: { customerId?: string; initialUsage: UsageWindow }) {
  const trpc = useTRPC();
  const usage = useQuery(trpc.usage.allCustomersByDay.queryOptions({ customerId }, { initialData: initialUsage }));
  return <UsagePerDayChart usage={usage.data} caption={customerId ? "The customer's reported usage per metric per day (UTC)" : 'Reported usage of all customers per metric per day (UTC)'} />;
}
