import type { Metadata } from 'next';
import { Card } from '@/components/ui/card';
import { USAGE_WINDOW_DAYS } from '@/lib/schemas/usage';
import { usageWindow } from '@/lib/usage-series';
import { getDb } from '@/server/db';
import { requirePageSession } from '@/server/http/page-guards';
import { usageByMetricPerDay } from '@/server/usage';
import { CustomerFilter } from '../customer-filter';
import { customerFromParam } from '../customer-query';
import { AdminUsage } from './admin-usage';

export const metadata: Metadata = { title: 'Usage' };

export default async function AdminUsagePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageSession(['ADMIN'], '/admin/usage');
  const db = await getDb();
  const customer = await customerFromParam(db, (await searchParams).customer);
  const now = new Date();
  const rows = await usageByMetricPerDay(db, { customerId: customer?.id, days: USAGE_WINDOW_DAYS }, now);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold text-slate-900">Usage</h1>
        <p className="mt-1 text-sm text-slate-600">Usage that customers reported through the API, per metric and day, for every customer or one.</p>
      </div>
      <CustomerFilter current={customer} />
      <Card title={`${customer ? customer.name : 'All customers'}: usage per day, last ${USAGE_WINDOW_DAYS} days`}>
        <AdminUsage customerId={customer?.id} initialUsage={usageWindow(rows, USAGE_WINDOW_DAYS, now)} />
      </Card>
    </div>
  );
}
