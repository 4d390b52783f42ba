import type { Metadata } from 'next';
import { getDb } from '@/server/db';
import { requirePageSession } from '@/server/http/page-guards';
import { listLicenses } from '@/server/licensing/license-admin';
import { AdminIssueLicense } from './admin-issue-license';
import { LicenseFilters } from './license-filters';
import { licenseFilterFromParams } from './license-query';
import { LicensesTable } from './licenses-table';

export const metadata: Metadata = { title: 'Licenses' };

const PAGE_SIZE = 25;

export default async function LicensesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageSession(['ADMIN'], '/admin/licenses');
  const filter = licenseFilterFromParams(await searchParams);
  const firstPage = await listLicenses(await getDb(), { ...filter, limit: PAGE_SIZE });

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <h1 className="text-2xl font-semibold text-slate-900">Licenses</h1>
        <AdminIssueLicense />
      </div>
      <LicenseFilters filter={filter} />
      <LicensesTable filter={filter} pageSize={PAGE_SIZE} firstPage={firstPage} emptyHint="Issue the first license to a customer." />
    </div>
  );
}
