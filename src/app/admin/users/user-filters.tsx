'use client';

import { usePathname, useRouter } from 'next/navigation';
import { useCallback, useEffect, useState, useTransition } from 'react';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { ROLE_LABELS } from '@/components/user-badges';
import type { UserListFilter } from './users-table';

/** Typing pauses this long before the URL (and so the list) follows the search box. */
const SEARCH_DELAY_MS = 300;

const ROLE_FILTER_OPTIONS = [{ value: '', label: 'All roles' }, ...(['ADMIN', 'RESELLER', 'CUSTOMER'] as const).map((role) => ({ value: role, label: ROLE_LABELS[role] }))];
const STATUS_FILTER_OPTIONS = [
  { value: '', label: 'Any status' },
  { value: 'active', label: 'Active' },
  { value: 'disabled', label: 'Disabled' },
];

type Role = NonNullable<UserListFilter['role']>;
type Status = NonNullable<UserListFilter['status']>;

/** Search and filters live in the URL, so a filtered list can be bookmarked, shared and reloaded. */
export function UserFilters({ filter }: { filter: UserListFilter }) {
  const router = useRouter();
  const pathname = usePathname();
  const [isNavigating, startNavigation] = useTransition();
  // Local copies answer at once; the URL (and the server's list) follows.
  const [search, setSearch] = useState(filter.search ?? '');
  const [role, setRole] = useState(filter.role);
  const [status, setStatus] = useState(filter.status);

  const show = useCallback(
    (next: UserListFilter) => {
      const params = new URLSearchParams();
      if (next.search) params.set('search', next.search);
      if (next.role) params.set('role', next.role);
      if (next.status) params.set('status', next.status);
      const query = params.toString();
      startNavigation(() => router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false }));
    },
    [router, pathname],
  );

  const shownSearch = filter.search;
  useEffect(() => {
    const trimmed = search.trim() || undefined;
    if (trimmed === shownSearch) return;
    const timer = setTimeout(() => show({ search: trimmed, role, status }), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [search, shownSearch, role, status, show]);

  return (
    <form
      role="search"
      aria-label="Filter users"
      aria-busy={isNavigating || undefined}
      className="grid gap-4 sm:grid-cols-[minmax(0,2fr)_minmax(0,1fr)_minmax(0,1fr)]"
      onSubmit={(event) => {
        event.preventDefault();
        show({ search: search.trim() || undefined, role, status });
      }}
    >
      <Input label="Search users" type="search" value={search} onChange={(event) => setSearch(event.target.value)} hint="Name, email or organisation." />
      <Select
        label="Role"
        value={role ?? ''}
        options={ROLE_FILTER_OPTIONS}
        onChange={(event) => {
          const next = (event.target.value || undefined) as Role | undefined;
          setRole(next);
          show({ search: search.trim() || undefined, role: next, status });
        }}
      />
      <Select
        label="Status"
        value={status ?? ''}
        options={STATUS_FILTER_OPTIONS}
        onChange={(event) => {
          const next = (event.target.value || undefined) as Status | undefined;
          setStatus(next);
          show({ search: search.trim() || undefined, role, status: next });
        }}
      />
    </form>
  );
}
