'use client';

import { useInfiniteQuery } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import Link from 'next/link';
import { ListFooter } from '@/components/list-footer';
import { Badge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { Table } from '@/components/ui/table';
import { formatDate } from '@/lib/licensing-format';
import { useTRPC } from '@/lib/trpc/client';
import type { AppRouter } from '@/server/routers/root';

type CustomersPage = inferRouterOutputs<AppRouter>['customers']['list'];
type CustomerRow = CustomersPage['items'][number];

/** Customers by name; the first page comes rendered by the server, "Load more" fetches the next by cursor. */
export function CustomersTable({ search, pageSize, firstPage }: { search?: string; pageSize: number; firstPage: CustomersPage }) {
  const trpc = useTRPC();
  const customers = useInfiniteQuery(
    trpc.customers.list.infiniteQueryOptions(
      { search, limit: pageSize },
      { initialData: { pages: [firstPage], pageParams: [null] }, getNextPageParam: (page) => page.nextCursor },
    ),
  );
  const rows = customers.data.pages.flatMap((page) => page.items);

  if (rows.length === 0) {
    return search ? (
      <EmptyState title="No customers match">Change the search to see more customers.</EmptyState>
    ) : (
      <EmptyState title="No customers yet">Create the first customer organisation, then issue it a license.</EmptyState>
    );
  }
  return (
    <div className="space-y-4">
      <Table<CustomerRow>
        caption="Customers"
        rows={rows}
        rowKey={(customer) => customer.id}
        columns={[
          {
            header: 'Name',
            cell: (customer) => (
              <span className="inline-flex items-center gap-2">
                <Link href={`/admin/customers/${customer.id}`} className="font-medium text-indigo-700 hover:underline">
                  {customer.name}
                </Link>
                {customer.anonymizedAt && <Badge>anonymised</Badge>}
              </span>
            ),
          },
          { header: 'Billing email', cell: (customer) => customer.email },
          { header: 'Reseller', cell: (customer) => customer.reseller?.email ?? 'Direct' },
          { header: 'Users', cell: (customer) => customer.users, className: 'tabular-nums' },
          { header: 'Licenses', cell: (customer) => customer.licenses, className: 'tabular-nums' },
          { header: 'Since', cell: (customer) => formatDate(customer.createdAt), className: 'whitespace-nowrap tabular-nums' },
        ]}
      />
      <ListFooter
        count={rows.length}
        noun={['customer', 'customers']}
        hasMore={customers.hasNextPage}
        loadingMore={customers.isFetchingNextPage}
        onLoadMore={() => void customers.fetchNextPage()}
        error={customers.isFetchNextPageError ? customers.error : null}
      />
    </div>
  );
}
