'use client';

import { useQuery } from '@tanstack/react-query';
import { RequestsPerDayChart } from '@/components/charts/requests-per-day-chart';
import { useTRPC } from '@/lib/trpc/client';

type RequestsPerDay = { day: string; requests: number }[];

/** The key's requests over 30 days; rendered by the server first, refreshed when the tab regains focus. */
export function KeyRequestsChart({ apiKeyId, initialDays }: { apiKeyId: string; initialDays: RequestsPerDay }) {
  const trpc = useTRPC();
  const requests = useQuery(trpc.apiKeys.requestsPerDay.queryOptions({ apiKeyId }, { initialData: initialDays }));
  return <RequestsPerDayChart days={requests.data} caption="Requests per day with this key, last 30 days (UTC)" />;
}
