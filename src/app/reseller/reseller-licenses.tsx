'use client';

import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { IssueLicenseDialog, type CustomerPickerProps } from '@/components/licensing/issue-license-dialog';
import { LicenseRowsTable, type LicenseListPage } from '@/components/licensing/license-rows-table';
import { ListFooter } from '@/components/list-footer';
import { SearchPicker } from '@/components/search-picker';
import { EmptyState } from '@/components/ui/empty-state';
import { useTRPC } from '@/lib/trpc/client';

/** The reseller's own customers only (customers.resellerList is scoped to the signed-in reseller). */
function OwnCustomerPicker({ value, onChange, error }: CustomerPickerProps) {
  const trpc = useTRPC();
  const [search, setSearch] = useState('');
  const customers = useQuery({ ...trpc.customers.resellerList.queryOptions({ search: search || undefined, limit: 20 }), placeholderData: keepPreviousData });
  return (
    <SearchPicker
      label="Customer"
      searchLabel="Find a customer"
      searchHint="Your customers only. An admin adds new customers to your account."
      noun="customer"
      value={value}
      onChange={onChange}
      onSearchChange={setSearch}
      options={(customers.data?.items ?? []).map((customer) => ({ value: customer.id, label: customer.name }))}
      state={customers.isPending ? 'pending' : customers.isError ? 'error' : 'ready'}
      fetching={customers.isFetching}
      error={error}
    />
  );
}

/** Issues a license to one of the reseller's customers; over the hourly quota, the dialog says when to try again. */
export function ResellerIssueLicense() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const issue = useMutation(trpc.licenses.issueAsReseller.mutationOptions());
  return (
    <IssueLicenseDialog
      CustomerPicker={OwnCustomerPicker}
      allowExpiry={false}
      issue={({ customerId, planId }) => issue.mutateAsync({ customerId, planId })}
      onIssued={async () => {
        await queryClient.invalidateQueries(trpc.licenses.resellerList.pathFilter());
        router.refresh();
      }}
    />
  );
}

export function ResellerLicensesTable({ pageSize, firstPage }: { pageSize: number; firstPage: LicenseListPage }) {
  const trpc = useTRPC();
  const licenses = useInfiniteQuery(
    trpc.licenses.resellerList.infiniteQueryOptions(
      { limit: pageSize },
      { initialData: { pages: [firstPage], pageParams: [null] }, getNextPageParam: (page) => page.nextCursor },
    ),
  );
  const rows = licenses.data.pages.flatMap((page) => page.items);
  if (rows.length === 0) {
    return <EmptyState title="No licenses yet">Issue a license to one of your customers.</EmptyState>;
  }
  return (
    <div className="space-y-4">
      <LicenseRowsTable rows={rows} showFlags={false} />
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
