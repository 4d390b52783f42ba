import type { Metadata } from 'next';
import { LicenseStatusList } from '@/components/license-status-list';
import { Card, StatTile } from '@/components/ui/card';
import { getDb } from '@/server/db';
import { requirePageSession } from '@/server/http/page-guards';
import { getResellerOverview } from '@/server/reports/overview';

export const metadata: Metadata = { title: 'Overview' };

export default async function ResellerOverviewPage() {
  const session = await requirePageSession(['RESELLER'], '/reseller');
  const overview = await getResellerOverview(await getDb(), session.user.id);
  const issued = Object.values(overview.licensesByStatus).reduce((sum, count) => sum + (count ?? 0), 0);
  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-semibold text-slate-900">Your customers</h1>
      <dl className="grid grid-cols-2 gap-4">
        <StatTile label="Customers" value={overview.customers} />
        <StatTile label="Licenses issued" value={issued} />
      </dl>
      <Card title="Licenses you issued, by status">
        <LicenseStatusList counts={overview.licensesByStatus} />
      </Card>
    </div>
  );
}
