'use client';

import { usePathname, useRouter } from 'next/navigation';
import { useTransition } from 'react';
import { Select } from '@/components/ui/select';
import { SubscriptionStatusName } from '@/lib/schemas/billing';

const OPTIONS = [{ value: '', label: 'Any status' }, ...SubscriptionStatusName.options.map((status) => ({ value: status, label: status.replace(/_/g, ' ') }))];

/** The status filter lives in the URL, so a filtered list can be bookmarked and reloaded. */
export function SubscriptionStatusFilter({ status }: { status?: SubscriptionStatusName }) {
  const router = useRouter();
  const pathname = usePathname();
  const [isNavigating, startNavigation] = useTransition();
  return (
    <Select
      label="Status"
      value={status ?? ''}
      options={OPTIONS}
      aria-busy={isNavigating || undefined}
      onChange={(event) => {
        const next = event.target.value;
        startNavigation(() => router.replace(next ? `${pathname}?status=${next}` : pathname, { scroll: false }));
      }}
    />
  );
}
