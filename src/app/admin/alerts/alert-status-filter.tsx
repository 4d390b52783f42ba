'use client';

import { usePathname, useRouter } from 'next/navigation';
import { useTransition } from 'react';
import { Select } from '@/components/ui/select';
import { AlertStatusName } from '@/lib/schemas/security';

const OPTIONS = [
  { value: '', label: 'Any status' },
  { value: 'OPEN', label: 'Open' },
  { value: 'ACKNOWLEDGED', label: 'Acknowledged' },
  { value: 'RESOLVED', label: 'Resolved' },
];

/** The status filter lives in the URL, so a view can be bookmarked and reloaded. */
export function AlertStatusFilter({ status }: { status?: AlertStatusName }) {
  const router = useRouter();
  const pathname = usePathname();
  const [isNavigating, startNavigation] = useTransition();
  return (
    <form role="search" aria-label="Filter alerts" aria-busy={isNavigating || undefined} onSubmit={(event) => event.preventDefault()} className="w-48">
      <Select
        label="Status"
        value={status ?? ''}
        options={OPTIONS}
        onChange={(event) => {
          const next = AlertStatusName.optional().catch(undefined).parse(event.target.value || undefined);
          startNavigation(() => router.replace(next ? `${pathname}?status=${next}` : pathname, { scroll: false }));
        }}
      />
    </form>
  );
}
