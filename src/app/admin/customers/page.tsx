import type { Metadata } from 'next';
import { SearchFilter } from '@/components/search-filter';
import { ListCustomersInput } from '@/lib/schemas/licensing';
import { getDb } from '@/server/db';
import { requirePageSession } from '@/server/http/page-guards';
import { listCustomers } from '@/server/licensing/customers';
import { CustomersTable } from './customers-table';
import { NewCustomerDialog } from './new-customer-dialog';

export const metadata: Metadata = { title: 'Customers' };

const PAGE_SIZE = 25;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) || undefined;

export default async function CustomersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageSession(['ADMIN'], '/admin/customers');
  // A malformed search (hand-edited URL) is ignored rather than an error page.
  const search = ListCustomersInput.shape.search.catch(undefined).parse(first((await searchParams).search));
  const firstPage = await listCustomers(await getDb(), { search, limit: PAGE_SIZE });

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <h1 className="text-2xl font-semibold text-slate-900">Customers</h1>
        <NewCustomerDialog />
      </div>
      <SearchFilter label="Search customers" hint="Organisation name or billing email." search={search} />
      <CustomersTable search={search} pageSize={PAGE_SIZE} firstPage={firstPage} />
    </div>
  );
}
