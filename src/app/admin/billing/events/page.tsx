import type { Metadata } from 'next';
import { z } from 'zod';
import { StripeEventStatusName } from '@/lib/schemas/billing';
import { listStripeEvents } from '@/server/billing';
import { getDb } from '@/server/db';
import { StripeEventsTable } from './stripe-events-table';

export const metadata: Metadata = { title: 'Webhook events' };

const PAGE_SIZE = 25;
const EventsQuery = z.object({ status: StripeEventStatusName.optional().catch(undefined) });
const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) || undefined;

export default async function StripeEventsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { status } = EventsQuery.parse({ status: first((await searchParams).status) });
  const firstPage = await listStripeEvents(await getDb(), { status, limit: PAGE_SIZE });
  return <StripeEventsTable status={status} pageSize={PAGE_SIZE} firstPage={firstPage} />;
}
