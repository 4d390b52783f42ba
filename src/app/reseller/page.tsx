import type { Metadata } from 'next';
import { LicenseStatusList } from '@/components/license-status-list';
import { Card, StatTile } from '@/components/ui/card';
import { getDb } from '@/server/db';
import { requirePageSession } from '@/server/http/page-guards';
import { listLicenses } from '@/server/licensing/license-admin';
import { getResellerOverview } from '@/server/reports/overview';
import { ResellerIssueLicense, ResellerLicensesTable } from './reseller-licenses';

export const metadata: Metadata = { title: 'Overview' };

const PAGE_SIZE = 25;

export default async function ResellerOverviewPage() {
  const session = await requirePageSession(['RESELLER'], '/reseller');
  const db = await getDb();
  const [overview, licenses] = await Promise.all([
    getResellerOverview(db, session.user.id),
    listLicenses(db, { limit: PAGE_SIZE }, { resellerId: session.user.id }),
  ]);
  const issued = Object.values(overview.licensesByStatus).reduce((sum, count) => sum + (count ?? 0), 0);
  return (
    <div className="space-y-8">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <h1 className="text-2xl font-semibold text-slate-900">Your customers</h1>
        <ResellerIssueLicense />
      </div>
      <dl className="grid grid-cols-2 gap-4">
        <StatTile label="Customers" value={overview.customers} />
        <StatTile label="Licenses issued" value={issued} />
      </dl>
      <Card title="Licenses you issued, by status">
        <LicenseStatusList counts={overview.licensesByStatus} />
      </Card>
      <Card title="Licenses of your customers">
        <ResellerLicensesTable pageSize={PAGE_SIZE} firstPage={licenses} />
      </Card>
    </div>
  );
}
