'use client';

import { useInfiniteQuery } from '@tanstack/react-query';
import { LicenseRowsTable, type LicenseListPage } from '@/components/licensing/license-rows-table';
import { ListFooter } from '@/components/list-footer';
import { EmptyState } from '@/components/ui/empty-state';
import { useTRPC } from '@/lib/trpc/client';

export function PortalLicensesTable({ pageSize, firstPage }: { pageSize: number; firstPage: LicenseListPage }) {
  const trpc = useTRPC();
  const licenses = useInfiniteQuery(
    trpc.portal.licenses.infiniteQueryOptions(
      { limit: pageSize },
      { initialData: { pages: [firstPage], pageParams: [null] }, getNextPageParam: (page) => page.nextCursor },
    ),
  );
  const rows = licenses.data.pages.flatMap((page) => page.items);
  if (rows.length === 0) {
    return <EmptyState title="No licenses yet">Licenses your organisation buys appear here.</EmptyState>;
  }
  return (
    <div className="space-y-4">
      <LicenseRowsTable rows={rows} hrefFor={(licenseId) => `/portal/licenses/${licenseId}`} showCustomer={false} showFlags={false} />
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
