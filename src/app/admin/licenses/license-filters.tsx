'use client';

import { usePathname, useRouter } from 'next/navigation';
import { useCallback, useEffect, useState, useTransition } from 'react';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { LicenseSort, LicenseStatusName } from '@/lib/schemas/licensing';
import { licenseFilterToParams, type LicenseListFilter } from './license-query';

/** Typing pauses this long before the URL (and so the list) follows the search box. */
const SEARCH_DELAY_MS = 300;

const STATUS_OPTIONS = [{ value: '', label: 'Any status' }, ...LicenseStatusName.options.map((status) => ({ value: status, label: status.toLowerCase() }))];
const FLAGGED_OPTIONS = [
  { value: '', label: 'Flagged or not' },
  { value: 'yes', label: 'Flagged only' },
  { value: 'no', label: 'Not flagged' },
];
const EXPIRING_DAYS = [7, 14, 30, 60, 90];
const SORT_LABELS: Record<LicenseSort, string> = {
  created_desc: 'Newest first',
  created_asc: 'Oldest first',
  expires_asc: 'Expiring soonest',
  last_validated_desc: 'Last validated',
};
const SORT_OPTIONS = LicenseSort.options.map((sort) => ({ value: sort, label: SORT_LABELS[sort] }));

/** Search, filters and sort live in the URL, so a view can be bookmarked, shared and reloaded. */
export function LicenseFilters({ filter }: { filter: LicenseListFilter }) {
  const router = useRouter();
  const pathname = usePathname();
  const [isNavigating, startNavigation] = useTransition();
  // The search box answers at once; the URL (and the server's list) follows.
  const [search, setSearch] = useState(filter.search ?? '');

  const show = useCallback(
    (next: LicenseListFilter) => {
      const query = licenseFilterToParams(next).toString();
      startNavigation(() => router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false }));
    },
    [router, pathname],
  );

  useEffect(() => {
    const trimmed = search.trim() || undefined;
    if (trimmed === filter.search) return;
    const timer = setTimeout(() => show({ ...filter, search: trimmed }), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [search, filter, show]);

  const expiringOptions = [
    { value: '', label: 'Any expiry' },
    ...[...new Set([...EXPIRING_DAYS, ...(filter.expiringWithinDays ? [filter.expiringWithinDays] : [])])]
      .sort((a, b) => a - b)
      .map((days) => ({ value: String(days), label: `Within ${days} days` })),
  ];

  return (
    <form
      role="search"
      aria-label="Filter licenses"
      aria-busy={isNavigating || undefined}
      className="grid gap-4 sm:grid-cols-2 lg:grid-cols-[minmax(0,2fr)_repeat(4,minmax(0,1fr))]"
      onSubmit={(event) => {
        event.preventDefault();
        show({ ...filter, search: search.trim() || undefined });
      }}
    >
      <Input label="Search licenses" type="search" value={search} onChange={(event) => setSearch(event.target.value)} hint="Customer, email, or the last 4 characters of the key." />
      <Select
        label="Status"
        value={filter.status ?? ''}
        options={STATUS_OPTIONS}
        onChange={(event) => show({ ...filter, search: search.trim() || undefined, status: LicenseStatusName.optional().catch(undefined).parse(event.target.value || undefined) })}
      />
      <Select
        label="Flagged"
        value={filter.flagged === undefined ? '' : filter.flagged ? 'yes' : 'no'}
        options={FLAGGED_OPTIONS}
        onChange={(event) => show({ ...filter, search: search.trim() || undefined, flagged: event.target.value === '' ? undefined : event.target.value === 'yes' })}
      />
      <Select
        label="Expiring"
        value={filter.expiringWithinDays ? String(filter.expiringWithinDays) : ''}
        options={expiringOptions}
        onChange={(event) => show({ ...filter, search: search.trim() || undefined, expiringWithinDays: event.target.value ? Number(event.target.value) : undefined })}
      />
      <Select
        label="Sort"
        value={filter.sort ?? 'created_desc'}
        options={SORT_OPTIONS}
        onChange={(event) => show({ ...filter, search: search.trim() || undefined, sort: LicenseSort.catch('created_desc').parse(event.target.value) })}
      />
    </form>
  );
}
