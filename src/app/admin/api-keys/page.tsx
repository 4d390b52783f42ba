import type { Metadata } from 'next';
import { listApiKeys } from '@/server/apikeys';
import { getDb } from '@/server/db';
import { requirePageSession } from '@/server/http/page-guards';
import { customerFromParam } from '../customer-query';
import { AdminApiKeys } from './admin-api-keys';
import { CustomerApiKeys } from './customer-api-keys';

export const metadata: Metadata = { title: 'API keys' };

const PAGE_SIZE = 25;

export default async function AdminApiKeysPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageSession(['ADMIN'], '/admin/api-keys');
  const db = await getDb();
  const customer = await customerFromParam(db, (await searchParams).customer);
  const [adminKeys, customerKeys] = await Promise.all([
    listApiKeys(db, { admin: true }, { limit: PAGE_SIZE }),
    listApiKeys(db, customer ? { customerId: customer.id } : { customers: true }, { limit: PAGE_SIZE }),
  ]);
  return (
    <div className="space-y-10">
      <h1 className="text-2xl font-semibold text-slate-900">API keys</h1>
      <AdminApiKeys pageSize={PAGE_SIZE} firstPage={adminKeys} />
      <CustomerApiKeys pageSize={PAGE_SIZE} firstPage={customerKeys} customer={customer} />
    </div>
  );
}
