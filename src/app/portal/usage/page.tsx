import type { Metadata } from 'next';
import { Card } from '@/components/ui/card';
import { USAGE_WINDOW_DAYS } from '@/lib/schemas/usage';
import { usageWindow } from '@/lib/usage-series';
import { getDb } from '@/server/db';
import { requirePageSession } from '@/server/http/page-guards';
import { usageByMetricPerDay } from '@/server/usage';
import { PortalUsage } from './portal-usage';

export const metadata: Metadata = { title: 'Usage' };

export default async function PortalUsagePage() {
  const session = await requirePageSession(['CUSTOMER'], '/portal/usage');
  const now = new Date();
  const rows = await usageByMetricPerDay(await getDb(), { customerId: session.user.customerId as string, days: USAGE_WINDOW_DAYS }, now);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold text-slate-900">Usage</h1>
        <p className="mt-1 text-sm text-slate-600">
          What your scripts reported with <code className="font-mono">POST /api/v1/usage</code>, per metric and day. A report counts on the day it occurred.
        </p>
      </div>
      <Card title={`Usage per day, last ${USAGE_WINDOW_DAYS} days`}>
        <PortalUsage initialUsage={usageWindow(rows, USAGE_WINDOW_DAYS, now)} />
      </Card>
    </div>
  );
}
