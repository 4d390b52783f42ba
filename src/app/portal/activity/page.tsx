import type { Metadata } from 'next';
import { listCustomerActivity } from '@/server/audit';
import { getDb } from '@/server/db';
import { requirePageSession } from '@/server/http/page-guards';
import { ActivityList } from './activity-list';

export const metadata: Metadata = { title: 'Activity' };

const PAGE_SIZE = 25;

export default async function PortalActivityPage() {
  const session = await requirePageSession(['CUSTOMER'], '/portal/activity');
  const customerId = session.user.customerId;
  const firstPage = customerId ? await listCustomerActivity(await getDb(), customerId, { limit: PAGE_SIZE }) : { items: [], nextCursor: null };

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold text-slate-900">Activity</h1>
        <p className="text-sm text-slate-600">What happened in your organisation: changes by your users and keys, and by us to your licenses, newest first.</p>
      </div>
      <ActivityList pageSize={PAGE_SIZE} firstPage={firstPage} />
    </div>
  );
}
