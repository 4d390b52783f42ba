import type { Metadata } from 'next';
import { requirePageSession } from '@/server/http/page-guards';
import { getDb } from '@/server/db';
import { listLicenses } from '@/server/licensing/license-admin';
import { PortalLicensesTable } from './portal-licenses-table';

export const metadata: Metadata = { title: 'Licenses' };

const PAGE_SIZE = 25;

export default async function PortalLicensesPage() {
  const session = await requirePageSession(['CUSTOMER'], '/portal/licenses');
  // The portal layout admits customer users, who always belong to an organisation.
  const customerId = session.user.customerId as string;
  const firstPage = await listLicenses(await getDb(), { limit: PAGE_SIZE }, { customerId });
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold text-slate-900">Licenses</h1>
        <p className="mt-1 text-sm text-slate-600">Your organisation&apos;s licenses. Open one to see its machines and recent checks, or to rotate its signing secret.</p>
      </div>
      <PortalLicensesTable pageSize={PAGE_SIZE} firstPage={firstPage} />
    </div>
  );
}
