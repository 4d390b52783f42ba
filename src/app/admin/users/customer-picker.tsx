'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { useTRPC } from '@/lib/trpc/client';

type CustomerOption = { id: string; name: string };

/** Typing pauses this long before the next search, so a name typed quickly costs one request. */
const SEARCH_DELAY_MS = 250;

/** Chooses the customer organisation of a CUSTOMER user: a name search and a select of up to 20 matches. */
export function CustomerPicker({
  value,
  onChange,
  error,
  initial = null,
}: {
  value: string;
  onChange: (customerId: string) => void;
  error?: string;
  /** The customer already chosen, shown even when the search does not list it. */
  initial?: CustomerOption | null;
}) {
  const trpc = useTRPC();
  const [search, setSearch] = useState('');
  const [appliedSearch, setAppliedSearch] = useState('');
  const [chosen, setChosen] = useState<CustomerOption | null>(initial);

  useEffect(() => {
    const timer = setTimeout(() => setAppliedSearch(search.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [search]);

  const customers = useQuery({
    ...trpc.users.customerOptions.queryOptions({ search: appliedSearch || undefined }),
    placeholderData: keepPreviousData,
  });
  const matches = customers.data ?? [];
  const options = chosen && chosen.id === value && !matches.some((customer) => customer.id === chosen.id) ? [chosen, ...matches] : matches;
  const placeholder = customers.isPending ? 'Loading customers…' : customers.isError ? 'Customers could not be loaded' : options.length > 0 ? 'Choose a customer' : 'No customer matches';

  return (
    <div className="space-y-3 rounded-md bg-slate-50 p-3">
      <Input label="Find a customer" type="search" value={search} onChange={(event) => setSearch(event.target.value)} hint="Part of the organisation's name." />
      <Select
        label="Customer"
        value={value}
        error={error}
        aria-busy={customers.isFetching || undefined}
        onChange={(event) => {
          const customerId = event.target.value;
          setChosen(options.find((customer) => customer.id === customerId) ?? null);
          onChange(customerId);
        }}
        options={[{ value: '', label: placeholder }, ...options.map((customer) => ({ value: customer.id, label: customer.name }))]}
      />
    </div>
  );
}
