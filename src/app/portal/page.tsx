import type { Metadata } from 'next';
import { LicenseStatusList } from '@/components/license-status-list';
import { Card, StatTile } from '@/components/ui/card';
import { getDb } from '@/server/db';
import { requirePageSession } from '@/server/http/page-guards';
import { getCustomerOverview } from '@/server/reports/overview';

export const metadata: Metadata = { title: 'Overview' };

export default async function PortalOverviewPage() {
  const session = await requirePageSession(['CUSTOMER'], '/portal');
  const overview = await getCustomerOverview(await getDb(), session.user.customerId as string);
  const totalLicenses = Object.values(overview.licensesByStatus).reduce((sum, count) => sum + (count ?? 0), 0);
  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-semibold text-slate-900">{overview.customer.name}</h1>
      <dl className="grid grid-cols-2 gap-4 lg:grid-cols-3">
        <StatTile label="Licenses" value={totalLicenses} />
        <StatTile label="Active machines" value={overview.activeMachines} />
        <StatTile label="Customer since" value={overview.customer.createdAt.toISOString().slice(0, 10)} />
      </dl>
      <Card title="Licenses by status">
        <LicenseStatusList counts={overview.licensesByStatus} />
      </Card>
    </div>
  );
}
