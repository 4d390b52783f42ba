'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { usePathname, useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { SearchPicker } from '@/components/search-picker';
import { useTRPC } from '@/lib/trpc/client';

/**
 * Narrows an admin page to one customer, kept in the URL's `customer` parameter so the view can be
 * bookmarked and reloaded; `current` is the customer shown now, listed even when a search drops it.
 */
export function CustomerFilter({ current }: { current: { id: string; name: string } | null }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const [isNavigating, startNavigation] = useTransition();
  const [search, setSearch] = useState('');
  const customers = useQuery({ ...trpc.users.customerOptions.queryOptions({ search: search || undefined }), placeholderData: keepPreviousData });
  const matches = (customers.data ?? []).map((customer) => ({ value: customer.id, label: customer.name }));
  const options = current && !matches.some((option) => option.value === current.id) ? [{ value: current.id, label: current.name }, ...matches] : matches;

  return (
    <div role="search" aria-label="Filter by customer" aria-busy={isNavigating || undefined} className="max-w-md">
      <SearchPicker
        label="Customer"
        searchLabel="Find a customer"
        searchHint="Part of the organisation's name."
        noun="customer"
        noneLabel="All customers"
        value={current?.id ?? ''}
        onChange={(customerId) =>
          startNavigation(() => router.replace(customerId ? `${pathname}?${new URLSearchParams({ customer: customerId })}` : pathname, { scroll: false }))
        }
        onSearchChange={setSearch}
        options={options}
        state={customers.isPending ? 'pending' : customers.isError ? 'error' : 'ready'}
        fetching={customers.isFetching}
      />
    </div>
  );
}
