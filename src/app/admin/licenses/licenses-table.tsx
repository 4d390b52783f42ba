'use client';

import { useInfiniteQuery } from '@tanstack/react-query';
import { LicenseRowsTable, type LicenseListPage } from '@/components/licensing/license-rows-table';
import { ListFooter } from '@/components/list-footer';
import { EmptyState } from '@/components/ui/empty-state';
import type { ListLicensesInput } from '@/lib/schemas/licensing';
import { useTRPC } from '@/lib/trpc/client';

/**
 * The admin's license list (all licenses, or one customer's): the first page comes rendered by
 * the server, "Load more" fetches the next by cursor, and actions elsewhere invalidate licenses.list.
 */
export function LicensesTable({
  filter,
  pageSize,
  firstPage,
  showCustomer = true,
  emptyHint,
}: {
  filter: Omit<ListLicensesInput, 'cursor' | 'limit'>;
  pageSize: number;
  firstPage: LicenseListPage;
  showCustomer?: boolean;
  emptyHint: string;
}) {
  const trpc = useTRPC();
  const licenses = useInfiniteQuery(
    trpc.licenses.list.infiniteQueryOptions(
      { ...filter, limit: pageSize },
      { initialData: { pages: [firstPage], pageParams: [null] }, getNextPageParam: (page) => page.nextCursor },
    ),
  );
  const rows = licenses.data.pages.flatMap((page) => page.items);
  const filtered = Boolean(filter.search || filter.status || filter.flagged !== undefined || filter.expiringWithinDays);

  if (rows.length === 0) {
    return filtered ? (
      <EmptyState title="No licenses match">Change the search or the filters to see more licenses.</EmptyState>
    ) : (
      <EmptyState title="No licenses yet">{emptyHint}</EmptyState>
    );
  }
  return (
    <div className="space-y-4">
      <LicenseRowsTable rows={rows} hrefFor={(licenseId) => `/admin/licenses/${licenseId}`} showCustomer={showCustomer} />
      <ListFooter
        count={rows.length}
        noun={['license', 'licenses']}
        hasMore={licenses.hasNextPage}
        loadingMore={licenses.isFetchingNextPage}
        onLoadMore={() => void licenses.fetchNextPage()}
        error={licenses.isFetchNextPageError ? licenses.error : null}
      />
    </div>
  );
}
