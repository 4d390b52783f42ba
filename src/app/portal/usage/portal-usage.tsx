'use client';

import { useQuery } from '@tanstack/react-query';
import { UsagePerDayChart } from '@/components/charts/usage-per-day-chart';
import type { UsageWindow } from '@/lib/usage-series';
import { useTRPC } from '@/lib/trpc/client';

/** The organisation's usage; rendered by the server first, refreshed when the tab regains focus. */
export function PortalUsage({ initialUsage }: { initialUsage: UsageWindow }) {
  const trpc = useTRPC();
  const usage = useQuery(trpc.usage.byDay.queryOptions(undefined, { initialData: initialUsage }));
  return <UsagePerDayChart usage={usage.data} caption="Reported usage per metric per day (UTC)" />;
}
