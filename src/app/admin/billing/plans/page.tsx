import type { Metadata } from 'next';
import { listBillingPlans } from '@/server/billing';
import { getDb } from '@/server/db';
import { BillingPlansTable } from './billing-plans-table';

export const metadata: Metadata = { title: 'Plans and prices' };

const PAGE_SIZE = 50;

export default async function BillingPlansPage() {
  const firstPage = await listBillingPlans(await getDb(), { limit: PAGE_SIZE });
  return <BillingPlansTable pageSize={PAGE_SIZE} firstPage={firstPage} />;
}
